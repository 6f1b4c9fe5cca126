package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.BrokerListener;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * B2, many accounts: {@code broker.forAccount(id).credentialsProvider().resolveCredentials()} for an account picked at
 * random (uniformly, per operation) among {@link #accounts} warm accounts, against what a user would write with the
 * SDK: a {@code ConcurrentHashMap} from account ID to {@link StsAssumeRoleCredentialsProvider}, all on one
 * {@link StsClient}. 1 and 2 threads.
 *
 * <p>{@code ours_userMap_*} separates the two costs of the front door: the same {@code ConcurrentHashMap} lookup as
 * the SDK side, holding our providers ({@code session.credentialsProvider()}), so it compares the providers under
 * random access, and the difference to {@code ours_*} is what {@code forAccount} (account ID validation and the
 * session cache) adds.
 *
 * <p>The setup warms every account on both sides against the in-process {@link FakeSts}: 2 × {@link #accounts}
 * AssumeRole calls. For the broker it raises {@code stsRateLimit} to 5,000/s so that the warm-up takes seconds, not
 * the 200 s the default 50/s would need; the rate limiter is not on the measured path (fresh credentials never reach
 * it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dsun.net.httpserver.nodelay=true"})
public class B2ManyAccounts {
    @Param("10000")
    public int accounts;

    private FakeSts sts;
    private ReadRoleBroker broker;
    private StsClient sdkClient;
    private String[] ids;
    private Map<String, StsAssumeRoleCredentialsProvider> sdk;
    private Map<String, AwsCredentialsProvider> oursByUser;
    private final Refreshes refreshes = new Refreshes();
    private int warmUpCalls;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sts = FakeSts.start();
        broker = Fixtures.broker(sts.endpoint()).stsProtection(s -> s.stsRateLimit(5_000).stsMaxConcurrency(16))
                .listener(refreshes).build();
        sdkClient = Fixtures.sdkClient(sts.endpoint());
        ids = Fixtures.accountIds(accounts);
        sdk = new ConcurrentHashMap<>();
        for (String id : ids) {
            sdk.put(id, Fixtures.sdkProvider(sdkClient, id));
        }
        inParallel(ids, id -> broker.forAccount(id).credentialsProvider().resolveCredentials());
        inParallel(ids, id -> sdk.get(id).resolveCredentials());
        oursByUser = new ConcurrentHashMap<>();
        for (String id : ids) {
            oursByUser.put(id, broker.forAccount(id).credentialsProvider());
        }
        int calls = sts.count("AssumeRole");
        refreshes.measuring = true;
        warmUpCalls = calls;
        // At least one call per account and side (a retried call on a loaded machine is one more); from here on, none
        // but the planned background refreshes of ours.
        if (calls < 2 * accounts || broker.cachedAccounts() != accounts) {
            throw new IllegalStateException("warm-up made " + calls + " AssumeRole calls and cached "
                    + broker.cachedAccounts() + " accounts; expected at least " + 2 * accounts + " and " + accounts);
        }
    }

    private static void inParallel(String[] ids, Consumer<String> resolve) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String id : ids) {
                done.add(pool.submit(() -> resolve.accept(id)));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        int calls = sts.count("AssumeRole");
        sdk.values().forEach(StsAssumeRoleCredentialsProvider::close);
        sdkClient.close();
        broker.close();
        sts.close();
        long background = refreshes.background.sum();
        long foreground = refreshes.foreground.sum();
        if (foreground != 0 || calls != warmUpCalls + background) {
            throw new IllegalStateException("credentials were not fresh during the measurement: " + calls
                    + " AssumeRole calls, the warm-up's " + warmUpCalls + " expected plus " + background
                    + " planned background refreshes of ours; " + foreground + " callers of ours waited for STS");
        }
    }

    /**
     * Counts our refreshes after the setup. A cohort assumed together is spread over its first refresh period
     * (docs/REFRESH.md), so a few accounts refresh in the background during a trial, as planned; no caller may wait
     * for one. (Being a listener, it also takes the cache-hit event: a no-op call of about a nanosecond per operation,
     * included in {@code ours_*}.)
     */
    static final class Refreshes implements BrokerListener {
        volatile boolean measuring;
        final LongAdder background = new LongAdder();
        final LongAdder foreground = new LongAdder();

        @Override
        public void refreshSucceeded(String accountId, Instant expiration, boolean inBackground) {
            if (measuring) {
                (inBackground ? background : foreground).increment();
            }
        }
    }

    /** Per-thread random account picker (xorshift; no shared state, no allocation). */
    @State(Scope.Thread)
    public static class Picker {
        private int x;

        @Setup(Level.Trial)
        public void seed() {
            x = (int) System.nanoTime() | 1;
        }

        int next(int n) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            return (int) (((x & 0xFFFFFFFFL) * n) >>> 32);
        }
    }

    @Benchmark
    @Threads(1)
    public AwsCredentials ours_1t(Picker p) {
        return broker.forAccount(ids[p.next(ids.length)]).credentialsProvider().resolveCredentials();
    }

    @Benchmark
    @Threads(2)
    public AwsCredentials ours_2t(Picker p) {
        return broker.forAccount(ids[p.next(ids.length)]).credentialsProvider().resolveCredentials();
    }

    @Benchmark
    @Threads(1)
    public AwsCredentials ours_userMap_1t(Picker p) {
        return oursByUser.get(ids[p.next(ids.length)]).resolveCredentials();
    }

    @Benchmark
    @Threads(2)
    public AwsCredentials ours_userMap_2t(Picker p) {
        return oursByUser.get(ids[p.next(ids.length)]).resolveCredentials();
    }

    @Benchmark
    @Threads(1)
    public AwsCredentials sdk_map_1t(Picker p) {
        return sdk.get(ids[p.next(ids.length)]).resolveCredentials();
    }

    @Benchmark
    @Threads(2)
    public AwsCredentials sdk_map_2t(Picker p) {
        return sdk.get(ids[p.next(ids.length)]).resolveCredentials();
    }
}
