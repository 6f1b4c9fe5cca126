package io.getport.ocean.aws.credentials.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

    private static Settings resolve(Map<String, String> env, Map<String, String> props) {
        Settings.Draft d = new Settings.Draft();
        d.environment = RuntimeEnvironment.of(env, props);
        return Settings.resolve(d);
    }

    @Test
    void resolve_nothingSet_usesDocumentedDefaults() {
        Settings s = resolve(Map.of("HOSTNAME", "ocean-7f9c"), Map.of());
        assertThat(s.roleName).isEqualTo("PortOceanReadRole");
        assertThat(s.rolePath).isEqualTo("/");
        assertThat(s.externalId).isNull();
        assertThat(s.explicitRegion).isNull();
        assertThat(s.stsEndpoint).isNull();
        assertThat(s.sessionName).isEqualTo("port-ocean-ocean-7f9c");
        assertThat(s.sessionDuration).isEqualTo(Duration.ofHours(1));
        assertThat(s.identitySource).isEqualTo("auto");
        assertThat(s.readOnlySessionPolicy).isTrue();
        assertThat(s.mandatoryWindow).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.stsRateLimit).isEqualTo(500);
        assertThat(s.stsMaxConcurrency).isEqualTo(16);
    }

    @Test
    void resolve_environmentVariables_areRead() {
        Settings s = resolve(Map.of(
                "OCEAN_AWS_READ_ROLE_NAME", "OtherReadRole",
                "OCEAN_AWS_EXTERNAL_ID", "ext-id-123",
                "OCEAN_AWS_STS_REGION", "eu-west-1",
                "OCEAN_AWS_STS_ENDPOINT", "https://sts.eu-west-1.amazonaws.com",
                "OCEAN_AWS_SESSION_NAME", "ocean-test",
                "OCEAN_AWS_SESSION_DURATION", "2h",
                "OCEAN_AWS_IDENTITY_SOURCE", "ECS"), Map.of());
        assertThat(s.roleName).isEqualTo("OtherReadRole");
        assertThat(s.externalId).isEqualTo("ext-id-123");
        assertThat(s.explicitRegion.id()).isEqualTo("eu-west-1");
        assertThat(s.stsEndpoint.toString()).isEqualTo("https://sts.eu-west-1.amazonaws.com");
        assertThat(s.sessionName).isEqualTo("ocean-test");
        assertThat(s.sessionDuration).isEqualTo(Duration.ofHours(2));
        assertThat(s.identitySource).isEqualTo("ecs");
    }

    @Test
    void resolve_propertyAndVariable_propertyWins() {
        Settings s = resolve(Map.of("OCEAN_AWS_READ_ROLE_NAME", "FromEnv", "OCEAN_AWS_SESSION_DURATION", "900"),
                Map.of("ocean.aws.readRoleName", "FromProperty", "ocean.aws.sessionDuration", "PT30M"));
        assertThat(s.roleName).isEqualTo("FromProperty");
        assertThat(s.sessionDuration).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void resolve_builderAndProperty_builderWins() {
        Settings.Draft d = new Settings.Draft();
        d.environment = RuntimeEnvironment.of(Map.of("OCEAN_AWS_READ_ROLE_NAME", "FromEnv"),
                Map.of("ocean.aws.readRoleName", "FromProperty"));
        d.roleName = "FromBuilder";
        assertThat(Settings.resolve(d).roleName).isEqualTo("FromBuilder");
    }

    @ParameterizedTest
    @CsvSource({"3600,3600", "3600s,3600", "60m,3600", "1h,3600", "PT1H,3600", "PT15M,900", "43200,43200"})
    void parseDuration_acceptedForms_giveSeconds(String text, long seconds) {
        assertThat(Setting.parseDuration("X", text)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "1 hour", "h", "-", "12x"})
    void parseDuration_badText_namesSettingAndForms(String text) {
        assertThatThrownBy(() -> resolve(Map.of("OCEAN_AWS_SESSION_DURATION", text), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OCEAN_AWS_SESSION_DURATION")
                .hasMessageContaining("must be a duration")
                .hasMessageContaining(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"899", "43201", "10m", "13h"})
    void resolve_durationOutOfRange_namesSettingRuleAndValue(String text) {
        assertThatThrownBy(() -> resolve(Map.of("OCEAN_AWS_SESSION_DURATION", text), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OCEAN_AWS_SESSION_DURATION (ocean.aws.sessionDuration)")
                .hasMessageContaining("between 900 s (15 min) and 43200 s (12 h)");
    }

    @Test
    void resolve_emptyRoleNameThroughBuilder_namesBuilderSetting() {
        Settings.Draft d = new Settings.Draft();
        d.environment = RuntimeEnvironment.of(Map.of(), Map.of());
        d.roleName = "";
        assertThatThrownBy(() -> Settings.resolve(d))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("roleName must be an IAM role name: 1-64 characters of letters, digits and +=,.@_- (was '')");
    }

    @Test
    void resolve_badExternalId_messageDoesNotContainTheValue() {
        String secret = "bad secret with spaces";
        assertThatThrownBy(() -> resolve(Map.of("OCEAN_AWS_EXTERNAL_ID", secret), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OCEAN_AWS_EXTERNAL_ID")
                .hasMessageNotContaining(secret);
    }

    @Test
    void defaultSessionName_hostWithIllegalCharacters_isSanitised() {
        Settings s = resolve(Map.of("HOSTNAME", "ip-10-0-0-1.ec2 internal/x" + "y".repeat(80)), Map.of());
        assertThat(s.sessionName).matches("[\\w+=,.@-]{2,64}").startsWith("port-ocean-ip-10-0-0-1.ec2-internal-x");
    }
}
