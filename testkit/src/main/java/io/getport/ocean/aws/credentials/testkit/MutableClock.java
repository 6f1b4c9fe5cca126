package io.getport.ocean.aws.credentials.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} that tests move by hand, to drive expirations and refresh windows without waiting.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at(Instant.parse("2026-11-28T15:00:00Z"));
 * FakeSts sts = FakeSts.builder().clock(clock).start();
 * clock.advance(Duration.ofMinutes(55));
 * }</pre>
 *
 * <p>Thread safety: safe to read and move from any thread. Time never moves on its own.
 */
public final class MutableClock extends Clock {

    private final ZoneId zone;
    private volatile Instant now;

    private MutableClock(Instant now, ZoneId zone) {
        this.now = Objects.requireNonNull(now, "now");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** A clock standing at {@code instant}, in UTC. */
    public static MutableClock at(Instant instant) {
        return new MutableClock(instant, ZoneOffset.UTC);
    }

    /** A clock standing at the current system time, truncated to the second, in UTC. */
    public static MutableClock atSystemTime() {
        return at(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
    }

    /** Moves the clock forward (or back, with a negative amount). */
    public synchronized MutableClock advance(Duration amount) {
        now = now.plus(amount);
        return this;
    }

    /** Sets the clock. */
    public MutableClock set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A clock that shares this one's time but reports another zone. */
    @Override
    public Clock withZone(ZoneId zone) {
        MutableClock self = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return self.withZone(other);
            }

            @Override
            public Instant instant() {
                return self.instant();
            }
        };
    }

    @Override
    public String toString() {
        return "MutableClock[" + now + "]";
    }
}
