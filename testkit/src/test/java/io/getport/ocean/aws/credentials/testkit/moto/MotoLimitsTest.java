package io.getport.ocean.aws.credentials.testkit.moto;

import static io.getport.ocean.aws.credentials.testkit.moto.SeedArchitectureTest.assume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.testkit.Jwt;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;

/**
 * Pins what moto 5.2 does not enforce (documented on {@link SeedArchitecture}), so that a moto upgrade that starts
 * enforcing it shows up here, and covers the non-default seed options.
 */
@WithMoto
class MotoLimitsTest {

    private static final String EXTERNAL_ID = "port-ocean-ext-1";
    private static SeedArchitecture seed;

    @BeforeAll
    static void provision(MotoServer moto) {
        seed = SeedArchitecture.builder()
                .targetAccountIds("210987654321", "310987654321")
                .externalId(EXTERNAL_ID)
                .extraResources((account, admin) -> {
                    try (S3Client s3 = moto.s3Client(admin)) {
                        s3.createBucket(b -> b.bucket("extra-" + account));
                    }
                })
                .provision(moto);
    }

    @Test
    void provision_customOptions_targetsExternalIdAndExtraResources(MotoServer moto) {
        assertThat(seed.targetAccountIds()).containsExactly("210987654321", "310987654321");
        assertThat(seed.externalId()).contains(EXTERNAL_ID);
        AwsCredentialsProvider readRole =
                assume(moto, seed.baseUserCredentialsProvider(), "310987654321", "ocean", EXTERNAL_ID);
        try (S3Client s3 = moto.s3Client(readRole)) {
            assertThat(s3.listBuckets().buckets()).extracting(Bucket::name)
                    .containsExactlyInAnyOrder("ocean-demo-310987654321", "extra-310987654321");
        }
    }

    @Test
    void crossAccountTrust_wrongOrMissingExternalId_notEnforcedByMoto(MotoServer moto) {
        assertThat(assume(moto, seed.baseUserCredentialsProvider(), "210987654321", "ocean", "wrong-id")
                .resolveCredentials()).isNotNull();
        assertThat(assume(moto, seed.baseUserCredentialsProvider(), "210987654321", "ocean")
                .resolveCredentials()).isNotNull();
    }

    @Test
    void sameAccountTrust_externalIdCondition_wrongDeniedButMissingAccepted(MotoServer moto) {
        seed.asAdmin(SeedArchitecture.BASE_ACCOUNT_ID, admin -> {
            try (IamClient iam = moto.iamClient(admin)) {
                iam.createRole(r -> r.roleName(SeedArchitecture.READ_ROLE_NAME)
                        .assumeRolePolicyDocument(seed.readRoleTrustPolicy()));
            }
        });
        String base = SeedArchitecture.BASE_ACCOUNT_ID;

        assertThatThrownBy(() -> assume(moto, seed.baseUserCredentialsProvider(), base, "ocean", "wrong-id"))
                .satisfies(e -> SeedArchitectureTest.assertAccessDenied(e, 403));
        assertThat(assume(moto, seed.baseUserCredentialsProvider(), base, "ocean", EXTERNAL_ID).resolveCredentials())
                .isNotNull();
        assertThat(assume(moto, seed.baseUserCredentialsProvider(), base, "ocean").resolveCredentials()).isNotNull();
    }

    @Test
    void assumeRole_roleThatDoesNotExist_grantedByMoto(MotoServer moto) {
        assertThat(assume(moto, seed.baseUserCredentialsProvider(), "999999999999", "ocean").resolveCredentials())
                .isNotNull();
    }

    @Test
    void sessionPolicy_denyAll_ignoredByMoto(MotoServer moto) {
        String denyAll = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\","
                + "\"Resource\":\"*\"}]}";
        try (StsClient sts = moto.stsClient(seed.baseUserCredentialsProvider())) {
            var c = sts.assumeRole(r -> r.roleArn(seed.readRoleArn("210987654321")).roleSessionName("scoped")
                    .externalId(EXTERNAL_ID).policy(denyAll)).credentials();
            AwsCredentialsProvider scoped = StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
            try (S3Client s3 = moto.s3Client(scoped)) {
                assertThat(s3.listBuckets().buckets()).isNotEmpty();
            }
        }
    }

    @Test
    void roleChaining_twelveHourSession_grantedByMoto(MotoServer moto) {
        AwsCredentialsProvider task = StaticCredentialsProvider.create(seed.taskRoleSessionCredentials());
        try (StsClient sts = moto.stsClient(task)) {
            Instant expiration = sts.assumeRole(r -> r.roleArn(seed.readRoleArn("210987654321"))
                    .roleSessionName("chained").externalId(EXTERNAL_ID).durationSeconds(43_200))
                    .credentials().expiration();
            assertThat(expiration).isAfter(Instant.now().plusSeconds(11 * 3600));
        }
    }

    @Test
    void assumeRoleWithWebIdentity_unsignedUnderEnforcement_failsWith500_worksWithEnforcementOff(MotoServer moto) {
        String token = Jwt.forServiceAccount("port", "ocean-aws").build().encoded();
        try (StsClient sts = moto.configure(StsClient.builder())
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(MotoServer.errorFormatFix())
                        .retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            assertThatThrownBy(() -> sts.assumeRoleWithWebIdentity(r -> r.roleArn(seed.taskRoleArn())
                    .roleSessionName("irsa").webIdentityToken(token)))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(500));

            AssumeRoleWithWebIdentityResponse[] response = new AssumeRoleWithWebIdentityResponse[1];
            moto.withoutAuthEnforcement(() -> response[0] = sts.assumeRoleWithWebIdentity(r -> r
                    .roleArn(seed.taskRoleArn()).roleSessionName("irsa").webIdentityToken(token)));
            assertThat(response[0].assumedRoleUser().arn())
                    .isEqualTo("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/irsa");
            assertThat(moto.authEnforced()).isTrue();
        }
    }
}
