package io.getport.ocean.aws.credentials.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * S1, cold start: {@code accounts} accounts requested by {@code threads} threads at once, on an empty cache.
 *
 * <p>The work is {@code accounts × requestsPerAccount} resolutions taken by the threads from one shared counter. With
 * {@code rounds} (the default) the work goes through all accounts once, then again: {@code threads} different
 * accounts at once, the most pressure on STS. With {@code grouped} the requests of one account are next to each
 * other: like a resync that lists several resource kinds per account, the same account is asked for by several threads
 * at the same moment (single flight) and every account is new (cold); {@code threads / requestsPerAccount} accounts
 * are in flight at once.
 *
 * <p>Measured per contender, each against a fresh fake STS: AssumeRole requests that reached STS (goal for ours:
 * exactly {@code accounts}), Throttling answers (goal for ours: 0 with the default rate limit), peak concurrent
 * requests at STS, resolutions that failed, wall time.
 */
final class S1ColdStart {

    record Config(int accounts, int threads, int requestsPerAccount, boolean grouped, Duration latency,
                  int throttleAbove, boolean childProcess, List<Contender.Kind> contenders, int perClientAccounts,
                  int oursRateLimit) {
    }

    record Result(Contender.Kind contender, int accounts, int resolutions, int failures, String firstFailure,
                  long wallMillis, StsBackend.Stats sts) {
    }

    private S1ColdStart() {
    }

    static List<Result> run(Config config, Report report) throws InterruptedException {
        List<Result> results = new ArrayList<>();
        for (Contender.Kind kind : config.contenders()) {
            int accounts = kind == Contender.Kind.SDK_CLIENT_PER_ACCOUNT
                    ? Math.min(config.accounts(), config.perClientAccounts()) : config.accounts();
            report.progress("S1 " + kind.label + ": " + accounts + " accounts, " + config.threads() + " threads");
            results.add(runOne(kind, accounts, config));
        }
        return results;
    }

    static Result runOne(Contender.Kind kind, int accounts, Config config) throws InterruptedException {
        String[] ids = Fixtures.accountIds(accounts);
        int rpa = config.requestsPerAccount();
        int items = accounts * rpa;
        boolean grouped = config.grouped();
        try (StsBackend sts = config.childProcess()
                ? StsBackend.childProcess(config.latency(), config.throttleAbove(), 2 * config.threads())
                : StsBackend.inProcess(Clock.systemUTC(), config.latency(), config.throttleAbove(),
                        2 * config.threads());
             Contender contender = Contender.create(kind, sts.endpoint(), b -> config.oursRateLimit() > 0
                     ? b.stsRateLimit(config.oursRateLimit()) : b)) {
            AtomicInteger next = new AtomicInteger();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            String[] firstFailure = new String[1];
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(config.threads());
            for (int t = 0; t < config.threads(); t++) {
                Thread worker = new Thread(() -> {
                    try {
                        start.await();
                        int i;
                        while ((i = next.getAndIncrement()) < items) {
                            try {
                                AwsCredentials c = contender.resolve(ids[grouped ? i / rpa : i % accounts]);
                                if (c.accessKeyId().startsWith("ASIA")) {
                                    ok.incrementAndGet();
                                } else {
                                    throw new IllegalStateException("not STS credentials: " + c.accessKeyId());
                                }
                            } catch (RuntimeException e) {
                                if (failures.getAndIncrement() == 0) {
                                    synchronized (firstFailure) {
                                        firstFailure[0] = e.getClass().getSimpleName() + ": " + e.getMessage();
                                    }
                                }
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                }, "s1-caller-" + t);
                worker.setDaemon(true);
                worker.start();
            }
            long t0 = System.nanoTime();
            start.countDown();
            if (!done.await(2, TimeUnit.HOURS)) {
                throw new IllegalStateException("S1 " + kind.label + " did not finish within 2 hours");
            }
            long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            StsBackend.Stats stats = sts.stats();
            synchronized (firstFailure) {
                return new Result(kind, accounts, ok.get(), failures.get(), firstFailure[0], wall, stats);
            }
        }
    }
}
