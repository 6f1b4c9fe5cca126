package io.getport.ocean.aws.credentials.eks.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
import io.getport.ocean.aws.credentials.testkit.fake.FakeImds;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack surface: the token files ({@code AWS_WEB_IDENTITY_TOKEN_FILE} for IRSA,
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} for EKS Pod Identity). Each hostile file fails {@code build()} with a
 * clear error naming the setting and the file, within the token file deadline (the hang guard asserts nothing about
 * speed), never shows the file's content, lets no {@link Error} escape, sends nothing to STS or the agent, and never
 * falls back to the node's instance role (a live fake IMDS records no credential request).
 */
class TokenFileAdversarialTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    private static final String MARKER = "zqTokenContent";

    @TempDir
    Path dir;

    private final FakeSts sts = FakeSts.start();
    private final FakeImds imds = FakeImds.start();
    private final FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.podIdentity("unused");

    @AfterEach
    void stop() {
        sts.close();
        imds.close();
        agent.close();
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private Path hostile(String kind) throws IOException {
        switch (kind) {
            case "DEV_ZERO":
                return Path.of("/dev/zero");
            case "DIRECTORY":
                return dir;
            case "MISSING":
                return dir.resolve("missing");
            case "EMPTY":
                return Files.writeString(dir.resolve("t"), "\n\n");
            case "OVERSIZED":
                return Files.writeString(dir.resolve("t"), MARKER.repeat(5000));
            case "TRUNCATED_JWT":
                return Files.writeString(dir.resolve("t"), "eyJhbGciOiJSUzI1NiJ9." + MARKER);
            case "NOT_A_JWT":
                return Files.writeString(dir.resolve("t"), MARKER);
            case "BINARY":
                return Files.write(dir.resolve("t"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 'z', 'q'});
            case "CONTROL_CHARACTERS":
                return Files.writeString(dir.resolve("t"), "a." + MARKER + "\u0007.c");
            case "TWO_LINES":
                return Files.writeString(dir.resolve("t"), "a.b.c\n" + MARKER);
            case "WRONG_ENCODING":
                return Files.write(dir.resolve("t"), ("a." + MARKER + ".c").getBytes(StandardCharsets.UTF_16));
            case "PAYLOAD_NOT_JSON":
                return Files.writeString(dir.resolve("t"), "a." + base64("[" + MARKER) + ".c");
            case "PAYLOAD_DEEP":
                return Files.writeString(dir.resolve("t"), "a." + base64("{\"a\":" + "[".repeat(5000)) + ".c");
            case "HUGE_EXP_EXPIRED":
                return Files.writeString(dir.resolve("t"), "a." + base64("{\"sub\":\"x\",\"exp\":-99999999999999}")
                        + ".c");
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    private Throwable build(Map<String, String> variables) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() -> {
            try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(RuntimeEnvironment.of(variables,
                    Map.of())).stsEndpoint(sts.endpoint()).build()) {
                broker.forAccount("222222222222").credentialsProvider().resolveCredentials();
            }
        }));
    }

    private Map<String, String> withImds(Map<String, String> v) {
        Map<String, String> all = new HashMap<>(v);
        all.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint().toString());
        all.put("AWS_METADATA_SERVICE_TIMEOUT", "2");
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"DEV_ZERO", "DIRECTORY", "MISSING", "EMPTY", "OVERSIZED", "TRUNCATED_JWT", "NOT_A_JWT",
            "BINARY", "CONTROL_CHARACTERS", "TWO_LINES", "WRONG_ENCODING", "PAYLOAD_NOT_JSON", "PAYLOAD_DEEP",
            "HUGE_EXP_EXPIRED"})
    void build_irsaWithHostileTokenFile_failsNamingTheFileWithoutContentOrFallback(String kind) throws IOException {
        Path file = hostile(kind);
        assertThat(!kind.equals("DEV_ZERO") || Files.exists(file)).as("/dev/zero exists here").isTrue();
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            Throwable thrown = build(withImds(Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", file.toString(),
                    "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/ocean-pod")));

            assertThat(thrown).as(kind).isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE=" + file)
                    .hasMessageNotContaining(MARKER);
            assertThat(((ReadRoleException) thrown).reason()).isEqualTo(ReadRoleException.Reason.BASE_IDENTITY_INVALID);
            logs.assertNoneContain(List.of(MARKER));
            assertThat(sts.requests()).as("nothing sent to STS").isEmpty();
            assertThat(imds.requests()).as("no fallback to the instance role").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"DEV_ZERO", "DIRECTORY", "MISSING", "EMPTY", "OVERSIZED", "BINARY", "CONTROL_CHARACTERS",
            "TWO_LINES", "WRONG_ENCODING"})
    void resolve_podIdentityWithHostileTokenFile_failsNamingTheFileWithoutContentOrRequest(String kind)
            throws IOException {
        Path file = hostile(kind);
        assertThat(!kind.equals("DEV_ZERO") || Files.exists(file)).as("/dev/zero exists here").isTrue();
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            Throwable thrown = build(withImds(Map.of(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                    "OCEAN_AWS_EKS_POD_IDENTITY_ENDPOINT", agent.endpoint().toString(),
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.toString())));

            assertThat(thrown).as(kind).isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + file)
                    .hasMessageNotContaining(MARKER);
            logs.assertNoneContain(List.of(MARKER));
            assertThat(agent.requestCount()).as("no request without a valid token").isZero();
            assertThat(imds.requests()).as("no fallback to the instance role").isEmpty();
        }
    }

    /** Issue 14 item 6: a FIFO without a writer fails at once instead of blocking build() forever. */
    @Test
    void build_irsaTokenFileIsAFifoWithoutWriter_failsClearlyWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            throw new AssertionError("mkfifo is not available (the project's machines are Linux with it): "
                    + e.getMessage(), e);
        }
        assertThat(mkfifo.waitFor() == 0 && Files.exists(fifo)).as("mkfifo could not make a FIFO here").isTrue();

        Throwable thrown = build(withImds(Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", fifo.toString(),
                "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/ocean-pod")));

        assertThat(thrown).isInstanceOf(ReadRoleException.class).hasMessageContaining("not a regular file")
                .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE=" + fifo);
        assertThat(imds.requests()).isEmpty();
    }

    @Test
    void build_validToken_worksAsControl() {
        Path token = Jwt.forServiceAccount("port", "ocean-aws").build().writeTempFile();

        Throwable thrown = build(Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString(),
                "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/ocean-pod"));

        assertThat(thrown).isNull();
    }
}
