package io.getport.ocean.aws.credentials.eks.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.eks.EksPodIdentitySource;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/**
 * Attack surface: the EKS Pod Identity agent. Each hostile answer gives a clear error naming the agent within the
 * deadline of one call (1 s here; the hang guard asserts nothing about speed), never the service account token or
 * issued credentials, never an {@link Error}.
 */
class PodIdentityAgentAdversarialTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    private static final String SECRET = "podIdentityIssuedSecret0123456789";

    private final MutableClock clock = MutableClock.atSystemTime();
    private final Jwt jwt = Jwt.forServiceAccount("port", "ocean-aws").audience("pods.eks.amazonaws.com").build();
    private final Path tokenFile = jwt.writeTempFile();
    private final FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.podIdentity(jwt.encoded());
    private final EksPodIdentitySource source = new EksPodIdentitySource();

    @AfterEach
    void stop() {
        agent.releaseHangs();
        agent.close();
    }

    private Map<String, String> variables() {
        Map<String, String> v = new HashMap<>();
        v.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials");
        v.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString());
        v.put("OCEAN_AWS_EKS_POD_IDENTITY_ENDPOINT", agent.endpoint().toString());
        v.put("AWS_METADATA_SERVICE_TIMEOUT", "1");
        return v;
    }

    private Throwable resolveFailure(Map<String, String> variables) {
        RuntimeEnvironment env = RuntimeEnvironment.of(variables, Map.of());
        IdentityContext context = new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, null, clock);
        return assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() -> {
            BaseIdentity identity = source.open(env, source.detect(env, false), context);
            identity.credentialsProvider().resolveCredentials();
        }));
    }

    static Stream<Arguments> hostileAnswers() {
        String body = "{\"AccessKeyId\":\"ASIAPOD\",\"SecretAccessKey\":\"" + SECRET + "\",\"Token\":\"t\","
                + "\"Expiration\":\"2099-01-01T00:00:00Z\"}";
        return Stream.of(
                Arguments.of("slow", Fault.trickle(Duration.ofMillis(200), 200, "application/json", body),
                        "no answer within 1000 ms"),
                Arguments.of("silent after headers", Fault.headersThenHang(200), "no answer within 1000 ms"),
                Arguments.of("silent", Fault.hang(), "no answer within 1000 ms"),
                Arguments.of("oversized", Fault.oversized(1 << 20), "more than 65536"),
                Arguments.of("truncated", Fault.closeEarly(200, "{\"AccessKeyId\""), "closed"),
                Arguments.of("closing early", Fault.closeConnection(), "failed"),
                Arguments.of("not JSON", Fault.status(200, "text/plain", SECRET), "is not a JSON object"),
                Arguments.of("wrong types", Fault.status(200, "application/json",
                        "{\"AccessKeyId\":[],\"SecretAccessKey\":{},\"Token\":1}"), "lacks AccessKeyId"),
                Arguments.of("control characters", Fault.status(200, "application/json",
                        body.replace(SECRET, SECRET + "\\u001b[2J")), "control, space or non-ASCII"),
                Arguments.of("huge year", Fault.status(200, "application/json",
                        body.replace("2099-01-01T00:00:00Z", "+99999-01-01T00:00:00Z")), "outside the years"),
                Arguments.of("500", Fault.status(500), "answered HTTP 500"),
                Arguments.of("401", Fault.status(401), "refused the service account token"),
                Arguments.of("403 echoing the token", Fault.status(403, "application/json",
                        "{\"Message\":\"bad " + "TOKEN" + "\"}"), "HTTP 403"),
                Arguments.of("400", Fault.status(400), "answered HTTP 400"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileAnswers")
    void resolve_hostileAnswer_clearErrorNamingTheAgentWithoutSecrets(String name, Fault fault, String expected) {
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            if (name.equals("403 echoing the token")) {
                fault = Fault.status(403, "application/json", "{\"Message\":\"bad " + jwt.encoded() + "\"}");
            }
            agent.enqueue(fault);

            Throwable thrown = resolveFailure(variables());

            assertThat(thrown).as(name).isInstanceOf(SdkClientException.class)
                    .hasMessageContaining("EKS Pod Identity agent at http://169.254.170.23/v1/credentials")
                    .hasMessageContaining(expected);
            assertThat(thrown instanceof BaseIdentityException || thrown instanceof ReadRoleException).isTrue();
            List<String> secrets = new ArrayList<>(agent.issuedSecrets());
            secrets.add(SECRET);
            secrets.add(jwt.encoded());
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

    @Test
    void resolve_normalAnswer_credentialsAsControl() {
        RuntimeEnvironment env = RuntimeEnvironment.of(variables(), Map.of());
        IdentityContext context = new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, null, clock);

        assertThat(source.open(env, source.detect(env, false), context).credentialsProvider().resolveCredentials()
                .accessKeyId()).isEqualTo(agent.currentCredentials().accessKeyId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://admin:hunter2pass@127.0.0.1:9", "http://10.0.0.1:80", "https://127.0.0.1",
            "http://127.0.0.1:9/path?sig=hunter2pass"})
    void open_hostileEndpointOverride_refusedNamingTheSettingWithoutThePassword(String override) throws Exception {
        Map<String, String> v = variables();
        v.put("OCEAN_AWS_EKS_POD_IDENTITY_ENDPOINT", override);

        Throwable thrown = resolveFailure(v);

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OCEAN_AWS_EKS_POD_IDENTITY_ENDPOINT").hasMessageNotContaining("hunter2pass");
        assertThat(agent.requestCount()).isZero();
        assertThat(Files.exists(tokenFile)).isTrue();
    }
}
