package io.getport.ocean.aws.credentials.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MutableClockTest {

    @Test
    void advanceAndSet_moveTimeOnlyByHand() {
        Instant start = Instant.parse("2026-11-28T15:00:00Z");
        MutableClock clock = MutableClock.at(start);

        assertThat(clock.instant()).isEqualTo(start);
        assertThat(clock.advance(Duration.ofMinutes(5)).instant()).isEqualTo(start.plusSeconds(300));
        assertThat(clock.millis()).isEqualTo(start.plusSeconds(300).toEpochMilli());
        assertThat(clock.set(start).instant()).isEqualTo(start);
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void withZone_sharesTheTime() {
        MutableClock clock = MutableClock.at(Instant.parse("2026-11-28T15:00:00Z"));
        var paris = clock.withZone(ZoneId.of("Europe/Paris"));

        clock.advance(Duration.ofHours(1));

        assertThat(paris.instant()).isEqualTo(clock.instant());
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(MutableClock.atSystemTime().instant()).isBeforeOrEqualTo(Instant.now());
    }
}
