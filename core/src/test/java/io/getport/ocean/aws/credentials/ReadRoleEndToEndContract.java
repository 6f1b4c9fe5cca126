package io.getport.ocean.aws.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The seed's end-to-end promise against an AWS emulator: through {@code PortOceanReadRole}, each account reads exactly
 * its own resources and cannot write. Subclasses supply the emulator.
 */
abstract class ReadRoleEndToEndContract {
    static final String SESSION_NAME = "port-ocean-e2e";

    /** The emulator endpoint (STS, S3). */
    abstract URI endpoint();

    /** Credentials of a base identity whose only permission is sts:AssumeRole on PortOceanReadRole. */
    abstract AwsCredentialsProvider baseCredentials();

    /** Target account id → the one bucket it owns. */
    abstract Map<String, String> bucketsByAccount();

    /** Whether the emulator enforces IAM (moto does; LocalStack's free tier does not). */
    abstract boolean enforcesIam();

    ReadRoleBroker broker() {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(baseCredentials()))
                .region(Region.US_EAST_1)
                .stsEndpoint(endpoint())
                .sessionName(SESSION_NAME)
                .build();
    }

    S3Client s3(AwsReadSession session) {
        return session.configure(S3Client.builder())
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .build();
    }

    @Test
    void forAccount_eachAccount_listsExactlyItsOwnBucket() {
        try (ReadRoleBroker broker = broker()) {
            for (Map.Entry<String, String> e : bucketsByAccount().entrySet()) {
                AwsReadSession session = broker.forAccount(e.getKey());
                try (S3Client s3 = s3(session)) {
                    List<String> names = s3.listBuckets().buckets().stream().map(Bucket::name)
                            .collect(Collectors.toList());
                    assertThat(names).as("buckets of %s", e.getKey()).containsExactly(e.getValue());
                }
                assertThat(session.roleArn()).isEqualTo("arn:aws:iam::" + e.getKey() + ":role/PortOceanReadRole");
                assertThat(session.expiration()).isPresent();
            }
        }
    }

    @Test
    void forAccount_callerIdentity_isReadRoleSessionInTargetAccount() {
        try (ReadRoleBroker broker = broker()) {
            for (String account : bucketsByAccount().keySet()) {
                AwsReadSession session = broker.forAccount(account);
                try (StsClient sts = session.configure(StsClient.builder()).endpointOverride(endpoint()).build()) {
                    var identity = sts.getCallerIdentity();
                    assertThat(identity.account()).isEqualTo(account);
                    assertThat(identity.arn()).isEqualTo(
                            "arn:aws:sts::" + account + ":assumed-role/PortOceanReadRole/" + SESSION_NAME);
                }
                assertThat(session.assumedRoleArn()).hasValue(
                        "arn:aws:sts::" + account + ":assumed-role/PortOceanReadRole/" + SESSION_NAME);
            }
        }
    }

    @Test
    void createBucket_throughReadRole_isAccessDenied() {
        org.junit.jupiter.api.Assumptions.assumeTrue(enforcesIam(),
                "this emulator does not enforce IAM; the moto run asserts AccessDenied");
        String account = bucketsByAccount().keySet().iterator().next();
        try (ReadRoleBroker broker = broker(); S3Client s3 = s3(broker.forAccount(account))) {
            assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("ocean-must-not-exist-" + account)))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode())
                            .isEqualTo("AccessDenied"));
        }
    }
}
