package io.getport.ocean.aws.credentials.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * S1, cold start: {@code accounts} accounts requested by {@code threads} platform threads at once, on an empty cache,
 * against the stand-in {@link QuotaSts} (a per-second quota with {@code Throttling}, a latency, 800-character tokens).
 *
 * <p>The work is {@code accounts × requestsPerAccount} resolutions taken by the threads from one shared counter. With
 * {@code rounds} (the default) the work goes through all accounts once, then again: {@code threads} different
 * accounts at once, the most pressure on STS. With {@code grouped} the requests of one account are next to each
 * other (several threads ask for the same cold account at the same moment: single flight).
 *
 * <p>Measured per contender, each against a fresh stand-in STS: wall time against the floor
 * {@code accounts / (quota - others)} s, resolutions that failed, AssumeRole requests and how many were throttled,
 * accounts with exactly one successful AssumeRole, peak concurrent requests at STS. The "shared quota" scenario is
 * this one with {@code others} > 0 (another process consumes part of the quota).
 */
final class S1ColdStart {

    /** {@code oursRateLimit}, {@code oursMaxConcurrency} 0: the broker's default. */
    record Config(int accounts, int threads, int requestsPerAccount, boolean grouped, QuotaSts.Config sts,
                  boolean childProcess, List<Contender.Kind> contenders, int perClientAccounts, int oursRateLimit,
                  int oursMaxConcurrency) {

        /** The floor in seconds: every account's one call at the quota left to this client. */
        double floorSeconds(int n) {
            return sts.quotaPerSecond() == 0 ? 0 : (double) n / sts.available();
        }
    }

    record Result(Contender.Kind contender, int accounts, int resolutions, int failures, String firstFailure,
                  long wallMillis, QuotaSts.Stats sts) {
    }

    private S1ColdStart() {
    }

    static List<Result> run(Config config, Report report) throws InterruptedException {
        List<Result> results = new ArrayList<>();
        for (Contender.Kind kind : config.contenders()) {
            int accounts = kind == Contender.Kind.SDK_CLIENT_PER_ACCOUNT
                    ? Math.min(config.accounts(), config.perClientAccounts()) : config.accounts();
            report.progress("cold start " + kind.label + ": " + accounts + " accounts, " + config.threads()
                    + " threads, quota " + config.sts().quotaPerSecond() + "/s, others " + config.sts().othersPerSecond()
                    + "/s");
            results.add(runOne(kind, accounts, config));
        }
        return results;
    }

    static Result runOne(Contender.Kind kind, int accounts, Config config) throws InterruptedException {
        String[] ids = Fixtures.accountIds(accounts);
        int rpa = config.requestsPerAccount();
        int items = accounts * rpa;
        boolean grouped = config.grouped();
        try (StsBackend sts = StsBackend.start(config.sts(), config.childProcess());
             Contender contender = Contender.create(kind, sts.endpoint(), b -> b.stsProtection(s -> {
                 if (config.oursRateLimit() > 0) {
                     s.stsRateLimit(config.oursRateLimit());
                 }
                 if (config.oursMaxConcurrency() > 0) {
                     s.stsMaxConcurrency(config.oursMaxConcurrency());
                 }
             }))) {
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
                            resolveOne(contender, ids[grouped ? i / rpa : i % accounts], ok, failures, firstFailure);
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
            QuotaSts.Stats stats = sts.stats();
            synchronized (firstFailure) {
                return new Result(kind, accounts, ok.get(), failures.get(), firstFailure[0], wall, stats);
            }
        }
    }

    /** One resolution: counts success (STS credentials) or failure, keeping the first failure's message. */
    static void resolveOne(Contender contender, String id, AtomicInteger ok, AtomicInteger failures,
            String[] firstFailure) {
        try {
            AwsCredentials c = contender.resolve(id);
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
}
