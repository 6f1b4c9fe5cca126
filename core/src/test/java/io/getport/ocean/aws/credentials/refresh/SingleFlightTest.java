package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.accounts;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.assertOutsideMandatoryWindow;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.awaitIdle;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** However many threads ask, at most one STS call per account per refresh. */
class SingleFlightTest {
    private static final int THREADS = 64;
    private static final int ACCOUNTS = 1_000;
    /** Enough to prove one refresh per account in a window, fewer to keep the run short. */
    private static final int WARM_ACCOUNTS = 500;

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock, 16);
    private final ExecutorService callers = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void close() {
        callers.shutdownNow();
        sts.close();
    }

    private ReadRoleBroker.Builder fastBroker() {
        // High enough that the local limits never refuse a call here; single flight is what keeps the count down.
        return broker(sts, clock).stsProtection(s -> s.stsRateLimit(100_000).stsMaxConcurrency(16));
    }

    @Test
    void resolveCredentials_64ThreadsOn1000ColdAccounts_exactlyOneAssumeRolePerAccount() throws Exception {
        try (ReadRoleBroker broker = fastBroker().build()) {
            List<String> accounts = accounts(ACCOUNTS);

            Map<String, AwsCredentials> seen = everyThreadResolvesEveryAccount(broker, accounts,
                    session -> session.credentialsProvider().resolveCredentials());

            assertThat(sts.count("AssumeRole")).isEqualTo(ACCOUNTS);
            assertThat(sts.countsByRoleArn()).hasSize(ACCOUNTS).allSatisfy((arn, n) -> assertThat(n).isEqualTo(1));
            assertThat(seen).hasSize(ACCOUNTS);
            // Each account got its own role's credentials.
            for (String account : accounts) {
                assertThat(broker.forAccount(account).assumedRoleArn().orElseThrow())
                        .startsWith("arn:aws:sts::" + account + ":assumed-role/PortOceanReadRole/");
            }
        }
    }

    @Test
    void resolveCredentials_64ThreadsInAdvisoryWindow_exactlyOneBackgroundRefreshPerAccount() throws Exception {
        try (ReadRoleBroker broker = fastBroker().build()) {
            List<String> accounts = accounts(WARM_ACCOUNTS);
            Map<String, AwsCredentials> before = warm(broker, accounts);
            // One-hour credentials: every account's jittered advisory start is at most 52.5 min in; the mandatory
            // window starts at 59 min.
            clock.set(START.plus(Duration.ofMinutes(53)));
            Instant now = clock.instant();

            Map<String, AwsCredentials> seen = everyThreadResolvesEveryAccount(broker, accounts,
                    session -> session.credentialsProvider().resolveCredentials());
            List<AwsReadSession> sessions = accounts.stream().map(broker::forAccount).toList();
            awaitIdle(sessions);

            assertThat(sts.count("AssumeRole")).isEqualTo(2 * WARM_ACCOUNTS);
            assertThat(sts.countsByRoleArn()).allSatisfy((arn, n) -> assertThat(n).isEqualTo(2));
            // Callers in the advisory window kept getting credentials without waiting: the cached ones, unless the
            // background refresh had already finished.
            seen.values().forEach(c -> assertOutsideMandatoryWindow((AwsSessionCredentials) c, now));
            for (String account : accounts) {
                assertThat(broker.forAccount(account).credentialsProvider().resolveCredentials().accessKeyId())
                        .isNotEqualTo(before.get(account).accessKeyId());
            }
        }
    }

    @Test
    void resolveCredentials_64ThreadsInMandatoryWindow_allWaitForOneRefreshPerAccount() throws Exception {
        try (ReadRoleBroker broker = fastBroker().build()) {
            List<String> accounts = accounts(WARM_ACCOUNTS);
            Map<String, AwsCredentials> before = warm(broker, accounts);
            clock.set(START.plus(Duration.ofSeconds(59 * 60 + 30)));
            Instant now = clock.instant();

            Map<String, AwsCredentials> seen = everyThreadResolvesEveryAccount(broker, accounts,
                    session -> session.credentialsProvider().resolveCredentials());

            assertThat(sts.count("AssumeRole")).isEqualTo(2 * WARM_ACCOUNTS);
            assertThat(sts.countsByRoleArn()).allSatisfy((arn, n) -> assertThat(n).isEqualTo(2));
            for (String account : accounts) {
                AwsSessionCredentials c = (AwsSessionCredentials) seen.get(account);
                assertThat(c.accessKeyId()).isNotEqualTo(before.get(account).accessKeyId());
                assertOutsideMandatoryWindow(c, now);
            }
        }
    }

    @Test
    void resolveIdentity_64ThreadsOnColdAccountsMixedWithSyncCallers_exactlyOneAssumeRolePerAccount()
            throws Exception {
        try (ReadRoleBroker broker = fastBroker().build()) {
            List<String> accounts = accounts(200);
            Random random = new Random(7);

            everyThreadResolvesEveryAccount(broker, accounts, session -> random.nextBoolean()
                    ? session.credentialsProvider().resolveCredentials()
                    : (AwsCredentials) session.credentialsProvider().resolveIdentity().join());

            assertThat(sts.count("AssumeRole")).isEqualTo(200);
            assertThat(sts.countsByRoleArn().keySet())
                    .containsExactlyInAnyOrderElementsOf(accounts.stream().map(RefreshTesting::roleArn).toList());
        }
    }

    private Map<String, AwsCredentials> warm(ReadRoleBroker broker, List<String> accounts) throws Exception {
        Map<String, AwsCredentials> out = everyThreadResolvesEveryAccount(broker, accounts,
                session -> session.credentialsProvider().resolveCredentials());
        assertThat(sts.count("AssumeRole")).isEqualTo(accounts.size());
        return out;
    }

    /**
     * Every one of {@link #THREADS} threads resolves every account once, each in its own shuffled order, all starting
     * together. Returns the last credentials seen per account; fails if any thread failed.
     */
    private Map<String, AwsCredentials> everyThreadResolvesEveryAccount(ReadRoleBroker broker, List<String> accounts,
            Function<AwsReadSession, AwsCredentials> resolve) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        Map<String, AwsCredentials> seen = new ConcurrentHashMap<>();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = t;
            done.add(callers.submit(() -> {
                List<String> order = new ArrayList<>(accounts);
                Collections.shuffle(order, new Random(seed));
                start.await(30, TimeUnit.SECONDS);
                for (String account : order) {
                    AwsCredentials c = resolve.apply(broker.forAccount(account));
                    assertThat(c).isNotNull();
                    seen.put(account, c);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        return seen;
    }
}
