package io.getport.ocean.aws.credentials.doctor;

import static io.getport.ocean.aws.credentials.doctor.DoctorRun.env;
import static io.getport.ocean.aws.credentials.doctor.DoctorRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and careless arguments and settings given to the doctor (issue 14, "doctor and demo arguments", item 15):
 * each is invalid usage or configuration, so the doctor exits 3 (never 2 "no usable identity", never 1) with a message
 * that names the option or setting and the rule; no URL password, ExternalId or unknown option's value is printed; no
 * {@link Error} escapes; and nothing is checked with another identity (no base identity section).
 */
class DoctorArgumentsAdversarialTest {
    private static final String SECRET = "s3cret-Pa55";

    /** One input class: the environment, the arguments, and what the output must name. */
    record Case(String inputClass, Map<String, String> env, List<String> args, String names) {
        @Override
        public String toString() {
            return inputClass;
        }
    }

    private static Case arg(String inputClass, String names, String... args) {
        return new Case(inputClass, env(), List.of(args), names);
    }

    private static Case setting(String inputClass, String variable, String value, String names) {
        return new Case(inputClass, env(variable, value), List.of(), names);
    }

    static Stream<Arguments> refused() {
        List<Case> cases = new ArrayList<>();
        // --iam-endpoint
        cases.add(arg("iam endpoint file URL", "--iam-endpoint must be http(s)://host[:port]", "--iam-endpoint",
                "file:///etc/passwd"));
        cases.add(arg("iam endpoint password", "--iam-endpoint must be http(s)://host[:port]",
                "--iam-endpoint", "http://user:" + SECRET + "@127.0.0.1:4566"));
        cases.add(arg("iam endpoint password, unparsable", "--iam-endpoint must be http(s)://host[:port]",
                "--iam-endpoint=http://user:" + SECRET + "@h st"));
        cases.add(arg("iam endpoint port 0", "port 0 is not in 1-65535", "--iam-endpoint", "http://127.0.0.1:0"));
        cases.add(arg("iam endpoint port 99999", "port 99999 is not in 1-65535", "--iam-endpoint",
                "http://127.0.0.1:99999"));
        cases.add(arg("iam endpoint path", "it has a path", "--iam-endpoint", "https://iam.amazonaws.com/x"));
        cases.add(arg("iam endpoint empty", "--iam-endpoint must be", "--iam-endpoint="));
        cases.add(arg("iam endpoint control characters", "--iam-endpoint must be", "--iam-endpoint",
                "http://h\r\nX-Forged: 1"));
        cases.add(arg("iam endpoint oversized", "--iam-endpoint must be", "--iam-endpoint",
                "http://" + "h".repeat(100_000)));
        // --parallelism
        cases.add(arg("parallelism Arabic-Indic digit", "--parallelism must be a whole number of ASCII digits",
                "--parallelism", "\u0668"));
        cases.add(arg("parallelism fullwidth digit", "--parallelism must be a whole number of ASCII digits",
                "--parallelism", "\uff18"));
        cases.add(arg("parallelism zero", "--parallelism must be a whole number between 1 and 64",
                "--parallelism", "0"));
        cases.add(arg("parallelism negative", "--parallelism must be a whole number", "--parallelism=-1"));
        cases.add(arg("parallelism huge", "--parallelism must be a whole number", "--parallelism",
                "99999999999999999999999"));
        cases.add(arg("parallelism above cap", "--parallelism must be a whole number between 1 and 64",
                "--parallelism", "65"));
        cases.add(arg("parallelism wrong type", "--parallelism must be a whole number", "--parallelism", "eight"));
        cases.add(arg("parallelism empty", "--parallelism must be a whole number", "--parallelism="));
        // --accounts
        for (String bad : List.of("arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/a/",
                "arn:aws:iam::111122223333:role/" + "n".repeat(65), "arn:aws:iam::111122223333:role/a?b",
                "arn:aws:iam::111122223333:role//x")) {
            cases.add(arg("accounts role ARN IAM refuses: " + bad.substring(30, Math.min(bad.length(), 40)),
                    "--accounts takes 12-digit account IDs or IAM role ARNs", "--accounts", bad));
        }
        cases.add(arg("accounts 11 digits", "--accounts takes", "--accounts", "11112222333"));
        cases.add(arg("accounts Arabic-Indic digits", "--accounts takes", "--accounts",
                "\u0661\u0661\u0661\u0661\u0662\u0662\u0662\u0662\u0663\u0663\u0663\u0663"));
        cases.add(arg("accounts control characters", "--accounts takes", "--accounts", "111122223333\u0000x"));
        cases.add(arg("accounts oversized", "--accounts takes", "--accounts", "1".repeat(100_000)));
        // unknown options: the value may be a mistyped secret
        cases.add(arg("unknown option with a value", "unknown option(s) [--token=<value not shown>]",
                "--token=" + SECRET));
        cases.add(arg("unexpected positional argument", "unexpected argument(s) (not shown)", SECRET));
        // settings the doctor and the identity sources read
        cases.add(setting("identity source unknown", "OCEAN_AWS_IDENTITY_SOURCE", "bogus",
                "OCEAN_AWS_IDENTITY_SOURCE (ocean.aws.identitySource) must be one of auto, ec2, ecs, eks-irsa,"));
        cases.add(setting("identity source control characters", "OCEAN_AWS_IDENTITY_SOURCE", "ec2\nforged",
                "OCEAN_AWS_IDENTITY_SOURCE (ocean.aws.identitySource) must be"));
        cases.add(setting("metadata timeout wrong type", "AWS_METADATA_SERVICE_TIMEOUT", "abc",
                "AWS_METADATA_SERVICE_TIMEOUT (aws.ec2MetadataServiceTimeout) must be"));
        cases.add(setting("metadata timeout Arabic-Indic digit", "AWS_METADATA_SERVICE_TIMEOUT", "\u0665",
                "AWS_METADATA_SERVICE_TIMEOUT (aws.ec2MetadataServiceTimeout) must be"));
        cases.add(setting("IMDS endpoint ftp", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "ftp://x",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT (aws.ec2MetadataServiceEndpoint) must be http(s)://host[:port]"));
        cases.add(setting("IMDS endpoint password", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "http://u:" + SECRET + "@169.254.169.254", "AWS_EC2_METADATA_SERVICE_ENDPOINT"));
        cases.add(setting("IMDS endpoint mode", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5",
                "must be IPv4 or IPv6"));
        cases.add(setting("IAM endpoint variable password", "AWS_ENDPOINT_URL_IAM",
                "http://u:" + SECRET + "@127.0.0.1:1", "AWS_ENDPOINT_URL_IAM must be http(s)://host[:port]"));
        cases.add(setting("refresh timeout overflow", "OCEAN_AWS_REFRESH_TIMEOUT", "9223372036854775807",
                "OCEAN_AWS_REFRESH_TIMEOUT (ocean.aws.refreshTimeout) must be a duration between 1 ms and 1 h"));
        cases.add(setting("session duration ISO overflow", "OCEAN_AWS_SESSION_DURATION", "PT9223372036854775807S",
                "OCEAN_AWS_SESSION_DURATION (ocean.aws.sessionDuration) must be whole seconds between 900 s"));
        cases.add(setting("circuit open duration overflow", "OCEAN_AWS_CIRCUIT_OPEN_DURATION", "106751991167301d",
                "OCEAN_AWS_CIRCUIT_OPEN_DURATION (ocean.aws.circuitOpenDuration) must be a duration between"));
        cases.add(setting("rate limit Arabic-Indic digits", "OCEAN_AWS_STS_RATE_LIMIT", "\u0665\u0660",
                "OCEAN_AWS_STS_RATE_LIMIT (ocean.aws.stsRateLimit) must be a whole number of ASCII digits"));
        cases.add(setting("STS endpoint password", "OCEAN_AWS_STS_ENDPOINT", "http://user:" + SECRET + "@host",
                "OCEAN_AWS_STS_ENDPOINT (ocean.aws.stsEndpoint) must be http(s)://host[:port]"));
        cases.add(setting("ExternalIds with the secret in a bad entry", "OCEAN_AWS_EXTERNAL_IDS", SECRET,
                "OCEAN_AWS_EXTERNAL_IDS (ocean.aws.externalIds) entry 1 of 1 must be"));
        cases.add(setting("AWS_REGION garbage", "AWS_REGION", "garbage", "AWS_REGION must be an AWS region ID"));
        cases.add(setting("AWS_REGION FIPS", "AWS_REGION", "us-east-1-fips", "AWS_REGION must be a real region"));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void doctor_invalidArgumentOrSetting_exitThreeNamingItNoSecretNoIdentityUsed(Case c) {
        DoctorRun r = run(c.env(), c.args().toArray(new String[0]));

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        String all = (r.out + r.err).replaceAll("\\s+", " ");
        assertThat(all).as(r.toString()).contains(c.names()).doesNotContain(SECRET)
                .doesNotContain("2. Base identity").doesNotContain("3. Target accounts");
        assertThat((r.out + r.err).lines()).noneMatch(l -> l.startsWith("X-Forged") || l.startsWith("forged"));
        assertThat((r.out + r.err).lines()).allMatch(l -> l.length() < 2_000);
    }

    @Test
    void doctor_invalidSettingAsJson_exitThreeWithUsageError() {
        DoctorRun r = run(env("OCEAN_AWS_IDENTITY_SOURCE", "bogus"), "--json");

        assertThat(r.exitCode).isEqualTo(3);
        assertThat(r.out).contains("\"usageError\"").contains("OCEAN_AWS_IDENTITY_SOURCE");
    }

    @Test
    void doctor_validParallelismAndNoIdentity_stillExitTwo() {
        DoctorRun r = run(env(), "--parallelism", "64", "--accounts", "111122223333");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
    }
}
