package io.getport.ocean.aws.credentials.organizations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.accounts.AccountSource;
import io.getport.ocean.aws.credentials.internal.Setting;
import io.getport.ocean.aws.credentials.security.adversarial.SettingsAdversarialTest;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The settings attack surface for the settings only this module reads (the organizational units, the management
 * account flag, the account list TTL, the Organizations endpoint): the same inputs and the same assertions as core's
 * {@link SettingsAdversarialTest}, here where {@link AccountSource#fromEnvironment} finds the Organizations source.
 */
class OrganizationSettingsAdversarialTest extends SettingsAdversarialTest {

    @Override
    protected Set<Setting> settingsUnderTest() {
        Set<Setting> settings = EnumSet.copyOf(NEEDS_ORGANIZATION);
        settings.add(Setting.ORGANIZATION_ROLE_ARN);
        return settings;
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://user:s3cret@127.0.0.1:4566", "http://user:s3cret@host name",
        "https://user:s3cret@organizations.us-east-1.amazonaws.com/path"})
    void organizationsEndpoint_userInfoWithPassword_refusedWithoutPassword(String url) {
        try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x"))))
                .region(Region.US_EAST_1).build()) {
            RuntimeEnvironment env = RuntimeEnvironment.of(Map.of("OCEAN_AWS_ORGANIZATION_ROLE_ARN",
                    "arn:aws:iam::999988887777:role/PortOceanOrganizationReadRole", "OCEAN_AWS_ORGANIZATIONS_ENDPOINT",
                    url), Map.of());
            Throwable t = catchThrowable(() -> AccountSource.fromEnvironment(broker, env).close());
            assertThat(t).isInstanceOf(IllegalArgumentException.class);
            assertThat(t.getMessage()).startsWith("OCEAN_AWS_ORGANIZATIONS_ENDPOINT").doesNotContain("s3cret");
        }
    }
}
