package io.getport.ocean.aws.credentials.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to refresh credentials of a given lifetime (learned from the SDK's cache redesign and botocore).
 *
 * <ul>
 *   <li>Advisory window, by lifetime unless overridden: under 20 min, 5 min; 20 to 90 min, 15 min; from 90 min, 60
 *   min. Its start is moved later by a random fraction ({@code jitter}, default half) of the window, per account and
 *   per refresh, so accounts assumed together do not refresh together. In it, one background refresh runs and callers
 *   keep getting the current credentials.</li>
 *   <li>Mandatory window (default 1 min): callers wait for the refresh; credentials in it are never handed out.</li>
 * </ul>
 */
public final class RefreshWindows {
    private final Duration advisoryOverride;
    private final long mandatoryMillis;
    private final double jitter;

    public RefreshWindows(Duration advisoryOverride, Duration mandatory, double jitter) {
        this.advisoryOverride = advisoryOverride;
        this.mandatoryMillis = mandatory.toMillis();
        this.jitter = jitter;
    }

    /** The advisory window for credentials valid for {@code lifetimeMillis} from issue. */
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

    public long mandatoryMillis() {
        return mandatoryMillis;
    }

    /**
     * The instant (epoch ms) from which a caller triggers a background refresh: the advisory window's start, moved
     * later by a random part of the window, never later than the mandatory window's start and never before now.
     */
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
