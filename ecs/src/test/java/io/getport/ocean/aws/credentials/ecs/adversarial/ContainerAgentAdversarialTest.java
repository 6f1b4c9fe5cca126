package io.getport.ocean.aws.credentials.ecs.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.ecs.EcsIdentitySource;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/**
 * Attack surface: the ECS agent (container credentials endpoint) and its settings. Each hostile answer or setting
 * must give a clear error naming the endpoint or setting and the rule, no secret (the authorization token, issued
 * keys) in any message or log line, no hang beyond the deadline of one call (1 s here; the hang guard is generous and
 * asserts nothing about speed), no {@link Error}, and no other identity.
 */
class ContainerAgentAdversarialTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    private static final String TOKEN = "agent-authorization-token-5f2c";
    private static final String ISSUED_SECRET = "issuedSecretKeyForTheTaskRole0123456789";
    private static final String ISSUED_TOKEN = "issuedSessionTokenForTheTaskRole";

    private final MutableClock clock = MutableClock.atSystemTime();
    private final FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.ecs()
            .expectAuthorization(TOKEN);
    private final EcsIdentitySource source = new EcsIdentitySource();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        agent.close();
    }

    private Map<String, String> variables() {
        Map<String, String> v = new HashMap<>();
        v.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.credentialsUri().toString());
        v.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN);
        v.put("AWS_METADATA_SERVICE_TIMEOUT", "1");
        return v;
    }

    private IdentityContext context() {
        return new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, null, clock);
    }

    private Throwable resolveFailure(Map<String, String> variables) {
        RuntimeEnvironment env = RuntimeEnvironment.of(variables, Map.of());
        return assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() -> {
            BaseIdentity identity = source.open(env, source.detect(env, false), context());
            identity.credentialsProvider().resolveCredentials();
        }));
    }

    private static String json(String accessKeyId, String secret, String token, String expiration) {
        return "{\"AccessKeyId\":" + accessKeyId + ",\"SecretAccessKey\":" + secret + ",\"Token\":" + token
                + ",\"Expiration\":" + expiration + "}";
    }

    private static final String KEY = "\"ASIAHOSTILE\"";
    private static final String SECRET = "\"" + ISSUED_SECRET + "\"";
    private static final String SESSION = "\"" + ISSUED_TOKEN + "\"";
    private static final String LATER = "\"2099-01-01T00:00:00Z\"";

    static Stream<Arguments> hostileAnswers() {
        return Stream.of(
                Arguments.of("oversized", Fault.oversized(1 << 20), "declares 1048576 bytes, more than 65536"),
                Arguments.of("oversized chunked", Fault.chunked(200, "application/json", "{\"a\":\""
                        + "x".repeat(70_000) + "\"}"), "larger than 65536 bytes"),
                Arguments.of("truncated", Fault.closeEarly(300, "{\"AccessKeyId\":\"ASIA"), "closed"),
                Arguments.of("closing early", Fault.closeConnection(), "failed"),
                Arguments.of("slow", Fault.trickle(Duration.ofMillis(200), 200, "application/json",
                        json(KEY, SECRET, SESSION, LATER)), "no answer within 1000 ms"),
                Arguments.of("silent after headers", Fault.headersThenHang(400), "no answer within 1000 ms"),
                Arguments.of("silent", Fault.hang(), "no answer within 1000 ms"),
                Arguments.of("not JSON", Fault.status(200, "text/html", "<html>" + ISSUED_SECRET + "</html>"),
                        "answered HTTP 200 with a body that is not a JSON object"),
                Arguments.of("wrong type (array)", Fault.status(200, "application/json", "[" + SECRET + "]"),
                        "is not a JSON object"),
                Arguments.of("wrong field types", Fault.status(200, "application/json", json("1", "true", "{}",
                        LATER)), "lacks AccessKeyId, SecretAccessKey or Token"),
                Arguments.of("empty object", Fault.status(200, "application/json", "{}"), "lacks AccessKeyId"),
                Arguments.of("empty body", Fault.status(200, "application/json", ""), "is not a JSON object"),
                Arguments.of("control characters", Fault.status(200, "application/json", json(KEY,
                        "\"" + ISSUED_SECRET + "\\r\\nX-Injected: 1\"", SESSION, LATER)), "control, space or non-ASCII"),
                Arguments.of("wrong encoding", Fault.status(200, "application/json", json("\"ASIA\u00e9\u00e8\"",
                        SECRET, SESSION, LATER)), "control, space or non-ASCII"),
                Arguments.of("huge year", Fault.status(200, "application/json", json(KEY, SECRET, SESSION,
                        "\"+999999999-12-31T23:59:59Z\"")), "outside the years 1970 to 9999"),
                Arguments.of("numeric expiration", Fault.status(200, "application/json", json(KEY, SECRET, SESSION,
                        "1e999999")), "Expiration"),
                Arguments.of("deep nesting", Fault.status(200, "application/json", "[".repeat(50_000)),
                        "is not a JSON object"),
                Arguments.of("duplicate keys", Fault.status(200, "application/json", "{\"AccessKeyId\":\"A\","
                        + "\"AccessKeyId\":\"B\",\"SecretAccessKey\":" + SECRET + ",\"Token\":" + SESSION + "}"),
                        "is not a JSON object"),
                Arguments.of("bad account", Fault.status(200, "application/json", "{\"AccessKeyId\":" + KEY
                        + ",\"SecretAccessKey\":" + SECRET + ",\"Token\":" + SESSION + ",\"AccountId\":\"1e3\"}"),
                        "AccountId that is not twelve digits"),
                Arguments.of("500", Fault.status(500, "application/json", "{\"code\":\"Busy\",\"message\":\"try\"}"),
                        "answered HTTP 500 (Busy: try)"),
                Arguments.of("503", Fault.status(503), "answered HTTP 503"),
                Arguments.of("429", Fault.status(429), "answered HTTP 429"),
                Arguments.of("401 echoing the token", Fault.status(401, "application/json",
                        "{\"code\":\"Denied\",\"message\":\"bad token " + TOKEN + "\"}"),
                        "error text withheld: it quotes the token"),
                Arguments.of("403", Fault.status(403), "refused the request with HTTP 403"),
                Arguments.of("404", Fault.status(404), "answered HTTP 404"),
                Arguments.of("redirect", Fault.status(302), "answered HTTP 302"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileAnswers")
    void resolve_hostileAnswer_clearErrorNamingTheAgentWithoutSecretsOrHang(String name, Fault fault,
            String expected) {
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            agent.enqueue(fault);

            Throwable thrown = resolveFailure(variables());

            assertThat(thrown).as(name).isInstanceOf(SdkClientException.class)
                    .hasMessageContaining("The ECS agent at http://127.0.0.1:" + agent.endpoint().getPort())
                    .hasMessageContaining(expected);
            assertThat(thrown instanceof BaseIdentityException || thrown instanceof ReadRoleException).isTrue();
            assertNoSecret(thrown, logs);
            agent.releaseHangs();
        }
    }

    @Test
    void resolve_normalAnswer_credentials() {
        RuntimeEnvironment env = RuntimeEnvironment.of(variables(), Map.of());
        AwsCredentials credentials = source.open(env, source.detect(env, false), context()).credentialsProvider()
                .resolveCredentials();

        assertThat(credentials.accessKeyId()).isEqualTo(agent.currentCredentials().accessKeyId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dev/zero", "DIRECTORY", "HUGE", "EMPTY", "BINARY", "MISSING"})
    void resolve_hostileTokenFile_clearErrorNamingTheFileWithoutContentAndNoRequest(String kind) throws Exception {
        Path file = switch (kind) {
            case "DIRECTORY" -> dir;
            case "HUGE" -> Files.writeString(dir.resolve("huge"), TOKEN.repeat(2000));
            case "EMPTY" -> Files.writeString(dir.resolve("empty"), "\n");
            case "BINARY" -> Files.write(dir.resolve("binary"), new byte[] {0, 1, 2, (byte) 0xff, 'a'});
            case "MISSING" -> dir.resolve("missing");
            default -> Path.of(kind);
        };
        Map<String, String> v = variables();
        v.remove("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        v.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.toString());
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            Throwable thrown = resolveFailure(v);

            assertThat(thrown).isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + file);
            assertThat(((ReadRoleException) thrown).reason()).isEqualTo(ReadRoleException.Reason.BASE_IDENTITY_INVALID);
            assertNoSecret(thrown, logs);
            assertThat(agent.requestCount()).as("no request without a valid token").isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zq-secret\r\nX-Injected: 1", "zq-sec\u0000ret", "zq-secret\u00f6"})
    void resolve_hostileTokenVariable_refusedWithoutTheToken(String token) {
        Map<String, String> v = variables();
        v.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", token);

        Throwable thrown = resolveFailure(v);

        assertThat(thrown).isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("AWS_CONTAINER_AUTHORIZATION_TOKEN").hasMessageNotContaining("zq-sec");
        assertThat(agent.requestCount()).isZero();
    }

    /** Issue 14 item 12: the relative URI's endpoint obeys the same plain-http rule as the full URI. */
    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.7", "http://agent.example.com:51679", "http://169.254.169.254",
            "http://[fd00::1]"})
    void build_relativeUriWithPlainHttpServiceEndpointElsewhere_refusedNamingTheSettingAndRule(String endpoint) {
        RuntimeEnvironment env = RuntimeEnvironment.of(Map.of(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/secret-id",
                "AWS_CONTAINER_SERVICE_ENDPOINT", endpoint,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN), Map.of());

        Throwable thrown = assertTimeoutPreemptively(HANG_GUARD,
                () -> catchThrowable(() -> ReadRoleBroker.builder().environment(env).build()));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AWS_CONTAINER_SERVICE_ENDPOINT")
                .hasMessageContaining("plain http is allowed only to a loopback address")
                .hasMessageContaining("use https")
                .hasMessageNotContaining(TOKEN).hasMessageNotContaining("secret-id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:1", "http://169.254.170.2", "https://agent.example.com"})
    void detect_relativeUriWithAllowedServiceEndpoint_found(String endpoint) {
        RuntimeEnvironment env = RuntimeEnvironment.of(Map.of(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/id",
                "AWS_CONTAINER_SERVICE_ENDPOINT", endpoint), Map.of());

        assertThat(source.detect(env, false).found()).isTrue();
        assertThat(catchThrowable(() -> source.open(env, source.detect(env, false), context()))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AWS_CONTAINER_CREDENTIALS_FULL_URI=https://user:hunter2pass@agent.example.com/creds",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://user:hunter2pass@10.0.0.1/creds",
            "AWS_CONTAINER_SERVICE_ENDPOINT=http://user:hunter2pass@127.0.0.1:9",
            "AWS_CONTAINER_SERVICE_ENDPOINT=ftp://user:hunter2pass@127.0.0.1",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://user:hunter2pass@[::1",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=v2/hunter2pass",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=//hunter2pass.example.com/x",
            "AWS_METADATA_SERVICE_TIMEOUT=1e309"})
    void build_malformedSetting_failsNamingTheSettingWithoutThePassword(String setting) {
        String name = setting.substring(0, setting.indexOf('='));
        Map<String, String> v = new HashMap<>();
        v.put(name, setting.substring(setting.indexOf('=') + 1));
        if (name.equals("AWS_CONTAINER_SERVICE_ENDPOINT") || name.equals("AWS_METADATA_SERVICE_TIMEOUT")) {
            v.put("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/id");
        }
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            Throwable thrown = assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() ->
                    ReadRoleBroker.builder().environment(RuntimeEnvironment.of(v, Map.of())).build()));

            assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name)
                    .hasMessageNotContaining("hunter2pass");
            logs.assertNoneContain(List.of("hunter2pass"));
        }
    }

    /**
     * Issue 14 item 2, through the real broker: the ECS agent's first answer trickles (one byte every 100 ms, far
     * longer than any timeout); it must not wedge every account, and once the agent answers normally, resolutions
     * succeed. Before the fix the trickle held the base credentials' lock, and every account failed with
     * REFRESH_TIMEOUT.
     */
    @Test
    void broker_agentTricklesOnceThenAnswers_accountsResolveAfterward() {
        try (FakeSts sts = FakeSts.start(); LogCapture logs = LogCapture.attach(Level.TRACE)) {
            agent.enqueue(Fault.trickle(Duration.ofMillis(100), 200, "application/json",
                    json(KEY, SECRET, SESSION, LATER) + " ".repeat(3000)));
            Map<String, String> v = variables();
            v.put("OCEAN_AWS_IDENTITY_SOURCE", "ecs");
            try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(RuntimeEnvironment.of(v, Map.of()))
                    .stsEndpoint(sts.endpoint()).region(Region.US_EAST_1)
                    .refresh(r -> r.refreshTimeout(Duration.ofSeconds(30))).build()) {
                List<Throwable> firstRound = new ArrayList<>();
                Throwable first = assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() ->
                        broker.forAccount("222222222222").credentialsProvider().resolveCredentials()));
                if (first != null) {
                    firstRound.add(first);
                }

                for (String account : List.of("333333333333", "444444444444")) {
                    AwsCredentials c = assertTimeoutPreemptively(HANG_GUARD,
                            () -> broker.forAccount(account).credentialsProvider().resolveCredentials());
                    assertThat(c.accessKeyId()).isNotBlank();
                }
                assertThat(agent.requestCount()).as("the trickling answer was abandoned, then fetched anew")
                        .isGreaterThanOrEqualTo(2);
                for (Throwable t : firstRound) {
                    assertThat(t).isInstanceOf(ReadRoleException.class);
                    assertThat(((ReadRoleException) t).reason()).isNotEqualTo(ReadRoleException.Reason.REFRESH_TIMEOUT);
                    assertThat(t.getMessage()).doesNotContain(TOKEN);
                }
                logs.assertNoneContain(List.of(TOKEN, ISSUED_SECRET, ISSUED_TOKEN));
                logs.assertNoneContain(sts.issuedSecrets());
            }
        }
    }

    static Stream<Arguments> hostileTaskMetadata() {
        return Stream.of(
                Arguments.of(Fault.trickle(Duration.ofMillis(200), 200, "application/json", "{\"TaskARN\":\""
                        + "x".repeat(200) + "\"}"), "no answer within 1000 ms"),
                Arguments.of(Fault.headersThenHang(100), "no answer within 1000 ms"),
                Arguments.of(Fault.oversized(1 << 20), "more than 65536"),
                Arguments.of(Fault.closeEarly(100, "{"), "closed"),
                Arguments.of(Fault.status(200, "application/json", "[1]"), "not a JSON object"),
                Arguments.of(Fault.status(500), "HTTP 500"));
    }

    /** ECS task metadata is best effort: a hostile answer leaves the facts "unavailable" within the deadline. */
    @ParameterizedTest
    @MethodSource("hostileTaskMetadata")
    void open_hostileTaskMetadata_openReturnsWithTheFactUnavailable(Fault fault, String expected) {
        agent.onRequest(r -> r.path().endsWith("/task") ? fault : Fault.none());
        Map<String, String> v = variables();
        v.put("ECS_CONTAINER_METADATA_URI_V4", agent.taskMetadataUri().toString());
        RuntimeEnvironment env = RuntimeEnvironment.of(v, Map.of());

        BaseIdentity identity = assertTimeoutPreemptively(HANG_GUARD,
                () -> source.open(env, source.detect(env, false), context()));

        assertThat(identity.facts().get("taskMetadata")).startsWith("unavailable").contains(expected);
        assertThat(identity.region()).isEmpty();
        agent.releaseHangs();
    }

    @Test
    void open_taskMetadataWithControlCharactersInFacts_factsDropped() {
        agent.onRequest(r -> r.path().endsWith("/task") ? Fault.status(200, "application/json",
                "{\"TaskARN\":\"arn:aws:ecs:us-east-1:1:task/x\\u001b[2J\",\"Cluster\":\"c\"}") : Fault.none());
        Map<String, String> v = variables();
        v.put("ECS_CONTAINER_METADATA_URI_V4", agent.taskMetadataUri().toString());
        RuntimeEnvironment env = RuntimeEnvironment.of(v, Map.of());

        BaseIdentity identity = source.open(env, source.detect(env, false), context());

        assertThat(identity.facts()).doesNotContainKey("taskArn").containsEntry("cluster", "c");
    }

    private void assertNoSecret(Throwable thrown, LogCapture logs) {
        List<String> secrets = new ArrayList<>(agent.issuedSecrets());
        secrets.addAll(List.of(TOKEN, ISSUED_SECRET, ISSUED_TOKEN));
        StringBuilder all = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        for (String secret : secrets) {
            assertThat(all.toString()).doesNotContain(secret);
        }
        logs.assertNoneContain(secrets);
    }
}
