package io.getport.ocean.aws.credentials.benchmarks;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * Live heap measurements: the total of a class histogram of live objects ({@code GC.class_histogram}, which runs a
 * full GC first, exactly what {@code jcmd <pid> GC.class_histogram} prints), with {@code MemoryMXBean} after
 * {@code System.gc()} as a cross-check.
 */
final class Heap {
    private Heap() {
    }

    /** Bytes of live objects after a full GC, from the class histogram's {@code Total} line. */
    static long liveBytes() {
        String histogram = histogram();
        for (String line : histogram.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Total")) {
                String[] parts = t.split("\\s+");
                return Long.parseLong(parts[2]);
            }
        }
        throw new IllegalStateException("no Total line in the class histogram");
    }

    /** Stable live bytes: the smallest of three histograms (cleaners and reference processing settle meanwhile). */
    static long settledLiveBytes() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            min = Math.min(min, liveBytes());
        }
        return min;
    }

    /** Heap used after a few {@code System.gc()} calls (the cross-check). */
    static long usedAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static String histogram() {
        try {
            ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(name, "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("GC.class_histogram is not available in this JVM", e);
        }
    }

    /** Live threads by name pattern (digits replaced by {@code N}), e.g. {@code ocean-aws-sts-N=8}. */
    static java.util.Map<String, Integer> threadsByName() {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            out.merge(t.getName().replaceAll("\\d+", "N"), 1, Integer::sum);
        }
        return out;
    }

    /** What {@code after} has more of than {@code before}, as {@code name×count, ...}. */
    static String added(java.util.Map<String, Integer> before, java.util.Map<String, Integer> after) {
        StringBuilder b = new StringBuilder();
        after.forEach((name, n) -> {
            int more = n - before.getOrDefault(name, 0);
            if (more > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(name).append(" ×").append(more);
            }
        });
        return b.length() == 0 ? "none" : b.toString();
    }

    /** Live platform threads in this JVM. */
    static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
