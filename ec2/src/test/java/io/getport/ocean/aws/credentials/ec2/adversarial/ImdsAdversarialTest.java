package io.getport.ocean.aws.credentials.ec2.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.ec2.Ec2IdentitySource;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeImds;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import io.getport.ocean.aws.credentials.testkit.fake.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/**
 * Attack surface: the EC2 instance metadata service (IMDSv2) and its settings. A slow, silent, oversized, truncated
 * or malformed answer to the token PUT, the role listing or the credentials GET must give a clear error naming IMDS
 * and its endpoint within the deadline of one call (1 s here; the hang guard asserts nothing about speed), never the
 * IMDS token or issued credentials, never an {@link Error}; {@code build()} (pinned and auto) must return.
 */
class ImdsAdversarialTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    private static final String TOKEN_PATH = "/latest/api/token";
    private static final String LISTING = "/latest/meta-data/iam/security-credentials/";
    private static final String CREDENTIALS = LISTING + FakeImds.DEFAULT_ROLE_NAME;
    private static final String SECRET = "imdsIssuedSecretKey0123456789abcdef";
    private static final String LATER = "\"2099-01-01T00:00:00Z\"";

    private final MutableClock clock = MutableClock.atSystemTime();
    private final FakeImds imds = FakeImds.start();
    private final Ec2IdentitySource source = new Ec2IdentitySource();

    @AfterEach
    void stop() {
        imds.releaseHangs();
        imds.close();
    }

    private Map<String, String> variables() {
        Map<String, String> v = new HashMap<>();
        v.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint().toString());
        v.put("AWS_METADATA_SERVICE_TIMEOUT", "1");
        return v;
    }

    private RuntimeEnvironment env() {
        return RuntimeEnvironment.of(variables(), Map.of());
    }

    private IdentityContext context() {
        return new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, null, clock);
    }

    private void onPath(String method, String path, Fault fault) {
        Predicate<RecordedRequest> match = r -> r.method().equals(method) && r.path().equals(path);
        imds.onRequest(r -> match.test(r) ? fault : Fault.none());
    }

    private static String json(String key, String secret, String token, String expiration) {
        return "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":" + key + ",\"SecretAccessKey\":" + secret
                + ",\"Token\":" + token + ",\"Expiration\":" + expiration + "}";
    }

    static Stream<Arguments> hostileTokenAnswers() {
        return Stream.of(
                Arguments.of("slow", Fault.trickle(Duration.ofMillis(200), 200, "text/plain", "A".repeat(56)),
                        "no answer within 1000 ms"),
                Arguments.of("silent after headers", Fault.headersThenHang(56), "no answer within 1000 ms"),
                Arguments.of("silent", Fault.hang(), "no answer within 1000 ms"),
                Arguments.of("oversized", Fault.status(200, "text/plain", "A".repeat(70_000)), "more than 65536"),
                Arguments.of("huge token", Fault.status(200, "text/plain", "A".repeat(5000)), "no usable token"),
                Arguments.of("control characters", Fault.status(200, "text/plain", "tok\r\nX-Injected: 1"),
                        "no usable token"),
                Arguments.of("wrong encoding", Fault.status(200, "text/plain", "t\u00f6ken"), "no usable token"),
                Arguments.of("empty", Fault.status(200, "text/plain", ""), "no usable token"),
                Arguments.of("truncated", Fault.closeEarly(56, "AQAE"), "closed"),
                Arguments.of("closing early", Fault.closeConnection(), "IMDSv2 token request"),
                Arguments.of("500", Fault.status(500), "answered HTTP 500"),
                Arguments.of("403", Fault.status(403), "answered HTTP 403"),
                Arguments.of("400", Fault.status(400), "answered HTTP 400"),
                Arguments.of("401", Fault.status(401), "answered HTTP 401"));
    }

    /** Issue 14 item 1: detection (auto and pinned) and build() return within the deadline, naming IMDS. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTokenAnswers")
    void detectAndBuild_hostileTokenAnswer_notUsableWithAClearReasonAndNoCredentialRequest(String name, Fault fault,
            String expected) {
        onPath("PUT", TOKEN_PATH, fault);
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            Detection auto = assertTimeoutPreemptively(HANG_GUARD, () -> source.detect(env(), false));
            assertThat(auto.found()).as(name).isFalse();
            assertThat(auto.reason()).contains(imds.endpoint().toString(), expected);

            Map<String, String> pinned = variables();
            pinned.put("OCEAN_AWS_IDENTITY_SOURCE", "ec2");
            for (Map<String, String> v : List.of(variables(), pinned)) {
                Throwable thrown = assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() ->
                        ReadRoleBroker.builder().environment(RuntimeEnvironment.of(v, Map.of())).build()));
                assertThat(thrown).isInstanceOf(ReadRoleException.class).hasMessageContaining(expected);
                assertThat(((ReadRoleException) thrown).reason()).isEqualTo(ReadRoleException.Reason.NO_IDENTITY);
            }
            assertThat(imds.requests()).noneMatch(r -> r.path().startsWith(LISTING));
            logs.assertNoneContain(imds.issuedSecrets());
        }
    }

    static Stream<Arguments> hostileCredentialAnswers() {
        String key = "\"ASIAIMDS\"";
        String secret = "\"" + SECRET + "\"";
        String token = "\"imdsSessionToken\"";
        return Stream.of(
                Arguments.of("slow", Fault.trickle(Duration.ofMillis(200), 200, "application/json",
                        json(key, secret, token, LATER)), "no answer within 1000 ms"),
                Arguments.of("silent after headers", Fault.headersThenHang(300), "no answer within 1000 ms"),
                Arguments.of("silent", Fault.hang(), "no answer within 1000 ms"),
                Arguments.of("oversized", Fault.oversized(2 << 20), "more than 65536"),
                Arguments.of("truncated", Fault.closeEarly(300, "{\"Code\":"), "closed"),
                Arguments.of("closing early", Fault.closeConnection(), "did not answer GET"),
                Arguments.of("not JSON", Fault.status(200, "text/plain", SECRET), "is not a JSON object"),
                Arguments.of("wrong type", Fault.status(200, "application/json", "\"" + SECRET + "\""),
                        "is not a JSON object"),
                Arguments.of("wrong field types", Fault.status(200, "application/json", json("[]", "1", "null",
                        LATER)), "lacks AccessKeyId"),
                Arguments.of("control characters", Fault.status(200, "application/json", json(key,
                        "\"" + SECRET + "\\u0007\"", token, LATER)), "control, space or non-ASCII"),
                Arguments.of("huge year", Fault.status(200, "application/json", json(key, secret, token,
                        "\"+1000000000-01-01T00:00:00Z\"")), "Expiration"),
                Arguments.of("huge number", Fault.status(200, "application/json", json(key, secret, token,
                        "1" + "0".repeat(500))), "parser's limits"),
                Arguments.of("code not success", Fault.status(200, "application/json",
                        "{\"Code\":\"AssumeRoleUnauthorizedAccess\"}"), "Code=AssumeRoleUnauthorizedAccess"),
                Arguments.of("code with control characters", Fault.status(200, "application/json",
                        "{\"Code\":\"Bad\\u0000Code\"}"), "Code=(not printable)"),
                Arguments.of("500", Fault.status(500), "answered HTTP 500"),
                Arguments.of("403", Fault.status(403), "answered HTTP 403"),
                Arguments.of("401 always", Fault.status(401), "401"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileCredentialAnswers")
    void resolve_hostileCredentialsAnswer_clearErrorNamingImdsWithoutSecrets(String name, Fault fault,
            String expected) {
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            BaseIdentity identity = source.open(env(), source.detect(env(), true), context());
            onPath("GET", CREDENTIALS, fault);

            Throwable thrown = assertTimeoutPreemptively(HANG_GUARD,
                    () -> catchThrowable(() -> identity.credentialsProvider().resolveCredentials()));

            assertThat(thrown).as(name).isInstanceOf(SdkClientException.class)
                    .hasMessageContaining("instance metadata service at " + imds.endpoint())
                    .hasMessageContaining(expected);
            assertThat(thrown instanceof BaseIdentityException || thrown instanceof ReadRoleException).isTrue();
            assertNoSecret(thrown, logs);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc", "role%zz", "r?x", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void resolve_listingIsNotARoleName_clearErrorAndNoFurtherRequest(String listing) {
        BaseIdentity identity = source.open(env(), source.detect(env(), true), context());
        onPath("GET", LISTING, Fault.status(200, "text/plain", listing));

        Throwable thrown = assertTimeoutPreemptively(HANG_GUARD,
                () -> catchThrowable(() -> identity.credentialsProvider().resolveCredentials()));

        assertThat(thrown).isInstanceOf(SdkClientException.class).hasMessageContaining("not an IAM role name");
        assertThat(imds.requests()).noneMatch(r -> r.path().startsWith(LISTING) && r.path().length() > LISTING.length());
    }

    @Test
    void resolve_listingTrickles_failsWithinTheDeadline() {
        BaseIdentity identity = source.open(env(), source.detect(env(), true), context());
        onPath("GET", LISTING, Fault.trickle(Duration.ofMillis(300), 200, "text/plain", "PortOceanTaskRole"));

        Throwable thrown = assertTimeoutPreemptively(HANG_GUARD,
                () -> catchThrowable(() -> identity.credentialsProvider().resolveCredentials()));

        assertThat(thrown).isInstanceOf(BaseIdentityException.class).hasMessageContaining("no answer within 1000 ms");
        assertThat(((BaseIdentityException) thrown).component()).isEqualTo("IMDS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AWS_EC2_METADATA_SERVICE_ENDPOINT=http://admin:hunter2pass@169.254.169.254",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT=ftp://admin:hunter2pass@x",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://169.254.169.254/latest?p=hunter2pass",
            "AWS_METADATA_SERVICE_TIMEOUT=abc",
            "AWS_METADATA_SERVICE_TIMEOUT=99999999999999999999",
            "AWS_EC2_METADATA_DISABLED=maybe",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv5"})
    void build_malformedSetting_failsNamingItInsteadOfNoIdentity(String setting) {
        String name = setting.substring(0, setting.indexOf('='));
        Map<String, String> v = new HashMap<>();
        v.put(name, setting.substring(setting.indexOf('=') + 1));
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            Throwable thrown = assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() ->
                    ReadRoleBroker.builder().environment(RuntimeEnvironment.of(v, Map.of())).build()));

            assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name)
                    .hasMessageNotContaining("hunter2pass");
            logs.assertNoneContain(List.of("hunter2pass"));
        }
    }

    private void assertNoSecret(Throwable thrown, LogCapture logs) {
        List<String> secrets = new ArrayList<>(imds.issuedSecrets());
        secrets.add(SECRET);
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
