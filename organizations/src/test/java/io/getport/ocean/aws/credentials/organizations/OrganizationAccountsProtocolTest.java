package io.getport.ocean.aws.credentials.organizations;

import io.getport.ocean.aws.credentials.accounts.*;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@link OrganizationAccounts} against a protocol-level AWS Organizations (JSON 1.1) and STS: real page limits, error
 * shapes, retries, and the cached list under failures.
 */
class OrganizationAccountsProtocolTest {
    private static final String ROLE = "arn:aws:iam::" + FakeOrganizations.MANAGEMENT
            + ":role/PortOceanOrganizationReadRole";
    private static final String EXTERNAL_ID = "port-ocean-shared-external-id";

    private final MutableClock clock = MutableClock.atSystemTime();
    private FakeSts sts;
    private FakeOrganizations organizations;
    private ReadRoleBroker broker;

    @BeforeEach
    void start() {
        sts = FakeSts.builder().clock(clock).start();
        organizations = new FakeOrganizations();
        broker = ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAFAKEBASE0000001", "base-secret-key"))))
                .region(Region.US_EAST_1)
                .stsEndpoint(sts.endpoint())
                .externalId(EXTERNAL_ID)
                .clock(clock)
                .build();
    }

    @AfterEach
    void stop() {
        broker.close();
        organizations.close();
        sts.close();
    }

    private OrganizationAccounts.Builder source() {
        return OrganizationAccounts.builder()
                .broker(broker)
                .roleArn(ROLE)
                .endpoint(organizations.endpoint())
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .clock(clock)
                .retries(3, Duration.ofMillis(1));
    }

    @Test
    void accounts_onlySdkStandardEndpointSettings_stsAndOrganizationsResolvedByTheSdk() {
        // No stsEndpoint and no OCEAN_AWS_ORGANIZATIONS_ENDPOINT: the SDK's own endpoint configuration (the system
        // properties behind AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_ORGANIZATIONS) points both clients at the fakes.
        organizations.account("200000000001", "a", "ACTIVE", FakeOrganizations.ROOT);
        System.setProperty("aws.endpointUrlSts", sts.endpoint().toString());
        System.setProperty("aws.endpointUrlOrganizations", organizations.endpoint().toString());
        try (ReadRoleBroker standard = ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAFAKEBASE0000001", "base-secret-key"))))
                .region(Region.US_EAST_1)
                .externalId(EXTERNAL_ID)
                .clock(clock)
                .build();
                OrganizationAccounts source = OrganizationAccounts.builder()
                        .broker(standard)
                        .roleArn(ROLE)
                        .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                        .clock(clock)
                        .retries(1, Duration.ofMillis(1))
                        .build()) {
            assertThat(source.accounts()).extracting(AccountTarget::accountId).containsExactly("200000000001");
            assertThat(sts.assumeRoleCount(ROLE)).isEqualTo(1);
            assertThat(organizations.count("DescribeOrganization")).isEqualTo(1);
        } finally {
            System.clearProperty("aws.endpointUrlSts");
            System.clearProperty("aws.endpointUrlOrganizations");
        }
    }

    @Test
    void accounts_moreAccountsThanOnePage_everyPageReadAndRequestsSigned() {
        for (int i = 1; i <= 45; i++) {
            organizations.account(String.format("2000000000%02d", i), "member-" + i, "ACTIVE", FakeOrganizations.ROOT);
        }

        try (OrganizationAccounts source = source().build()) {
            List<AccountTarget> accounts = source.accounts();

            assertThat(accounts).hasSize(45).extracting(AccountTarget::accountId)
                    .doesNotContain(FakeOrganizations.MANAGEMENT).isSorted();
            assertThat(organizations.count("ListAccounts")).isEqualTo(3);
            assertThat(organizations.requests()).allSatisfy(r -> {
                assertThat(r.target()).startsWith("AWSOrganizationsV20161128.");
                assertThat(r.contentType()).isEqualTo("application/x-amz-json-1.1");
                assertThat(r.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=ASIA")
                        .contains("/us-east-1/organizations/aws4_request");
            });
            assertThat(organizations.requests()).filteredOn(r -> r.operation().equals("ListAccounts"))
                    .allSatisfy(r -> assertThat(r.body()).contains("\"MaxResults\":20"));
            assertThat(source.managementAccountId()).contains(FakeOrganizations.MANAGEMENT);
            assertThat(source.organizationId()).contains("o-fake123456");
        }
        assertThat(sts.assumeRoleCount(ROLE)).isEqualTo(1);
        assertThat(sts.requests()).filteredOn(r -> r.param("RoleArn").filter(ROLE::equals).isPresent())
                .allSatisfy(r -> assertThat(r.param("ExternalId")).contains(EXTERNAL_ID));
    }

    @Test
    void accounts_nestedAndOverlappingUnits_eachActiveAccountOnceFromFirstUnit() {
        organizations.unit("ou-ab12-aaaaaaaa", FakeOrganizations.ROOT)
                .unit("ou-ab12-bbbbbbbb", "ou-ab12-aaaaaaaa")
                .unit("ou-ab12-cccccccc", "ou-ab12-bbbbbbbb")
                .account("200000000001", "a", "ACTIVE", "ou-ab12-aaaaaaaa")
                .account("200000000002", "b", "ACTIVE", "ou-ab12-bbbbbbbb")
                .account("200000000003", "c", "ACTIVE", "ou-ab12-cccccccc")
                .account("200000000004", "c-closed", "SUSPENDED", "ou-ab12-cccccccc")
                .account("200000000005", "c-closing", "PENDING_CLOSURE", "ou-ab12-cccccccc")
                .account("200000000006", "outside", "ACTIVE", FakeOrganizations.ROOT);

        try (OrganizationAccounts source = source()
                .organizationalUnits(List.of("ou-ab12-bbbbbbbb", "ou-ab12-aaaaaaaa")).build()) {
            List<AccountTarget> accounts = source.accounts();

            assertThat(accounts).extracting(AccountTarget::accountId)
                    .containsExactly("200000000001", "200000000002", "200000000003");
            assertThat(accounts.get(1).parentId()).contains("ou-ab12-bbbbbbbb");
            assertThat(accounts.get(2).parentId()).contains("ou-ab12-cccccccc");
            assertThat(accounts.get(0).name()).contains("a");
            // Each unit walked once, although ou-ab12-bbbbbbbb is both configured and a child of another unit.
            assertThat(organizations.count("ListAccountsForParent")).isEqualTo(3);
            assertThat(organizations.count("ListAccounts")).isZero();
        }
    }

    @Test
    void accounts_throttledTwice_retriedAndListed() {
        organizations.account("200000000001", "a", "ACTIVE", FakeOrganizations.ROOT)
                .failNext(400, "TooManyRequestsException", "AWS Organizations can't complete your request", 2);

        try (OrganizationAccounts source = source().build()) {
            assertThat(source.accounts()).extracting(AccountTarget::accountId).containsExactly("200000000001");
        }
        assertThat(organizations.count("DescribeOrganization")).isEqualTo(3);
    }

    @Test
    void accounts_serviceKeepsFailing_retryableErrorAfterThreeAttemptsAndNoHammering() {
        organizations.fail(500, "ServiceException", "internal");

        try (OrganizationAccounts source = source().build()) {
            assertThatThrownBy(source::accounts)
                    .isInstanceOfSatisfying(ReadRoleException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.STS_UNAVAILABLE);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.errorCode()).contains("ServiceException");
                    })
                    .hasMessageContaining("after 3 attempts");
            // Within the backoff the cached failure is thrown again without a call.
            assertThatThrownBy(source::accounts).isInstanceOf(ReadRoleException.class);
        }
        assertThat(organizations.count("DescribeOrganization")).isEqualTo(3);
    }

    @Test
    void accounts_organizationsNotInUse_errorSaysWhatToConfigureInstead() {
        organizations.fail(400, "com.amazonaws.organizations.v20161128#AWSOrganizationsNotInUseException",
                "Your account is not a member of an organization.");

        try (OrganizationAccounts source = source().build()) {
            assertThatThrownBy(source::accounts)
                    .isInstanceOfSatisfying(ReadRoleException.class, e -> {
                        assertThat(e.errorCode()).contains("AWSOrganizationsNotInUseException");
                        assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.INVALID_REQUEST);
                        assertThat(e.roleArn()).contains(ROLE);
                    })
                    .hasMessageContaining("not in use")
                    .hasMessageContaining("OCEAN_AWS_ACCOUNTS")
                    .hasMessageContaining("management account");
        }
    }

    @Test
    void accounts_accessDenied_errorNamesPermissionsAndAlternative() {
        organizations.fail(400, "AccessDeniedException", "You don't have permissions to access this resource.");

        try (OrganizationAccounts source = source().build()) {
            assertThatThrownBy(source::accounts)
                    .isInstanceOfSatisfying(ReadRoleException.class,
                            e -> assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.ACCESS_DENIED))
                    .hasMessageContaining("organizations:ListAccounts")
                    .hasMessageContaining("delegated administrator")
                    .hasMessageContaining("OCEAN_AWS_ACCOUNTS")
                    .hasMessageNotContaining(EXTERNAL_ID);
        }
    }

    @Test
    void accounts_unknownUnit_errorNamesUnit() {
        try (OrganizationAccounts source = source().organizationalUnits(List.of("ou-ab12-zzzzzzzz")).build()) {
            assertThatThrownBy(source::accounts)
                    .isInstanceOfSatisfying(ReadRoleException.class,
                            e -> assertThat(e.errorCode()).contains("ParentNotFoundException"))
                    .hasMessageContaining("ou-ab12-zzzzzzzz")
                    .hasMessageContaining("OCEAN_AWS_ORGANIZATIONAL_UNITS");
        }
    }

    @Test
    void accounts_credentialsRejected_roleAssumedAgainAndListed() {
        organizations.account("200000000001", "a", "ACTIVE", FakeOrganizations.ROOT)
                .failNext(400, "UnrecognizedClientException", "The security token in the request is invalid", 1);

        try (OrganizationAccounts source = source().build()) {
            assertThat(source.accounts()).hasSize(1);
        }
        assertThat(sts.assumeRoleCount(ROLE)).isEqualTo(2);
    }

    @Test
    void accounts_refreshFailsAfterTtl_cachedListServedThenRecovers() throws Exception {
        organizations.account("200000000001", "a", "ACTIVE", FakeOrganizations.ROOT);
        try (LogCapture logs = LogCapture.attach();
             OrganizationAccounts source = source().ttl(Duration.ofMinutes(10)).build()) {
            List<AccountTarget> first = source.accounts();
            organizations.fail(503, "ServiceUnavailableException", "unavailable");
            clock.advance(Duration.ofMinutes(11));

            assertThat(source.accounts()).isEqualTo(first);
            assertThatThrownBy(() -> source.lastRefresh().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ReadRoleException.class);
            int callsAfterFailure = organizations.requests().size();
            assertThat(source.accounts()).isEqualTo(first);
            assertThat(organizations.requests()).hasSize(callsAfterFailure);
            assertThat(logs.messages()).filteredOn(m -> m.startsWith("account list refresh failed")).hasSize(1);

            organizations.recover().account("200000000002", "b", "ACTIVE", FakeOrganizations.ROOT);
            clock.advance(Duration.ofSeconds(6));
            assertThat(source.accounts()).isEqualTo(first);
            assertThat(source.lastRefresh().get(10, TimeUnit.SECONDS)).hasSize(2);
            assertThat(source.accounts()).extracting(AccountTarget::accountId)
                    .containsExactly("200000000001", "200000000002");
            assertThat(logs.messages()).anyMatch(m -> m.startsWith("account list refresh recovered afterFailures=1"))
                    .anyMatch(m -> m.startsWith("account list changed added=[200000000002] removed=[]"));
            logs.assertNoneContain(sts.issuedSecrets());
            logs.assertNoneContain(List.of(EXTERNAL_ID));
        }
    }

    @Test
    void accounts_afterClose_failsClosed() {
        OrganizationAccounts source = source().build();
        source.close();

        assertThatThrownBy(source::accounts).isInstanceOfSatisfying(ReadRoleException.class,
                e -> assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.CLOSED));
    }
}
