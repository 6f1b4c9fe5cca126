package io.getport.ocean.aws.credentials.observability;

import static io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener.CACHE;
import static io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener.CACHED_ACCOUNTS;
import static io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener.CIRCUIT_STATE;
import static io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener.EARLIEST_EXPIRY;
import static io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener.FAILING_ACCOUNTS;
import static io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener.RATE_LIMITER_WAIT;
import static io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener.RECOVERIES;
import static io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener.REFRESHES;
import static io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener.STS_CALLS;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.DENIED_ACCOUNT;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.OK_ACCOUNT;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.START;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.broker;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.BrokerHealth;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerBrokerListenerTest {

    @Test
    void meters_successFailureAndRefresh_countEveryOutcome() {
        MutableClock clock = MutableClock.at(START);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FakeSts sts = FakeSts.builder().clock(clock).start()) {
            ReadRoleBroker broker = broker(sts, clock)
                    .listener(MicrometerBrokerListener.create(registry, Tags.of("broker", "test")))
                    .build();
            try (broker) {
                sts.denyAssumeRole(roleArn(DENIED_ACCOUNT));
                AwsReadSession ok = broker.forAccount(OK_ACCOUNT);
                AwsReadSession denied = broker.forAccount(DENIED_ACCOUNT);

                ok.credentialsProvider().resolveCredentials();
                for (int i = 0; i < 5; i++) {
                    ok.credentialsProvider().resolveCredentials();
                }
                assertThatThrownBy(() -> denied.credentialsProvider().resolveCredentials())
                        .isInstanceOf(ReadRoleException.class);
                assertThatThrownBy(() -> denied.credentialsProvider().resolveCredentials())
                        .isInstanceOf(ReadRoleException.class);
                // Into the mandatory window: the next caller waits for a new session.
                clock.advance(Duration.ofMinutes(59).plusSeconds(30));
                ok.credentialsProvider().resolveCredentials();

                assertThat(registry.get(REFRESHES).tags("outcome", "success", "reason", "none").counter().count())
                        .isEqualTo(2);
                assertThat(registry.get(REFRESHES).tags("outcome", "failure", "reason", "ACCESS_DENIED").counter()
                        .count()).isEqualTo(1);
                assertThat(registry.get(CACHE).tag("result", "hit").counter().count()).isEqualTo(5);
                assertThat(registry.get(CACHE).tag("result", "miss").counter().count()).isEqualTo(3);
                assertThat(registry.get(CACHE).tag("result", "negative_hit").counter().count()).isEqualTo(1);
                assertThat(registry.get(STS_CALLS).tags("action", "AssumeRole", "outcome", "ok").timer().count())
                        .isEqualTo(2);
                assertThat(registry.get(STS_CALLS).tags("action", "AssumeRole", "outcome", "AccessDenied").timer()
                        .count()).isEqualTo(1);
                // Every STS call waits for a permit (an AccessDenied is followed by a GetCallerIdentity that names
                // the principal in the message).
                long stsCalls = registry.find(STS_CALLS).timers().stream().mapToLong(t -> t.count()).sum();
                assertThat(stsCalls).isGreaterThanOrEqualTo(3);
                assertThat(registry.get(RATE_LIMITER_WAIT).tag("permitted", "true").timer().count())
                        .isEqualTo(stsCalls);
                assertThat(registry.get(RECOVERIES).counter().count()).isZero();
                assertThat(registry.get(CACHED_ACCOUNTS).gauge().value()).isEqualTo(2);
                assertThat(registry.get(FAILING_ACCOUNTS).gauge().value()).isEqualTo(1);
                // The fresh session expires an hour after the refresh, by the same clock.
                assertThat(registry.get(EARLIEST_EXPIRY).gauge().value()).isEqualTo(3600.0);
                assertThat(registry.get(CIRCUIT_STATE).tag("state", "closed").gauge().value()).isEqualTo(1);
                assertThat(registry.get(CIRCUIT_STATE).tag("state", "open").gauge().value()).isZero();
                assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("broker"))
                        .isEqualTo("test"));
            }
            assertThat(registry.find(CACHED_ACCOUNTS).gauge()).as("gauges removed on close").isNull();
            assertThat(registry.find(EARLIEST_EXPIRY).gauge()).isNull();
            assertThat(registry.get(REFRESHES).tags("outcome", "success").counter().count()).isEqualTo(2);
        }
    }

    @Test
    void meters_failureThenSuccess_countRecovery() {
        MutableClock clock = MutableClock.at(START);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).listener(MicrometerBrokerListener.create(registry))
                        .build()) {
            sts.denyAssumeRole(roleArn(OK_ACCOUNT));
            AwsReadSession session = broker.forAccount(OK_ACCOUNT);
            assertThatThrownBy(() -> session.credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class);
            assertThat(registry.get(EARLIEST_EXPIRY).gauge().value()).as("no credentials cached").isNaN();

            sts.allowAllRoles();
            clock.advance(Duration.ofMinutes(2));
            session.credentialsProvider().resolveCredentials();

            assertThat(registry.get(RECOVERIES).counter().count()).isEqualTo(1);
            assertThat(registry.get(FAILING_ACCOUNTS).gauge().value()).isZero();
            assertThat(registry.get(EARLIEST_EXPIRY).gauge().value()).isEqualTo(3600.0);
        }
    }

    @Test
    void circuitStateGauge_stsKeepsFailing_reportsOpen() throws Exception {
        MutableClock clock = MutableClock.at(START);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CountDownLatch opened = new CountDownLatch(1);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock)
                        .listener(MicrometerBrokerListener.create(registry))
                        .listener(new io.getport.ocean.aws.credentials.BrokerListener() {
                            @Override
                            public void circuitStateChanged(String from, String to) {
                                if ("OPEN".equals(to)) {
                                    opened.countDown();
                                }
                            }
                        })
                        .build()) {
            sts.fail(StsError.SERVICE_UNAVAILABLE);
            for (int i = 0; i < 25 && opened.getCount() > 0; i++) {
                AwsReadSession session = broker.forAccount(String.format("%012d", 500_000_000_000L + i));
                assertThatThrownBy(() -> session.credentialsProvider().resolveCredentials())
                        .isInstanceOf(ReadRoleException.class);
            }

            assertThat(opened.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(registry.get(CIRCUIT_STATE).tag("state", "open").gauge().value()).isEqualTo(1);
            assertThat(registry.get(CIRCUIT_STATE).tag("state", "closed").gauge().value()).isZero();
            assertThat(registry.get(STS_CALLS).tags("action", "AssumeRole", "outcome", "ServiceUnavailable").timer()
                    .count()).isGreaterThanOrEqualTo(10);
            assertThat(registry.get(REFRESHES).tags("outcome", "failure", "reason", "STS_UNAVAILABLE").counter()
                    .count()).isGreaterThanOrEqualTo(10);
            BrokerHealth health = broker.health();
            assertThat(health.circuitState()).isEqualTo("OPEN");
            assertThat(health.status()).isEqualTo(BrokerHealth.Status.DEGRADED);
        }
    }

    @Test
    void cacheHit_withMicrometerListener_allocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        MutableClock clock = MutableClock.at(START);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).listener(MicrometerBrokerListener.create(registry))
                        .build()) {
            var provider = broker.forAccount(OK_ACCOUNT).credentialsProvider();
            provider.resolveCredentials();
            for (int i = 0; i < 50_000; i++) {
                provider.resolveCredentials();
            }
            long id = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 200_000; i++) {
                provider.resolveCredentials();
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;

            // One allocation per call would be at least 16 bytes each: 3.2 MB.
            assertThat(allocated).as("bytes allocated by 200,000 cache hits").isLessThan(64 * 1024);
            assertThat(registry.get(CACHE).tag("result", "hit").counter().count()).isEqualTo(250_000);
        }
    }

    @Test
    void listener_sharedRegistryWithTags_keepsBrokersApart() {
        MutableClock clock = MutableClock.at(START);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker a = broker(sts, clock)
                        .listener(MicrometerBrokerListener.create(registry, Tags.of("broker", "a"))).build();
                ReadRoleBroker b = broker(sts, clock)
                        .listener(MicrometerBrokerListener.create(registry, Tags.of("broker", "b"))).build()) {
            a.forAccount(OK_ACCOUNT).credentialsProvider().resolveCredentials();
            a.forAccount(DENIED_ACCOUNT).credentialsProvider().resolveCredentials();
            b.forAccount(OK_ACCOUNT).credentialsProvider().resolveCredentials();

            assertThat(registry.get(CACHED_ACCOUNTS).tag("broker", "a").gauge().value()).isEqualTo(2);
            assertThat(registry.get(CACHED_ACCOUNTS).tag("broker", "b").gauge().value()).isEqualTo(1);
            assertThat(registry.get(REFRESHES).tags("broker", "a", "outcome", "success").counter().count())
                    .isEqualTo(2);
            assertThat(registry.getMeters().stream().map(Meter::getId).map(Meter.Id::getName))
                    .contains(STS_CALLS, CACHE, REFRESHES);
        }
    }
}
