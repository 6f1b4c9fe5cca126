package io.getport.ocean.aws.credentials;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The same end-to-end contract against LocalStack through Testcontainers. Runs where a Docker engine is available;
 * uses the latest image when {@code LOCALSTACK_AUTH_TOKEN} is set, else the last image that needs no token
 * ({@value #PINNED_IMAGE}). LocalStack's free tier enforces no IAM, so the AccessDenied assertion is moto's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIf(value = "dockerAvailable", disabledReason = "no Docker engine on this machine: LocalStack runs in a container")
class ReadRoleLocalStackEndToEndTest extends ReadRoleEndToEndContract {
    static final String PINNED_IMAGE = "localstack/localstack:4.14.0";
    private static final List<String> ACCOUNTS = List.of("222222222222", "333333333333");
    private LocalStackContainer localstack;
    private final Map<String, String> buckets = new LinkedHashMap<>();

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @BeforeAll
    void start() {
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        String image = token != null && !token.isBlank() ? "localstack/localstack:latest" : PINNED_IMAGE;
        localstack = new LocalStackContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("localstack/localstack"));
        if (token != null && !token.isBlank()) {
            localstack.withEnv("LOCALSTACK_AUTH_TOKEN", token);
        }
        localstack.start();
        // LocalStack maps the access key id (12 digits) to the account: create each account's bucket there.
        for (String account : ACCOUNTS) {
            AwsCredentialsProvider admin = StaticCredentialsProvider.create(AwsBasicCredentials.create(account, "test"));
            try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint())
                    .credentialsProvider(admin).build()) {
                var creds = sts.assumeRole(r -> r.roleArn("arn:aws:iam::" + account + ":role/PortOceanReadRole")
                        .roleSessionName("setup")).credentials();
                AwsCredentialsProvider inAccount = StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(creds.accessKeyId(),
                                creds.secretAccessKey(), creds.sessionToken()));
                try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint())
                        .forcePathStyle(true).credentialsProvider(inAccount).build()) {
                    String bucket = "ocean-demo-" + account;
                    s3.createBucket(b -> b.bucket(bucket));
                    buckets.put(account, bucket);
                }
            }
        }
    }

    @AfterAll
    void stop() {
        if (localstack != null) {
            localstack.stop();
        }
    }

    @Override
    URI endpoint() {
        return localstack.getEndpoint();
    }

    @Override
    AwsCredentialsProvider baseCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("111111111111", "test"));
    }

    @Override
    Map<String, String> bucketsByAccount() {
        return buckets;
    }

    @Override
    boolean enforcesIam() {
        return false;
    }
}
