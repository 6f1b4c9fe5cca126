package io.getport.ocean.aws.credentials.security;

import static io.getport.ocean.aws.credentials.security.FakeStsBrokers.builder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code allowedAccounts} refuses before any STS call; {@code expectedBaseAccount} refuses the wrong base identity. */
class AccountGuardsTest {
    private FakeSts sts;

    @BeforeEach
    void start() {
        sts = FakeSts.start();
    }

    @AfterEach
    void stop() {
        sts.close();
    }

    @Test
    void forAccount_notInAllowedAccounts_refusedWithoutAnyStsCall() {
        try (ReadRoleBroker broker = builder(sts).allowedAccounts(Set.of("222222222222", "333333333333")).build()) {
            assertThatThrownBy(() -> broker.forAccount("444444444444"))
                    .isInstanceOfSatisfying(ReadRoleException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.NOT_ALLOWED);
                        assertThat(e.accountId()).hasValue("444444444444");
                    })
                    .hasMessageContaining("Account 444444444444 is not in the allowed accounts")
                    .hasMessageContaining("OCEAN_AWS_ALLOWED_ACCOUNTS")
                    .hasMessageContaining("no STS call made");
            assertThat(sts.requestCount()).isZero();
            assertThat(broker.cachedAccounts()).isZero();
            broker.forAccount("222222222222").credentialsProvider().resolveCredentials();
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
        }
    }

    @Test
    void forRole_accountNotAllowed_refusedWithoutAnyStsCall() {
        try (ReadRoleBroker broker = builder(sts).allowedAccounts(Set.of("222222222222")).build()) {
            assertThatThrownBy(() -> broker.forRole("arn:aws:iam::444444444444:role/team/CustomReader"))
                    .isInstanceOfSatisfying(ReadRoleException.class,
                            e -> assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.NOT_ALLOWED))
                    .hasMessageContaining("444444444444");
            assertThatThrownBy(() -> broker.forRole("arn:aws:iam::444444444444:role/PortOceanReadRole"))
                    .isInstanceOf(ReadRoleException.class);
            assertThat(sts.requestCount()).isZero();
            broker.forRole("arn:aws:iam::222222222222:role/team/CustomReader").credentialsProvider()
                    .resolveCredentials();
        }
        assertThat(sts.count("AssumeRole")).isEqualTo(1);
        assertThat(sts.requests().get(0).param("PolicyArns.member.1.arn"))
                .hasValue("arn:aws:iam::aws:policy/ReadOnlyAccess");
    }

    @Test
    void forAccount_allowedAccountsFromEnvironment_refusesOthersWithoutStsCall() {
        try (ReadRoleBroker broker = builder(sts, Map.of("OCEAN_AWS_ALLOWED_ACCOUNTS", "222222222222, 333333333333"))
                .build()) {
            assertThatThrownBy(() -> broker.forAccount("999999999999")).isInstanceOf(ReadRoleException.class);
            assertThat(sts.requestCount()).isZero();
            AwsReadSession allowed = broker.forAccount("333333333333");
            allowed.credentialsProvider().resolveCredentials();
            assertThat(sts.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void resolveCredentials_baseIdentityInOtherAccount_refusedAfterGetCallerIdentityOnly() {
        sts.callerArn("arn:aws:iam::555555555555:user/someone-else");
        try (ReadRoleBroker broker = builder(sts).identity(i -> i.expectedBaseAccount("111111111111")).build()) {
            for (String account : new String[] {"222222222222", "333333333333"}) {
                assertThatThrownBy(() -> broker.forAccount(account).credentialsProvider().resolveCredentials())
                        .isInstanceOfSatisfying(ReadRoleException.class,
                                e -> assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.NOT_ALLOWED))
                        .hasMessageContaining("arn:aws:iam::555555555555:user/someone-else")
                        .hasMessageContaining("belongs to account 555555555555")
                        .hasMessageContaining("not to the expected account 111111111111")
                        .hasMessageContaining("OCEAN_AWS_EXPECTED_BASE_ACCOUNT");
            }
            assertThatThrownBy(broker::verifyIdentity).isInstanceOfSatisfying(ReadRoleException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.NOT_ALLOWED));
        }
        assertThat(sts.count("AssumeRole")).isZero();
        assertThat(sts.count("GetCallerIdentity")).isEqualTo(1);
        assertThat(sts.issued()).isEmpty();
    }

    @Test
    void resolveCredentials_baseIdentityInExpectedAccountFromEnvironment_checksOnceThenAssumes() {
        try (ReadRoleBroker broker = builder(sts, Map.of("OCEAN_AWS_EXPECTED_BASE_ACCOUNT", "111111111111")).build()) {
            broker.forAccount("222222222222").credentialsProvider().resolveCredentials();
            broker.forAccount("333333333333").credentialsProvider().resolveCredentials();
            assertThat(broker.identity().baseAccount()).hasValue("111111111111");
        }
        assertThat(sts.count("GetCallerIdentity")).isEqualTo(1);
        assertThat(sts.count("AssumeRole")).isEqualTo(2);
        assertThat(sts.requests().get(0).action()).hasValue("GetCallerIdentity");
    }
}
