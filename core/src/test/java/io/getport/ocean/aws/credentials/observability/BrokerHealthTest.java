package io.getport.ocean.aws.credentials.observability;

import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.BASE_SECRET;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.DENIED_ACCOUNT;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.OK_ACCOUNT;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.START;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.WAIT;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.broker;
import static io.getport.ocean.aws.credentials.observability.ObservabilityTesting.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.BrokerHealth;
import io.getport.ocean.aws.credentials.BrokerHealth.AccountFailure;
import io.getport.ocean.aws.credentials.BrokerListener;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

class BrokerHealthTest {

    @Test
    void health_newBroker_upWithIdentityAndNothingCached() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).build()) {
            BrokerHealth health = broker.health();

            assertThat(health.status()).isEqualTo(BrokerHealth.Status.UP);
            assertThat(health.checkedAt()).isEqualTo(START);
            assertThat(health.identity().source()).isEqualTo("explicit");
            assertThat(health.cachedAccounts()).isZero();
            assertThat(health.failingAccounts()).isEmpty();
            assertThat(health.circuitState()).isEqualTo("CLOSED");
            assertThat(health.earliestExpiry()).isEmpty();
            assertThat(health.earliestExpiringAccount()).isEmpty();
        }
    }

    @Test
    void health_oneAccountDenied_degradedNamingTheAccountAndWhy() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).build()) {
            sts.denyAssumeRole(roleArn(DENIED_ACCOUNT));
            broker.forAccount(OK_ACCOUNT).credentialsProvider().resolveCredentials();
            clock.advance(Duration.ofMinutes(5));
            assertThatThrownBy(() -> broker.forAccount(DENIED_ACCOUNT).credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class);
            broker.forAccount("444444444444").credentialsProvider().resolveCredentials();

            BrokerHealth health = broker.health();

            assertThat(health.status()).isEqualTo(BrokerHealth.Status.DEGRADED);
            assertThat(health.cachedAccounts()).isEqualTo(3);
            assertThat(health.earliestExpiry()).hasValue(START.plus(Duration.ofHours(1)));
            assertThat(health.earliestExpiringAccount()).hasValue(OK_ACCOUNT);
            assertThat(health.failingAccounts()).singleElement().satisfies(f -> {
                assertThat(f.accountId()).isEqualTo(DENIED_ACCOUNT);
                assertThat(f.roleArn()).isEqualTo(roleArn(DENIED_ACCOUNT));
                assertThat(f.reason()).isEqualTo(Reason.ACCESS_DENIED);
                assertThat(f.errorCode()).hasValue("AccessDenied");
                assertThat(f.message()).contains(roleArn(DENIED_ACCOUNT), "trust policy");
                assertThat(f.servingCached()).isFalse();
                assertThat(f.cachedCredentialsExpiry()).isEmpty();
                assertThat(f.retryable()).isFalse();
            });
            assertThat(health.toString()).contains("status=DEGRADED", "failingAccounts=1", "circuit=CLOSED")
                    .doesNotContain(BASE_SECRET);
            assertThat(health.failingAccounts().get(0).toString())
                    .isEqualTo("AccountFailure(account=" + DENIED_ACCOUNT + ", reason=ACCESS_DENIED,"
                            + " error=AccessDenied, servingCached=false)");
        }
    }

    @Test
    void health_backgroundRefreshFails_accountServedFromCache() throws Exception {
        MutableClock clock = MutableClock.at(START);
        CountDownLatch failed = new CountDownLatch(1);
        BrokerListener onFailure = new BrokerListener() {
            @Override
            public void refreshFailed(String accountId, ReadRoleException failure) {
                failed.countDown();
            }
        };
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).refresh(r -> r.refreshJitter(0)).listener(onFailure)
                        .build()) {
            AwsReadSession session = broker.forAccount(OK_ACCOUNT);
            session.credentialsProvider().resolveCredentials();
            sts.fail(StsError.SERVICE_UNAVAILABLE);
            // In the advisory window (15 min before expiry for a 1 h session), before the mandatory one.
            clock.advance(Duration.ofMinutes(50));
            session.credentialsProvider().resolveCredentials();
            assertThat(failed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            BrokerHealth health = broker.health();

            assertThat(health.failingAccounts()).singleElement().satisfies(f -> {
                assertThat(f.reason()).isEqualTo(Reason.STS_UNAVAILABLE);
                assertThat(f.retryable()).isTrue();
                assertThat(f.servingCached()).isTrue();
                assertThat(f.cachedCredentialsExpiry()).hasValue(START.plus(Duration.ofHours(1)));
            });
            assertThat(health.status()).isEqualTo(BrokerHealth.Status.DEGRADED);
        }
    }

    @Test
    void health_closedBroker_down() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start()) {
            ReadRoleBroker broker = broker(sts, clock).build();
            broker.close();

            assertThat(broker.health().status()).isEqualTo(BrokerHealth.Status.DOWN);
        }
    }

    @Test
    void readRoleTrustPolicy_afterVerifyIdentity_namesRoleBehindAssumedRoleSession() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start()
                .callerArn("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/ecs-task");
                ReadRoleBroker broker = broker(sts, clock).build()) {
            assertThat(broker.readRoleTrustPolicy(OK_ACCOUNT)).contains("BASE_IDENTITY_ROLE_ARN");

            broker.verifyIdentity();
            String policy = broker.readRoleTrustPolicy(OK_ACCOUNT);

            JsonNode statement = statement(policy);
            assertThat(statement.path("Principal").path("AWS").asText())
                    .isEqualTo("arn:aws:iam::111111111111:role/PortOceanTaskRole");
            assertThat(statement.path("Action").asText()).isEqualTo("sts:AssumeRole");
            assertThat(policy).doesNotContain("sts:ExternalId");
            assertThat(broker.readRoleTrustPolicy(broker.forAccount(OK_ACCOUNT))).isEqualTo(policy);
            assertThat(broker.health().identity().basePrincipal())
                    .hasValue("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/ecs-task");
        }
    }

    @Test
    void readRoleTrustPolicy_externalIdConfigured_conditionWithPlaceholderNotValue() {
        MutableClock clock = MutableClock.at(START);
        String externalId = "ext-secret-4711";
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).externalIds(Map.of(DENIED_ACCOUNT, externalId)).build()) {
            assertThat(broker.readRoleTrustPolicy(DENIED_ACCOUNT))
                    .contains("\"sts:ExternalId\": \"YOUR_EXTERNAL_ID\"")
                    .doesNotContain(externalId);
            assertThat(broker.readRoleTrustPolicy(OK_ACCOUNT)).doesNotContain("sts:ExternalId");
        }
    }

    @Test
    void stsEndpoint_override_isReturned() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).build()) {
            assertThat(broker.stsEndpoint()).isEqualTo(sts.endpoint());
        }
    }

    @Test
    void stsEndpoint_noOverride_regionalEndpointOfPartition() {
        try (ReadRoleBroker eu = ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(ObservabilityTesting.BASE_KEYS)))
                .region(Region.EU_WEST_1)
                .build();
                ReadRoleBroker cn = ReadRoleBroker.builder()
                        .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                        .identity(i -> i.baseCredentials(
                                StaticCredentialsProvider.create(ObservabilityTesting.BASE_KEYS)))
                        .region(Region.CN_NORTH_1)
                        .build()) {
            assertThat(eu.stsEndpoint()).isEqualTo(URI.create("https://sts.eu-west-1.amazonaws.com"));
            assertThat(cn.stsEndpoint()).isEqualTo(URI.create("https://sts.cn-north-1.amazonaws.com.cn"));
        }
    }

    @Test
    void accountFailure_recordedFailure_keepsNoSecret() {
        MutableClock clock = MutableClock.at(START);
        try (FakeSts sts = FakeSts.builder().clock(clock).start();
                ReadRoleBroker broker = broker(sts, clock).externalId("ext-secret-0815").build()) {
            sts.expectExternalId("another-value");
            assertThatThrownBy(() -> broker.forAccount(OK_ACCOUNT).credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class);

            AccountFailure f = broker.health().failingAccounts().get(0);

            assertThat(f.message()).contains("ExternalId").doesNotContain("ext-secret-0815", BASE_SECRET);
            assertThat(broker.health().toString()).doesNotContain("ext-secret-0815", BASE_SECRET);
        }
    }

    /** The only statement of a trust policy document (whatever its layout). */
    private static JsonNode statement(String policy) {
        try {
            JsonNode statements = new ObjectMapper().readTree(policy).path("Statement");
            assertThat(statements.size()).as("statements in %s", policy).isEqualTo(1);
            return statements.get(0);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + policy, e);
        }
    }
}
