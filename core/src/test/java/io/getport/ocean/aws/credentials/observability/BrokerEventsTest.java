package io.getport.ocean.aws.credentials.observability;

import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.BASE_SECRET;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.DENIED_ACCOUNT;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.OK_ACCOUNT;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.START;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.broker;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.BrokerListener;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The log lines and listener events of a scripted scenario: wording, levels, one WARN per episode, no secrets. */
class BrokerEventsTest {

    /** Records every event as one line. */
    static final class Recording implements BrokerListener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        volatile ReadRoleBroker started;

        @Override
        public void started(ReadRoleBroker broker) {
            started = broker;
            events.add("started");
        }

        final AtomicInteger stsCalls = new AtomicInteger();
        final AtomicInteger permits = new AtomicInteger();

        @Override
        public void stsCall(String action, String outcome, long latencyNanos) {
            stsCalls.incrementAndGet();
            // GetCallerIdentity is made when the broker needs the principal (e.g. to explain a denial): not scripted.
            if (!"GetCallerIdentity".equals(action)) {
                events.add("sts " + action + " " + outcome);
            }
        }

        @Override
        public void rateLimiterWaited(long waitNanos, boolean permitted) {
            if (permitted) {
                permits.incrementAndGet();
            }
        }

        @Override
        public void refreshSucceeded(String accountId, Instant expiration, boolean background) {
            events.add("ok " + accountId + " " + expiration);
        }

        @Override
        public void refreshFailed(String accountId, ReadRoleException failure) {
            events.add("failed " + accountId + " " + failure.reason() + " " + failure.errorCode().orElse("-"));
        }

        @Override
        public void refreshRecovered(String accountId, int failedAttempts) {
            events.add("recovered " + accountId + " " + failedAttempts);
        }

        @Override
        public void cacheMiss(String accountId) {
            events.add("miss " + accountId);
        }

        @Override
        public void negativeCacheHit(String accountId) {
            events.add("negative " + accountId);
        }

        @Override
        public void closed() {
            events.add("closed");
        }
    }

    @Test
    void listener_scriptedScenario_receivesEveryEventInOrder() {
        MutableClock clock = MutableClock.at(START);
        Recording recording = new Recording();
        try (FakeSts sts = FakeSts.builder().clock(clock).start()) {
            ReadRoleBroker broker = broker(sts, clock).listener(recording).build();
            assertThat(recording.started).isSameAs(broker);
            sts.denyAssumeRole(roleArn(DENIED_ACCOUNT));
            AwsReadSession denied = broker.forAccount(DENIED_ACCOUNT);
            broker.forAccount(OK_ACCOUNT).credentialsProvider().resolveCredentials();
            assertThatThrownBy(() -> denied.credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class);
            assertThatThrownBy(() -> denied.credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class);
            sts.allowAllRoles();
            clock.advance(Duration.ofMinutes(2));
            denied.credentialsProvider().resolveCredentials();
            broker.close();

            assertThat(recording.events).containsExactly(
                    "started",
                    "miss " + OK_ACCOUNT, "sts AssumeRole ok",
                    "ok " + OK_ACCOUNT + " " + START.plus(Duration.ofHours(1)),
                    "miss " + DENIED_ACCOUNT, "sts AssumeRole AccessDenied",
                    "failed " + DENIED_ACCOUNT + " ACCESS_DENIED AccessDenied",
                    "negative " + DENIED_ACCOUNT,
                    "miss " + DENIED_ACCOUNT, "sts AssumeRole ok",
                    "recovered " + DENIED_ACCOUNT + " 1",
                    "ok " + DENIED_ACCOUNT + " " + START.plus(Duration.ofMinutes(62)),
                    "closed");
            assertThat(recording.permits.get()).as("a rate-limiter permit per STS call")
                    .isEqualTo(recording.stsCalls.get()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void logs_repeatedFailures_oneWarnPerAccountPerEpisode() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).build();
                LogCapture logs = LogCapture.attach(Level.TRACE)) {
            sts.denyAssumeRole(roleArn(DENIED_ACCOUNT));
            AwsReadSession session = broker.forAccount(DENIED_ACCOUNT);
            // Episode 1: four failed refreshes (each after the failure cache expired) and calls in between.
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    assertThatThrownBy(() -> session.credentialsProvider().resolveCredentials())
                            .isInstanceOf(ReadRoleException.class);
                }
                clock.advance(Duration.ofSeconds(61));
            }
            sts.allowAllRoles();
            session.credentialsProvider().resolveCredentials();
            // Episode 2: the session nears expiry while STS denies again.
            sts.denyAssumeRole(roleArn(DENIED_ACCOUNT));
            clock.advance(Duration.ofMinutes(59).plusSeconds(30));
            assertThatThrownBy(() -> session.credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class);

            List<ILoggingEvent> warns = logs.events().stream()
                    .filter(e -> e.getLevel() == Level.WARN)
                    .filter(e -> e.getFormattedMessage().contains("account=" + DENIED_ACCOUNT))
                    .collect(Collectors.toList());
            assertThat(warns).hasSize(2);
            assertThat(warns.get(0).getFormattedMessage())
                    .startsWith("refresh failed account=" + DENIED_ACCOUNT + " error=AccessDenied recoverable=false"
                            + " detail=\"AccessDenied: ")
                    .contains(roleArn(DENIED_ACCOUNT));
            assertThat(warns).allSatisfy(e -> assertThat(e.getLoggerName())
                    .isEqualTo("io.getport.ocean.aws.credentials"));
            assertThat(logs.messages()).containsOnlyOnce(
                    "refresh recovered account=" + DENIED_ACCOUNT + " afterFailures=4");
            assertThat(logs.messages().stream().filter(m -> m.startsWith("refresh failure cached account="
                    + DENIED_ACCOUNT + " reason=ACCESS_DENIED error=AccessDenied recoverable=false")))
                    .as("one DEBUG line per failed refresh, not per call").hasSize(5);
            assertThat(logs.messages().stream().filter(m -> m.equals("negative cache hit account=" + DENIED_ACCOUNT)))
                    .as("TRACE per negative-cache hit").hasSize(8);
            Set<String> secrets = new HashSet<>(sts.issuedSecrets());
            secrets.add(BASE_SECRET);
            logs.assertNoneContain(secrets);
        }
    }

    @Test
    void logs_identityDetected_infoWithStableFields() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                LogCapture logs = LogCapture.attach(Level.INFO);
                ReadRoleBroker broker = broker(sts, clock).build()) {
            assertThat(broker.identity().source()).isEqualTo("explicit");
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m)
                    .startsWith("identity detected source=explicit region=us-east-1 roleChaining=false reason=\""));
        }
    }

    @Test
    void listener_throwingEverywhere_brokerUnaffectedAndOneWarn() {
        MutableClock clock = MutableClock.at(START);
        BrokerListener broken = new BrokerListener() {
            @Override
            public void started(ReadRoleBroker broker) {
                throw new IllegalStateException("boom-started");
            }

            @Override
            public void cacheHit() {
                throw new IllegalStateException("boom-hit");
            }

            @Override
            public void cacheMiss(String accountId) {
                throw new IllegalStateException("boom-miss");
            }

            @Override
            public void stsCall(String action, String outcome, long latencyNanos) {
                throw new IllegalStateException("boom-sts");
            }

            @Override
            public void refreshSucceeded(String accountId, Instant expiration, boolean background) {
                throw new IllegalStateException("boom-ok");
            }
        };
        Recording after = new Recording();
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                LogCapture logs = LogCapture.attach(Level.INFO);
                ReadRoleBroker broker = broker(sts, clock).listener(broken).listener(after).build()) {
            AwsReadSession session = broker.forAccount(OK_ACCOUNT);
            session.credentialsProvider().resolveCredentials();
            session.credentialsProvider().resolveCredentials();

            assertThat(session.expiration()).hasValue(START.plus(Duration.ofHours(1)));
            assertThat(after.events).contains("started", "sts AssumeRole ok", "miss " + OK_ACCOUNT);
            assertThat(logs.events().stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage))
                    .singleElement().asString()
                    .startsWith("broker listener failed listener=")
                    .contains("method=started", "boom-started");
        }
    }
}
