package io.getport.ocean.aws.credentials.doctor;

import static io.getport.ocean.aws.credentials.doctor.DoctorRun.env;
import static io.getport.ocean.aws.credentials.doctor.DoctorRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No secret key, session token, web identity token or ExternalId in anything the doctor prints or logs. */
class DoctorLeakTest {
    private static final String BASE_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String BASE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String BASE_TOKEN = "IQoJb3JpZ2luX2VjEBase+Session/Token==";
    private static final String EXTERNAL_ID = "ext-secret-7f3a9c";
    private static final String OTHER_EXTERNAL_ID = "ext-secret-per-account-5b2e";

    @Test
    void doctor_everyScenarioAndFormat_printsAndLogsNoSecret(@TempDir Path dir) {
        Jwt jwt = Jwt.forServiceAccount("port", "ocean-aws").build();
        Path tokenFile = jwt.writeTo(dir.resolve("token"));
        List<DoctorRun> runs = new ArrayList<>();
        try (FakeSts sts = FakeSts.start(); LogCapture logs = LogCapture.attach(Level.TRACE)) {
            sts.callerArn("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/ecs-task");
            Map<String, String> base = env(
                    "OCEAN_AWS_IDENTITY_SOURCE", "environment",
                    "AWS_ACCESS_KEY_ID", BASE_KEY,
                    "AWS_SECRET_ACCESS_KEY", BASE_SECRET,
                    "AWS_SESSION_TOKEN", BASE_TOKEN,
                    "OCEAN_AWS_STS_ENDPOINT", sts.endpoint().toString(),
                    "OCEAN_AWS_STS_REGION", "us-east-1",
                    "OCEAN_AWS_EXTERNAL_ID", EXTERNAL_ID,
                    "OCEAN_AWS_EXTERNAL_IDS", "444444444444=" + OTHER_EXTERNAL_ID,
                    "OCEAN_AWS_RETRY_MAX_ATTEMPTS", "1",
                    "OCEAN_AWS_ACCOUNTS", "222222222222,333333333333,444444444444");
            for (String format : new String[] {"--json", "--verbose"}) {
                sts.healthy();
                runs.add(run(base, format));
                sts.denyAssumeRole("arn:aws:iam::333333333333:role/PortOceanReadRole");
                runs.add(run(base, format));
                sts.expectExternalId("something-else");
                runs.add(run(base, format));
                sts.healthy().fail(StsError.EXPIRED_TOKEN);
                runs.add(run(base, format));
                sts.healthy().fail(StsError.THROTTLING);
                runs.add(run(base, format));
                sts.healthy();
                Map<String, String> web = env(
                        "AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                        "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/PortOceanPodRole",
                        "OCEAN_AWS_STS_ENDPOINT", sts.endpoint().toString(),
                        "OCEAN_AWS_STS_REGION", "us-east-1",
                        "OCEAN_AWS_EXTERNAL_ID", EXTERNAL_ID);
                sts.denyAssumeRole("arn:aws:iam::333333333333:role/PortOceanReadRole");
                runs.add(run(web, format, "--accounts", "222222222222,333333333333"));
                runs.add(run(env("AWS_ACCESS_KEY_ID", BASE_KEY, "AWS_SECRET_ACCESS_KEY", BASE_SECRET,
                        "AWS_SESSION_TOKEN", BASE_TOKEN), format));
            }

            Set<String> secrets = new LinkedHashSet<>(sts.issuedSecrets());
            secrets.add(BASE_SECRET);
            secrets.add(BASE_TOKEN);
            secrets.add(EXTERNAL_ID);
            secrets.add(OTHER_EXTERNAL_ID);
            secrets.add(jwt.encoded());
            assertThat(sts.issuedSecrets()).as("the scenarios issued session credentials").hasSizeGreaterThan(4);
            assertThat(runs).extracting(r -> r.exitCode).contains(0, 1, 2);
            for (DoctorRun r : runs) {
                for (String secret : secrets) {
                    assertThat(r.out).as("stdout of a run").doesNotContain(secret);
                    assertThat(r.err).as("stderr of a run").doesNotContain(secret);
                }
            }
            assertThat(logs.events()).isNotEmpty();
            logs.assertNoneContain(secrets);
        }
    }
}
