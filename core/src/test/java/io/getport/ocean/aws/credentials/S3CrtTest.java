package io.getport.ocean.aws.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3CrtAsyncClientBuilder;

/** {@link S3Crt}: the CRT-based S3 client's entry, and the write guard that it never lets a CRT client bypass. */
class S3CrtTest {
    private static final Instant START = Instant.parse("2026-11-28T15:00:00Z");
    private static final String ACCOUNT = "222222222222";

    private static ReadRoleBroker.Builder broker(FakeSts sts, MutableClock clock) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))))
                .region(Region.EU_WEST_1)
                .stsEndpoint(sts.endpoint())
                .clock(clock)
                .stsProtection(s -> s.retryMaxAttempts(1))
                .refresh(r -> r.refreshTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void configure_crtBuilderFromTheSdk_compilesAndReturnsTheSameBuilder() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).build()) {
            S3CrtAsyncClientBuilder crt = S3AsyncClient.crtBuilder();

            assertThat(S3Crt.configure(broker.forAccount(ACCOUNT), crt)).isSameAs(crt);
        }
    }

    @Test
    void configure_guardOff_setsTheSessionsCredentialsAndRegion() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).build()) {
            List<Object> applied = new ArrayList<>();
            S3CrtAsyncClientBuilder recording = recordingBuilder(applied);
            AwsReadSession session = broker.forAccount(ACCOUNT);

            S3Crt.configure(session, recording);

            assertThat(applied).hasSize(2);
            assertThat(applied.get(0)).isInstanceOf(AwsCredentialsProvider.class);
            assertThat(((AwsCredentialsProvider) applied.get(0)).resolveCredentials().accessKeyId())
                    .isEqualTo(session.credentialsProvider().resolveCredentials().accessKeyId());
            assertThat(applied.get(1)).isEqualTo(Region.EU_WEST_1);
        }
    }

    @Test
    void configure_guardOn_refusedNamingTheGuardAndTheGuardedAlternative() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).writeGuard(true).build()) {
            List<Object> applied = new ArrayList<>();

            assertThatThrownBy(() -> S3Crt.configure(broker.forAccount(ACCOUNT), recordingBuilder(applied)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("OCEAN_AWS_WRITE_GUARD")
                    .hasMessageContaining("AwsCrtAsyncHttpClient");
            assertThat(applied).as("no credentials handed to an unguarded client").isEmpty();
            assertThat(sts.count("AssumeRole")).isZero();
        }
    }

    @Test
    void credentialsProvider_guardOn_refusedWhileWarmUpAndConfigureWork() throws Exception {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).writeGuard(true).build()) {
            AwsReadSession session = broker.forAccount(ACCOUNT);

            assertThatThrownBy(session::credentialsProvider)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("OCEAN_AWS_WRITE_GUARD")
                    .hasMessageContaining("configure(builder)")
                    .hasMessageContaining("warmUp()");
            java.time.Instant expiration = session.warmUp().get(30, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(expiration).isEqualTo(session.expiration().orElseThrow());
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
            assertThat(broker.writeGuardOn()).isTrue();
        }
    }

    /** A builder of the CRT builder's type that records what it is given. */
    private static S3CrtAsyncClientBuilder recordingBuilder(List<Object> applied) {
        Object[] self = new Object[1];
        self[0] = Proxy.newProxyInstance(S3CrtTest.class.getClassLoader(), new Class<?>[] {S3CrtAsyncClientBuilder.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("credentialsProvider") || method.getName().equals("region")) {
                        applied.add(args[0]);
                        return proxy;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (S3CrtAsyncClientBuilder) self[0];
    }
}
