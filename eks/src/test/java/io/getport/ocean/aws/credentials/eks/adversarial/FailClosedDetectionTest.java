package io.getport.ocean.aws.credentials.eks.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.fake.FakeImds;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14 items 3 and 16, with every identity source on the class path and a live fake IMDS that would answer: a
 * present but malformed runtime signal fails {@code build()} naming the setting, and the instance role is never asked
 * for credentials (fail closed). And {@code OCEAN_AWS_EXPECTED_BASE_ACCOUNT} is enforced in IRSA direct mode.
 */
class FailClosedDetectionTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    private static final String CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";

    private final FakeImds imds = FakeImds.start();
    private final Path token = Jwt.forServiceAccount("port", "ocean-aws").build().writeTempFile();

    @AfterEach
    void stop() {
        imds.close();
    }

    static Stream<Arguments> malformedSignals() {
        return Stream.of(
                Arguments.of(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.7/creds"),
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "use https"),
                Arguments.of(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "ftp://127.0.0.1/creds"),
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "must be an http or https URI"),
                Arguments.of(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://[::1/creds"),
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "must be a valid URI"),
                Arguments.of(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/credentials/x"),
                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "must be a path starting with a single '/'"),
                Arguments.of(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x",
                        "AWS_CONTAINER_SERVICE_ENDPOINT", "http://10.1.2.3"),
                        "AWS_CONTAINER_SERVICE_ENDPOINT", "use https"),
                Arguments.of(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x",
                        "AWS_METADATA_SERVICE_TIMEOUT", "abc"),
                        "AWS_METADATA_SERVICE_TIMEOUT", "must be a positive duration"),
                Arguments.of(Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token",
                        "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/ocean-pod"),
                        "AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token", "Cannot read the web identity token"),
                Arguments.of(Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", "TOKEN",
                        "AWS_ROLE_ARN", "arn:aws:iam::111111111111:user/bob"),
                        "AWS_ROLE_ARN", "must be an IAM role ARN"),
                Arguments.of(Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", "TOKEN",
                        "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/a*b"),
                        "AWS_ROLE_ARN", "must be an IAM role ARN"),
                Arguments.of(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"),
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "is not set"),
                Arguments.of(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://user:pw@169.254.170.23/v1",
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "TOKEN"),
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "must not contain user info"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedSignals")
    void build_autoWithMalformedSignalAndLiveImds_failsNamingTheSettingAndNeverAsksImds(Map<String, String> signal,
            String setting, String rule) {
        Map<String, String> v = new HashMap<>();
        signal.forEach((k, value) -> v.put(k, value.equals("TOKEN") ? token.toString() : value));
        v.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint().toString());
        v.putIfAbsent("AWS_METADATA_SERVICE_TIMEOUT", "2");

        Throwable thrown = assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() ->
                ReadRoleBroker.builder().environment(RuntimeEnvironment.of(v, Map.of())).build().close()));

        assertThat(thrown).isNotNull();
        assertThat(thrown.getMessage()).contains(setting, rule).doesNotContain(":pw@");
        assertThat(thrown).isInstanceOfAny(IllegalArgumentException.class, ReadRoleException.class);
        assertThat(imds.requests()).as("the instance role is never used in place of a malformed signal")
                .noneMatch(r -> r.path().startsWith(CREDENTIALS_PATH));
    }

    @Test
    void build_autoWithNoSignalAndLiveImds_usesTheInstanceRoleAsControl() {
        Map<String, String> v = Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint().toString(),
                "AWS_METADATA_SERVICE_TIMEOUT", "2");

        try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(RuntimeEnvironment.of(v, Map.of()))
                .build()) {
            assertThat(broker.identity().source()).isEqualTo("ec2");
        }
    }

    /** Issue 14 item 16: IRSA direct mode (AWS_ROLE_ARN names the read role) in another account is refused. */
    @Test
    void build_irsaDirectModeRoleInAnotherAccount_failsNamingBothAccounts() {
        try (FakeSts sts = FakeSts.start()) {
            Map<String, String> v = Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString(),
                    "AWS_ROLE_ARN", "arn:aws:iam::999999999999:role/PortOceanReadRole",
                    "OCEAN_AWS_EXPECTED_BASE_ACCOUNT", "111111111111");

            Throwable thrown = catchThrowable(() -> ReadRoleBroker.builder()
                    .environment(RuntimeEnvironment.of(v, Map.of())).stsEndpoint(sts.endpoint()).build().close());

            assertThat(thrown).isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining("999999999999").hasMessageContaining("111111111111")
                    .hasMessageContaining("OCEAN_AWS_EXPECTED_BASE_ACCOUNT");
            assertThat(((ReadRoleException) thrown).reason()).isEqualTo(ReadRoleException.Reason.NOT_ALLOWED);
            assertThat(sts.requests()).as("no credentials were obtained").isEmpty();
        }
    }

    @Test
    void build_irsaDirectModeRoleInTheExpectedAccount_works() {
        try (FakeSts sts = FakeSts.start()) {
            Map<String, String> v = Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString(),
                    "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/PortOceanReadRole",
                    "OCEAN_AWS_EXPECTED_BASE_ACCOUNT", "111111111111");

            try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(RuntimeEnvironment.of(v, Map.of()))
                    .stsEndpoint(sts.endpoint()).build()) {
                assertThat(broker.identity().facts()).containsEntry("irsaMode", "direct");
                assertThat(broker.forAccount("222222222222").credentialsProvider().resolveCredentials()
                        .accessKeyId()).isNotBlank();
            }
        }
    }
}
