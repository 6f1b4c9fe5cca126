package io.getport.ocean.aws.credentials.organizations;

import io.getport.ocean.aws.credentials.accounts.*;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** {@link AccountSource#fromEnvironment}: which source, and clear errors instead of a silent fallback. */
class AccountSourceEnvironmentTest {
    private static final String ROLE = "arn:aws:iam::999988887777:role/PortOceanOrganizationReadRole";
    private ReadRoleBroker broker;

    @BeforeEach
    void broker() {
        broker = ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAEXAMPLE", "secret"))))
                .region(Region.US_EAST_1)
                .stsEndpoint(URI.create("http://127.0.0.1:9"))
                .build();
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void fromEnvironment_accountsSet_listWithFilterApplied() {
        RuntimeEnvironment env = RuntimeEnvironment.of(Map.of(
                "OCEAN_AWS_ACCOUNTS", "111122223333,222233334444,111122223333",
                "OCEAN_AWS_ACCOUNTS_EXCLUDE", "222233334444"), Map.of());

        try (AccountSource source = AccountSource.fromEnvironment(broker, env)) {
            assertThat(source).isInstanceOf(AccountList.class);
            assertThat(source.accounts()).extracting(AccountTarget::accountId).containsExactly("111122223333");
        }
    }

    @Test
    void fromEnvironment_systemPropertyWinsOverVariable() {
        RuntimeEnvironment env = RuntimeEnvironment.of(Map.of("OCEAN_AWS_ACCOUNTS", "111122223333"),
                Map.of("ocean.aws.accounts", "222233334444"));

        assertThat(AccountSource.fromEnvironment(broker, env).accounts()).extracting(AccountTarget::accountId)
                .containsExactly("222233334444");
    }

    @Test
    void fromEnvironment_organizationRole_organizationSourceWithSettings() {
        RuntimeEnvironment env = RuntimeEnvironment.of(Map.of(
                "OCEAN_AWS_ORGANIZATION_ROLE_ARN", ROLE,
                "OCEAN_AWS_ORGANIZATIONAL_UNITS", "ou-ab12-abcdefgh, r-ab12",
                "OCEAN_AWS_ACCOUNT_LIST_TTL", "5m"), Map.of());

        try (AccountSource source = AccountSource.fromEnvironment(broker, env)) {
            assertThat(source).isInstanceOf(OrganizationAccounts.class);
            OrganizationAccounts org = (OrganizationAccounts) source;
            assertThat(org.roleArn()).isEqualTo(ROLE);
            assertThat(org.organizationalUnits()).containsExactly("ou-ab12-abcdefgh", "r-ab12");
            assertThat(org.ttl()).isEqualTo(Duration.ofMinutes(5));
        }
    }

    @Test
    void fromEnvironment_nothingSet_failsNamingBothSettings() {
        assertThatThrownBy(() -> AccountSource.fromEnvironment(broker, RuntimeEnvironment.of(Map.of(), Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OCEAN_AWS_ACCOUNTS")
                .hasMessageContaining("OCEAN_AWS_ORGANIZATION_ROLE_ARN");
    }

    @Test
    void fromEnvironment_bothSet_failsAsExclusive() {
        RuntimeEnvironment env = RuntimeEnvironment.of(Map.of("OCEAN_AWS_ACCOUNTS", "111122223333",
                "OCEAN_AWS_ORGANIZATION_ROLE_ARN", ROLE), Map.of());

        assertThatThrownBy(() -> AccountSource.fromEnvironment(broker, env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exclusive");
    }

    @Test
    void fromEnvironment_unitsWithoutRole_failsNamingRoleSetting() {
        RuntimeEnvironment env = RuntimeEnvironment.of(Map.of("OCEAN_AWS_ACCOUNTS", "111122223333",
                "OCEAN_AWS_ORGANIZATIONAL_UNITS", "ou-ab12-abcdefgh"), Map.of());

        assertThatThrownBy(() -> AccountSource.fromEnvironment(broker, env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OCEAN_AWS_ORGANIZATIONAL_UNITS")
                .hasMessageContaining("needs OCEAN_AWS_ORGANIZATION_ROLE_ARN");
    }

    @Test
    void build_malformedUnitOrTtl_failsNamingSetting() {
        RuntimeEnvironment badUnit = RuntimeEnvironment.of(Map.of("OCEAN_AWS_ORGANIZATION_ROLE_ARN", ROLE,
                "OCEAN_AWS_ORGANIZATIONAL_UNITS", "engineering"), Map.of());
        RuntimeEnvironment badTtl = RuntimeEnvironment.of(Map.of("OCEAN_AWS_ORGANIZATION_ROLE_ARN", ROLE,
                "OCEAN_AWS_ACCOUNT_LIST_TTL", "soon"), Map.of());
        RuntimeEnvironment badBool = RuntimeEnvironment.of(Map.of("OCEAN_AWS_ORGANIZATION_ROLE_ARN", ROLE,
                "OCEAN_AWS_INCLUDE_MANAGEMENT_ACCOUNT", "maybe"), Map.of());

        assertThatThrownBy(() -> AccountSource.fromEnvironment(broker, badUnit))
                .hasMessageContaining("OCEAN_AWS_ORGANIZATIONAL_UNITS").hasMessageContaining("'engineering'");
        assertThatThrownBy(() -> AccountSource.fromEnvironment(broker, badTtl))
                .hasMessageContaining("OCEAN_AWS_ACCOUNT_LIST_TTL").hasMessageContaining("'soon'");
        assertThatThrownBy(() -> AccountSource.fromEnvironment(broker, badBool))
                .hasMessageContaining("OCEAN_AWS_INCLUDE_MANAGEMENT_ACCOUNT").hasMessageContaining("'maybe'");
    }

    @Test
    void build_roleMissing_failsNamingVariable() {
        assertThatThrownBy(() -> OrganizationAccounts.builder().broker(broker)
                .environment(RuntimeEnvironment.of(Map.of(), Map.of())).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OCEAN_AWS_ORGANIZATION_ROLE_ARN");
    }
}
