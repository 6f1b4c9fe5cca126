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
import io.getport.ocean.aws.credentials.ReadRoleException;
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
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * STS accepts the connection and never answers. The STS call timeout is long (30 s) so that the call is still hanging
 * while the test runs: what is observed is the broker's own refresh timeout (300 ms), which is a wait on a future.
 */
class HangingStsTest {
    private static final Duration REFRESH_TIMEOUT = Duration.ofMillis(300);
    private static final Duration STS_CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Generous: a caller that waited for the hanging call would take the 30 s STS call timeout at least. */
    private static final long NOT_BLOCKED_MS = 10_000;

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);
    private final ExecutorService callers = Executors.newFixedThreadPool(8);

    @AfterEach
    void close() {
        callers.shutdownNow();
        sts.close();
    }

    private ReadRoleBroker hangingBroker() {
        return broker(sts, clock).refresh(r -> r.refreshTimeout(REFRESH_TIMEOUT))
                .stsProtection(s -> s.stsCallTimeout(STS_CALL_TIMEOUT)).build();
    }

    @Test
    void resolveCredentials_stsHangsInAdvisoryWindow_callersGetCachedCredentialsWithoutBlocking() throws Exception {
        try (ReadRoleBroker broker = hangingBroker()) {
            AwsReadSession session = broker.forAccount(account(1));
            AwsSessionCredentials cached = resolve(session);
            sts.hang();
            clock.set(START.plus(Duration.ofMinutes(55)));

            List<Future<AwsSessionCredentials>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(callers.submit(() -> resolve(session)));
            }
            for (Future<AwsSessionCredentials> call : calls) {
                AwsSessionCredentials c = call.get(NOT_BLOCKED_MS, TimeUnit.MILLISECONDS);
                assertThat(c.accessKeyId()).isEqualTo(cached.accessKeyId());
                assertOutsideMandatoryWindow(c, clock.instant());
            }
            // The one background refresh is the one hanging request.
            assertThat(sts.awaitHanging(1, Duration.ofSeconds(10))).isTrue();
            assertThat(sts.count("AssumeRole")).isEqualTo(2);
            assertThat(RefreshTesting.holder(session).refreshing()).isTrue();
        }
    }

    @Test
    void resolveCredentials_stsHangsInMandatoryWindow_callerTimesOutAtTheRefreshTimeout() {
        try (ReadRoleBroker broker = hangingBroker()) {
            AwsReadSession session = broker.forAccount(account(2));
            AwsSessionCredentials cached = resolve(session);
            sts.hang();
            clock.set(cached.expirationTime().orElseThrow().minusSeconds(30));

            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> resolve(session));
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            ReadRoleException e = readRoleException(thrown);
            assertThat(e.reason()).isEqualTo(Reason.REFRESH_TIMEOUT);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("300 ms", "OCEAN_AWS_REFRESH_TIMEOUT", roleArn(account(2)));
            assertThat(waitedMs).isGreaterThanOrEqualTo(REFRESH_TIMEOUT.toMillis())
                    .isLessThan(STS_CALL_TIMEOUT.toMillis());
            assertThat(sts.awaitHanging(1, Duration.ofSeconds(10))).isTrue();

            // STS answers again: the hanging call completes, and the next caller gets its credentials.
            sts.healthy();
            RefreshTesting.awaitIdle(session);
            AwsSessionCredentials fresh = resolve(session);
            assertThat(fresh.accessKeyId()).isNotEqualTo(cached.accessKeyId());
            assertOutsideMandatoryWindow(fresh, clock.instant());
            assertThat(sts.count("AssumeRole")).isEqualTo(2);
        }
    }

    @Test
    void resolveCredentials_manyCallersWhileStsHangs_allTimeOutAndOnlyOneCallIsMade() throws Exception {
        try (ReadRoleBroker broker = hangingBroker()) {
            AwsReadSession session = broker.forAccount(account(3));
            sts.hang();

            List<Future<Throwable>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(callers.submit(() -> catchThrowable(() -> resolve(session))));
            }
            for (Future<Throwable> call : calls) {
                assertThat(readRoleException(call.get(NOT_BLOCKED_MS, TimeUnit.MILLISECONDS)).reason())
                        .isEqualTo(Reason.REFRESH_TIMEOUT);
            }
            assertThat(sts.awaitHanging(1, Duration.ofSeconds(10))).isTrue();
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
        }
    }

    @Test
    void resolveIdentity_stsHangsInMandatoryWindow_returnsAtOnceAndFailsAtTheRefreshTimeout() throws Exception {
        try (ReadRoleBroker broker = hangingBroker()) {
            AwsReadSession session = broker.forAccount(account(4));
            AwsSessionCredentials cached = resolve(session);
            sts.hang();
            clock.set(cached.expirationTime().orElseThrow().minusSeconds(30));

            CompletableFuture<? extends AwsCredentialsIdentity> identity =
                    session.credentialsProvider().resolveIdentity();

            // Returned without waiting: the refresh is still hanging.
            assertThat(identity).isNotDone();
            Throwable thrown = catchThrowable(() -> identity.get(NOT_BLOCKED_MS, TimeUnit.MILLISECONDS));
            assertThat(readRoleException(thrown).reason()).isEqualTo(Reason.REFRESH_TIMEOUT);
            // The caller's timeout did not cancel the shared refresh: it still hangs, and completes when STS answers.
            assertThat(RefreshTesting.holder(session).refreshing()).isTrue();
            sts.healthy();
            RefreshTesting.awaitIdle(session);
            assertThat(resolve(session).accessKeyId()).isNotEqualTo(cached.accessKeyId());
        }
    }
}
