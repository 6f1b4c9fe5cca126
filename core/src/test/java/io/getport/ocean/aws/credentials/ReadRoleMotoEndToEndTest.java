package io.getport.ocean.aws.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/** The end-to-end contract and the single-flight guarantee against moto_server with IAM enforced. */
@WithMoto
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadRoleMotoEndToEndTest extends ReadRoleEndToEndContract {
    private SeedArchitecture seed;

    @BeforeAll
    void provision(MotoServer moto) {
        seed = SeedArchitecture.provision(moto);
    }

    @Override
    URI endpoint() {
        return seed.endpoint();
    }

    @Override
    AwsCredentialsProvider baseCredentials() {
        return seed.baseUserCredentialsProvider();
    }

    @Override
    Map<String, String> bucketsByAccount() {
        return seed.buckets();
    }

    @Override
    boolean enforcesIam() {
        return true;
    }

    @Test
    void resolveCredentials_baseIdentityWithoutPermission_failsNamingRoleAndPrincipal() {
        String account = seed.targetAccountIds().get(0);
        try (ReadRoleBroker broker = ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(seed.deniedUserCredentials())))
                .region(Region.US_EAST_1)
                .stsEndpoint(seed.endpoint())
                .build()) {
            AwsReadSession session = broker.forAccount(account);
            assertThatThrownBy(() -> session.credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining(seed.readRoleArn(account))
                    .hasMessageContaining(seed.deniedUserArn())
                    .hasMessageContaining("AccessDenied")
                    .satisfies(e -> assertThat(((ReadRoleException) e).reason())
                            .isEqualTo(ReadRoleException.Reason.ACCESS_DENIED));
        }
    }

    @Test
    void resolveCredentials_32ThreadsOn50ColdAccounts_exactlyOneAssumeRolePerAccount() throws Exception {
        // Moto grants AssumeRole of PortOceanReadRole in any account id to the base user, provisioned or not.
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            accounts.add(String.format("5%011d", i));
        }
        Map<String, AtomicInteger> assumeCalls = new ConcurrentHashMap<>();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if ("AssumeRole".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                    String body = context.httpRequest().encodedQueryParameters().orElse("");
                    assumeCalls.computeIfAbsent("all", k -> new AtomicInteger()).incrementAndGet();
                    assumeCalls.computeIfAbsent(body, k -> new AtomicInteger());
                }
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try (StsClient sts = StsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(seed.endpoint())
                .credentialsProvider(seed.baseUserCredentialsProvider())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(counter))
                .build();
             ReadRoleBroker broker = ReadRoleBroker.builder()
                     .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                     .identity(i -> i.baseCredentials(seed.baseUserCredentialsProvider()))
                     .region(Region.US_EAST_1)
                     .stsClient(sts)
                     .stsProtection(s -> s.stsRateLimit(1000))
                     .build()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<AwsCredentials>>> results = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<AwsCredentials> got = new ArrayList<>();
                    for (String account : accounts) {
                        got.add(broker.forAccount(account).credentialsProvider().resolveCredentials());
                    }
                    return got;
                }));
            }
            start.countDown();
            List<AwsCredentials> first = null;
            for (Future<List<AwsCredentials>> f : results) {
                List<AwsCredentials> got = f.get(60, TimeUnit.SECONDS);
                if (first == null) {
                    first = got;
                }
                for (int i = 0; i < accounts.size(); i++) {
                    assertThat(got.get(i).accessKeyId()).isEqualTo(first.get(i).accessKeyId());
                }
            }
            assertThat(assumeCalls.get("all").get()).isEqualTo(50);
            assertThat(broker.cachedAccounts()).isEqualTo(50);
            CacheStatistics stats = broker.cacheStatistics();
            assertThat(stats.created()).as("one cache entry created per account").isEqualTo(50);
            assertThat(stats.hits()).as("most forAccount calls found it").isGreaterThanOrEqualTo(32 * 50 - 32 * 50 / 2);
            assertThat(stats.hits() + stats.misses()).as("every forAccount call is a lookup")
                    .isGreaterThanOrEqualTo(32 * 50);
            assertThat(stats.evictions()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }
}
