package io.getport.ocean.aws.credentials.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefreshWindowsTest {
    private static final long MINUTE = 60_000L;
    private static final long NOW = 1_800_000_000_000L;

    @ParameterizedTest(name = "lifetime {0} min -> advisory {1} min")
    @CsvSource({
            "15, 5", "19, 5",          // < 20 min
            "20, 15", "60, 15", "89, 15", // 20-90 min
            "90, 60", "720, 60"        // >= 90 min
    })
    void advisoryMillis_byLifetime_followsTheTable(long lifetimeMinutes, long advisoryMinutes) {
        RefreshWindows windows = new RefreshWindows(null, Duration.ofMinutes(1), 0);

        assertThat(windows.advisoryMillis(lifetimeMinutes * MINUTE)).isEqualTo(advisoryMinutes * MINUTE);
    }

    @Test
    void advisoryMillis_overridden_ignoresLifetime() {
        RefreshWindows windows = new RefreshWindows(Duration.ofMinutes(7), Duration.ofMinutes(1), 0);

        assertThat(windows.advisoryMillis(15 * MINUTE)).isEqualTo(7 * MINUTE);
        assertThat(windows.advisoryMillis(720 * MINUTE)).isEqualTo(7 * MINUTE);
    }

    @Test
    void advisoryStart_noJitter_isTheWindowBeforeExpiry() {
        RefreshWindows windows = new RefreshWindows(null, Duration.ofMinutes(1), 0);

        assertThat(windows.advisoryStart(NOW, NOW + 60 * MINUTE)).isEqualTo(NOW + 45 * MINUTE);
        assertThat(windows.advisoryStart(NOW, NOW + 15 * MINUTE)).isEqualTo(NOW + 10 * MINUTE);
        assertThat(windows.advisoryStart(NOW, NOW + 12 * 60 * MINUTE)).isEqualTo(NOW + 11 * 60 * MINUTE);
    }

    @Test
    void advisoryStart_withJitter_spreadsWithinTheJitteredPartOfTheWindow() {
        RefreshWindows windows = new RefreshWindows(null, Duration.ofMinutes(1), 0.5);
        long expires = NOW + 60 * MINUTE;
        Set<Long> starts = new HashSet<>();

        for (int i = 0; i < 2_000; i++) {
            long start = windows.advisoryStart(NOW, expires);
            assertThat(start).isBetween(expires - 15 * MINUTE, expires - 15 * MINUTE / 2);
            starts.add(start);
        }

        // Accounts assumed at the same instant must not all refresh at the same instant.
        assertThat(starts).hasSizeGreaterThan(1_000);
    }

    @Test
    void advisoryStart_fullJitterWithWindowShorterThanMandatory_neverLaterThanMandatoryStart() {
        RefreshWindows windows = new RefreshWindows(Duration.ofSeconds(30), Duration.ofMinutes(2), 1.0);
        long expires = NOW + 60 * MINUTE;

        for (int i = 0; i < 1_000; i++) {
            assertThat(windows.advisoryStart(NOW, expires)).isEqualTo(expires - 2 * MINUTE);
        }
    }

    @Test
    void advisoryStart_lifetimeShorterThanWindow_isNow() {
        RefreshWindows windows = new RefreshWindows(Duration.ofHours(2), Duration.ofMinutes(1), 0.5);

        assertThat(windows.advisoryStart(NOW, NOW + 30 * MINUTE)).isBetween(NOW, NOW + 15 * MINUTE);
        assertThat(windows.advisoryStart(NOW, NOW + 30_000)).isEqualTo(NOW);
        assertThat(windows.advisoryStart(NOW, NOW - 1)).isEqualTo(NOW);
    }

    @Test
    void advisoryStart_jitter_isNeverEarlierThanTheUnjitteredStart() {
        RefreshWindows plain = new RefreshWindows(null, Duration.ofMinutes(1), 0);
        RefreshWindows jittered = new RefreshWindows(null, Duration.ofMinutes(1), 0.9);
        long expires = NOW + 20 * MINUTE;

        for (int i = 0; i < 1_000; i++) {
            assertThat(jittered.advisoryStart(NOW, expires)).isGreaterThanOrEqualTo(plain.advisoryStart(NOW, expires))
                    .isLessThanOrEqualTo(expires - MINUTE);
        }
    }
}
