package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.internal.RefreshWindows;

import java.util.SplittableRandom;

/**
 * A what-if model of S3 without HTTP: the same callers (account {@code i} resolved at the seconds
 * {@code ≡ i (mod interval)}) and the same trigger rule (a caller at or after the planned refresh time starts the
 * refresh, which STS answers at once, so the new credentials are issued at that caller's second), with the planned
 * time chosen by a {@link Policy}. It runs in about a second; {@code ScaleSimulation model-vs-engine} compares it with
 * the real engine (S3).
 *
 * <p>Neither policy uses the engine's classes: the model must compile whatever the engine looks like. {@link
 * Policy#PHASES} takes its time from {@link RefreshPlan} (the one place to switch to the engine's function).
 */
final class RefreshScheduleModel {

    enum Policy {
        /**
         * The engine of November 2026 ({@code RefreshWindows}): refresh at {@code expiry - window + U[0, jitter ×
         * window]} with the advisory window by lifetime (15 minutes for 1-hour credentials), bounded by the mandatory
         * window; a new random draw after every refresh.
         */
        LEGACY_JITTER("legacy: advisory window 15 min, start jittered by up to jitter × window"),
        /**
         * Issue 13 as the engine does it ({@link RefreshPlan}): phases assigned once, in creation order, from a
         * golden-ratio sequence, and kept.
         */
        PHASES("phases: latest t <= issue + P with t = phi (mod Q), phi_k = frac(k x 0.618...) of Q"),
        /**
         * The first design, for comparison: the same rule with the phase from a hash of the account ID (random, so
         * some seconds get several times their share).
         */
        PHASES_HASH("first design: phases from a hash of the account ID");

        final String label;

        Policy(String label) {
            this.label = label;
        }

        static Policy of(String name) {
            switch (name) {
                case "legacy":
                    return LEGACY_JITTER;
                case "phases":
                    return PHASES;
                case "phases-hash":
                    return PHASES_HASH;
                default:
                    throw new IllegalArgumentException("option --policy must be legacy, phases or phases-hash, was "
                            + name);
            }
        }
    }

    /** Model settings: lifetime 1 hour; {@code bufferMinutes} and {@code mandatoryMinutes} for {@link Policy#PHASES}. */
    record Settings(int accounts, int hours, int callIntervalSeconds, double jitter, int bufferMinutes,
                    int mandatoryMinutes) {
    }

    private RefreshScheduleModel() {
    }

    /**
     * The order in which the callers first ask for account {@code i} (so the broker creates it): by second
     * ({@code i mod interval}), then by index.
     */
    static long creationRank(int i, int accounts, int interval) {
        int residue = i % interval;
        long before = 0;
        for (int r = 0; r < residue; r++) {
            before += (accounts - r + interval - 1) / interval;
        }
        return before + i / interval;
    }

    /** AssumeRole calls per simulated second over {@code hours}. */
    static int[] simulate(Policy policy, Settings s, long seed) {
        int seconds = s.hours() * 3600;
        int[] perSecond = new int[seconds];
        long lifetimeMs = 3_600_000L;
        long mandatoryMs = s.mandatoryMinutes() * 60_000L;
        long bufferMs = s.bufferMinutes() * 60_000L;
        long legacyWindowMs = 15 * 60_000L;
        SplittableRandom random = new SplittableRandom(seed);
        int interval = s.callIntervalSeconds();
        for (int i = 0; i < s.accounts(); i++) {
            String id = Fixtures.accountId(i);
            long phase = i % interval;
            long t = phase;
            while (t < seconds) {
                perSecond[(int) t]++;
                long issuedMs = t * 1000;
                long refreshAtMs;
                if (policy == Policy.PHASES) {
                    refreshAtMs = RefreshPlan.plannedRefreshMillis(creationRank(i, s.accounts(), interval), issuedMs,
                            lifetimeMs, bufferMs, mandatoryMs);
                } else if (policy == Policy.PHASES_HASH) {
                    refreshAtMs = RefreshWindows.plannedRefreshMillis(RefreshWindows.phaseHash(id, RefreshPlan.SALT),
                            issuedMs, issuedMs + lifetimeMs, bufferMs, mandatoryMs);
                } else {
                    long expiresMs = issuedMs + lifetimeMs;
                    long start = expiresMs - legacyWindowMs;
                    long spread = (long) (legacyWindowMs * s.jitter());
                    if (spread > 0) {
                        start += random.nextLong(spread + 1);
                    }
                    refreshAtMs = Math.max(issuedMs, Math.min(start, expiresMs - mandatoryMs));
                }
                // The first caller at or after refreshAt: phase + k * interval, after the current one.
                long refreshAtS = (refreshAtMs + 999) / 1000;
                long touchesSoFar = (t - phase) / interval;
                long k = Math.max(touchesSoFar + 1, (refreshAtS - phase + interval - 1) / interval);
                t = phase + k * interval;
            }
        }
        return perSecond;
    }
}
