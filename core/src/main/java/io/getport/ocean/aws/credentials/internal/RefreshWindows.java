package io.getport.ocean.aws.credentials.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to refresh credentials: a phase per account, assigned once and kept, so that every account keeps the same
 * outage buffer and the fleet's refresh load is flat (see {@code docs/REFRESH.md}).
 *
 * <p>For credentials issued at {@code I} and expiring at {@code E} (lifetime {@code L = E - I}), with the mandatory
 * window {@code M} and the outage buffer {@code B}, the latest allowed refresh is {@code I + P} with
 * {@code P = L - B - M}. Each account gets a phase once, when the broker first sees it: the {@code k}-th account's
 * phase is the fractional part of {@code salt + k * (golden ratio - 1)} of the refresh period (a low-discrepancy
 * sequence: any {@code n} accounts created in a row are spread evenly, not at random, so no second gets much more
 * than its share). The planned background refresh is the latest {@code t <= I + P} with {@code t = phase (mod Q)}.
 *
 * <p>{@code Q}, the phase period, is what keeps phases stable: STS's expiration has whole seconds, and {@code I} is
 * when the answer arrived, so the measured {@code P} differs by up to a second or so from refresh to refresh. A phase
 * taken modulo the measured {@code P} would then jump to a random place at every refresh. So {@code Q} comes from the
 * nominal lifetime (the requested session duration when the credentials' lifetime is within a minute of it, else the
 * lifetime rounded up to a whole minute), less a {@value #PHASE_TOLERANCE_MILLIS} ms tolerance for that rounding, the
 * answer's latency and clock skew: {@code Q = L_nominal - B - M - tolerance}, never above the measured {@code P}. An
 * account refreshed at its planned time is then refreshed every {@code Q} exactly, keeps its phase, and keeps at least
 * {@code B + M} (at most {@code B + M + tolerance}) between its planned refresh and expiry. A cohort assumed together
 * (a cold start) is spread over its first period once. The cost: {@code L / Q} refreshes per lifetime, 0.5% above the
 * ideal {@code L / (L - B - M)} for 1-hour credentials with the default buffer.
 *
 * <p>{@code B}: {@code outageBuffer} when set; else {@code advisoryWindow - M} when {@code advisoryWindow} is set (the
 * old setting: the time before expiry from which a background refresh runs); else {@code clamp(L / 6, 1 min, 60 min)}
 * (10 minutes for 1-hour credentials). It is capped at {@code (L - M) / 2}, so the period is never shorter than half
 * the usable lifetime however the settings are combined.
 *
 * <p>Immutable and thread safe.
 */
public final class RefreshWindows {
    /** Default buffer bounds. */
    public static final long MIN_DEFAULT_BUFFER_MILLIS = Duration.ofMinutes(1).toMillis();
    public static final long MAX_DEFAULT_BUFFER_MILLIS = Duration.ofMinutes(60).toMillis();
    /** Taken off the phase period for the expiration's whole seconds, the answer's latency and clock skew. */
    public static final long PHASE_TOLERANCE_MILLIS = 15_000;
    /** How far a lifetime may be from the requested session duration and still count as that duration. */
    static final long NOMINAL_SLACK_MILLIS = 60_000;
    /** 2^64 / golden ratio: the step of the phase sequence (Weyl sequence, the most evenly spread step). */
    private static final long GOLDEN_STEP = 0x9E3779B97F4A7C15L;

    private final Duration advisoryOverride;
    private final Duration outageBuffer;
    private final long mandatoryMillis;
    private final double jitter;
    private final long nominalLifetimeMillis;

    /** The old constructor (advisory window and jitter); kept for callers of the old model. No outage buffer set. */
    public RefreshWindows(Duration advisoryOverride, Duration mandatory, double jitter) {
        this(advisoryOverride, null, mandatory, jitter, null);
    }

    /**
     * @param nominalLifetime the session duration the broker asks STS for (null: only lifetimes as measured)
     */
    public RefreshWindows(Duration advisoryOverride, Duration outageBuffer, Duration mandatory, double jitter,
            Duration nominalLifetime) {
        this.advisoryOverride = advisoryOverride;
        this.outageBuffer = outageBuffer;
        this.mandatoryMillis = mandatory.toMillis();
        this.jitter = jitter;
        this.nominalLifetimeMillis = nominalLifetime == null ? 0 : nominalLifetime.toMillis();
    }

    public long mandatoryMillis() {
        return mandatoryMillis;
    }

    /** The outage buffer {@code B} this broker keeps for credentials of {@code lifetimeMillis}. */
    public long bufferMillis(long lifetimeMillis) {
        long b;
        if (outageBuffer != null) {
            b = outageBuffer.toMillis();
        } else if (advisoryOverride != null) {
            b = Math.max(0, advisoryOverride.toMillis() - mandatoryMillis);
        } else {
            b = defaultBufferMillis(lifetimeMillis);
        }
        return clampBuffer(b, lifetimeMillis, mandatoryMillis);
    }

    /** The default outage buffer: {@code clamp(L / 6, 1 min, 60 min)}. */
    public static long defaultBufferMillis(long lifetimeMillis) {
        return Math.max(MIN_DEFAULT_BUFFER_MILLIS, Math.min(MAX_DEFAULT_BUFFER_MILLIS, lifetimeMillis / 6));
    }

    /** {@code buffer} capped at {@code (L - M) / 2} (and at least 0). */
    public static long clampBuffer(long bufferMillis, long lifetimeMillis, long mandatoryMillis) {
        long cap = Math.max(0, (lifetimeMillis - mandatoryMillis) / 2);
        return Math.max(0, Math.min(bufferMillis, cap));
    }

    /**
     * The planned refresh (epoch ms) of credentials received at {@code issuedMillis} for the account with
     * {@code phase} (see {@link #phase(long, long)}).
     */
    public long plannedRefresh(long phase, long issuedMillis, long expiresMillis) {
        long lifetime = expiresMillis - issuedMillis;
        long nominal = nominalLifetime(lifetime);
        return plannedRefreshMillis(phase, issuedMillis, expiresMillis, bufferMillis(nominal), mandatoryMillis,
                nominal);
    }

    /**
     * The lifetime the phase period is taken from: the requested session duration when {@code lifetimeMillis} is
     * within {@link #NOMINAL_SLACK_MILLIS} of it, else {@code lifetimeMillis} rounded up to a whole minute.
     */
    long nominalLifetime(long lifetimeMillis) {
        if (nominalLifetimeMillis > 0 && lifetimeMillis <= nominalLifetimeMillis + 1_000
                && lifetimeMillis >= nominalLifetimeMillis - NOMINAL_SLACK_MILLIS) {
            return nominalLifetimeMillis;
        }
        return Math.max(0, lifetimeMillis + 59_999) / 60_000 * 60_000;
    }

    /**
     * The planned background refresh, a pure function (the engine and the benchmarks' model use this one): the
     * latest {@code t <= I + P} with {@code t = phi (mod Q)}, where {@code P = L - B - M} is measured,
     * {@code Q = nominal - B - M - }{@link #PHASE_TOLERANCE_MILLIS} when that is in {@code (0, P]} (else
     * {@code Q = P}), and {@code phi} is {@code phase}'s fraction of {@code Q}. With {@code P <= 0} (credentials
     * already inside buffer and window), the issue time.
     *
     * @param phase the account's phase, a 64-bit fraction of the period (see {@link #phase(long, long)})
     * @param issuedMillis when the credentials were received (epoch ms)
     * @param expiresMillis their expiration (epoch ms)
     * @param bufferMillis the outage buffer {@code B} (already clamped, see {@link #clampBuffer})
     * @param mandatoryMillis the mandatory window {@code M}
     * @param nominalLifetimeMillis the nominal lifetime (0: the measured one, {@code Q = P})
     * @return the planned refresh, in {@code (I, I + P]}, never after {@code E - B - M}
     */
    public static long plannedRefreshMillis(long phase, long issuedMillis, long expiresMillis, long bufferMillis,
            long mandatoryMillis, long nominalLifetimeMillis) {
        long latestOffset = expiresMillis - issuedMillis - bufferMillis - mandatoryMillis;
        if (latestOffset <= 0) {
            return issuedMillis;
        }
        long period = latestOffset;
        long nominalPeriod = nominalLifetimeMillis - bufferMillis - mandatoryMillis - PHASE_TOLERANCE_MILLIS;
        if (nominalPeriod > 0 && nominalPeriod <= latestOffset) {
            period = nominalPeriod;
        }
        long phi = fractionOf(phase, period);
        long latest = issuedMillis + latestOffset;
        return latest - Math.floorMod(latest - phi, period);
    }

    /** The same with the measured period only ({@code Q = P}). */
    public static long plannedRefreshMillis(long phase, long issuedMillis, long expiresMillis, long bufferMillis,
            long mandatoryMillis) {
        return plannedRefreshMillis(phase, issuedMillis, expiresMillis, bufferMillis, mandatoryMillis, 0);
    }

    /**
     * The phase of the {@code sequence}-th account a broker sees: {@code salt + sequence * 2^64 / golden ratio}, read
     * as an unsigned 64-bit fraction. Consecutive sequences are spread evenly over any period.
     */
    public static long phase(long sequence, long salt) {
        return salt + sequence * GOLDEN_STEP;
    }

    /** {@code phase} (an unsigned 64-bit fraction) of {@code period}: {@code floor(phase / 2^64 * period)}. */
    static long fractionOf(long phase, long period) {
        // Unsigned high word of phase * period (period > 0); Math.unsignedMultiplyHigh is Java 18+.
        return Math.multiplyHigh(phase, period) + ((phase >> 63) & period);
    }

    /** The refresh period {@code P = L - B - M} for credentials of {@code lifetimeMillis}. */
    public long periodMillis(long lifetimeMillis) {
        return lifetimeMillis - bufferMillis(lifetimeMillis) - mandatoryMillis;
    }

    /**
     * A well-mixed 64-bit hash of {@code key} (an account ID or role ARN) with {@code salt}: FNV-1a over the
     * characters, then the SplitMix64 finaliser. A phase that needs no state (random, not evenly spread); the engine
     * uses {@link #phase(long, long)}.
     */
    public static long phaseHash(String key, long salt) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix64(h ^ salt);
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * The old schedule's advisory window by lifetime (under 20 min: 5 min; 20 to 90 min: 15 min; from 90 min: 60 min).
     *
     * @deprecated the engine plans refreshes with {@link #plannedRefresh}; kept for the benchmarks' model of the old
     *     schedule
     */
    @Deprecated
    public long advisoryMillis(long lifetimeMillis) {
        if (advisoryOverride != null) {
            return advisoryOverride.toMillis();
        }
        long minutes = lifetimeMillis / 60_000;
        if (minutes < 20) {
            return Duration.ofMinutes(5).toMillis();
        }
        if (minutes < 90) {
            return Duration.ofMinutes(15).toMillis();
        }
        return Duration.ofMinutes(60).toMillis();
    }

    /**
     * The old schedule: the advisory window's start moved later by a random part ({@code jitter}) of the window.
     *
     * @deprecated the engine plans refreshes with {@link #plannedRefresh}; kept for the benchmarks' model of the old
     *     schedule
     */
    @Deprecated
    public long advisoryStart(long nowMillis, long expiresMillis) {
        long lifetime = Math.max(0, expiresMillis - nowMillis);
        long window = Math.min(advisoryMillis(lifetime), lifetime);
        long mandatoryStart = expiresMillis - mandatoryMillis;
        long start = expiresMillis - window;
        long spread = (long) (window * jitter);
        if (spread > 0) {
            start += ThreadLocalRandom.current().nextLong(spread + 1);
        }
        return Math.max(nowMillis, Math.min(start, mandatoryStart));
    }
}
