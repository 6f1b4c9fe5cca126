package io.getport.ocean.aws.credentials.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one backoff of the library: exponential from a base, capped, with "equal jitter" (half of the delay fixed, half
 * random), so that retries of many accounts spread out and none retries sooner than half its step. Used by the STS
 * retry layer, by an account's refresh after a failure, and by the Organizations account list.
 *
 * <p>Immutable and thread safe.
 */
public final class Backoff {
    /** Doublings at most: {@code base << 20} is far above any cap in use and cannot overflow. */
    private static final int MAX_DOUBLINGS = 20;

    private final long baseMillis;
    private final long capMillis;

    private Backoff(long baseMillis, long capMillis) {
        this.baseMillis = Math.max(1, baseMillis);
        this.capMillis = Math.max(this.baseMillis, capMillis);
    }

    /** A backoff from {@code base} (at least 1 ms), doubling after each failure up to {@code cap} (at least base). */
    public static Backoff exponential(Duration base, Duration cap) {
        return new Backoff(base.toMillis(), cap.toMillis());
    }

    /**
     * The step after {@code failures} consecutive failures: {@code min(cap, base * 2^(failures - 1))}, the base for
     * the first failure (and for 0 or less).
     */
    public long ceilingMillis(int failures) {
        int doublings = Math.min(MAX_DOUBLINGS, Math.max(0, failures - 1));
        return Math.min(capMillis, baseMillis << doublings);
    }

    /** The delay after {@code failures} consecutive failures: uniform in {@code [step / 2, step]}. */
    public long delayMillis(int failures) {
        long step = ceilingMillis(failures);
        return step - ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }
}
