package io.getport.ocean.aws.credentials.doctor;

import static io.getport.ocean.aws.credentials.doctor.DoctorRun.env;
import static io.getport.ocean.aws.credentials.doctor.DoctorRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** Failures moto cannot show, against the protocol-level STS fake: each gets its own explanation. */
class DoctorFakeStsTest {
    static final String A = "222222222222";
    static final String B = "333333333333";
    static final String BASE_KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String BASE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String EXTERNAL_ID = "ext-id-value-31337";

    private FakeSts sts;

    @BeforeEach
    void start() {
        sts = FakeSts.start();
    }

    @AfterEach
    void stop() {
        sts.close();
    }

    private Map<String, String> stsEnv(String... more) {
        Map<String, String> env = env(
                "OCEAN_AWS_IDENTITY_SOURCE", "environment",
                "AWS_ACCESS_KEY_ID", BASE_KEY,
                "AWS_SECRET_ACCESS_KEY", BASE_SECRET,
                "OCEAN_AWS_STS_ENDPOINT", sts.endpoint().toString(),
                "OCEAN_AWS_STS_REGION", "us-east-1",
                "OCEAN_AWS_RETRY_MAX_ATTEMPTS", "1",
                "OCEAN_AWS_RETRY_BASE_DELAY", "5ms");
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static List<String> causes(JsonNode account) {
        return account.field("diagnosis").get().field("causes").get().asArray().stream()
                .map(c -> c.field("id").get().asString()).collect(Collectors.toList());
    }

    private static JsonNode account(DoctorRun r, int i) {
        return r.json().field("accounts").get().asArray().get(i);
    }

    @Test
    void doctor_externalIdMismatch_explainsExternalIdWithoutPrintingIt() {
        sts.expectExternalId("the-value-in-the-trust-policy");

        DoctorRun text = run(stsEnv("OCEAN_AWS_EXTERNAL_IDS", B + "=" + EXTERNAL_ID), "--accounts", A + "," + B);
        DoctorRun json = run(stsEnv("OCEAN_AWS_EXTERNAL_IDS", B + "=" + EXTERNAL_ID), "--json", "--accounts",
                A + "," + B);

        assertThat(text.exitCode).as(text.toString()).isEqualTo(1);
        // A sends no ExternalId and is denied as well: both are explained, each in its own terms.
        assertThat(text.flat())
                .contains("An ExternalId is configured for account " + B + " (OCEAN_AWS_EXTERNAL_ID or"
                        + " OCEAN_AWS_EXTERNAL_IDS) and sent with every AssumeRole.")
                .contains("No ExternalId is configured for account " + A + ".")
                .contains("\"Condition\": { \"StringEquals\": { \"sts:ExternalId\": \"YOUR_EXTERNAL_ID\" } }")
                .doesNotContain(EXTERNAL_ID, "the-value-in-the-trust-policy");
        assertThat(causes(account(json, 1))).contains("EXTERNAL_ID_MISMATCH");
        assertThat(json.out).doesNotContain(EXTERNAL_ID);
    }

    @Test
    void doctor_externalIdMismatchOtherAccountsFine_externalIdRankedRightAfterTrust() {
        sts.denyAssumeRole("arn:aws:iam::" + B + ":role/PortOceanReadRole");

        DoctorRun r = run(stsEnv("OCEAN_AWS_EXTERNAL_ID", EXTERNAL_ID), "--json", "--accounts", A + "," + B);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(causes(account(r, 1))).startsWith("TRUST_POLICY", "EXTERNAL_ID_MISMATCH", "ROLE_MISSING");
    }

    @Test
    void doctor_roleChainingLimitOnAssumeRole_explainsOneHourCap() {
        sts.onRequest(request -> request.action().filter("AssumeRole"::equals).isPresent()
                ? io.getport.ocean.aws.credentials.testkit.fake.Fault.status(400, "text/xml",
                        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                                + "<Code>ValidationError</Code><Message>The requested DurationSeconds exceeds the 1"
                                + " hour session limit for roles assumed by role chaining.</Message></Error>"
                                + "<RequestId>1</RequestId></ErrorResponse>")
                : io.getport.ocean.aws.credentials.testkit.fake.Fault.none());
        sts.callerArn("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/ecs-task");

        DoctorRun r = run(stsEnv("AWS_SESSION_TOKEN", "base-session-token-value-42"), "--json", "--accounts", A);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        JsonNode a = account(r, 0);
        assertThat(a.field("diagnosis").get().field("probableCause").get().asString())
                .isEqualTo("ROLE_CHAINING_DURATION");
        assertThat(a.field("diagnosis").get().field("causes").get().asArray().get(0).field("explanation").get()
                .asString()).contains("role chaining, which STS caps at 1 hour (3600 s)",
                        "OCEAN_AWS_SESSION_DURATION=3600");
        JsonNode base = r.json().field("baseIdentity").get();
        assertThat(base.field("roleChaining").get().asBoolean()).isTrue();
        assertThat(base.field("arn").get().asString())
                .isEqualTo("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/ecs-task");
        assertThat(r.out).doesNotContain("base-session-token-value-42");
    }

    @Test
    void doctor_durationAboveRoleMaximum_explainsMaxSessionDuration() {
        sts.maxSessionDuration(java.time.Duration.ofHours(1));

        DoctorRun r = run(stsEnv("OCEAN_AWS_SESSION_DURATION", "7200"), "--accounts", A);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.flat())
                .contains("Probable cause: the session duration exceeds the read role's maximum session duration.")
                .contains("aws iam update-role --role-name PortOceanReadRole --max-session-duration 7200")
                .contains("session duration: 7200 s (OCEAN_AWS_SESSION_DURATION=7200)");
    }

    @Test
    void doctor_regionDisabled_explainsRegionActivation() {
        sts.onRequest(request -> request.action().filter("AssumeRole"::equals).isPresent()
                ? io.getport.ocean.aws.credentials.testkit.fake.Fault.status(403, "text/xml",
                        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                                + "<Code>RegionDisabledException</Code><Message>STS is not activated in this region for"
                                + " account:" + A + ".</Message></Error><RequestId>1</RequestId></ErrorResponse>")
                : io.getport.ocean.aws.credentials.testkit.fake.Fault.none());

        DoctorRun r = run(stsEnv(), "--accounts", A);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.flat()).contains("Probable cause: STS is not activated in this region.",
                "set OCEAN_AWS_STS_REGION to an active region");
    }

    @Test
    void doctor_stsThrottlingOnAssumeRole_explainsUnavailable() {
        sts.onRequest(request -> request.action().filter("AssumeRole"::equals).isPresent()
                ? io.getport.ocean.aws.credentials.testkit.fake.Fault.status(400, "text/xml",
                        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                                + "<Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
                                + "<RequestId>1</RequestId></ErrorResponse>")
                : io.getport.ocean.aws.credentials.testkit.fake.Fault.none());

        DoctorRun r = run(stsEnv(), "--json", "--accounts", A);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        JsonNode a = account(r, 0);
        assertThat(a.field("error").get().field("reason").get().asString()).isEqualTo("STS_UNAVAILABLE");
        assertThat(a.field("diagnosis").get().field("probableCause").get().asString()).isEqualTo("STS_UNAVAILABLE");
        assertThat(a.field("diagnosis").get().field("fixes").get().asArray()).isEmpty();
    }

    @Test
    void doctor_stsUnreachable_exitTwo() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Map<String, String> env = stsEnv("OCEAN_AWS_STS_ENDPOINT", "http://127.0.0.1:" + closedPort,
                "OCEAN_AWS_STS_CALL_TIMEOUT", "2s");

        DoctorRun r = run(env, "--json", "--accounts", A);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        JsonNode base = r.json().field("baseIdentity").get();
        assertThat(base.field("verified").get().asBoolean()).isFalse();
        assertThat(base.field("error").get().field("reason").get().asString()).isEqualTo("STS_UNAVAILABLE");
        assertThat(base.field("error").get().field("explanation").get().asString())
                .contains("GetCallerIdentity did not succeed at http://127.0.0.1:" + closedPort);
        assertThat(r.json().field("accounts").get().asArray()).isEmpty();
        assertThat(r.json().field("status").get().asString()).isEqualTo("NO_IDENTITY");
    }

    @Test
    void doctor_roleArnTargets_checksThoseRolesAndPrintsTheirTrustPolicy() {
        String custom = "arn:aws:iam::555555555555:role/team/CustomReader";
        String denied = "arn:aws:iam::666666666666:role/team/CustomReader";
        sts.denyAssumeRole(denied);

        DoctorRun r = run(stsEnv(), "--json", "--accounts", custom + "," + denied);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        List<JsonNode> accounts = r.json().field("accounts").get().asArray();
        assertThat(accounts.get(0).field("roleArn").get().asString()).isEqualTo(custom);
        assertThat(accounts.get(0).field("status").get().asString()).isEqualTo("OK");
        assertThat(accounts.get(0).field("assumedRoleArn").get().asString())
                .startsWith("arn:aws:sts::555555555555:assumed-role/CustomReader/");
        JsonNode failed = accounts.get(1);
        assertThat(failed.field("accountId").get().asString()).isEqualTo("666666666666");
        List<JsonNode> fixes = failed.field("diagnosis").get().field("fixes").get().asArray();
        assertThat(fixes.get(0).field("appliesTo").get().asString()).isEqualTo(denied);
        assertThat(fixes.get(1).field("policy").get().field("Statement").get().asArray().get(0).field("Resource")
                .get().asString()).isEqualTo("arn:aws:iam::*:role/team/CustomReader");
    }

    @Test
    void doctor_noAccounts_identityOnlyExitZero() {
        DoctorRun r = run(stsEnv());

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.flat()).contains("3. Target accounts: none given (use --accounts or set OCEAN_AWS_ACCOUNTS)",
                "Result: identity OK; no target accounts checked (exit code 0)");
    }

    @Test
    void doctor_badAccountId_exitThree() {
        DoctorRun r = run(stsEnv(), "--accounts", "12345");

        assertThat(r.exitCode).isEqualTo(3);
        assertThat(r.flat()).contains("Invalid usage or configuration: --accounts takes 12-digit account IDs or IAM"
                + " role ARNs, comma separated; entry 1: ", "'12345'");
        assertThat(sts.requestCount()).isZero();
    }

    @Test
    void doctor_badSetting_exitThreeNamingIt() {
        DoctorRun r = run(stsEnv("OCEAN_AWS_SESSION_DURATION", "forever"), "--accounts", A);

        assertThat(r.exitCode).isEqualTo(3);
        assertThat(r.flat()).contains("Invalid usage or configuration: ", "OCEAN_AWS_SESSION_DURATION")
                .doesNotContain("1. Identity source");
    }

    @Test
    void doctor_unknownOption_exitThreeWithUsage() {
        DoctorRun r = run(stsEnv(), "--no-such-option");

        assertThat(r.exitCode).isEqualTo(3);
        assertThat(r.err).contains("unknown option(s) [--no-such-option]", "Run ocean-aws-doctor --help");
    }

    @Test
    void doctor_help_exitZero() {
        DoctorRun r = run(stsEnv(), "--help");

        assertThat(r.exitCode).isZero();
        assertThat(r.out).contains("Usage: ocean-aws-doctor", "--accounts", "--json", "--verify-read-only",
                "Exit codes: 0 all OK; 1 some accounts failed; 2 no usable identity");
    }
}
