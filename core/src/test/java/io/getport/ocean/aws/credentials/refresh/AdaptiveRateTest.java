package io.getport.ocean.aws.credentials.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.getport.ocean.aws.credentials.internal.AdaptiveRate;
import org.junit.jupiter.api.Test;

/** The adaptive STS rate on an injected clock: exact decreases, cubic recovery, ceiling and floor, token pacing. */
class AdaptiveRateTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    @Test
    void tryAcquire_fresh_startsAtTheCeilingWithATenthOfASecondOfBurst() {
        AdaptiveRate rate = new AdaptiveRate(500, 0);

        int burst = 0;
        while (rate.tryAcquire(0)) {
            burst++;
        }

        assertThat(burst).isEqualTo(50);
        assertThat(rate.rate(0)).isEqualTo(500.0);
        // One more token every 2 ms at 500/s.
        assertThat(rate.nanosUntilToken(0)).isEqualTo(2 * MS);
        assertThat(rate.tryAcquire(2 * MS)).isTrue();
        assertThat(rate.tryAcquire(2 * MS)).isFalse();
    }

    @Test
    void onThrottle_burstOfThrottles_decreasesOncePer100Ms() {
        AdaptiveRate rate = new AdaptiveRate(500, 0);
        // Send at the full rate for a second, so the measured rate is the ceiling.
        for (long t = 0; t < S; t += 2 * MS) {
            rate.tryAcquire(t);
        }
        long now = S;

        assertThat(rate.onThrottle(now)).isTrue();
        double atDecrease = rate.rate(now);
        for (int i = 0; i < 20; i++) {
            assertThat(rate.onThrottle(now + i * MS)).isFalse();
        }
        double afterOne = rate.rate(now + 20 * MS);
        assertThat(rate.onThrottle(now + 100 * MS)).isTrue();

        assertThat(atDecrease).isCloseTo(500 * AdaptiveRate.BETA, within(1e-6));
        // 20 ms into the cubic recovery: barely above the decreased rate.
        assertThat(afterOne).isBetween(atDecrease, atDecrease + 2);
        assertThat(rate.throttles()).isEqualTo(22);
        assertThat(rate.decreases()).isEqualTo(2);
        assertThat(rate.rate(now + 100 * MS)).isLessThan(afterOne);
    }

    @Test
    void onThrottle_lowDemand_decreasesFromWhatWasActuallySent() {
        AdaptiveRate rate = new AdaptiveRate(500, 0);
        // 100 calls in the last second, far below the ceiling.
        for (long t = 0; t < S; t += 10 * MS) {
            rate.tryAcquire(t);
        }

        rate.onThrottle(S);

        assertThat(rate.rate(S)).isCloseTo(100 * AdaptiveRate.BETA, within(1.0));
    }

    @Test
    void rate_afterADecrease_recoversCubicallyToTheCeilingAndNeverAbove() {
        AdaptiveRate rate = new AdaptiveRate(500, 0);
        for (long t = 0; t < S; t += 2 * MS) {
            rate.tryAcquire(t);
        }
        rate.onThrottle(S);
        double k = Math.cbrt(500 * (1 - AdaptiveRate.BETA) / AdaptiveRate.CUBIC_SCALE);

        double previous = rate.rate(S);
        for (long t = S; t < S + (long) (k * S); t += 100 * MS) {
            double r = rate.rate(t);
            assertThat(r).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(500);
            previous = r;
        }
        // Half-way through K, the concave part: between the decreased rate and the throttled one.
        AdaptiveRate half = new AdaptiveRate(500, 0);
        for (long t = 0; t < S; t += 2 * MS) {
            half.tryAcquire(t);
        }
        half.onThrottle(S);
        assertThat(half.rate(S + (long) (k / 2 * S))).isBetween(350.0, 500.0);
        assertThat(rate.rate(S + (long) (k * S) + S)).isEqualTo(500.0);
        assertThat(rate.rate(S + 60 * S)).isEqualTo(500.0);
    }

    @Test
    void onThrottle_endlessThrottling_neverBelowTheFloor() {
        AdaptiveRate rate = new AdaptiveRate(500, 0);
        for (int i = 0; i < 200; i++) {
            rate.onThrottle(i * 100 * MS);
        }

        assertThat(rate.rate(200 * 100 * MS)).isGreaterThanOrEqualTo(1.0);
        assertThat(rate.floor()).isEqualTo(1.0);
        assertThat(rate.nanosUntilToken(200 * 100 * MS)).isLessThanOrEqualTo(S);
    }

    @Test
    void refund_aTokenTakenForACallNotMade_isGivenBack() {
        AdaptiveRate rate = new AdaptiveRate(1, 0);
        assertThat(rate.tryAcquire(0)).isTrue();
        assertThat(rate.tryAcquire(0)).isFalse();

        rate.refund();

        assertThat(rate.tryAcquire(0)).isTrue();
    }
}
