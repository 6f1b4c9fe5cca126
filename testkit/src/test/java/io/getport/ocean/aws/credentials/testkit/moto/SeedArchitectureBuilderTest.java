package io.getport.ocean.aws.credentials.testkit.moto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation and policy documents; needs no moto. */
class SeedArchitectureBuilderTest {

    @Test
    void targetAccountIds_invalid_rejectedNamingTheSetting() {
        assertThatThrownBy(() -> SeedArchitecture.builder().targetAccountIds("12345"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("targetAccountIds must be 12 digits, was 12345");
        assertThatThrownBy(() -> SeedArchitecture.builder().targetAccountIds("222222222222", "222222222222"))
                .hasMessageContaining("must be distinct");
        assertThatThrownBy(() -> SeedArchitecture.builder().targetAccountIds(SeedArchitecture.BASE_ACCOUNT_ID))
                .hasMessageContaining("base account");
        assertThatThrownBy(() -> SeedArchitecture.builder().targetAccountIds(List.of()))
                .hasMessageContaining("must not be empty");
    }

    @Test
    void options_setTwice_rejected() {
        assertThatThrownBy(() -> SeedArchitecture.builder().externalId("abc").externalId("def"))
                .isInstanceOf(IllegalStateException.class).hasMessage("externalId was already set");
        assertThatThrownBy(() -> SeedArchitecture.builder().externalId("x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("externalId must be 2 to 1224");
    }

    @Test
    void targetAccountCount_generatesDistinctIds() {
        assertThatThrownBy(() -> SeedArchitecture.builder().targetAccountCount(0))
                .hasMessage("targetAccountCount must be between 1 and 10000, was 0");
        assertThat(SeedArchitecture.builder().targetAccountCount(3)).isNotNull();
    }

    @Test
    void assumePolicy_withRevokedAccounts_allowsReadRoleAndDeniesRevoked() {
        assertThat(SeedArchitecture.assumePolicy(List.of()))
                .isEqualTo("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AssumeReadRole\",\"Effect\":\"Allow\","
                        + "\"Action\":\"sts:AssumeRole\",\"Resource\":\"arn:aws:iam::*:role/PortOceanReadRole\"}]}");
        assertThat(SeedArchitecture.assumePolicy(List.of("arn:aws:iam::222222222222:role/PortOceanReadRole")))
                .contains("\"Effect\":\"Deny\"")
                .contains("\"Resource\":[\"arn:aws:iam::222222222222:role/PortOceanReadRole\"]");
    }
}
