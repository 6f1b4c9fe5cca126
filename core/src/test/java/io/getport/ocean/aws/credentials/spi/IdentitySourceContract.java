package io.getport.ocean.aws.credentials.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The contract every {@link IdentitySource} passes, whatever its runtime: detected and not detected with a reason that
 * names the signals, base credentials resolved from the runtime's endpoint, tokens re-read after rotation, cached
 * credentials served through a failed refresh, endpoint failures (5xx, 401, timeout) turned into clear errors, and no
 * secret or token in any message, log line, fact or {@code toString()}.
 *
 * <p>A platform module's test extends it and supplies a {@link RuntimeFixture}: that runtime's signals in a
 * {@link RuntimeEnvironment}, backed by a protocol fake from the test kit on {@code 127.0.0.1}, and a
 * {@link MutableClock} shared by the fake and the {@link IdentityContext}, so that expiry is driven without waiting.
 *
 * <pre>{@code
 * class EcsIdentitySourceContractTest extends IdentitySourceContract {
 *     protected IdentitySource source() { return new EcsIdentitySource(); }
 *     ...
 * }
 * }</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class IdentitySourceContract {

    /** The endpoint failures every source must explain. */
    protected enum EndpointFailure {
        /** The endpoint answers 5xx (or STS an internal failure): recoverable. */
        SERVER_ERROR,
        /** The endpoint refuses the caller's token (401/403, or STS rejects the web identity token). */
        UNAUTHORIZED,
        /** The endpoint does not answer within the configured timeout. */
        TIMEOUT
    }

    /** One runtime for one test: its signals, a live endpoint, and the knobs the contract turns. */
    protected interface RuntimeFixture extends AutoCloseable {

        /** The environment with this runtime's signals, pointing at the live endpoint, with a short call timeout. */
        RuntimeEnvironment environment();

        /** The clock shared by the endpoint and {@link #context()}. */
        MutableClock clock();

        /** What core would pass to {@code open} (read role, STS region and endpoint, {@link #clock()}). */
        IdentityContext context();

        /** The access key ID of the credentials the endpoint served last (or serves now). */
        String servedAccessKeyId();

        /** Makes the endpoint hand out new credentials from now on (a no-op where every answer is new anyway). */
        void rotateCredentials();

        /** Rotates the token the runtime gives the process (a rewritten token file, expired IMDS tokens). */
        void rotateToken();

        /** Whether the endpoint's last credentials request carried the token as it is after the last rotation. */
        boolean lastRequestUsedCurrentToken();

        /** Makes the next credentials request fail this way. */
        void failNext(EndpointFailure failure);

        /** Every secret this runtime handled: secret keys, session tokens, authorization and web identity tokens. */
        Set<String> secrets();

        /** Stops the endpoint (releasing hung requests) and deletes files. */
        @Override
        void close();
    }

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** The source under test, as {@link java.util.ServiceLoader} would create it. */
    protected abstract IdentitySource source();

    /** The documented id, e.g. {@code ecs}. */
    protected abstract String expectedId();

    /** The documented order, e.g. {@code 300}. */
    protected abstract int expectedOrder();

    /** Starts a runtime with this source's signals. */
    protected abstract RuntimeFixture startRuntime();

    /** What a found detection's reason must name (variables, endpoints). */
    protected abstract List<String> expectedReasonMentions();

    /** What a not-found detection's reason must name (the variables that are missing). */
    protected abstract List<String> expectedMissingMentions();

    /** What the message of an endpoint failure must name (the endpoint, the variable, the fix). */
    protected abstract List<String> expectedFailureMentions(EndpointFailure failure);

    /**
     * An environment without this source's signals. By default an empty one; a source whose signal is an endpoint
     * (EC2) points it at a closed loopback port.
     */
    protected RuntimeEnvironment environmentWithoutSignals() {
        return RuntimeEnvironment.of(Map.of(), Map.of());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
    }

    private RuntimeFixture runtime() {
        RuntimeFixture runtime = startRuntime();
        toClose.add(runtime);
        return runtime;
    }

    private BaseIdentity open(RuntimeFixture runtime) {
        Detection detection = source().detect(runtime.environment(), false);
        assertThat(detection.found()).as("detected: %s", detection).isTrue();
        BaseIdentity identity = source().open(runtime.environment(), detection, runtime.context());
        toClose.add(identity);
        return identity;
    }

    @Test
    void id_always_isTheDocumentedIdAndOrder() {
        assertThat(source().id()).isEqualTo(expectedId());
        assertThat(source().order()).isEqualTo(expectedOrder());
    }

    @ParameterizedTest(name = "pinned={0}")
    @ValueSource(booleans = {false, true})
    void detect_noSignals_notFoundNamingWhatIsMissing(boolean pinned) {
        Detection detection = source().detect(environmentWithoutSignals(), pinned);

        assertThat(detection.found()).isFalse();
        assertThat(detection.reason()).contains(expectedMissingMentions());
    }

    @ParameterizedTest(name = "pinned={0}")
    @ValueSource(booleans = {false, true})
    void detect_signalsPresent_foundWithReasonNamingTheSignals(boolean pinned) {
        RuntimeFixture runtime = runtime();

        Detection detection = source().detect(runtime.environment(), pinned);

        assertThat(detection.found()).as("%s", detection).isTrue();
        assertThat(detection.reason()).contains(expectedReasonMentions());
        assertNoSecret(runtime, detection.reason(), detection.toString(), detection.facts().toString());
    }

    @Test
    void resolveCredentials_signalsPresent_returnsTheEndpointsCredentials() {
        RuntimeFixture runtime = runtime();
        BaseIdentity identity = open(runtime);

        AwsCredentials credentials = identity.credentialsProvider().resolveCredentials();

        assertThat(credentials.accessKeyId()).isEqualTo(runtime.servedAccessKeyId());
        assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
        assertThat(((AwsSessionCredentials) credentials).expirationTime()).isPresent();
        assertThat(identity.credentialsProvider().resolveCredentials().accessKeyId())
                .as("served from the cache while fresh").isEqualTo(credentials.accessKeyId());
        assertNoSecret(runtime, identity.toString(), identity.credentialsProvider().toString(),
                source().toString(), identity.facts().toString());
    }

    @Test
    void resolveCredentials_tokenAndCredentialsRotatedBeforeExpiry_refreshesWithTheCurrentToken() {
        RuntimeFixture runtime = runtime();
        BaseIdentity identity = open(runtime);
        AwsSessionCredentials first = (AwsSessionCredentials) identity.credentialsProvider().resolveCredentials();

        runtime.rotateToken();
        runtime.rotateCredentials();
        advanceToFourMinutesBefore(runtime, first);
        AwsCredentials second = identity.credentialsProvider().resolveCredentials();

        assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId()).isEqualTo(runtime.servedAccessKeyId());
        assertThat(runtime.lastRequestUsedCurrentToken()).as("the rotated token was read and sent").isTrue();
    }

    @Test
    void resolveCredentials_refreshFailsWhileCachedStillValid_servesTheCachedCredentials() {
        RuntimeFixture runtime = runtime();
        BaseIdentity identity = open(runtime);
        AwsCredentials first = identity.credentialsProvider().resolveCredentials();

        runtime.rotateCredentials();
        advanceToFourMinutesBefore(runtime, (AwsSessionCredentials) first);
        runtime.failNext(EndpointFailure.SERVER_ERROR);
        AwsCredentials during = identity.credentialsProvider().resolveCredentials();

        assertThat(during.accessKeyId()).isEqualTo(first.accessKeyId());
    }

    @ParameterizedTest
    @EnumSource(EndpointFailure.class)
    void resolveCredentials_endpointFails_clearErrorWithoutSecrets(EndpointFailure failure) {
        RuntimeFixture runtime = runtime();
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            BaseIdentity identity = open(runtime);
            runtime.failNext(failure);

            Throwable thrown = catchThrowable(() -> identity.credentialsProvider().resolveCredentials());

            assertThat(thrown).isInstanceOf(SdkClientException.class);
            assertThat(thrown.getMessage()).contains(expectedFailureMentions(failure));
            if (failure == EndpointFailure.UNAUTHORIZED) {
                assertThat(thrown).isInstanceOf(ReadRoleException.class);
                assertThat(((ReadRoleException) thrown).reason())
                        .isEqualTo(ReadRoleException.Reason.BASE_IDENTITY_INVALID);
                assertThat(((ReadRoleException) thrown).retryable()).isFalse();
            } else {
                assertThat(thrown instanceof ReadRoleException ? ((ReadRoleException) thrown).retryable() : true)
                        .as("recoverable: the broker retries and serves cached credentials").isTrue();
            }
            assertNoSecret(runtime, fullText(thrown));
            logs.assertNoneContain(runtime.secrets());
        }
    }

    @ParameterizedTest(name = "externalId={0}")
    @ValueSource(booleans = {false, true})
    void readRoleTrustPolicy_principalKnown_isAPolicyDocumentForAnAssumeAction(boolean externalId) {
        RuntimeFixture runtime = runtime();
        BaseIdentity identity = open(runtime);
        identity.credentialsProvider().resolveCredentials();

        String policy = identity.readRoleTrustPolicy("arn:aws:iam::222222222222:role/PortOceanReadRole",
                Optional.of("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/session"), externalId);

        assertThat(policy).contains("\"Version\": \"2012-10-17\"", "\"Effect\": \"Allow\"", "sts:AssumeRole");
        assertNoSecret(runtime, policy);
    }

    /** Moves the clock to four minutes before {@code credentials} expire: inside the refresh window, still valid. */
    private static void advanceToFourMinutesBefore(RuntimeFixture runtime, AwsSessionCredentials credentials) {
        Instant expiration = credentials.expirationTime().orElseThrow();
        Duration untilRefresh = Duration.between(runtime.clock().instant(), expiration.minus(Duration.ofMinutes(4)));
        if (!untilRefresh.isNegative()) {
            runtime.clock().advance(untilRefresh);
        }
    }

    private static void assertNoSecret(RuntimeFixture runtime, String... texts) {
        for (String text : texts) {
            for (String secret : runtime.secrets()) {
                assertThat(text).as("no secret in the text").doesNotContain(secret);
            }
        }
    }

    /** The message of the throwable and all its causes. */
    private static String fullText(Throwable thrown) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            out.append(t).append('\n');
            if (t.getCause() == t) {
                break;
            }
        }
        return out.toString();
    }
}
