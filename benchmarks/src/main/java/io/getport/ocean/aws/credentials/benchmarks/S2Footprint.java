package io.getport.ocean.aws.credentials.benchmarks;

import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * S2, footprint: the heap each cached account keeps alive, and the threads alive, once {@code accounts} accounts are
 * warm; ours against the SDK baselines.
 *
 * <p>Method, per contender: build it and warm one pilot account (classes loaded, lazy singletons made); take the live
 * heap (total of a {@code GC.class_histogram}, after a full GC) and the live thread count; warm {@code accounts} more
 * accounts from a temporary pool of 16 threads, shut the pool down; take both again while the contender is still
 * reachable. Retained bytes per account = difference / accounts. The stand-in STS ({@link QuotaSts}, no quota, no
 * latency, 800-character session tokens by default) runs in a child JVM by default, so its heap and threads are not
 * counted.
 *
 * <p>For ours, the rate limit is raised to 5,000/s so that the warm-up takes seconds: the footprint does not depend on
 * it. The SDK contenders keep their providers in a {@code ConcurrentHashMap} (which is counted, as the broker's cache
 * is).
 */
final class S2Footprint {

    /** One run per size and contender; {@code tokenChars}: length of the session tokens the stand-in STS issues. */
    record Config(List<Integer> sizes, boolean childProcess, List<Contender.Kind> contenders, int perClientAccounts,
                  int tokenChars) {
    }

    record Result(Contender.Kind contender, int accounts, long liveBytesBefore, long liveBytesAfter,
                  long usedAfterGcBefore, long usedAfterGcAfter, int threadsBeforeContender, int threadsBefore,
                  int threadsAfter, int stsCalls, String threadsAddedByName) {

        double bytesPerAccount() {
            return (double) (liveBytesAfter - liveBytesBefore) / accounts;
        }

        double usedAfterGcPerAccount() {
            return (double) (usedAfterGcAfter - usedAfterGcBefore) / accounts;
        }

        /** Threads the contender added to the process (its own plus the SDK's), with the accounts warm. */
        int threadsAdded() {
            return threadsAfter - threadsBeforeContender;
        }
    }

    private S2Footprint() {
    }

    static List<Result> run(Config config, Report report) throws Exception {
        List<Result> results = new ArrayList<>();
        for (int size : config.sizes()) {
            for (Contender.Kind kind : config.contenders()) {
                int accounts = kind == Contender.Kind.SDK_CLIENT_PER_ACCOUNT
                        ? Math.min(size, config.perClientAccounts()) : size;
                report.progress("footprint " + kind.label + ": " + accounts + " accounts");
                results.add(runOne(kind, accounts, config.childProcess(), config.tokenChars()));
            }
        }
        return results;
    }

    static Result runOne(Contender.Kind kind, int accounts, boolean childProcess) throws Exception {
        return runOne(kind, accounts, childProcess, 800);
    }

    static Result runOne(Contender.Kind kind, int accounts, boolean childProcess, int tokenChars) throws Exception {
        String[] ids = Fixtures.accountIds(accounts);
        String pilot = Fixtures.accountId(accounts);
        try (StsBackend sts = StsBackend.start(new QuotaSts.Config(0, 0, true, Duration.ZERO, tokenChars, 32),
                childProcess)) {
            Heap.settledLiveBytes();
            int threadsBeforeContender = Heap.liveThreads();
            java.util.Map<String, Integer> namesBefore = Heap.threadsByName();
            Contender contender = Contender.create(kind, sts.endpoint(), b -> b.stsProtection(s -> s
                    .stsRateLimit(5_000)));
            try {
                contender.resolve(pilot);
                long before = Heap.settledLiveBytes();
                long usedBefore = Heap.usedAfterGc();
                int threadsBefore = Heap.liveThreads();
                ExecutorService pool = Executors.newFixedThreadPool(16);
                try {
                    List<Future<?>> done = new ArrayList<>();
                    for (String id : ids) {
                        done.add(pool.submit(() -> contender.resolve(id)));
                    }
                    for (Future<?> f : done) {
                        f.get(10, TimeUnit.MINUTES);
                    }
                } finally {
                    pool.shutdown();
                    pool.awaitTermination(1, TimeUnit.MINUTES);
                }
                long after = Heap.settledLiveBytes();
                long usedAfter = Heap.usedAfterGc();
                int threadsAfter = Heap.liveThreads();
                int calls = (int) sts.stats().ok();
                return new Result(kind, accounts, before, after, usedBefore, usedAfter, threadsBeforeContender,
                        threadsBefore, threadsAfter, calls, Heap.added(namesBefore, Heap.threadsByName()));
            } finally {
                Reference.reachabilityFence(contender);
                contender.close();
            }
        }
    }
}
