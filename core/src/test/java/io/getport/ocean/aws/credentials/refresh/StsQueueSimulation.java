package io.getport.ocean.aws.credentials.refresh;

import io.getport.ocean.aws.credentials.internal.AdaptiveRate;
import io.getport.ocean.aws.credentials.internal.Events;
import io.getport.ocean.aws.credentials.internal.StsQueue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.LongPredicate;

/**
 * A discrete-event simulation of the broker's STS queue against a stand-in STS: virtual time in nanoseconds, the
 * queue's timer and executor driven by an event list, so every count is exact and independent of the machine.
 *
 * <p>The stand-in answers each call {@code latency} after dispatch and throttles it when {@code quota} calls were
 * accepted in the sliding second before. A throttled call is retried the way the gateway does: after a full-jitter
 * backoff (seeded), at the front of the queue, up to {@code maxThrottledAttempts} attempts.
 */
final class StsQueueSimulation {
    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;

    private final PriorityQueue<long[]> events = new PriorityQueue<>((a, b) -> a[0] != b[0]
            ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    private final List<Runnable> tasks = new ArrayList<>();
    private long seq;
    long now;
    final StsQueue queue;
    final long latency;
    private final Random random = new Random(20261205L);
    private final ArrayDeque<Long> accepted = new ArrayDeque<>();
    /** The quota at a time: how many calls STS accepts in any sliding second. */
    IntAtTime quota = t -> Integer.MAX_VALUE;
    /** Whether STS is down at a time (answers 503). */
    LongPredicate down = t -> false;
    int maxThrottledAttempts = 10;
    int maxOutageAttempts = 3;
    long succeeded;
    long throttled;
    long failed;
    long queueTimeouts;
    final List<Long> dispatchTimes = new ArrayList<>();
    final List<Integer> dispatchOrder = new ArrayList<>();
    final List<String> timeoutMessages = new ArrayList<>();
    final List<Long> completionTimes = new ArrayList<>();

    interface IntAtTime {
        int at(long nanos);
    }

    StsQueueSimulation(double ceiling, int concurrency, Duration queueTimeout, Duration latency) {
        this.latency = latency.toNanos();
        this.queue = new StsQueue(new AdaptiveRate(ceiling, 0), concurrency, queueTimeout, () -> now,
                (task, delay) -> at(now + delay, task), r -> at(now + this.latency, r), new Events());
    }

    void at(long time, Runnable task) {
        tasks.add(task);
        events.add(new long[] {time, seq++, tasks.size() - 1});
    }

    /** Runs events until none is left (or {@code limit} virtual nanoseconds). */
    void run(long limit) {
        while (!events.isEmpty() && events.peek()[0] <= limit) {
            long[] e = events.poll();
            now = Math.max(now, e[0]);
            Runnable task = tasks.set((int) e[2], null);
            task.run();
        }
    }

    /** Submits call {@code id} now. */
    void submit(int id) {
        queue.submit(new Call(id, 1, 0), false);
    }

    private boolean accept(long t) {
        while (!accepted.isEmpty() && accepted.peekFirst() <= t - S) {
            accepted.pollFirst();
        }
        if (accepted.size() >= quota.at(t)) {
            return false;
        }
        accepted.addLast(t);
        return true;
    }

    private long backoff(int failures) {
        long ceiling = Math.min(20 * S, (200 * MS) << Math.min(20, Math.max(0, failures - 1)));
        return Math.max(MS, ceiling / 10 + (long) (random.nextDouble() * (ceiling - ceiling / 10)));
    }

    final class Call extends StsQueue.Ticket {
        final int id;
        final int attempt;
        final int outages;

        Call(int id, int attempt, int outages) {
            this.id = id;
            this.attempt = attempt;
            this.outages = outages;
        }

        @Override
        protected void run() {
            // Runs when STS answers (the executor delays it by the latency); dispatch was latency earlier.
            dispatchTimes.add(now - latency);
            dispatchOrder.add(id);
            if (down.test(now)) {
                if (outages + 1 < maxOutageAttempts) {
                    int o = outages + 1;
                    at(now + backoff(o), () -> queue.submit(new Call(id, attempt + 1, o), true));
                } else {
                    failed++;
                }
                return;
            }
            if (accept(now)) {
                succeeded++;
                completionTimes.add(now);
                return;
            }
            throttled++;
            queue.throttled();
            if (attempt < maxThrottledAttempts + outages) {
                at(now + backoff(attempt - outages), () -> queue.submit(new Call(id, attempt + 1, outages), true));
            } else {
                failed++;
            }
        }

        @Override
        protected void queueTimedOut(String message) {
            queueTimeouts++;
            timeoutMessages.add(message);
        }

        @Override
        protected void rejected(RuntimeException e) {
            throw new AssertionError(e);
        }
    }
}
