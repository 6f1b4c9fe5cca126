package io.getport.ocean.aws.credentials.internal;

/**
 * The broker's client-side STS rate: a token bucket whose fill rate adapts to what STS actually grants.
 *
 * <p>It starts at the ceiling ({@code stsRateLimit}, default 500/s, under STS's published 600/s AssumeRole quota) and
 * moves with STS's answers, in the manner of the AWS SDKs' "adaptive" retry mode (written here from the published
 * description, not copied):
 * <ul>
 *   <li><b>Decrease</b> on a throttling answer ({@code Throttling}, {@code RequestLimitExceeded},
 *   {@code TooManyRequestsException}, HTTP 429): the rate becomes {@value #BETA} times the rate that was throttled (the
 *   lower of the current rate and the calls actually sent in the last second), at most once per
 *   {@value #DECREASE_INTERVAL_MILLIS} ms, so a burst of throttles answering calls sent together counts as one
 *   signal.</li>
 *   <li><b>Recovery</b> (cubic, as TCP CUBIC): {@code t} seconds after a decrease from {@code Wmax}, the rate is
 *   {@code C (t - K)^3 + Wmax} with {@code K = cbrt(Wmax (1 - beta) / C)} and {@code C = }{@value #CUBIC_SCALE}: fast
 *   at first, flat near the rate that was throttled (so it probes it gently), then faster again above it in case the
 *   quota was freed. Without throttling it returns to the ceiling.</li>
 *   <li>Never above the ceiling, never below the floor (1/s, or the ceiling when that is lower).</li>
 *   <li>The bucket holds at most a tenth of a second's worth of tokens (at least one), so a cold start does not burst
 *   a whole second's worth at once.</li>
 * </ul>
 *
 * <p>Time is passed in (nanoseconds from any fixed origin), so the algorithm is tested exactly. Not thread safe: the
 * {@link StsQueue} calls it under its lock.
 */
public final class AdaptiveRate {
    /** Multiplicative decrease on throttling. */
    public static final double BETA = 0.7;
    /** The cubic recovery's scale, in calls per second per second cubed. */
    public static final double CUBIC_SCALE = 0.4;
    /** At most one decrease per this many milliseconds. */
    public static final long DECREASE_INTERVAL_MILLIS = 100;
    private static final long DECREASE_INTERVAL_NANOS = DECREASE_INTERVAL_MILLIS * 1_000_000L;
    private static final double NANOS = 1e9;

    private final double ceiling;
    private final double floor;
    private double rate;
    private double tokens;
    private long lastRefill;
    private boolean decreased;
    private long lastDecrease;
    private double lastMax;
    private double k;
    private long throttles;
    private long decreases;
    /** Calls sent per 100 ms bucket over the last second (a ring), for the measured send rate. */
    private final int[] sent = new int[10];
    private long sentBucket;

    /**
     * @param ceiling the most calls per second, at least 1
     * @param nowNanos the current time
     */
    public AdaptiveRate(double ceiling, long nowNanos) {
        if (!(ceiling >= 1)) {
            throw new IllegalArgumentException("ceiling must be at least 1 call per second: " + ceiling);
        }
        this.ceiling = ceiling;
        this.floor = Math.min(1.0, ceiling);
        this.rate = ceiling;
        this.tokens = capacity();
        this.lastRefill = nowNanos;
        this.sentBucket = Math.floorDiv(nowNanos, DECREASE_INTERVAL_NANOS);
    }

    /** The current fill rate, in calls per second, at {@code nowNanos}. */
    public double rate(long nowNanos) {
        refill(nowNanos);
        return rate;
    }

    public double ceiling() {
        return ceiling;
    }

    public double floor() {
        return floor;
    }

    /** Throttling answers reported, and how many of them decreased the rate. */
    public long throttles() {
        return throttles;
    }

    public long decreases() {
        return decreases;
    }

    /** Whether a token is available now (without taking it). */
    public boolean available(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1.0;
    }

    /** Takes a token if one is available. */
    public boolean tryAcquire(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1.0) {
            tokens -= 1.0;
            advance(nowNanos);
            sent[(int) Math.floorMod(sentBucket, (long) sent.length)]++;
            return true;
        }
        return false;
    }

    /**
     * Calls sent per second, measured over the ten 100 ms buckets up to now (the nine full ones before the current
     * one and the current one so far).
     */
    public double measuredRate(long nowNanos) {
        advance(nowNanos);
        long total = 0;
        for (int n : sent) {
            total += n;
        }
        long intoBucket = nowNanos - sentBucket * DECREASE_INTERVAL_NANOS;
        double covered = (9 * DECREASE_INTERVAL_NANOS + intoBucket) / NANOS;
        return total / covered;
    }

    private void advance(long nowNanos) {
        long bucket = Math.floorDiv(nowNanos, DECREASE_INTERVAL_NANOS);
        long steps = Math.min(sent.length, bucket - sentBucket);
        for (long i = 1; i <= steps; i++) {
            sent[(int) Math.floorMod(sentBucket + i, (long) sent.length)] = 0;
        }
        if (bucket > sentBucket) {
            sentBucket = bucket;
        }
    }



    /** Gives back a token taken for a call that was not made (its base credentials could not be obtained). */
    public void refund() {
        tokens = Math.min(capacity(), tokens + 1.0);
    }

    /** Nanoseconds until the next token, at the current rate; 0 when one is available. */
    public long nanosUntilToken(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1.0) {
            return 0;
        }
        return Math.max(1L, (long) Math.ceil((1.0 - tokens) / rate * NANOS));
    }

    /**
     * STS throttled a call: decrease the rate (unless it was decreased less than
     * {@value #DECREASE_INTERVAL_MILLIS} ms ago).
     *
     * @return whether the rate was decreased
     */
    public boolean onThrottle(long nowNanos) {
        refill(nowNanos);
        throttles++;
        if (decreased && nowNanos - lastDecrease < DECREASE_INTERVAL_NANOS) {
            return false;
        }
        lastMax = Math.max(floor, Math.min(rate, measuredRate(nowNanos)));
        rate = Math.max(floor, lastMax * BETA);
        k = Math.cbrt(lastMax * (1 - BETA) / CUBIC_SCALE);
        lastDecrease = nowNanos;
        decreased = true;
        decreases++;
        tokens = Math.min(tokens, capacity());
        return true;
    }

    private double capacity() {
        return Math.max(1.0, rate / 10);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastRefill;
        if (elapsed <= 0) {
            return;
        }
        // Tokens accrue at the rate that held over the interval (the rate at its start: conservative while recovering).
        tokens = Math.min(capacity(), tokens + rate * elapsed / NANOS);
        lastRefill = nowNanos;
        if (decreased) {
            double t = (nowNanos - lastDecrease) / NANOS;
            double d = t - k;
            double cubic = CUBIC_SCALE * d * d * d + lastMax;
            rate = Math.max(floor, Math.min(ceiling, cubic));
            if (rate >= ceiling) {
                decreased = false;
            }
        }
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "AdaptiveRate(rate=%.1f/s, ceiling=%.0f/s)", rate, ceiling);
    }
}
