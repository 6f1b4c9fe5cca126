package io.getport.ocean.aws.credentials.benchmarks;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * S4, burst: {@code accounts} cold accounts resolved at once, <b>one virtual thread each</b>, against the stand-in
 * {@link QuotaSts} (default 5 ms latency, quota 600/s). Measured per contender: resolutions that failed (and the first
 * failure's message), AssumeRole calls and successful calls per account, wall time against the floor
 * {@code accounts / quota}, and virtual threads pinned to their carrier, counted from a JFR recording of
 * {@code jdk.VirtualThreadPinned} started in this JVM (threshold 0, so every pinned park counts; the figure at JFR's
 * default 20 ms threshold is given too) and read back with {@link RecordingFile}.
 *
 * <p>Needs Java 21 or newer (virtual threads); the module compiles for Java 17, so the virtual-thread executor is
 * looked up with {@link MethodHandles} and the scenario refuses, naming the JVM, on older ones. One pilot account is
 * resolved before the recording starts (classes loaded, connections made), and is not counted.
 */
final class S4Burst {

    record Config(int accounts, QuotaSts.Config sts, boolean childProcess, List<Contender.Kind> contenders,
                  int oursRateLimit) {
    }

    /** {@code sts}: the fake's counts for the burst only (the pilot account subtracted). */
    record Result(Contender.Kind contender, int accounts, int resolutions, int failures, String firstFailure,
                  long wallMillis, long requests, long ok, long throttled, int accountsExactlyOnce, int maxOkPerAccount,
                  int peakInFlight, long pinned, long pinnedOver20ms, String pinnedWhere, String jvm) {
    }

    private S4Burst() {
    }

    /** Throws {@link IllegalStateException} naming the JVM unless it has virtual threads (Java 21+). */
    static ExecutorService virtualThreadPerTask() {
        int feature = Runtime.version().feature();
        if (feature < 21) {
            throw new IllegalStateException("the burst scenario needs virtual threads (Java 21 or newer); this JVM is "
                    + System.getProperty("java.runtime.version") + " at " + System.getProperty("java.home")
                    + ". Run it with e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        }
        try {
            MethodHandle h = MethodHandles.publicLookup().findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                    MethodType.methodType(ExecutorService.class));
            return (ExecutorService) h.invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("could not create a virtual-thread executor on Java " + feature, e);
        }
    }

    static List<Result> run(Config config, Report report) throws Exception {
        virtualThreadPerTask().shutdown();
        List<Result> results = new ArrayList<>();
        for (Contender.Kind kind : config.contenders()) {
            report.progress("burst " + kind.label + ": " + config.accounts() + " virtual threads, STS "
                    + config.sts().latency().toMillis() + " ms");
            results.add(runOne(kind, config));
        }
        return results;
    }

    static Result runOne(Contender.Kind kind, Config config) throws Exception {
        String[] ids = Fixtures.accountIds(config.accounts());
        String pilot = Fixtures.accountId(config.accounts());
        try (StsBackend sts = StsBackend.start(config.sts(), config.childProcess());
             Contender contender = Contender.create(kind, sts.endpoint(), b -> config.oursRateLimit() > 0
                     ? b.stsProtection(s -> s.stsRateLimit(config.oursRateLimit())) : b)) {
            contender.resolve(pilot);
            // The harness's own class, loaded here: the virtual threads would otherwise load it at once, and a virtual
            // thread waiting for another's class loading pins its carrier (class loading cannot unmount), which
            // counted the harness's pins as the contender's.
            ensureLoaded(S1ColdStart.class);
            QuotaSts.Stats before = sts.stats();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            String[] firstFailure = new String[1];
            CountDownLatch start = new CountDownLatch(1);
            Path jfr = Files.createTempFile("burst-", ".jfr");
            long wall;
            try (Recording recording = new Recording()) {
                recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
                recording.start();
                ExecutorService threads = virtualThreadPerTask();
                for (String id : ids) {
                    threads.execute(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        S1ColdStart.resolveOne(contender, id, ok, failures, firstFailure);
                    });
                }
                long t0 = System.nanoTime();
                start.countDown();
                threads.shutdown();
                if (!threads.awaitTermination(1, TimeUnit.HOURS)) {
                    throw new IllegalStateException("burst " + kind.label + " did not finish within an hour");
                }
                wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                recording.stop();
                recording.dump(jfr);
            }
            long[] pinned = new long[2];
            String where = pinnedWhere(jfr, pinned);
            Files.deleteIfExists(jfr);
            QuotaSts.Stats after = sts.stats();
            synchronized (firstFailure) {
                return new Result(kind, ids.length, ok.get(), failures.get(), firstFailure[0], wall,
                        after.requests() - before.requests(), after.ok() - before.ok(),
                        after.throttled() - before.throttled(), after.accountsExactlyOnce() - 1,
                        after.maxOkPerAccount(), after.peakInFlight(), pinned[0], pinned[1], where,
                        System.getProperty("java.runtime.version"));
            }
        }
    }

    /**
     * Counts {@code jdk.VirtualThreadPinned} events into {@code counts[0]} (all) and {@code counts[1]} (at least
     * 20 ms); returns where they happened: the first non-JDK frame of each stack, with counts, most frequent first.
     */
    private static void ensureLoaded(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pinnedWhere(Path jfr, long[] counts) throws IOException {
        Map<String, Integer> byFrame = new TreeMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
                continue;
            }
            counts[0]++;
            if (e.getDuration().compareTo(Duration.ofMillis(20)) >= 0) {
                counts[1]++;
            }
            String frame = "(no stack)";
            if (e.getStackTrace() != null) {
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    String type = f.getMethod().getType().getName();
                    if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                        frame = type + "." + f.getMethod().getName();
                        break;
                    }
                }
            }
            byFrame.merge(frame, 1, Integer::sum);
        }
        if (byFrame.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        byFrame.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(5)
                .forEach(en -> b.append(b.length() == 0 ? "" : "; ").append(en.getKey()).append(" ×")
                        .append(en.getValue()));
        return b.toString();
    }
}
