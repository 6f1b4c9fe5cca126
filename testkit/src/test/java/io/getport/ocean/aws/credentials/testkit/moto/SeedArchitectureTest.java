package io.getport.ocean.aws.credentials.testkit.moto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** Proves that the seed holds under IAM enforcement. */
@WithMoto
class SeedArchitectureTest {

    private static SeedArchitecture seed;

    @BeforeAll
    static void provision(MotoServer moto) {
        seed = SeedArchitecture.provision(moto);
    }

    @Test
    void provision_defaults_describesArchitecture(MotoServer moto) {
        assertThat(moto.authEnforced()).isTrue();
        assertThat(seed.moto()).isSameAs(moto);
        assertThat(seed.endpoint()).isEqualTo(moto.endpoint());
        assertThat(seed.baseAccountId()).isEqualTo("111111111111");
        assertThat(seed.targetAccountIds()).containsExactly("222222222222", "333333333333", "444444444444");
        assertThat(seed.buckets()).containsEntry("333333333333", "ocean-demo-333333333333").hasSize(3);
        assertThat(seed.readRoleArn("222222222222")).isEqualTo("arn:aws:iam::222222222222:role/PortOceanReadRole");
        assertThat(seed.baseUserCredentials().accessKeyId()).startsWith("AKIA");
        assertThat(seed.externalId()).isEmpty();
        assertThat(seed.toString()).doesNotContain(seed.baseUserCredentials().secretAccessKey());
    }

    @Test
    void baseUser_assumeReadRoleInEachTarget_readsOnlyItsOwnAccount(MotoServer moto) {
        for (String account : seed.targetAccountIds()) {
            AwsCredentialsProvider readRole = assume(moto, seed.baseUserCredentialsProvider(), account, "ocean-test");

            try (StsClient sts = moto.stsClient(readRole); S3Client s3 = moto.s3Client(readRole)) {
                var identity = sts.getCallerIdentity();
                assertThat(identity.arn())
                        .isEqualTo("arn:aws:sts::" + account + ":assumed-role/PortOceanReadRole/ocean-test");
                assertThat(identity.account()).isEqualTo(account);
                assertThat(s3.listBuckets().buckets()).extracting(Bucket::name).containsExactly(seed.bucket(account));
                assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("not-allowed-" + account)))
                        .satisfies(e -> assertAccessDenied(e, 403));
            }
        }
    }

    @Test
    void deniedUser_assumeReadRole_accessDenied(MotoServer moto) {
        try (StsClient sts = moto.stsClient(StaticCredentialsProvider.create(seed.deniedUserCredentials()))) {
            assertThat(sts.getCallerIdentity().arn()).isEqualTo(seed.deniedUserArn());
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(seed.readRoleArn("222222222222"))
                    .roleSessionName("denied")))
                    .satisfies(e -> assertAccessDenied(e, 403))
                    .hasMessageContaining("User: " + seed.deniedUserArn() + " is not authorized to perform: sts:AssumeRole");
        }
    }

    @Test
    void baseUser_anythingButAssumeRole_accessDenied(MotoServer moto) {
        try (S3Client s3 = moto.s3Client(seed.baseUserCredentialsProvider());
             IamClient iam = moto.iamClient(seed.baseUserCredentialsProvider())) {
            assertThatThrownBy(s3::listBuckets).satisfies(e -> assertAccessDenied(e, 403));
            assertThatThrownBy(iam::listUsers).satisfies(e -> assertAccessDenied(e, 403));
        }
    }

    @Test
    void unknownOrWrongKeys_anyCall_rejected(MotoServer moto) {
        AwsBasicCredentials wrongSecret = AwsBasicCredentials.create(seed.baseUserCredentials().accessKeyId(), "wrong");
        try (StsClient unknown = moto.stsClient(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIAUNKNOWN000000000", "secret")));
             StsClient badSecret = moto.stsClient(StaticCredentialsProvider.create(wrongSecret))) {
            assertThatThrownBy(unknown::getCallerIdentity).isInstanceOfSatisfying(StsException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
            assertThatThrownBy(badSecret::getCallerIdentity).isInstanceOfSatisfying(StsException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void taskRoleSession_assumeReadRole_chainsIntoTarget(MotoServer moto) {
        AwsSessionCredentials task = seed.taskRoleSessionCredentials(Duration.ofMinutes(30));
        assertThat(task.expirationTime()).get().satisfies(expiry ->
                assertThat(expiry).isBetween(Instant.now().plusSeconds(25 * 60), Instant.now().plusSeconds(35 * 60)));
        assertThat(moto.authEnforced()).isTrue();

        AwsCredentialsProvider taskProvider = StaticCredentialsProvider.create(task);
        try (StsClient sts = moto.stsClient(taskProvider)) {
            assertThat(sts.getCallerIdentity().arn())
                    .isEqualTo("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/ecs-task");
        }
        AwsCredentialsProvider readRole = assume(moto, taskProvider, "444444444444", "from-task");
        try (S3Client s3 = moto.s3Client(readRole)) {
            assertThat(s3.listBuckets().buckets()).extracting(Bucket::name).containsExactly("ocean-demo-444444444444");
        }
    }

    @Test
    void removeAssumePermission_baseUserAndTaskRole_deniedUntilRestored(MotoServer moto) {
        AwsCredentialsProvider task = StaticCredentialsProvider.create(seed.taskRoleSessionCredentials());
        seed.removeAssumePermission();
        try {
            assertThat(moto.authEnforced()).isTrue();
            assertThatThrownBy(() -> assume(moto, seed.baseUserCredentialsProvider(), "222222222222", "s1"))
                    .satisfies(e -> assertAccessDenied(e, 403));
            assertThatThrownBy(() -> assume(moto, task, "222222222222", "s1"))
                    .satisfies(e -> assertAccessDenied(e, 403));
        } finally {
            seed.restoreAssumePermission();
        }
        assertThat(assume(moto, seed.baseUserCredentialsProvider(), "222222222222", "s1").resolveCredentials())
                .isNotNull();
        assertThat(assume(moto, task, "222222222222", "s1").resolveCredentials()).isNotNull();
    }

    @Test
    void revoke_oneAccount_deniesOnlyThatAccountUntilGranted(MotoServer moto) {
        seed.revoke("333333333333");
        try {
            assertThatThrownBy(() -> assume(moto, seed.baseUserCredentialsProvider(), "333333333333", "s1"))
                    .satisfies(e -> assertAccessDenied(e, 403));
            assertThat(assume(moto, seed.baseUserCredentialsProvider(), "222222222222", "s1").resolveCredentials())
                    .isNotNull();
        } finally {
            seed.grant("333333333333");
        }
        assertThat(assume(moto, seed.baseUserCredentialsProvider(), "333333333333", "s1").resolveCredentials())
                .isNotNull();
    }

    @Test
    void asAdmin_targetAccount_createsResourceReadableByReadRole(MotoServer moto) {
        seed.asAdmin("222222222222", admin -> {
            try (S3Client s3 = moto.s3Client(admin)) {
                s3.createBucket(b -> b.bucket("added-later-222222222222"));
            }
        });
        assertThat(moto.authEnforced()).isTrue();
        try (S3Client s3 = moto.s3Client(assume(moto, seed.baseUserCredentialsProvider(), "222222222222", "s1"))) {
            assertThat(s3.listBuckets().buckets()).extracting(Bucket::name)
                    .contains("added-later-222222222222", "ocean-demo-222222222222");
        } finally {
            seed.asAdmin("222222222222", admin -> {
                try (S3Client s3 = moto.s3Client(admin)) {
                    s3.deleteBucket(b -> b.bucket("added-later-222222222222"));
                }
            });
        }
    }

    static AwsCredentialsProvider assume(MotoServer moto, AwsCredentialsProvider caller, String account,
                                         String session) {
        return assume(moto, caller, account, session, null);
    }

    static AwsCredentialsProvider assume(MotoServer moto, AwsCredentialsProvider caller, String account,
                                         String session, String externalId) {
        try (StsClient sts = moto.stsClient(caller)) {
            Credentials c = sts.assumeRole(r -> r.roleArn("arn:aws:iam::" + account + ":role/PortOceanReadRole")
                    .roleSessionName(session).externalId(externalId)).credentials();
            return StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
        }
    }

    static void assertAccessDenied(Throwable e, int status) {
        assertThat(e).isInstanceOf(AwsServiceException.class);
        AwsServiceException aws = (AwsServiceException) e;
        assertThat(aws.statusCode()).isEqualTo(status);
        assertThat(aws.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
    }
}
