package io.getport.ocean.aws.credentials.endpoint;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** A running endpoint over a broker that assumes roles in a {@link FakeSts}, all in this JVM. */
final class FakeStsFixture implements AutoCloseable {
    static final String BASE_KEY = "AKIAENDPOINTBASE0001";
    static final String BASE_SECRET = "endpoint-base-secret-c2VjcmV0LXZhbHVlLW5vdC1sb2dnZWQ";
    static final String TOKEN = TokenFile.generate();

    final MutableClock clock;
    final FakeSts sts;
    final ReadRoleBroker broker;
    final CredentialsEndpoint endpoint;
    final boolean marginKept;

    private FakeStsFixture(MutableClock clock, FakeSts sts, EndpointBroker.Built built, CredentialsEndpoint endpoint) {
        this.clock = clock;
        this.sts = sts;
        this.broker = built.broker();
        this.marginKept = built.marginKept();
        this.endpoint = endpoint;
    }

    static FakeStsFixture start() {
        return start(b -> b);
    }

    /** Starts with the broker built as 'serve' builds it, plus {@code extra} (applied after the fixture's own). */
    static FakeStsFixture start(UnaryOperator<ReadRoleBroker.Builder> extra) {
        MutableClock clock = MutableClock.at(Instant.parse("2026-12-05T08:00:00Z"));
        FakeSts sts = FakeSts.builder().clock(clock).start();
        EndpointBroker.Built built = EndpointBroker.build(RuntimeEnvironment.of(Map.of(), Map.of()),
                b -> extra.apply(brokerFor(sts, clock).apply(b)));
        CredentialsEndpoint endpoint = CredentialsEndpoint.start(new CredentialsEndpoint.Config(built.broker(),
                built.marginKept(), InetAddress.getLoopbackAddress(), 0, TOKEN, clock, 8, Duration.ZERO));
        return new FakeStsFixture(clock, sts, built, endpoint);
    }

    static UnaryOperator<ReadRoleBroker.Builder> brokerFor(FakeSts sts, Clock clock) {
        return b -> b.identity(i -> i.baseCredentials(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(BASE_KEY,
                        BASE_SECRET))))
                .region(Region.US_EAST_1)
                .stsEndpoint(sts.endpoint())
                .clock(clock)
                .stsProtection(s -> s.retryBaseDelay(Duration.ofMillis(5))
                .retryMaxDelay(Duration.ofMillis(40)));
    }

    int port() {
        return endpoint.port();
    }

    Raw.Answer get(String path) {
        return Raw.get(port(), path, TOKEN);
    }

    Raw.Answer credentials(String account) {
        return get("/v1/accounts/" + account + "/credentials");
    }

    @Override
    public void close() {
        endpoint.close();
        broker.close();
        sts.close();
    }
}
