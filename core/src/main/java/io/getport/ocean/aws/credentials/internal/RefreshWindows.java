package io.getport.ocean.aws.credentials.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to refresh credentials: a phase per account, assigned once and kept, so that every account keeps the same
 * outage buffer and the fleet's refresh load is flat (see {@code docs/REFRESH.md}).
 *
 * <p>For credentials issued at {@code I} and expiring at {@code E} (lifetime {@code L = E - I}), with the mandatory
 * window {@code M} and the outage buffer {@code B}, the refresh period is {@code P = L - B - M}. The account's phase is
 * {@code phi = hash mod P} (a 64-bit hash of the account, salted per broker so that replicas differ). The planned
 * background refresh is the latest {@code t <= I + P} with {@code t = phi (mod P)}: a cohort assumed together is spread
 * uniformly over its first period, and afterwards, refreshed at its planned time, every account is refreshed every
 * {@code P} exactly, keeping its phase and a buffer of {@code B + M} from its planned refresh to expiry.
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

    private final Duration advisoryOverride;
    private final Duration outageBuffer;
    private final long mandatoryMillis;
    private final double jitter;

    /** The old constructor (advisory window and jitter); kept for callers of the old model. No outage buffer set. */
    public RefreshWindows(Duration advisoryOverride, Duration mandatory, double jitter) {
        this(advisoryOverride, null, mandatory, jitter);
    }

    public RefreshWindows(Duration advisoryOverride, Duration outageBuffer, Duration mandatory, double jitter) {
        this.advisoryOverride = advisoryOverride;
        this.outageBuffer = outageBuffer;
        this.mandatoryMillis = mandatory.toMillis();
        this.jitter = jitter;
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

    /** The planned refresh (epoch ms) of credentials issued now for the account with {@code accountHash}. */
    public long plannedRefresh(long accountHash, long issuedMillis, long expiresMillis) {
        long lifetime = expiresMillis - issuedMillis;
        return plannedRefreshMillis(accountHash, issuedMillis, expiresMillis, bufferMillis(lifetime), mandatoryMillis);
    }

    /**
     * The planned background refresh of credentials, a pure function (the engine and the benchmarks' model use this
     * one): the latest {@code t <= I + P} with {@code t = phi (mod P)}, where {@code P = L - B - M} and
     * {@code phi = floorMod(accountHash, P)}. With {@code P <= 0} (credentials already inside buffer and window), the
     * issue time.
     *
     * @param accountHash {@link #phaseHash(String, long)} of the account (any well-mixed 64-bit value)
     * @param issuedMillis when the credentials were received (epoch ms)
     * @param expiresMillis their expiration (epoch ms)
     * @param bufferMillis the outage buffer {@code B} (already clamped, see {@link #clampBuffer})
     * @param mandatoryMillis the mandatory window {@code M}
     * @return the planned refresh, in {@code (I, I + P]}, never after {@code E - B - M}
     */
    public static long plannedRefreshMillis(long accountHash, long issuedMillis, long expiresMillis, long bufferMillis,
            long mandatoryMillis) {
        long period = expiresMillis - issuedMillis - bufferMillis - mandatoryMillis;
        if (period <= 0) {
            return issuedMillis;
        }
        long phase = Math.floorMod(accountHash, period);
        return issuedMillis + period - Math.floorMod(issuedMillis - phase, period);
    }

    /** The refresh period {@code P = L - B - M} for credentials of {@code lifetimeMillis}. */
    public long periodMillis(long lifetimeMillis) {
        return lifetimeMillis - bufferMillis(lifetimeMillis) - mandatoryMillis;
    }

    /**
     * A well-mixed 64-bit hash of {@code key} (an account ID or role ARN) with {@code salt}: FNV-1a over the
     * characters, then the SplitMix64 finaliser.
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
