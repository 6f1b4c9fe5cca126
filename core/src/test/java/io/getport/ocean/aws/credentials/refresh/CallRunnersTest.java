package io.getport.ocean.aws.credentials.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.getport.ocean.aws.credentials.internal.CallRunners;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link CallRunners}: waiting callers lend their threads to queued STS calls, every call runs exactly once, and a
 * caller that leaves never drops a call handed to it. The pool here is a list that runs nothing until the test says
 * so, so every hand-over is observed, not timed.
 */
class CallRunnersTest {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    /** An executor that only records: {@link #runAll()} runs what it got, on the test's thread. */
    private static final class RecordingPool implements java.util.concurrent.Executor {
        final List<Runnable> got = new ArrayList<>();

        @Override
        public synchronized void execute(Runnable r) {
            got.add(r);
        }

        synchronized int size() {
            return got.size();
        }

        void runAll() {
            List<Runnable> now;
            synchronized (this) {
                now = new ArrayList<>(got);
                got.clear();
            }
            now.forEach(Runnable::run);
        }
    }

    private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void execute_noCallerWaiting_goesToThePoolAndRunsOnce() {
        RecordingPool pool = new RecordingPool();
        CallRunners runners = new CallRunners(pool, 2, true, 0);
        List<String> ran = new ArrayList<>();

        runners.execute(() -> ran.add("call"));

        assertThat(ran).isEmpty();
        assertThat(pool.size()).isEqualTo(1);
        pool.runAll();
        assertThat(ran).containsExactly("call");
        assertThat(runners.ranOnLentThreads()).isZero();
        assertThat(runners.capacity()).isEqualTo(2);
    }

    @Test
    void execute_whileACallerWaits_runsTheCallOnTheCallersThreadAndNotOnThePool() throws Exception {
        RecordingPool pool = new RecordingPool();
        CallRunners runners = new CallRunners(pool, 2, true, 0);
        CompletableFuture<String> own = new CompletableFuture<>();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                outcome.set(runners.await(own, MINUTE));
            } catch (Exception e) {
                outcome.set(e);
            }
        }, "lending-caller");
        caller.start();
        waitUntil(() -> runners.lending() == 1, "the caller offers its thread");
        assertThat(runners.capacity()).isEqualTo(3);

        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        runners.execute(() -> {
            ranOn.set(Thread.currentThread());
            ran.countDown();
        });
        assertThat(ran.await(60, TimeUnit.SECONDS)).isTrue();
        own.complete("mine");
        caller.join(TimeUnit.SECONDS.toMillis(60));

        assertThat(ranOn.get()).isSameAs(caller);
        assertThat(pool.size()).isZero();
        assertThat(outcome.get()).isEqualTo("mine");
        assertThat(runners.ranOnLentThreads()).isEqualTo(1);
        assertThat(runners.lending()).isZero();
        assertThat(runners.capacity()).isEqualTo(2);
    }

    @Test
    void await_lessTimeLeftThanOneCall_doesNotOfferTheThread() throws Exception {
        RecordingPool pool = new RecordingPool();
        // A call may take up to a minute; the caller waits 200 ms: it must not lend.
        CallRunners runners = new CallRunners(pool, 1, true, MINUTE);
        CompletableFuture<String> own = new CompletableFuture<>();

        assertThatThrownBy(() -> runners.await(own, TimeUnit.MILLISECONDS.toNanos(200)))
                .isInstanceOf(TimeoutException.class);
        runners.execute(() -> { });

        assertThat(pool.size()).isEqualTo(1);
        assertThat(runners.ranOnLentThreads()).isZero();
        assertThat(runners.lending()).isZero();
    }

    @Test
    void await_interruptedWhileOffering_throwsInterruptedAndLaterCallsGoToThePool() throws Exception {
        RecordingPool pool = new RecordingPool();
        CallRunners runners = new CallRunners(pool, 1, true, 0);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                outcome.set(runners.await(new CompletableFuture<>(), MINUTE));
            } catch (Exception e) {
                outcome.set(e);
            }
        });
        caller.start();
        waitUntil(() -> runners.lending() == 1, "the caller offers its thread");

        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(60));
        List<String> ran = new ArrayList<>();
        runners.execute(() -> ran.add("after"));

        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(runners.lending()).isZero();
        assertThat(pool.size()).isEqualTo(1);
        pool.runAll();
        assertThat(ran).containsExactly("after");
    }

    @Test
    void await_failedOwnResult_isThrownAsExecutionException() throws Exception {
        CallRunners runners = new CallRunners(new RecordingPool(), 1, true, 0);
        CompletableFuture<String> own = new CompletableFuture<>();
        Thread failer = new Thread(() -> own.completeExceptionally(new IllegalStateException("refused")));

        CompletableFuture<Object> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return runners.await(own, MINUTE);
            } catch (ExecutionException e) {
                return e.getCause().getMessage();
            } catch (Exception e) {
                return e;
            }
        });
        waitUntil(() -> runners.lending() == 1 || outcome.isDone(), "the caller waits");
        failer.start();

        assertThat(outcome.get(60, TimeUnit.SECONDS)).isEqualTo("refused");
    }

    @Test
    void execute_manyCallsAndCallersAtOnce_everyCallRunsExactlyOnce() throws Exception {
        // 8 callers wait while 2,000 calls are executed from 4 threads; the pool's drains run on 2 threads.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        CallRunners runners = new CallRunners(pool, 2, true, 0);
        CompletableFuture<Void> release = new CompletableFuture<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    runners.await(release, MINUTE);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            t.start();
            callers.add(t);
        }
        int calls = 2_000;
        java.util.concurrent.atomic.AtomicIntegerArray runs = new java.util.concurrent.atomic.AtomicIntegerArray(calls);
        CountDownLatch allRan = new CountDownLatch(calls);
        List<Thread> submitters = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            int first = s;
            Thread t = new Thread(() -> {
                for (int i = first; i < calls; i += 4) {
                    int id = i;
                    runners.execute(() -> {
                        runs.incrementAndGet(id);
                        allRan.countDown();
                    });
                }
            });
            t.start();
            submitters.add(t);
        }
        for (Thread t : submitters) {
            t.join();
        }
        assertThat(allRan.await(60, TimeUnit.SECONDS)).isTrue();
        release.complete(null);
        for (Thread t : callers) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(t.isAlive()).isFalse();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < calls; i++) {
            assertThat(runs.get(i)).as("runs of call %d", i).isEqualTo(1);
        }
        assertThat(runners.lending()).isZero();
    }

    @Test
    void await_onAVirtualThread_neverLends() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21 or newer (the Java 25 step runs it)");
        RecordingPool pool = new RecordingPool();
        CallRunners runners = new CallRunners(pool, 1, true, 0);
        CompletableFuture<String> own = new CompletableFuture<>();
        Method ofVirtual = Thread.class.getMethod("ofVirtual");
        Object builder = ofVirtual.invoke(null);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread virtual = (Thread) start.invoke(builder, (Runnable) () -> {
            try {
                outcome.set(runners.await(own, MINUTE));
            } catch (Exception e) {
                outcome.set(e);
            }
        });
        // The virtual thread parks in CompletableFuture.get; give it the chance to offer itself (it must not).
        waitUntil(() -> virtual.getState() == Thread.State.WAITING || virtual.getState() == Thread.State.TIMED_WAITING,
                "the virtual thread waits");
        runners.execute(() -> { });

        assertThat(pool.size()).isEqualTo(1);
        assertThat(runners.lending()).isZero();
        own.complete("mine");
        virtual.join(Duration.ofSeconds(60).toMillis());
        assertThat(outcome.get()).isEqualTo("mine");
    }
}
