package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.MANDATORY;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.account;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.assertOutsideMandatoryWindow;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.awaitIdle;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.readRoleException;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** A non-recoverable failure is cached per account, so a resync over thousands of resources does not hammer STS. */
class AccessDeniedNegativeCacheTest {
    private static final Duration FAILURE_CACHE_TIME = Duration.ofSeconds(60);

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);

    @AfterEach
    void close() {
        sts.close();
    }

    private ReadRoleBroker.Builder deniedBroker() {
        return broker(sts, clock).refresh(r -> r.failureCacheTime(FAILURE_CACHE_TIME));
    }

    @Test
    void resolveCredentials_10000ResolvesWithinFailureCacheTime_oneStsCallAndOneWarn() {
        String account = account(1);
        sts.denyAssumeRole(roleArn(account));
        try (ReadRoleBroker broker = deniedBroker().build(); LogCapture logs = LogCapture.attach(Level.INFO)) {
            AwsReadSession session = broker.forAccount(account);

            for (int i = 0; i < 10_000; i++) {
                ReadRoleException e = readRoleException(catchThrowable(() -> resolve(session)));
                assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
                clock.advance(Duration.ofMillis(5)); // 10,000 x 5 ms = 50 s, inside the 60 s failure cache time
            }

            assertThat(sts.count("AssumeRole")).isEqualTo(1);
            assertThat(logs.messages()).filteredOn(m -> m.startsWith("refresh failed account=" + account + " "))
                    .singleElement().asString().contains("error=AccessDenied", "recoverable=false");
        }
    }

    @Test
    void resolveCredentials_accessDenied_messageNamesRolePrincipalAndFix() {
        String account = account(2);
        sts.denyAssumeRole(roleArn(account));
        try (ReadRoleBroker broker = deniedBroker().build()) {
            ReadRoleException e = readRoleException(catchThrowable(() -> resolve(broker.forAccount(account))));

            assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
            assertThat(e.retryable()).isFalse();
            assertThat(e.errorCode()).contains("AccessDenied");
            assertThat(e.getMessage()).contains(roleArn(account), FakeSts.DEFAULT_CALLER_ARN, "trust policy",
                    "sts:AssumeRole");
        }
    }

    @Test
    void resolveCredentials_manyThreadsOnADeniedAccount_oneStsCall() throws Exception {
        String account = account(3);
        sts.denyAssumeRole(roleArn(account));
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try (ReadRoleBroker broker = deniedBroker().build()) {
            AwsReadSession session = broker.forAccount(account);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        assertThat(readRoleException(catchThrowable(() -> resolve(session))).reason())
                                .isEqualTo(Reason.ACCESS_DENIED);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }

            assertThat(sts.count("AssumeRole")).isEqualTo(1);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void resolveCredentials_afterFailureCacheTime_triesAgainOnceThenRecovers() {
        String account = account(4);
        sts.denyAssumeRole(roleArn(account));
        try (ReadRoleBroker broker = deniedBroker().build(); LogCapture logs = LogCapture.attach(Level.INFO)) {
            AwsReadSession session = broker.forAccount(account);
            catchThrowable(() -> resolve(session));

            clock.advance(FAILURE_CACHE_TIME.minusMillis(1));
            catchThrowable(() -> resolve(session));
            assertThat(sts.count("AssumeRole")).isEqualTo(1);

            clock.advance(Duration.ofMillis(1));
            assertThat(readRoleException(catchThrowable(() -> resolve(session))).reason())
                    .isEqualTo(Reason.ACCESS_DENIED);
            assertThat(sts.count("AssumeRole")).isEqualTo(2);

            // The trust policy is fixed: the next attempt after the failure cache time succeeds.
            sts.allowAllRoles();
            clock.advance(FAILURE_CACHE_TIME);
            assertOutsideMandatoryWindow(resolve(session), clock.instant());
            assertThat(sts.count("AssumeRole")).isEqualTo(3);
            assertThat(logs.messages()).filteredOn(m -> m.startsWith("refresh failed account=" + account + " "))
                    .hasSize(1);
            assertThat(logs.messages()).filteredOn(m -> m.startsWith("refresh recovered account=" + account + " "))
                    .hasSize(1);
        }
    }

    @Test
    void resolveCredentials_deniedWhileCachedCredentialsValid_servesThemAndRetriesOnlyOncePerFailureCacheTime() {
        String account = account(5);
        try (ReadRoleBroker broker = deniedBroker().build()) {
            AwsReadSession session = broker.forAccount(account);
            AwsSessionCredentials cached = resolve(session);
            Instant mandatoryStart = cached.expirationTime().orElseThrow().minus(MANDATORY);
            sts.denyAssumeRole(roleArn(account)); // the permission is removed while credentials are cached
            Instant advisoryStart = session.nextRefresh().orElseThrow();
            clock.set(advisoryStart);

            while (clock.instant().isBefore(mandatoryStart)) {
                assertThat(resolve(session).accessKeyId()).isEqualTo(cached.accessKeyId());
                awaitIdle(session);
                clock.advance(Duration.ofSeconds(5));
            }
            int duringAdvisory = sts.count("AssumeRole") - 1;

            // At most one attempt per failure cache time (the last step may start one more).
            long windowSeconds = Duration.between(advisoryStart, mandatoryStart).toSeconds();
            assertThat(duringAdvisory).isBetween(1, (int) (windowSeconds / FAILURE_CACHE_TIME.toSeconds()) + 2);
            ReadRoleException e = readRoleException(catchThrowable(() -> resolve(session)));
            assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
            assertThat(e.getMessage()).contains(roleArn(account));
        }
    }
}
