package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.account;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.accounts;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.readRoleException;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The broker's threads are few, named, shared by all accounts, and gone after {@code close()}. */
class ThreadsAndCloseTest {
    private static final int MAX_CONCURRENCY = 4;

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);
    private final ExecutorService callers = Executors.newFixedThreadPool(16);

    @AfterEach
    void close() {
        callers.shutdownNow();
        sts.close();
    }

    private static Set<Thread> brokerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("ocean-aws-"))
                .collect(Collectors.toSet());
    }

    private void resolveAllConcurrently(ReadRoleBroker broker, List<String> accounts) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int offset = t;
            done.add(callers.submit(() -> {
                for (int i = offset; i < accounts.size(); i += 16) {
                    resolve(broker.forAccount(accounts.get(i)));
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void resolveCredentials_10Then2000Accounts_threadCountDoesNotGrowWithAccounts() throws Exception {
        Set<Thread> before = brokerThreads();
        try (ReadRoleBroker broker = broker(sts, clock).stsProtection(s -> s.stsMaxConcurrency(MAX_CONCURRENCY)
                .stsRateLimit(10_000))
                .build()) {
            resolveAllConcurrently(broker, accounts(10));
            Set<Thread> afterTen = brokerThreads();
            afterTen.removeAll(before);

            resolveAllConcurrently(broker, accounts(2_000));
            Set<Thread> afterTwoThousand = brokerThreads();
            afterTwoThousand.removeAll(before);

            assertThat(sts.count("AssumeRole")).isEqualTo(2_000);
            // At most one STS worker per allowed concurrent call, plus the one retry scheduler.
            assertThat(afterTen).hasSizeLessThanOrEqualTo(MAX_CONCURRENCY + 1);
            assertThat(afterTwoThousand).hasSizeLessThanOrEqualTo(MAX_CONCURRENCY + 1);
            assertThat(afterTwoThousand).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
            assertThat(broker.cachedAccounts()).isEqualTo(2_000);
        }
    }

    @Test
    void coldFanOut_moreConcurrentCallsThanOwnThreads_waitingCallersRunTheRestAndTheBrokerAddsTenThreadsAndItsScheduler()
            throws Exception {
        // 32 callers on 32 cold accounts, stsMaxConcurrency 16: the broker has 10 threads of its own, so 16 calls in
        // flight means at least 6 of them run on the threads of callers that wait anyway. STS hangs until all 16 are
        // there, so the counts are read in a fixed state, not raced.
        ExecutorService wide = Executors.newFixedThreadPool(32);
        Set<Thread> before = brokerThreads();
        sts.hang();
        try (ReadRoleBroker broker = broker(sts, clock).stsProtection(s -> s.stsMaxConcurrency(16)
                .stsRateLimit(10_000).stsCallTimeout(Duration.ofMinutes(2)))
                .refresh(r -> r.refreshTimeout(Duration.ofMinutes(3)))
                .build()) {
            List<Future<?>> done = new ArrayList<>();
            for (String account : accounts(32)) {
                done.add(wide.submit(() -> resolve(broker.forAccount(account))));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (sts.inFlight() < 16 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(sts.inFlight()).as("calls hanging at STS").isEqualTo(16);
            Set<Thread> mine = brokerThreads();
            mine.removeAll(before);
            List<Thread> calling = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("assumeRole")
                            && f.getClassName().endsWith("DefaultStsClient")))
                    .map(java.util.Map.Entry::getKey)
                    .collect(Collectors.toList());

            sts.healthy();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }

            assertThat(mine).as("threads of the broker's own").hasSizeLessThanOrEqualTo(11);
            assertThat(calling).hasSize(16);
            assertThat(calling.stream().filter(t -> !t.getName().startsWith("ocean-aws-")).count())
                    .as("calls running on callers' threads").isGreaterThanOrEqualTo(6);
            assertThat(sts.peakInFlight()).isEqualTo(16);
            assertThat(sts.count("AssumeRole")).isEqualTo(32);
            assertThat(broker.cachedAccounts()).isEqualTo(32);
        } finally {
            wide.shutdownNow();
        }
    }

    @Test
    void close_afterUse_stopsTheBrokersThreads() throws Exception {
        Set<Thread> before = brokerThreads();
        ReadRoleBroker broker = broker(sts, clock).stsProtection(s -> s.stsMaxConcurrency(MAX_CONCURRENCY)).build();
        resolveAllConcurrently(broker, accounts(50));
        Set<Thread> mine = brokerThreads();
        mine.removeAll(before);
        assertThat(mine).isNotEmpty();

        broker.close();

        for (Thread t : mine) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(t.isAlive()).as("thread %s after close()", t.getName()).isFalse();
        }
    }

    @Test
    void close_laterCalls_failClearlyWithClosed() {
        ReadRoleBroker broker = broker(sts, clock).build();
        AwsReadSession session = broker.forAccount(account(1));
        resolve(session);

        broker.close();
        broker.close(); // idempotent

        for (Throwable thrown : List.of(
                catchThrowable(() -> session.credentialsProvider().resolveCredentials()),
                catchThrowable(() -> session.credentialsProvider().resolveIdentity().join()),
                catchThrowable(() -> broker.forAccount(account(2))))) {
            ReadRoleException e = readRoleException(thrown);
            assertThat(e.reason()).isEqualTo(Reason.CLOSED);
            assertThat(e.getMessage()).contains("closed");
        }
        assertThat(sts.count("AssumeRole")).isEqualTo(1);
        assertThat(broker.cachedAccounts()).isZero();
    }

    @Test
    void close_whileCallersWaitForARefresh_wakesThemWithClosed() throws Exception {
        ReadRoleBroker broker = broker(sts, clock).refresh(r -> r.refreshTimeout(Duration.ofMinutes(5)))
                .stsProtection(s -> s.stsCallTimeout(Duration.ofMinutes(5))).build();
        AwsReadSession session = broker.forAccount(account(3));
        sts.hang();
        Future<Throwable> sync = callers.submit(() -> catchThrowable(() -> resolve(session)));
        CompletableFuture<? extends AwsCredentialsIdentity> async = session.credentialsProvider().resolveIdentity();
        assertThat(sts.awaitHanging(1, Duration.ofSeconds(10))).isTrue();

        broker.close();

        // Not after the 5-minute timeouts: at once, and saying why.
        assertThat(readRoleException(sync.get(30, TimeUnit.SECONDS)).reason()).isEqualTo(Reason.CLOSED);
        assertThat(readRoleException(catchThrowable(() -> async.get(30, TimeUnit.SECONDS))).reason())
                .isEqualTo(Reason.CLOSED);
    }
}
