package io.getport.ocean.aws.credentials.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.regions.Region;

/** {@code expectedBaseAccount} against moto's real GetCallerIdentity for the seed's base user. */
@WithMoto
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountGuardsMotoTest {
    private SeedArchitecture seed;

    @BeforeAll
    void provision(MotoServer moto) {
        seed = MotoSeeds.provision(moto);
    }

    private ReadRoleBroker broker(String expectedBaseAccount) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(seed.baseUserCredentialsProvider()))
                .region(Region.US_EAST_1)
                .stsEndpoint(seed.endpoint())
                .identity(i -> i.expectedBaseAccount(expectedBaseAccount))
                .build();
    }

    @Test
    void resolveCredentials_expectedBaseAccountMatches_assumesReadRole() {
        String account = seed.targetAccountIds().get(0);
        try (ReadRoleBroker broker = broker(seed.baseAccountId())) {
            assertThat(broker.forAccount(account).credentialsProvider().resolveCredentials().accessKeyId())
                    .isNotBlank();
            assertThat(broker.identity().basePrincipal()).hasValue(seed.baseUserArn());
        }
    }

    @Test
    void resolveCredentials_expectedBaseAccountDiffers_refusedNamingBothAccounts() {
        String account = seed.targetAccountIds().get(0);
        try (ReadRoleBroker broker = broker("999999999999")) {
            assertThatThrownBy(() -> broker.forAccount(account).credentialsProvider().resolveCredentials())
                    .isInstanceOfSatisfying(ReadRoleException.class,
                            e -> assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.NOT_ALLOWED))
                    .hasMessageContaining(seed.baseUserArn())
                    .hasMessageContaining("belongs to account " + seed.baseAccountId())
                    .hasMessageContaining("not to the expected account 999999999999");
            assertThat(broker.forAccount(account).assumedRoleArn()).isEmpty();
        }
    }
}
