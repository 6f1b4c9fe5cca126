package io.getport.ocean.aws.credentials.benchmarks;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed pool of daemon threads that counts tasks submitted and not yet finished, so a simulation on injected time
 * can tell (through the public {@code Builder.executor}) that the broker has no STS work left before it moves the
 * clock.
 */
final class CountingExecutor implements Executor {
    private final ExecutorService pool;
    private final AtomicLong pending = new AtomicLong();

    CountingExecutor(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-sts-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable task) {
        pending.incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            pending.decrementAndGet();
            throw e;
        }
    }

    /** Tasks submitted and not finished. */
    long pending() {
        return pending.get();
    }

    void shutdownNow() {
        pool.shutdownNow();
    }
}
