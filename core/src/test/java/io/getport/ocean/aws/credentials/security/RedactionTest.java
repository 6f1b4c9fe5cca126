package io.getport.ocean.aws.credentials.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.BrokerListener;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;

/**
 * The redaction proof: a full scenario (success, background and blocking refresh by the injected clock, throttling and
 * 5xx, recovery, AccessDenied, an expired base token, a web identity base, write guard refusals, bad settings, use
 * after close) runs with every log event captured at TRACE (the SDK's own loggers at DEBUG), and then no secret that
 * the fake STS issued, no ExternalId, no base secret key and no web identity token may appear in any log event, any
 * exception (message, causes, stack) or the {@code toString()} of any public object.
 *
 * <p>Excluded, because they are the SDK's and print secrets by design (SECURITY.md tells operators to keep them
 * below DEBUG): the SigV4 signer ({@value #SDK_SIGNER_LOGGER} at DEBUG logs the canonical request with the
 * {@code X-Amz-Security-Token} header, observed with SDK 2.57) and the HTTP clients' wire logging
 * ({@code org.apache.http.wire}, {@code org.apache.hc.client5.http.wire}), which prints raw response bodies.
 */
class RedactionTest {
    static final String SDK_SIGNER_LOGGER = "software.amazon.awssdk.http.auth.aws.internal.signer";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String A1 = "222222222222";
    private static final String A2 = "333333333333";
    private static final String A3 = "444444444444";
    private static final String A4 = "555555555555";

    private final String globalExternalId = "ext-global:" + random(24);
    private final String ownExternalId = "ext-own=" + random(24);
    private final String baseSecretKey = random(40);
    private MutableClock clock;
    private FakeSts sts;
    /** Texts a caller or an operator could see, apart from log events. */
    private final List<String> surfaces = new ArrayList<>();
    private final BlockingQueue<String> refreshEvents = new LinkedBlockingQueue<>();
    private final List<ReadRoleException> listenerFailures = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static String random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).replace('-', 'x').replace('_', 'y')
                .substring(0, length);
    }

    @BeforeEach
    void start() {
        clock = MutableClock.at(Instant.parse("2026-11-28T12:00:00Z"));
        sts = FakeSts.builder().clock(clock).start();
    }

    @AfterEach
    void stop() {
        sts.close();
    }

    private final BrokerListener listener = new BrokerListener() {
        @Override
        public void refreshSucceeded(String accountId, Instant expiration, boolean background) {
            refreshEvents.add("ok " + accountId + (background ? " background" : ""));
        }

        @Override
        public void refreshFailed(String accountId, ReadRoleException failure) {
            listenerFailures.add(failure);
            refreshEvents.add("failed " + accountId);
        }
    };

    private ReadRoleBroker.Builder builder() {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of("HOSTNAME", "redaction-host"), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAOCEANREDACTION01", baseSecretKey))))
                .region(Region.US_EAST_1)
                .stsEndpoint(sts.endpoint())
                .clock(clock)
                .externalId(globalExternalId)
                .externalIds(Map.of(A2, ownExternalId))
                .sourceIdentity("port-ocean-redaction")
                .sessionTags(Map.of("integration", "port-ocean"))
                .stsProtection(s -> s.retryBaseDelay(Duration.ofMillis(1))
                .retryMaxDelay(Duration.ofMillis(5))
                .circuitFailureRate(100))
                .listener(listener);
    }

    /** Waits (bounded) for the listener to report {@code expected}; other refresh events on the way are skipped. */
    private void awaitRefresh(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> skipped = new ArrayList<>();
        while (true) {
            String event = refreshEvents.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (expected.equals(event)) {
                return;
            }
            assertThat(event).as("refresh event %s (skipped %s)", expected, skipped).isNotNull();
            skipped.add(event);
        }
    }

    private void see(Object o) {
        surfaces.add(String.valueOf(o));
    }

    private void seeFailure(Throwable t) {
        assertThat(t).isNotNull();
        surfaces.add(Redaction.fullText(t));
    }

    private void seeSession(ReadRoleBroker broker, AwsReadSession session) {
        see(session);
        if (!broker.writeGuardOn()) {
            see(session.credentialsProvider());
        }
        see(session.assumedRoleArn());
        see(session.expiration());
        see(broker);
        see(broker.identity());
        see(broker.health());
        see(broker.readRoleTrustPolicy(session));
    }

    @Test
    void fullScenario_noSecretInLogsExceptionsOrToString() throws Exception {
        Logger sdk = (Logger) LoggerFactory.getLogger("software.amazon.awssdk");
        Level sdkLevel = sdk.getLevel();
        Logger signer = (Logger) LoggerFactory.getLogger(SDK_SIGNER_LOGGER);
        Level signerLevel = signer.getLevel();
        Jwt webToken = Jwt.forServiceAccount("port", "ocean-aws").clock(clock).lifetime(Duration.ofHours(24)).build();
        Set<String> secrets = new LinkedHashSet<>(List.of(globalExternalId, ownExternalId, baseSecretKey,
                webToken.encoded(), webToken.encoded().substring(webToken.encoded().lastIndexOf('.') + 1)));
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            sdk.setLevel(Level.DEBUG);
            signer.setLevel(Level.INFO);
            try (ReadRoleBroker broker = builder().build()) {
                // 1. Success, for an account with the global and one with its own ExternalId.
                AwsReadSession s1 = broker.forAccount(A1);
                AwsReadSession s2 = broker.forAccount(A2);
                AwsCredentials c1 = s1.credentialsProvider().resolveCredentials();
                AwsCredentials c2 = s2.credentialsProvider().resolveCredentials();
                awaitRefresh("ok " + A1);
                awaitRefresh("ok " + A2);
                see(c1);
                see(c2);
                see(broker.verifyIdentity());
                seeSession(broker, s1);
                seeSession(broker, s2);

                // 2. Background refresh in the advisory window (56 of 60 minutes; the mandatory window starts at 59).
                clock.advance(Duration.ofMinutes(56));
                see(s1.credentialsProvider().resolveCredentials());
                awaitRefresh("ok " + A1 + " background");

                // 3. Throttling while cached credentials are still served.
                sts.fail(StsError.THROTTLING);
                see(s2.credentialsProvider().resolveCredentials());
                awaitRefresh("failed " + A2);
                seeSession(broker, s2);

                // 4. 5xx in the mandatory window: nothing valid left to serve, the caller gets the failure.
                sts.fail(StsError.INTERNAL_FAILURE);
                clock.advance(Duration.ofMinutes(3).plusSeconds(30));
                seeFailure(catchThrowable(() -> s2.credentialsProvider().resolveCredentials()));
                awaitRefresh("failed " + A2);
                sts.fail(StsError.SERVICE_UNAVAILABLE);
                clock.advance(Duration.ofSeconds(5));
                seeFailure(catchThrowable(() -> s2.credentialsProvider().resolveCredentials()));
                awaitRefresh("failed " + A2);
                see(broker.health());

                // 5. Recovery.
                sts.healthy();
                clock.advance(Duration.ofSeconds(5));
                see(s2.credentialsProvider().resolveCredentials());
                awaitRefresh("ok " + A2);

                // 6. AccessDenied, then the negatively cached copy.
                sts.denyAssumeRole("arn:aws:iam::" + A3 + ":role/PortOceanReadRole");
                AwsReadSession s3 = broker.forAccount(A3);
                seeFailure(catchThrowable(() -> s3.credentialsProvider().resolveCredentials()));
                awaitRefresh("failed " + A3);
                seeFailure(catchThrowable(() -> s3.credentialsProvider().resolveCredentials()));
                seeSession(broker, s3);

                // 7. The base identity's token expired.
                sts.failNext(1, StsError.EXPIRED_TOKEN);
                AwsReadSession s4 = broker.forAccount(A4);
                seeFailure(catchThrowable(() -> s4.credentialsProvider().resolveCredentials()));
                awaitRefresh("failed " + A4);

                see(broker.health());
            }

            // 8. The write guard refuses a write (nothing is sent: the endpoint is a closed port), and refuses to hand
            //    out the bare provider.
            try (ReadRoleBroker guarded = builder().writeGuard(true).build()) {
                AwsReadSession s1 = guarded.forAccount(A1);
                see(s1.warmUp().get(30, TimeUnit.SECONDS));
                awaitRefresh("ok " + A1);
                seeFailure(catchThrowable(s1::credentialsProvider));
                try (S3Client s3Client = s1.configure(S3Client.builder())
                        .endpointOverride(URI.create("http://127.0.0.1:9")).build()) {
                    seeFailure(catchThrowable(() -> s3Client.createBucket(b -> b.bucket("never"))));
                }
                seeSession(guarded, s1);
            }

            // 9. A web identity base (AssumeRoleWithWebIdentity with the token), chained to the read role.
            try (StsClient anonymous = StsClient.builder().region(Region.US_EAST_1).endpointOverride(sts.endpoint())
                    .credentialsProvider(AnonymousCredentialsProvider.create()).build();
                 StsAssumeRoleWithWebIdentityCredentialsProvider web = StsAssumeRoleWithWebIdentityCredentialsProvider
                         .builder().stsClient(anonymous).asyncCredentialUpdateEnabled(false)
                         .refreshRequest(r -> r.roleArn("arn:aws:iam::111111111111:role/PortOceanTaskRole")
                                 .roleSessionName("eks-pod").webIdentityToken(webToken.encoded()))
                         .build();
                 ReadRoleBroker broker = builder().identity(i -> i.baseCredentials(web)).build()) {
                AwsReadSession session = broker.forAccount(A1);
                see(session.credentialsProvider().resolveCredentials());
                awaitRefresh("ok " + A1);
                see(broker.verifyIdentity());
                seeSession(broker, session);
                // The SDK's provider judges staleness by the system clock, so it may exchange the token again.
                assertThat(sts.count("AssumeRoleWithWebIdentity")).isPositive();
            }

            // 10. A web identity token the fake rejects.
            sts.failNext(1, StsError.INVALID_IDENTITY_TOKEN);
            try (StsClient anonymous = StsClient.builder().region(Region.US_EAST_1).endpointOverride(sts.endpoint())
                    .credentialsProvider(AnonymousCredentialsProvider.create()).build();
                 StsAssumeRoleWithWebIdentityCredentialsProvider web = StsAssumeRoleWithWebIdentityCredentialsProvider
                         .builder().stsClient(anonymous).asyncCredentialUpdateEnabled(false)
                         .refreshRequest(r -> r.roleArn("arn:aws:iam::111111111111:role/PortOceanTaskRole")
                                 .roleSessionName("eks-pod").webIdentityToken(webToken.encoded()))
                         .build();
                 ReadRoleBroker broker = builder().identity(i -> i.baseCredentials(web)).build()) {
                seeFailure(catchThrowable(() -> broker.forAccount(A2).credentialsProvider().resolveCredentials()));
                awaitRefresh("failed " + A2);
                see(broker.health());
            }

            // 11. Bad settings that carry secrets, and use after close.
            seeFailure(catchThrowable(() -> builder().externalId(globalExternalId + " ").build()));
            seeFailure(catchThrowable(() -> builder().externalIds(Map.of(A1, ownExternalId + "!")).build()));
            seeFailure(catchThrowable(() -> ReadRoleBroker.builder()
                    .environment(RuntimeEnvironment.of(Map.of("OCEAN_AWS_EXTERNAL_IDS", ownExternalId), Map.of()))
                    .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("AKIAOCEANREDACTION01", baseSecretKey))))
                    .build()));
            seeFailure(catchThrowable(() -> ReadRoleBroker.builder()
                    .environment(RuntimeEnvironment.of(Map.of("OCEAN_AWS_STS_ENDPOINT",
                            "https://user:" + baseSecretKey + "@sts.amazonaws.com"), Map.of()))
                    .build()));
            ReadRoleBroker closed = builder().build();
            AwsReadSession beforeClose = closed.forAccount(A1);
            closed.close();
            seeFailure(catchThrowable(() -> closed.forAccount(A1)));
            seeFailure(catchThrowable(() -> beforeClose.credentialsProvider().resolveCredentials()));
            see(closed);
            see(RuntimeEnvironment.of(Map.of("OCEAN_AWS_EXTERNAL_ID", globalExternalId), Map.of()));

            listenerFailures.forEach(this::seeFailure);
            secrets.addAll(sts.issuedSecrets());
            sdk.setLevel(sdkLevel);
            signer.setLevel(signerLevel);

            // The scenario really ran: secrets were issued, failures were logged, debug lines were captured.
            assertThat(sts.issued()).hasSizeGreaterThanOrEqualTo(6);
            assertThat(secrets).hasSizeGreaterThanOrEqualTo(17);
            assertThat(logs.anyContains("refresh failed; serving cached credentials account=" + A2)).isTrue();
            assertThat(logs.anyContains("refresh failed account=" + A3 + " error=AccessDenied")).isTrue();
            assertThat(logs.anyContains("refresh failed account=" + A4 + " error=ExpiredToken")).isTrue();
            assertThat(logs.anyContains("refresh recovered account=" + A2)).isTrue();
            assertThat(logs.anyContains("sts call action=AssumeRole outcome=ok")).isTrue();
            assertThat(surfaces).hasSizeGreaterThan(40);

            logs.assertNoneContain(secrets);
            assertNoneContain(surfaces, secrets);
        } finally {
            sdk.setLevel(sdkLevel);
            signer.setLevel(signerLevel);
        }
    }

    @Test
    void assertNoneContain_leakedSecret_failsWithoutPrintingIt() {
        String secret = "leaked-" + random(30);
        assertThatThrownBy(() -> assertNoneContain(List.of("a message with " + secret + " inside"), Set.of(secret)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("secret #0")
                .hasMessageNotContaining(secret);
    }

    /** Fails naming the surface and the secret's position, never the secret. */
    static void assertNoneContain(List<String> texts, Set<String> secrets) {
        List<String> leaks = new ArrayList<>();
        List<String> ordered = new ArrayList<>(secrets);
        for (int t = 0; t < texts.size(); t++) {
            for (int i = 0; i < ordered.size(); i++) {
                if (texts.get(t).contains(ordered.get(i))) {
                    String head = texts.get(t).substring(0, Math.min(60, texts.get(t).indexOf(ordered.get(i))));
                    leaks.add("secret #" + i + " in surface #" + t + " (starting \"" + head + "\")");
                }
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("secrets leaked:\n  " + String.join("\n  ", leaks));
        }
    }
}
