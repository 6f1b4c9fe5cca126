package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.internal.RefreshWindows;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A what-if model of S3 without HTTP: the same callers (account {@code i} resolved at the seconds
 * {@code ≡ i (mod interval)}) and the same trigger rule (a caller at or after the refresh instant starts the refresh,
 * which STS answers at once), with the refresh instant chosen by a {@link Policy}. It runs in well under a second, so
 * policies can be compared; its {@link Policy#ENGINE} row is checked against the real S3 run in the report.
 */
final class RefreshScheduleModel {

    enum Policy {
        /** The engine as built: {@link RefreshWindows#advisoryStart} with the configured jitter, every time. */
        ENGINE("engine (RefreshWindows as built)"),
        /**
         * Proposal: after a cold assumption (no previous credentials), pick the first refresh instant uniformly in
         * {@code [issue, expiry - advisory window]}, then as the engine does. Accounts assumed together then refresh
         * spread over a whole period instead of over {@code jitter × window}, and later refreshes keep that phase.
         */
        SPREAD_FIRST_REFRESH("proposal 1: first refresh uniform over [issue, expiry - window]"),
        /**
         * Proposal 1, and every refresh placed on the least-loaded second of its allowed interval (the first: as in
         * proposal 1; later ones: the engine's jitter interval {@code [expiry - window, expiry - window + jitter ×
         * window]}), counted in one broker-wide ring of per-second counters (one {@code int} per second of the longest
         * lifetime, 14 KiB for 1 hour), and started at that second by the broker's scheduler thread instead of by the
         * next caller (for accounts in use).
         */
        SPREAD_AND_PACE("proposal 2: proposal 1 + least-loaded second, started by the scheduler");

        final String label;

        Policy(String label) {
            this.label = label;
        }
    }

    private RefreshScheduleModel() {
    }

    /** AssumeRole calls per simulated second over {@code hours}. */
    static int[] simulate(Policy policy, int accounts, int hours, int callIntervalSeconds, double jitter, long seed) {
        if (policy == Policy.SPREAD_AND_PACE) {
            return paced(accounts, hours, callIntervalSeconds, jitter);
        }
        int seconds = hours * 3600;
        int[] perSecond = new int[seconds];
        RefreshWindows windows = new RefreshWindows(null, Duration.ofMinutes(1), jitter);
        long lifetimeMs = Duration.ofHours(1).toMillis();
        long windowMs = windows.advisoryMillis(lifetimeMs);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < accounts; i++) {
            long phase = i % callIntervalSeconds;
            long t = phase;
            boolean first = true;
            while (t < seconds) {
                perSecond[(int) t]++;
                long issuedMs = t * 1000;
                long expiresMs = issuedMs + lifetimeMs;
                long refreshAtMs;
                if (first && policy == Policy.SPREAD_FIRST_REFRESH) {
                    refreshAtMs = issuedMs + random.nextLong(lifetimeMs - windowMs + 1);
                } else {
                    refreshAtMs = windows.advisoryStart(issuedMs, expiresMs);
                }
                first = false;
                // The first caller at or after refreshAt: phase + k * interval.
                long refreshAtS = (refreshAtMs + 999) / 1000;
                long touchesSoFar = (t - phase) / callIntervalSeconds;
                long k = Math.max(touchesSoFar + 1, (refreshAtS - phase + callIntervalSeconds - 1) / callIntervalSeconds);
                t = phase + k * callIntervalSeconds;
            }
        }
        return perSecond;
    }

    /** Proposal 2: an event simulation in time order, each refresh on the least-loaded allowed second. */
    private static int[] paced(int accounts, int hours, int callIntervalSeconds, double jitter) {
        int seconds = hours * 3600;
        int lifetime = 3600;
        RefreshWindows windows = new RefreshWindows(null, Duration.ofMinutes(1), jitter);
        int window = (int) (windows.advisoryMillis(lifetime * 1000L) / 1000);
        int spread = (int) (window * jitter);
        int[] perSecond = new int[seconds];
        // Scheduled refreshes per second (a plain array here; a ring of `lifetime` counters in a broker).
        int[] scheduled = new int[seconds + lifetime];
        java.util.PriorityQueue<long[]> events = new java.util.PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 0; i < accounts; i++) {
            events.add(new long[] {i % callIntervalSeconds, 1});
        }
        while (!events.isEmpty()) {
            long[] e = events.poll();
            int t = (int) e[0];
            if (t >= seconds) {
                continue;
            }
            perSecond[t]++;
            boolean first = e[1] == 1;
            int from = first ? t + 1 : t + lifetime - window;
            int to = first ? t + lifetime - window : t + lifetime - window + spread;
            int best = from;
            for (int c = from; c <= to; c++) {
                if (scheduled[c] < scheduled[best]) {
                    best = c;
                }
            }
            scheduled[best]++;
            events.add(new long[] {best, 0});
        }
        return perSecond;
    }
}
