package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.BASE_KEYS;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.MANDATORY;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.accounts;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * Many threads, many accounts, the clock jumping forward at random, invalidations, throttling and latency, and for one
 * variant a cache smaller than the set of accounts (evictions). Invariants: no credentials inside the mandatory
 * window (let alone expired) are ever handed out; never more than one STS call in flight per account (counted by an
 * interceptor on the broker's STS client); no deadlock (every caller finishes, no deadlocked threads).
 */
class RefreshStressTest {
    private static final int THREADS = 16;
    private static final int OPERATIONS = 1_500;

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);
    private final ExecutorService callers = Executors.newFixedThreadPool(THREADS);
    private final InFlightPerRole inFlight = new InFlightPerRole();
    private final StsClient stsClient = StsClient.builder()
            .endpointOverride(sts.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(BASE_KEYS))
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                    .apiCallTimeout(Duration.ofSeconds(10))
                    .addExecutionInterceptor(inFlight))
            .build();

    @AfterEach
    void close() {
        callers.shutdownNow();
        stsClient.close();
        sts.close();
    }

    @ParameterizedTest(name = "{0} accounts, cache of {1}")
    @CsvSource({"100, 50000", "100, 40"})
    void resolve_randomClockJumpsAndFaults_invariantsHold(int accountCount, long cacheSize) throws Exception {
        // Throttling as STS does it, above a quota (not at random at any rate: an adaptive rate would slow down to a
        // crawl under a throttle that ignores the rate, as the SDKs' adaptive mode does).
        sts.throttleAbove(200).latency(Duration.ofMillis(1));
        List<String> accounts = accounts(accountCount);
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        Map<Reason, AtomicInteger> failures = new ConcurrentHashMap<>();
        AtomicInteger served = new AtomicInteger();
        // A high local rate limit: with evictions most calls need STS, and the test is about correctness, not pacing.
        try (ReadRoleBroker broker = broker(sts, clock).stsClient(stsClient)
                .refresh(r -> r.cacheMaximumAccounts(cacheSize))
                .stsProtection(s -> s.stsRateLimit(10_000)).refresh(r -> r.refreshTimeout(Duration.ofSeconds(20)))
                        .build()) {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(1_000 + t);
                done.add(callers.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < OPERATIONS; i++) {
                        int dice = random.nextInt(1_000);
                        if (dice < 25) {
                            clock.advance(Duration.ofSeconds(random.nextInt(180)));
                        }
                        AwsReadSession session = broker.forAccount(accounts.get(random.nextInt(accounts.size())));
                        if (dice >= 995) {
                            session.invalidate();
                        }
                        Instant before = clock.instant();
                        try {
                            AwsCredentials c = dice % 2 == 0
                                    ? session.credentialsProvider().resolveCredentials()
                                    : (AwsCredentials) session.credentialsProvider().resolveIdentity().join();
                            Instant expiration = ((AwsSessionCredentials) c).expirationTime().orElseThrow();
                            if (!expiration.minus(MANDATORY).isAfter(before)) {
                                violations.add("credentials expiring " + expiration + " handed out at " + before);
                            }
                            served.incrementAndGet();
                        } catch (ReadRoleException | CompletionException e) {
                            ReadRoleException r = RefreshTesting.readRoleException(e);
                            failures.computeIfAbsent(r.reason(), x -> new AtomicInteger()).incrementAndGet();
                            if (r.reason() != Reason.STS_UNAVAILABLE) {
                                violations.add("unexpected failure " + r.reason() + ": " + r.getMessage());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get(Integer.getInteger("stress.wait", 300), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("a caller did not finish: deadlock or lost wake-up\n" + threadDump(), e);
                }
            }
        }

        assertThat(ManagementFactory.getThreadMXBean().findDeadlockedThreads()).isNull();
        assertThat(violations).isEmpty();
        assertThat(inFlight.violations).isEmpty();
        assertThat(inFlight.maximum.get()).isEqualTo(1);
        // The walk covered many lifetimes, so many refreshes happened, and most calls were served.
        assertThat(sts.count("AssumeRole")).isGreaterThan(3 * accountCount);
        assertThat(served.get()).isGreaterThan(THREADS * OPERATIONS * 9 / 10);
        Map<Reason, Integer> summary = new EnumMap<>(Reason.class);
        failures.forEach((reason, n) -> summary.put(reason, n.get()));
        assertThat(summary.keySet()).allSatisfy(r -> assertThat(r).isEqualTo(Reason.STS_UNAVAILABLE));
    }

    private static String threadDump() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            out.append(t.getName()).append(" ").append(t.getState()).append('\n');
            for (StackTraceElement e : stack) {
                out.append("    at ").append(e).append('\n');
            }
        });
        return out.toString();
    }

    /** Counts AssumeRole calls in flight per role ARN on the client side, and records the maximum. */
    static final class InFlightPerRole implements ExecutionInterceptor {
        private static final ExecutionAttribute<String> ROLE = new ExecutionAttribute<>("ocean-test-role");
        final Map<String, AtomicInteger> current = new ConcurrentHashMap<>();
        final AtomicInteger maximum = new AtomicInteger();
        final Queue<String> violations = new ConcurrentLinkedQueue<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof AssumeRoleRequest) {
                String role = ((AssumeRoleRequest) context.request()).roleArn();
                attributes.putAttribute(ROLE, role);
                int n = current.computeIfAbsent(role, r -> new AtomicInteger()).incrementAndGet();
                maximum.accumulateAndGet(n, Math::max);
                if (n > 1) {
                    violations.add(n + " AssumeRole calls in flight for " + role);
                }
            }
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            done(attributes);
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            done(attributes);
        }

        private void done(ExecutionAttributes attributes) {
            String role = attributes.getAttribute(ROLE);
            if (role != null) {
                current.get(role).decrementAndGet();
            }
        }
    }
}
