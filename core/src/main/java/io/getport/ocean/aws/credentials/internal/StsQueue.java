package io.getport.ocean.aws.credentials.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The one queue in front of STS: every pending STS call of a broker waits here, in FIFO order, for a rate token
 * ({@link AdaptiveRate}), a concurrency permit ({@code stsMaxConcurrency}) and a thread to run it on
 * ({@link CallRunners}); a dispatcher then starts it on the executor. Retries of throttled calls go back to the front.
 *
 * <p>Nothing blocks in here: a waiting call is an entry in the deque, not a thread. The dispatcher runs when a call is
 * submitted, when a call ends (its permit is released), when a waiting caller lends its thread and when the next
 * token is due (one timer task on the broker's one scheduler thread). The lock is a {@link ReentrantLock} held only to
 * move entries and count tokens and permits, never across a call, so virtual threads that submit never pin a
 * carrier.
 *
 * <p>A call that waits longer than {@code queueTimeout} without being dispatched fails with a message that says where
 * its time went ({@link Ticket#queueTimedOut(String)}); the time a call waits here is never reported as STS being slow.
 *
 * <p>Thread safe.
 */
public final class StsQueue {
    /** Schedules a task after a delay: the broker's scheduler thread, or a manual timer in tests. */
    public interface Timer {
        void schedule(Runnable task, long delayNanos);
    }

    /** One STS call waiting for dispatch. */
    public abstract static class Ticket {
        private long enqueuedAt;
        private int ahead;

        /**
         * Asked at dispatch under the queue's lock, before a token is taken: whether the call may start (the circuit
         * breaker's permission). Must not block or complete futures. When false, the ticket is dropped and
         * {@link #notAdmitted()} is called outside the lock.
         */
        protected boolean admit() {
            return true;
        }

        /** {@link #admit()} said no: fail the call. */
        protected void notAdmitted() {
        }

        /** Runs the call on the executor; the permit is released when it returns. */
        protected abstract void run();

        /** The ticket waited {@code queueTimeout} without being dispatched; {@code message} says where the time went. */
        protected abstract void queueTimedOut(String message);

        /** The executor refused the call (the broker is closing). */
        protected abstract void rejected(RuntimeException e);

        /** Calls queued or running ahead of this one when it was submitted. */
        public int ahead() {
            return ahead;
        }
    }

    private static final long WAKE_SLACK_NANOS = 1_000_000L;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Ticket> queue = new ArrayDeque<>();
    private final AdaptiveRate rate;
    private final int maxConcurrency;
    private final long queueTimeoutNanos;
    private final LongSupplier nanoTime;
    private final Timer timer;
    private final Executor executor;
    private final IntSupplier runners;
    private final Events events;
    private int running;
    /** When the pending wake-up is due, or {@link Long#MAX_VALUE} when none is scheduled. Guarded by {@link #lock}. */
    private long wakeAt = Long.MAX_VALUE;
    private long dispatched;
    private long queueTimeouts;

    public StsQueue(AdaptiveRate rate, int maxConcurrency, Duration queueTimeout, LongSupplier nanoTime, Timer timer,
            Executor executor, Events events) {
        this(rate, maxConcurrency, queueTimeout, nanoTime, timer, executor, () -> Integer.MAX_VALUE, events);
    }

    /**
     * @param runners how many threads can run a call now ({@link CallRunners#capacity()}): a call is dispatched only
     *     while fewer calls than that run, so that a dispatched call never waits for a thread
     */
    public StsQueue(AdaptiveRate rate, int maxConcurrency, Duration queueTimeout, LongSupplier nanoTime, Timer timer,
            Executor executor, IntSupplier runners, Events events) {
        this.runners = runners;
        this.rate = rate;
        this.maxConcurrency = maxConcurrency;
        this.queueTimeoutNanos = queueTimeout.toNanos();
        this.nanoTime = nanoTime;
        this.timer = timer;
        this.executor = executor;
        this.events = events;
    }

    /** Queues {@code ticket}: at the back, or at the {@code front} (a retry of a throttled call). */
    public void submit(Ticket ticket, boolean front) {
        lock.lock();
        try {
            ticket.enqueuedAt = nanoTime.getAsLong();
            ticket.ahead = (front ? 0 : queue.size()) + running;
            if (front) {
                queue.addFirst(ticket);
            } else {
                queue.addLast(ticket);
            }
        } finally {
            lock.unlock();
        }
        pump();
    }

    /** STS throttled a call: lower the rate. */
    public void throttled() {
        double before;
        double after;
        boolean decreased;
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            before = rate.rate(now);
            decreased = rate.onThrottle(now);
            after = rate.rate(now);
        } finally {
            lock.unlock();
        }
        if (decreased) {
            events.stsRateDecreased(before, after);
        }
    }

    /** Gives back the token of a dispatched call that never reached STS. */
    public void refund() {
        lock.lock();
        try {
            rate.refund();
        } finally {
            lock.unlock();
        }
    }

    /** The current rate in calls per second. */
    public double currentRate() {
        lock.lock();
        try {
            return rate.rate(nanoTime.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /** Calls waiting now. */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Calls running now. */
    public int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Calls dispatched since the start. */
    public long dispatched() {
        lock.lock();
        try {
            return dispatched;
        } finally {
            lock.unlock();
        }
    }

    /** Calls that timed out in the queue since the start. */
    public long queueTimeouts() {
        lock.lock();
        try {
            return queueTimeouts;
        } finally {
            lock.unlock();
        }
    }

    /** Throttling answers reported and rate decreases so far. */
    public long[] throttlesAndDecreases() {
        lock.lock();
        try {
            return new long[] {rate.throttles(), rate.decreases()};
        } finally {
            lock.unlock();
        }
    }

    /**
     * Dispatches what can start now: the queue's head while a permit and a token are available. Expired heads fail
     * with their queue timeout. Runs on whichever thread submitted, released or woke it; at most one timer task is
     * pending at a time.
     */
    public void pump() {
        List<Ticket> start = null;
        List<Ticket> expired = null;
        List<String> expiredMessages = null;
        List<Ticket> refused = null;
        long wake = Long.MAX_VALUE;
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            if (wakeAt <= now) {
                wakeAt = Long.MAX_VALUE;
            }
            while (!queue.isEmpty()) {
                Ticket head = queue.peekFirst();
                long waited = now - head.enqueuedAt;
                if (waited >= queueTimeoutNanos) {
                    queue.pollFirst();
                    queueTimeouts++;
                    if (expired == null) {
                        expired = new ArrayList<>();
                        expiredMessages = new ArrayList<>();
                    }
                    expired.add(head);
                    expiredMessages.add(queueTimeoutMessage(head, waited, now));
                    continue;
                }
                if (running >= maxConcurrency || running >= runners.getAsInt()) {
                    // A permit (or a thread) comes back when a call ends or a waiting caller lends its thread; wake
                    // anyway when the head's queue time runs out.
                    wake = head.enqueuedAt + queueTimeoutNanos;
                    break;
                }
                long untilToken = rate.nanosUntilToken(now);
                if (untilToken > 0) {
                    wake = now + untilToken;
                    break;
                }
                queue.pollFirst();
                if (!head.admit()) {
                    if (refused == null) {
                        refused = new ArrayList<>();
                    }
                    refused.add(head);
                    continue;
                }
                rate.tryAcquire(now);
                running++;
                dispatched++;
                if (start == null) {
                    start = new ArrayList<>();
                }
                start.add(head);
            }
            // One pending wake-up is enough: another is scheduled only if it is due clearly earlier (rounding of the
            // token time between concurrent pumps must not pile up timer tasks).
            if (wake != Long.MAX_VALUE && (wakeAt == Long.MAX_VALUE || wake < wakeAt - WAKE_SLACK_NANOS)) {
                wakeAt = wake;
            } else {
                wake = Long.MAX_VALUE;
            }
        } finally {
            lock.unlock();
        }
        if (wake != Long.MAX_VALUE) {
            long delay = Math.max(0, wake - nanoTime.getAsLong());
            try {
                timer.schedule(this::pump, delay);
            } catch (RejectedExecutionException e) {
                // Closing: nothing more is dispatched.
            }
        }
        if (refused != null) {
            refused.forEach(Ticket::notAdmitted);
        }
        if (expired != null) {
            for (int i = 0; i < expired.size(); i++) {
                events.rateLimiterWaited(queueTimeoutNanos, false);
                expired.get(i).queueTimedOut(expiredMessages.get(i));
            }
        }
        if (start != null) {
            for (Ticket t : start) {
                events.rateLimiterWaited(Math.max(0, nanoTime.getAsLong() - t.enqueuedAt), true);
                try {
                    executor.execute(() -> runAndRelease(t));
                } catch (RejectedExecutionException e) {
                    release();
                    t.rejected(e);
                }
            }
        }
    }

    private void runAndRelease(Ticket t) {
        try {
            t.run();
        } finally {
            release();
        }
    }

    private void release() {
        lock.lock();
        try {
            running--;
        } finally {
            lock.unlock();
        }
        pump();
    }

    private String queueTimeoutMessage(Ticket t, long waited, long now) {
        return String.format(Locale.ROOT, "the call waited %d ms in the broker's STS queue (OCEAN_AWS_QUEUE_TIMEOUT)"
                + " queued behind %d calls at %.0f calls/s (the adaptive rate under OCEAN_AWS_STS_RATE_LIMIT, %d of %d"
                + " concurrent calls (OCEAN_AWS_STS_MAX_CONCURRENCY) running) and was not sent to STS",
                waited / 1_000_000, t.ahead, rate.rate(now), running, maxConcurrency);
    }
}
