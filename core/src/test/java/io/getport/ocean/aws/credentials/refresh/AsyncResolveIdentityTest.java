package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.account;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.assertOutsideMandatoryWindow;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.readRoleException;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * {@code resolveIdentity()} (what async SDK clients call on their event loop) returns at once, whatever STS does,
 * and shares the one refresh in flight with synchronous callers. STS hangs in these tests, so a call that waited for
 * it could not return: returning an incomplete future proves it did not block.
 */
class AsyncResolveIdentityTest {
    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);
    private final ExecutorService syncCallers = Executors.newFixedThreadPool(4);

    @AfterEach
    void close() {
        syncCallers.shutdownNow();
        sts.close();
    }

    private ReadRoleBroker.Builder patientBroker() {
        // Callers wait up to 30 s: long enough for the test to release STS first.
        return broker(sts, clock).refresh(r -> r.refreshTimeout(Duration.ofSeconds(30)))
                .stsProtection(s -> s.stsCallTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void resolveIdentity_coldAccountWhileStsHangs_returnsIncompleteFuturesThatShareOneCall() throws Exception {
        try (ReadRoleBroker broker = patientBroker().build()) {
            AwsReadSession session = broker.forAccount(account(1));
            sts.hang();

            List<CompletableFuture<? extends AwsCredentialsIdentity>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                futures.add(session.credentialsProvider().resolveIdentity());
            }

            assertThat(futures).allSatisfy(f -> assertThat(f).isNotDone());
            assertThat(sts.awaitHanging(1, Duration.ofSeconds(10))).isTrue();
            assertThat(sts.count("AssumeRole")).isEqualTo(1);

            sts.healthy();
            AwsCredentialsIdentity first = futures.get(0).get(30, TimeUnit.SECONDS);
            for (CompletableFuture<? extends AwsCredentialsIdentity> f : futures) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isSameAs(first);
            }
            assertOutsideMandatoryWindow((AwsSessionCredentials) first, clock.instant());
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
        }
    }

    @Test
    void resolveIdentity_syncAndAsyncCallersTogether_shareTheSingleFlight() throws Exception {
        try (ReadRoleBroker broker = patientBroker().build()) {
            AwsReadSession session = broker.forAccount(account(2));
            sts.hang();

            List<Future<AwsCredentials>> sync = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sync.add(syncCallers.submit(() -> session.credentialsProvider().resolveCredentials()));
            }
            CompletableFuture<? extends AwsCredentialsIdentity> async = session.credentialsProvider()
                    .resolveIdentity();
            assertThat(sts.awaitHanging(1, Duration.ofSeconds(10))).isTrue();
            assertThat(async).isNotDone();

            sts.healthy();

            AwsCredentialsIdentity viaAsync = async.get(30, TimeUnit.SECONDS);
            for (Future<AwsCredentials> f : sync) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isSameAs(viaAsync);
            }
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
        }
    }

    @Test
    void resolveIdentity_advisoryWindowWhileStsHangs_completedWithCachedCredentials() {
        try (ReadRoleBroker broker = patientBroker().build()) {
            AwsReadSession session = broker.forAccount(account(3));
            AwsSessionCredentials cached = resolve(session);
            sts.hang();
            clock.set(START.plus(Duration.ofMinutes(55)));

            for (int i = 0; i < 100; i++) {
                CompletableFuture<? extends AwsCredentialsIdentity> f = session.credentialsProvider()
                        .resolveIdentity();
                assertThat(f).isDone();
                assertThat(f.join()).isSameAs(cached);
            }
            assertThat(sts.awaitHanging(1, Duration.ofSeconds(10))).isTrue();
            assertThat(sts.count("AssumeRole")).isEqualTo(2);
        }
    }

    @Test
    void resolveIdentity_freshCredentials_completedWithoutStsCall() {
        try (ReadRoleBroker broker = patientBroker().build()) {
            AwsReadSession session = broker.forAccount(account(4));
            AwsSessionCredentials cached = resolve(session);

            CompletableFuture<? extends AwsCredentialsIdentity> f = session.credentialsProvider().resolveIdentity();
            assertThat(f).isDone();
            assertThat(f.join()).isSameAs(cached);
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
        }
    }

    @Test
    void resolveIdentity_deniedAccount_failedFutureWithTheCachedFailure() {
        sts.denyAssumeRole(roleArn(account(5)));
        try (ReadRoleBroker broker = patientBroker().build()) {
            AwsReadSession session = broker.forAccount(account(5));

            Throwable first = catchThrowable(() -> session.credentialsProvider().resolveIdentity().join());
            CompletableFuture<? extends AwsCredentialsIdentity> second = session.credentialsProvider()
                    .resolveIdentity();

            assertThat(readRoleException(first).reason()).isEqualTo(Reason.ACCESS_DENIED);
            assertThat(second).isCompletedExceptionally();
            assertThat(readRoleException(catchThrowable(second::join)).reason()).isEqualTo(Reason.ACCESS_DENIED);
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
        }
    }
}
