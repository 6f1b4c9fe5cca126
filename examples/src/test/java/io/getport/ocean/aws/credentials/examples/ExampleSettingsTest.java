package io.getport.ocean.aws.credentials.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class ExampleSettingsTest {

    private static ExampleSettings settings(Map<String, String> env) {
        return ExampleSettings.from(RuntimeEnvironment.of(env, Map.of()));
    }

    @Test
    void from_accountsRegionsAndEndpoint_parsesThemInOrderWithoutDuplicates() {
        ExampleSettings s = settings(Map.of("OCEAN_AWS_ACCOUNTS", " 222222222222, 333333333333,222222222222 ",
                "OCEAN_EXAMPLE_REGIONS", "eu-west-1,us-east-1,eu-west-1",
                "OCEAN_EXAMPLE_ENDPOINT_URL", "http://127.0.0.1:5000"));

        assertThat(s.accounts()).containsExactly("222222222222", "333333333333");
        assertThat(s.regionsOr(Region.AP_SOUTH_1)).containsExactly(Region.EU_WEST_1, Region.US_EAST_1);
        assertThat(s.endpoint()).contains(URI.create("http://127.0.0.1:5000"));
    }

    @Test
    void from_noRegionsNoEndpoint_usesTheBrokersRegionAndAws() {
        ExampleSettings s = settings(Map.of("OCEAN_AWS_ACCOUNTS", "222222222222"));

        assertThat(s.regionsOr(Region.EU_CENTRAL_1)).containsExactly(Region.EU_CENTRAL_1);
        assertThat(s.endpoint()).isEmpty();
    }

    @Test
    void from_accountsSystemProperty_winsOverTheVariable() {
        ExampleSettings s = ExampleSettings.from(RuntimeEnvironment.of(Map.of("OCEAN_AWS_ACCOUNTS", "222222222222"),
                Map.of("ocean.aws.accounts", "333333333333")));

        assertThat(s.accounts()).containsExactly("333333333333");
    }

    @Test
    void from_badValues_nameTheVariableTheRuleAndTheValue() {
        assertThatThrownBy(() -> settings(Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OCEAN_AWS_ACCOUNTS is not set");
        assertThatThrownBy(() -> settings(Map.of("OCEAN_AWS_ACCOUNTS", "12345")))
                .hasMessage("OCEAN_AWS_ACCOUNTS entries must be 12-digit account IDs, was '12345'");
        assertThatThrownBy(() -> settings(Map.of("OCEAN_AWS_ACCOUNTS", " , ")))
                .hasMessageContaining("must name at least one account");
        assertThatThrownBy(() -> settings(Map.of("OCEAN_AWS_ACCOUNTS", "222222222222",
                "OCEAN_EXAMPLE_REGIONS", "Mars")))
                .hasMessage("OCEAN_EXAMPLE_REGIONS entries must be region names like us-east-1, was 'Mars'");
        assertThatThrownBy(() -> settings(Map.of("OCEAN_AWS_ACCOUNTS", "222222222222",
                "OCEAN_EXAMPLE_ENDPOINT_URL", "localhost")))
                .hasMessageContaining("OCEAN_EXAMPLE_ENDPOINT_URL must be an http(s) URI with a host");
    }

    @Test
    void when_pastAndFutureInstants_showsRelativeTime() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T16:00:00Z"), ZoneOffset.UTC);
        TablePrinter printer = new TablePrinter(System.out, clock);

        assertThat(printer.when(Optional.of(Instant.parse("2026-11-28T16:47:12.345Z"))))
                .isEqualTo("2026-11-28T16:47:12Z (in 47m 12s)");
        assertThat(printer.when(Optional.of(Instant.parse("2026-11-28T15:59:30Z"))))
                .isEqualTo("2026-11-28T15:59:30Z (30s ago)");
        assertThat(printer.when(Optional.empty())).isEqualTo("unknown");
        assertThat(TablePrinter.relative(Duration.ofMinutes(61))).isEqualTo("1h 1m");
    }
}
