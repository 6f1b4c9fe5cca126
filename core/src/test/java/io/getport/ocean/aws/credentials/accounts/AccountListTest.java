package io.getport.ocean.aws.credentials.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Explicit account lists, targets and filters: parsing, de-duplication, include/exclude. */
class AccountListTest {

    @Test
    void parse_idsAndRoleArns_keepsOrderAndRoles() {
        AccountList list = AccountList.parse(" 111122223333 , arn:aws:iam::444455556666:role/team/CustomReader,,");

        assertThat(list.accounts()).extracting(AccountTarget::accountId)
                .containsExactly("111122223333", "444455556666");
        assertThat(list.accounts().get(0).roleArn()).isEmpty();
        assertThat(list.accounts().get(1).roleArn()).contains("arn:aws:iam::444455556666:role/team/CustomReader");
    }

    @Test
    void of_accountListedTwice_keptOnceAtFirstPosition() {
        AccountList list = AccountList.of("111122223333", "222233334444", "111122223333");

        assertThat(list.accounts()).extracting(AccountTarget::accountId)
                .containsExactly("111122223333", "222233334444");
    }

    @Test
    void of_sameAccountWithTwoRoles_failsNamingBoth() {
        assertThatThrownBy(() -> AccountList.of("111122223333", "arn:aws:iam::111122223333:role/Other"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("111122223333 is listed with two roles")
                .hasMessageContaining("arn:aws:iam::111122223333:role/Other");
    }

    @Test
    void parse_malformedEntry_failsNamingRuleAndValue() {
        assertThatThrownBy(() -> AccountList.parse("111122223333,12345"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12-digit account ID or an IAM role ARN")
                .hasMessageContaining("'12345'");
        assertThatThrownBy(() -> AccountTarget.role("arn:aws:iam::111122223333:user/bob"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("role ARN");
    }

    @Test
    void of_withFilter_excludeWinsOverInclude() {
        AccountFilter filter = AccountFilter.of(List.of("111122223333", "222233334444"), List.of("222233334444"));

        AccountList list = AccountList.of(List.of("111122223333", "222233334444", "333344445555"), filter);

        assertThat(list.accounts()).extracting(AccountTarget::accountId).containsExactly("111122223333");
    }

    @Test
    void matches_namePattern_caseInsensitiveGlobAndUnnamedNeverMatch() {
        AccountFilter filter = AccountFilter.of(List.of("prod-*", "shared-?"), List.of("*-legacy"));

        assertThat(filter.matches(AccountTarget.organizationAccount("111122223333", "Prod-EU", null))).isTrue();
        assertThat(filter.matches(AccountTarget.organizationAccount("111122223334", "shared-1", null))).isTrue();
        assertThat(filter.matches(AccountTarget.organizationAccount("111122223335", "shared-12", null))).isFalse();
        assertThat(filter.matches(AccountTarget.organizationAccount("111122223336", "prod-legacy", null))).isFalse();
        assertThat(filter.matches(AccountTarget.account("111122223337"))).isFalse();
    }

    @Test
    void of_digitsNotTwelve_failsNamingEntry() {
        assertThatThrownBy(() -> AccountFilter.of(List.of("1234"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("include entry")
                .hasMessageContaining("'1234'");
    }

    @Test
    void equals_nameAndParentIgnored_idAndRoleCompared() {
        assertThat(AccountTarget.organizationAccount("111122223333", "a", "ou-ab12-abcdefgh"))
                .isEqualTo(AccountTarget.account("111122223333"))
                .hasSameHashCodeAs(AccountTarget.account("111122223333"))
                .isNotEqualTo(AccountTarget.role("arn:aws:iam::111122223333:role/Other"));
    }
}
