package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/** The library as an application uses it: its own SDK (older, in range), Logback 1.2, sync and async clients. */
class ConsumerTest {
    private static MotoServer moto;
    private static SeedArchitecture seed;

    @BeforeAll
    static void start() {
        boolean required = Boolean.getBoolean("moto.required");
        Assumptions.assumeTrue(required || MotoServer.available(), "moto_server not on the PATH");
        moto = MotoServer.start();
        seed = SeedArchitecture.provision(moto);
    }

    @AfterAll
    static void stop() {
        if (moto != null) {
            moto.close();
        }
    }

    private static ReadRoleBroker.Builder broker() {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(seed.baseUserCredentialsProvider()))
                .region(Region.US_EAST_1)
                .stsEndpoint(seed.endpoint());
    }

    @Test
    void theApplicationsOlderSdkIsTheOneInUse() {
        assertTrue(VersionInfo.SDK_VERSION.startsWith("2.36."), VersionInfo.SDK_VERSION);
    }

    @Test
    void syncAndAsyncClients_readTheBucketsOfTheAccount_andLibraryLogsReachLogback() throws Exception {
        String account = seed.targetAccountIds().get(0);
        try (ReadRoleBroker broker = broker().build()) {
            AwsReadSession session = broker.forAccount(account);
            try (S3Client s3 = session.configure(S3Client.builder()).endpointOverride(seed.endpoint())
                    .forcePathStyle(true).build()) {
                assertTrue(s3.listBuckets().buckets().stream()
                        .anyMatch(b -> b.name().equals(seed.buckets().get(account))));
            }
            try (S3AsyncClient s3 = session.configure(S3AsyncClient.builder())
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder()).endpointOverride(seed.endpoint())
                    .forcePathStyle(true).build()) {
                assertTrue(s3.listBuckets().get().buckets().stream()
                        .anyMatch(b -> b.name().equals(seed.buckets().get(account))));
            }
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        @SuppressWarnings("unchecked")
        ListAppender<ILoggingEvent> memory =
                (ListAppender<ILoggingEvent>) context.getLogger("ROOT").getAppender("MEMORY");
        assertTrue(memory.list.stream().anyMatch(e -> e.getLoggerName().startsWith("io.getport.ocean")
                && e.getFormattedMessage().contains("identity detected")), "a library log line reached Logback");
    }

    @Test
    void writeGuard_appliesToTheAsyncClient() {
        String account = seed.targetAccountIds().get(0);
        try (ReadRoleBroker broker = broker().writeGuard(true).build();
                S3AsyncClient s3 = broker.forAccount(account).configure(S3AsyncClient.builder())
                        .httpClientBuilder(NettyNioAsyncHttpClient.builder()).endpointOverride(seed.endpoint())
                        .forcePathStyle(true).build()) {
            Exception e = assertThrows(Exception.class,
                    () -> s3.createBucket(r -> r.bucket("consumer-it-not-allowed")).join());
            String text = String.valueOf(e) + " " + String.valueOf(e.getCause());
            assertTrue(text.contains("CreateBucket"), text);
        }
    }
}
