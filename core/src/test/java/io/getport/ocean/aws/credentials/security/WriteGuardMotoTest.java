package io.getport.ocean.aws.credentials.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The write guard against moto_server with IAM enforced: reads through the read role reach moto and succeed; writes are
 * refused in the process (no request is transmitted), while without the guard the same writes reach moto and are
 * denied there by ReadOnlyAccess.
 */
@WithMoto
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteGuardMotoTest {
    private SeedArchitecture seed;
    private String account;
    /** Every request that was about to be sent over the wire, as "Service:Operation". */
    private final List<String> transmitted = new CopyOnWriteArrayList<>();
    private final ExecutionInterceptor recorder = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            transmitted.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                    + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    };

    @BeforeAll
    void provision(MotoServer moto) {
        seed = MotoSeeds.provision(moto);
        account = seed.targetAccountIds().get(0);
    }

    @BeforeEach
    void clear() {
        transmitted.clear();
    }

    private ReadRoleBroker broker(boolean writeGuard, Set<String> allow) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(seed.baseUserCredentialsProvider()))
                .region(Region.US_EAST_1)
                .stsEndpoint(seed.endpoint())
                .writeGuard(writeGuard)
                .writeGuardAllow(allow)
                .build();
    }

    private S3Client s3(AwsReadSession session) {
        return session.configure(S3Client.builder()
                        .overrideConfiguration(o -> o.addExecutionInterceptor(recorder)))
                .endpointOverride(seed.endpoint())
                .forcePathStyle(true)
                .build();
    }

    private Ec2Client ec2(AwsReadSession session) {
        return session.configure(Ec2Client.builder()
                        .overrideConfiguration(o -> o.addExecutionInterceptor(recorder)))
                .endpointOverride(seed.endpoint())
                .build();
    }

    private List<String> bucketNames(S3Client s3) {
        return s3.listBuckets().buckets().stream().map(Bucket::name).collect(Collectors.toList());
    }

    @Test
    void s3Reads_writeGuardOn_reachMotoAndSucceed() {
        try (ReadRoleBroker broker = broker(true, Set.of()); S3Client s3 = s3(broker.forAccount(account))) {
            assertThat(bucketNames(s3)).containsExactly(seed.bucket(account));
            assertThat(s3.listObjectsV2(b -> b.bucket(seed.bucket(account))).contents()).isEmpty();
            assertThat(transmitted).containsExactly("S3:ListBuckets", "S3:ListObjectsV2");
        }
    }

    @Test
    void createBucket_writeGuardOn_refusedBeforeTransmission() {
        String bucket = "ocean-guarded-" + account;
        try (ReadRoleBroker broker = broker(true, Set.of()); S3Client s3 = s3(broker.forAccount(account))) {
            assertThatThrownBy(() -> s3.createBucket(b -> b.bucket(bucket)))
                    .isInstanceOfSatisfying(ReadRoleException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.NOT_ALLOWED);
                        assertThat(e.accountId()).hasValue(account);
                        assertThat(e.roleArn()).hasValue(seed.readRoleArn(account));
                        assertThat(e.errorCode()).hasValue("WriteGuard");
                        assertThat(e.retryable()).isFalse();
                    })
                    .hasMessageContaining("refused S3:CreateBucket for account " + account)
                    .hasMessageContaining("Nothing was sent to AWS")
                    .hasMessageContaining("OCEAN_AWS_WRITE_GUARD_ALLOW");
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket(seed.bucket(account)).key("k"),
                    RequestBody.fromString("data")))
                    .isInstanceOf(ReadRoleException.class).hasMessageContaining("S3:PutObject");
            assertThatThrownBy(() -> s3.deleteBucket(b -> b.bucket(seed.bucket(account))))
                    .isInstanceOf(ReadRoleException.class).hasMessageContaining("S3:DeleteBucket");
            assertThat(transmitted).isEmpty();
            assertThat(bucketNames(s3)).containsExactly(seed.bucket(account));
        }
    }

    @Test
    void createBucket_overrideConfigurationAfterConfigure_guardStillRefuses() {
        try (ReadRoleBroker broker = broker(true, Set.of());
             S3Client s3 = broker.forAccount(account).configure(S3Client.builder())
                     .endpointOverride(seed.endpoint())
                     .forcePathStyle(true)
                     // The SDK replaces the whole override configuration here; the guard must survive it.
                     .overrideConfiguration(o -> o.addExecutionInterceptor(recorder)
                             .apiCallTimeout(java.time.Duration.ofSeconds(30)))
                     .build()) {
            assertThat(bucketNames(s3)).containsExactly(seed.bucket(account));
            assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("ocean-late-override-" + account)))
                    .isInstanceOf(ReadRoleException.class).hasMessageContaining("S3:CreateBucket");
            assertThat(transmitted).containsExactly("S3:ListBuckets");
        }
    }

    @Test
    void createBucket_writeGuardOff_reachesMotoAndIsAccessDenied() {
        try (ReadRoleBroker broker = broker(false, Set.of()); S3Client s3 = s3(broker.forAccount(account))) {
            assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("ocean-unguarded-" + account)))
                    .isInstanceOfSatisfying(S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
            assertThat(transmitted).containsExactly("S3:CreateBucket");
        }
    }

    @Test
    void createBucket_allowListed_passesGuardAndReadOnlyAccessStillDenies() {
        try (ReadRoleBroker broker = broker(true, Set.of("s3:createbucket"));
             S3Client s3 = s3(broker.forAccount(account))) {
            assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("ocean-allowed-" + account)))
                    .isInstanceOfSatisfying(S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
            assertThat(transmitted).containsExactly("S3:CreateBucket");
            assertThatThrownBy(() -> s3.deleteBucket(b -> b.bucket(seed.bucket(account))))
                    .isInstanceOf(ReadRoleException.class);
        }
    }

    @Test
    void ec2_writeGuardOn_describePassesAndRunInstancesIsRefusedLocally() {
        try (ReadRoleBroker broker = broker(true, Set.of()); Ec2Client ec2 = ec2(broker.forAccount(account))) {
            assertThat(ec2.describeInstances().reservations()).isEmpty();
            assertThat(ec2.describeRegions().regions()).isNotEmpty();
            assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId("ami-12c6146b").minCount(1).maxCount(1)
                    .instanceType(InstanceType.T3_MICRO)))
                    .isInstanceOfSatisfying(ReadRoleException.class,
                            e -> assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.NOT_ALLOWED))
                    .hasMessageContaining("refused Ec2:RunInstances for account " + account);
            assertThatThrownBy(() -> ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")))
                    .isInstanceOf(ReadRoleException.class).hasMessageContaining("Ec2:CreateVpc");
            assertThat(transmitted).containsExactly("Ec2:DescribeInstances", "Ec2:DescribeRegions");
        }
    }

    @Test
    void ec2_writeGuardOff_runInstancesReachesMotoAndIsDenied() {
        try (ReadRoleBroker broker = broker(false, Set.of()); Ec2Client ec2 = ec2(broker.forAccount(account))) {
            assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId("ami-12c6146b").minCount(1).maxCount(1)
                    .instanceType(InstanceType.T3_MICRO)))
                    .isInstanceOf(Ec2Exception.class);
            assertThat(transmitted).containsExactly("Ec2:RunInstances");
        }
    }

    @Test
    void asyncCreateBucket_writeGuardOn_futureFailsWithoutTransmission() throws Exception {
        try (ReadRoleBroker broker = broker(true, Set.of());
             S3AsyncClient s3 = broker.forAccount(account).configure(S3AsyncClient.builder()
                             .overrideConfiguration(o -> o.addExecutionInterceptor(recorder)))
                     .endpointOverride(seed.endpoint())
                     .forcePathStyle(true)
                     .build()) {
            assertThat(s3.listBuckets().get(30, TimeUnit.SECONDS).buckets()).extracting(Bucket::name)
                    .containsExactly(seed.bucket(account));
            assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("ocean-async-" + account)).get(30,
                    TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ReadRoleException.class).hasMessageContaining("S3:CreateBucket");
            assertThat(transmitted).containsExactly("S3:ListBuckets");
        }
    }
}
