package io.getport.ocean.aws.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** {@link AwsReadSession#installDefault} and the cache statistics of {@code forAccount}. */
class DefaultBrokerAndStatisticsTest {
    private static final Instant START = Instant.parse("2026-11-28T15:00:00Z");
    private static final String ACCOUNT = "222222222222";

    @AfterEach
    void forgetDefault() {
        ReadRoleBroker.resetDefaultForTests();
    }

    /** A broker on static base keys against {@code sts}, with {@code clock}; shared with other tests of the package. */
    static ReadRoleBroker.Builder broker(FakeSts sts, MutableClock clock) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))))
                .region(Region.US_EAST_1)
                .stsEndpoint(sts.endpoint())
                .clock(clock)
                .stsProtection(s -> s.retryMaxAttempts(1))
                .refresh(r -> r.refreshTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void installDefault_codeBuiltBroker_backsForAccount() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession.installDefault(broker);

            assertThat(ReadRoleBroker.defaultBroker()).isSameAs(broker);
            AwsReadSession session = AwsReadSession.forAccount(ACCOUNT);
            assertThat(session).isSameAs(broker.forAccount(ACCOUNT));
            assertThat(session.credentialsProvider().resolveCredentials().accessKeyId()).isNotBlank();
            assertThat(sts.assumeRoleCount("arn:aws:iam::" + ACCOUNT + ":role/PortOceanReadRole")).isEqualTo(1);
            // Installing the same broker again is harmless.
            AwsReadSession.installDefault(broker);
        }
    }

    @Test
    void installDefault_secondBroker_refusedNamingTheLifecycleRule() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker first = broker(sts, clock).build();
                ReadRoleBroker second = broker(sts, clock).build()) {
            AwsReadSession.installDefault(first);

            assertThatThrownBy(() -> AwsReadSession.installDefault(second))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already installed")
                    .hasMessageContaining("before the first AwsReadSession.forAccount");
            assertThat(ReadRoleBroker.defaultBroker()).isSameAs(first);
        }
    }

    @Test
    void installDefault_closedBroker_refused() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start()) {
            ReadRoleBroker broker = broker(sts, clock).build();
            broker.close();

            assertThatThrownBy(() -> AwsReadSession.installDefault(broker))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("closed");
        }
    }

    @Test
    void installDefault_closedByTheApplication_forAccountFailsClosed() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start()) {
            ReadRoleBroker broker = broker(sts, clock).build();
            AwsReadSession.installDefault(broker);
            broker.close();

            assertThatThrownBy(() -> AwsReadSession.forAccount(ACCOUNT))
                    .isInstanceOf(ReadRoleException.class)
                    .satisfies(e -> assertThat(((ReadRoleException) e).reason())
                            .isEqualTo(ReadRoleException.Reason.CLOSED));
        }
    }

    @Test
    void cacheStatistics_coldForAccount_oneMiss_thenHits() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).build()) {
            broker.forAccount(ACCOUNT);

            CacheStatistics cold = broker.cacheStatistics();
            assertThat(cold.misses()).as("a cold forAccount is one miss").isEqualTo(1);
            assertThat(cold.hits()).isZero();
            assertThat(cold.created()).isEqualTo(1);

            broker.forAccount(ACCOUNT);
            broker.forAccount(ACCOUNT);
            CacheStatistics warm = broker.cacheStatistics();
            assertThat(warm.misses()).isEqualTo(1);
            assertThat(warm.hits()).isEqualTo(2);
            assertThat(warm.created()).isEqualTo(1);
        }
    }
}
