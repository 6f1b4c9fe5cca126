package io.getport.ocean.aws.credentials.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads the broker's STS calls run on: a pool of its own of at most {@link #MAX_OWN_THREADS} threads, and the
 * threads of callers that are blocked waiting for a refresh anyway ("lent" threads).
 *
 * <p>Why: the SDK's STS client is blocking, so every call in flight occupies a thread for its whole latency. With 20 ms
 * of STS latency, {@value #MAX_OWN_THREADS} threads carry about 400 calls per second, below STS's quota; more threads of
 * the broker's own would cost memory and scheduling on every host, although in a cold fan-out the threads that want the
 * calls already exist: they are the callers, parked until their credentials arrive. A caller that waits in
 * {@link #await} offers its thread; the dispatcher ({@link StsQueue}) hands the next queued call to an offered thread
 * before it uses the pool, and counts offered threads as capacity ({@link #capacity()}), so that
 * {@code stsMaxConcurrency} calls can be in flight on {@code min(stsMaxConcurrency, MAX_OWN_THREADS)} threads of the
 * broker's own.
 *
 * <p>Rules that keep a lent thread's owner safe:
 * <ul>
 *   <li>Only platform threads lend: a virtual thread is cheap to park and could pin its carrier in the SDK's blocking
 *   I/O on Java 21 to 23. An asynchronous caller has no thread to lend.</li>
 *   <li>A thread lends only while at least {@code lendMargin} (the STS call timeout) is left before its own deadline,
 *   so running someone else's call never makes it miss that deadline; it may return up to one STS call (bounded by
 *   the same timeout) after its own credentials arrived.</li>
 *   <li>A thread that stops waiting (its result arrived, its deadline passed, it was interrupted) after a call was
 *   handed to it but before it took it passes the call to the pool: no call is ever dropped.</li>
 *   <li>An interrupt while a lent thread runs a call is its owner's, not STS's: the gateway puts that call back at the
 *   front of the queue without counting it as a failure ({@link StsGateway}), and the owner sees its interrupt.</li>
 * </ul>
 *
 * <p>Every hand-over is counted: {@code tasks} holds the calls not yet taken, and each one added creates exactly one
 * taker (a signalled lender or a pool drain), so every call runs once. Written here because no executor of the JDK or
 * of a library lets blocked callers run queued work on their own thread (a {@code ForkJoinPool}'s helping applies to
 * its own tasks only, and the broker's calls must not run on the common pool).
 *
 * <p>Thread safe. Nothing here blocks but {@link #await}, which parks only the caller.
 */
public final class CallRunners implements Executor {
    /** The most threads of its own the broker runs STS calls on. */
    public static final int MAX_OWN_THREADS = 10;
    private static final int IDLE = 0;
    private static final int WAITING = 1;
    private static final int SIGNALLED = 2;
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final Executor pool;
    private final int ownThreads;
    private final boolean lending;
    private final long lendMarginNanos;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Lender> lenders = new ConcurrentLinkedQueue<>();
    private final AtomicInteger lent = new AtomicInteger();
    private final LongAdder ranOnLentThreads = new LongAdder();
    private volatile Runnable lenderArrived = () -> { };

    /**
     * @param pool the broker's own threads (at most {@code ownThreads} of them run at once)
     * @param lending whether waiting callers lend their threads (false with a caller-supplied executor: then all
     *     calls go to it and {@link #capacity()} is unbounded)
     * @param lendMarginNanos a caller lends only while at least this much of its own wait is left
     */
    public CallRunners(Executor pool, int ownThreads, boolean lending, long lendMarginNanos) {
        this.pool = pool;
        this.ownThreads = ownThreads;
        this.lending = lending;
        this.lendMarginNanos = lendMarginNanos;
    }

    /** What to do when a caller starts lending its thread: the queue's dispatcher, which may now start a call. */
    public void onLenderArrived(Runnable dispatcher) {
        this.lenderArrived = dispatcher;
    }

    /** Threads that can run a call now or soon: the own ones and the lent ones; unbounded without lending. */
    public int capacity() {
        return lending ? ownThreads + lent.get() : Integer.MAX_VALUE;
    }

    /** Calls that ran on a lent thread so far. */
    public long ranOnLentThreads() {
        return ranOnLentThreads.sum();
    }

    /** Threads offered or running a call for the broker now. */
    public int lending() {
        return lent.get();
    }

    @Override
    public void execute(Runnable task) {
        if (!lending) {
            pool.execute(task);
            return;
        }
        tasks.add(task);
        for (Lender l; (l = lenders.poll()) != null; ) {
            if (l.signal()) {
                return;
            }
        }
        try {
            pool.execute(this::runOne);
        } catch (RejectedExecutionException e) {
            // Closing. If nobody took the call yet, the dispatcher fails it; otherwise it is running already.
            if (tasks.remove(task)) {
                throw e;
            }
        }
    }

    private void runOne() {
        Runnable task = tasks.poll();
        if (task != null) {
            task.run();
        }
    }

    /** Passes a call handed to a lender that is leaving to the pool (or runs it here when the pool is closed). */
    private void passOn() {
        try {
            pool.execute(this::runOne);
        } catch (RejectedExecutionException closing) {
            runOne();
        }
    }

    /**
     * Waits up to {@code nanos} for {@code f}, running queued STS calls on this thread meanwhile (see the class
     * description). Behaves as {@code f.get(nanos, NANOSECONDS)} otherwise.
     */
    public <T> T await(CompletableFuture<T> f, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!lending || f.isDone() || isVirtual(Thread.currentThread())) {
            return f.get(nanos, TimeUnit.NANOSECONDS);
        }
        long deadline = System.nanoTime() + nanos;
        Lender me = new Lender(Thread.currentThread());
        f.whenComplete((v, e) -> me.wake());
        boolean interrupted = false;
        try {
            while (!f.isDone()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                int state = me.state.get();
                if (state == SIGNALLED) {
                    // A call was handed over: run it if there is time for a whole call, else pass it on.
                    me.state.set(IDLE);
                    if (left >= lendMarginNanos) {
                        ranOnLentThreads.increment();
                        try {
                            runOne();
                        } finally {
                            lent.decrementAndGet();
                        }
                    } else {
                        lent.decrementAndGet();
                        passOn();
                    }
                    if (Thread.interrupted()) {
                        interrupted = true;
                        break;
                    }
                    continue;
                }
                if (state == IDLE && left >= lendMarginNanos) {
                    me.state.set(WAITING);
                    lent.incrementAndGet();
                    lenders.add(me);
                    lenderArrived.run();
                    continue;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    interrupted = true;
                    break;
                }
            }
        } finally {
            me.leave();
            if (me.state.compareAndSet(WAITING, IDLE)) {
                lent.decrementAndGet();
            } else if (me.state.compareAndSet(SIGNALLED, IDLE)) {
                lent.decrementAndGet();
                passOn();
            }
        }
        if (interrupted) {
            throw new InterruptedException();
        }
        if (!f.isDone()) {
            throw new TimeoutException();
        }
        return f.get();
    }

    private static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            return true; // cannot tell: do not lend
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // Java 17: no virtual threads
        }
    }

    /** A caller's offer of its thread. */
    private static final class Lender {
        final Thread thread;
        final AtomicInteger state = new AtomicInteger(IDLE);
        volatile boolean active = true;

        Lender(Thread thread) {
            this.thread = thread;
        }

        /** Hands one call to this lender if it is waiting. */
        boolean signal() {
            if (state.compareAndSet(WAITING, SIGNALLED)) {
                LockSupport.unpark(thread);
                return true;
            }
            return false;
        }

        void wake() {
            if (active) {
                LockSupport.unpark(thread);
            }
        }

        void leave() {
            active = false;
        }
    }
}
