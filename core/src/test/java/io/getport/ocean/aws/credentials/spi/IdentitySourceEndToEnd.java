package io.getport.ocean.aws.credentials.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import java.util.List;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The end-to-end check each runtime's test runs against moto: through a broker whose base identity comes from the
 * runtime, every given account's S3 is read with {@code PortOceanReadRole} credentials, and the account sees only its
 * own bucket.
 */
public final class IdentitySourceEndToEnd {
    private IdentitySourceEndToEnd() {
    }

    /**
     * For each account: {@code forAccount}, an S3 client configured by the session, {@code ListBuckets} returns exactly
     * that account's bucket, and the session is a session of the read role in that account.
     */
    public static void readsOwnBucketThroughReadRole(ReadRoleBroker broker, SeedArchitecture seed,
            List<String> accounts) {
        for (String account : accounts) {
            AwsReadSession session = broker.forAccount(account);
            try (S3Client s3 = s3(session, seed)) {
                List<String> names = s3.listBuckets().buckets().stream().map(Bucket::name)
                        .collect(Collectors.toList());
                assertThat(names).as("buckets seen in %s", account).containsExactly(seed.bucket(account));
            }
            assertThat(session.roleArn()).isEqualTo(seed.readRoleArn(account));
            assertThat(session.assumedRoleArn()).hasValueSatisfying(arn -> assertThat(arn)
                    .startsWith("arn:aws:sts::" + account + ":assumed-role/" + SeedArchitecture.READ_ROLE_NAME + "/"));
        }
    }

    /** With IAM enforced: the read role's session may not write (ReadOnlyAccess). */
    public static void cannotWrite(ReadRoleBroker broker, SeedArchitecture seed, String account) {
        try (S3Client s3 = s3(broker.forAccount(account), seed)) {
            assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("ocean-must-not-exist-" + account)))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode())
                            .isEqualTo("AccessDenied"));
        }
    }

    private static S3Client s3(AwsReadSession session, SeedArchitecture seed) {
        return session.configure(S3Client.builder()).endpointOverride(seed.endpoint()).forcePathStyle(true).build();
    }
}
