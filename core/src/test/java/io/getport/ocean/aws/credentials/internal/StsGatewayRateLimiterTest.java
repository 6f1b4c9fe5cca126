package io.getport.ocean.aws.credentials.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StsGatewayRateLimiterTest {

    @ParameterizedTest(name = "{0} calls/s")
    @ValueSource(ints = {1, 2, 5, 7, 10, 13, 15, 25, 50, 99, 100, 1000})
    void rateLimiterConfig_anyRate_admitsExactlyThatManyCallsPerSecond(int rate) {
        RateLimiterConfig config = StsGateway.rateLimiterConfig(rate, Duration.ofSeconds(3));

        long periodsPerSecond = Duration.ofSeconds(1).toNanos() / config.getLimitRefreshPeriod().toNanos();
        assertThat(config.getLimitForPeriod() * periodsPerSecond).isEqualTo(rate);
        assertThat(periodsPerSecond).isBetween(1L, 10L);
        assertThat(config.getTimeoutDuration()).isEqualTo(Duration.ofSeconds(3));
    }

    @ParameterizedTest(name = "{0} calls/s")
    @ValueSource(ints = {50, 100, 1000})
    void rateLimiterConfig_highRate_spreadOverTenSlices(int rate) {
        RateLimiterConfig config = StsGateway.rateLimiterConfig(rate, Duration.ofSeconds(1));

        // A cold start gets a tenth of the second's permits at once, not all of them.
        assertThat(config.getLimitRefreshPeriod()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.getLimitForPeriod()).isEqualTo(rate / 10);
    }
}
