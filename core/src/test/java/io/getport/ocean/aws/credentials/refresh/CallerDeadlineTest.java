package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.WAIT;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.account;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Callers with deadlines of their own (issue 13, item 2): an async caller that times out or cancels, or a blocked
 * caller that is interrupted, leaves at once; the STS call it started is neither cancelled nor repeated: it completes
 * for the callers still waiting and is cached for the next one, so its permit is not wasted. STS is held with
 * {@link FakeSts#hang()} until the test releases it, so nothing depends on timing.
 */
class CallerDeadlineTest {
    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);

    @AfterEach
    void close() {
        sts.close();
    }

    @Test
    void asyncCallers_oneTimesOutOneCancels_theSharedCallCompletesForTheThirdAndIsCached() throws Exception {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(1));
            sts.hang();
            CompletableFuture<? extends AwsCredentialsIdentity> timingOut =
                    session.credentialsProvider().resolveIdentity();
            assertThat(sts.awaitHanging(1, WAIT)).as("the call reached STS").isTrue();
            CompletableFuture<? extends AwsCredentialsIdentity> cancelled =
                    session.credentialsProvider().resolveIdentity();
            CompletableFuture<? extends AwsCredentialsIdentity> staying =
                    session.credentialsProvider().resolveIdentity();

            // The first caller's own deadline (STS is held, so it certainly passes first); the second gives up.
            Throwable timedOut = catchThrowable(() -> timingOut.orTimeout(1, TimeUnit.MILLISECONDS).join());
            assertThat(timedOut).isInstanceOf(CompletionException.class).hasCauseInstanceOf(TimeoutException.class);
            assertThat(cancelled.cancel(true)).isTrue();
            assertThat(catchThrowable(cancelled::join)).isInstanceOf(CancellationException.class);
            assertThat(staying).isNotDone();

            sts.releaseHangs();
            AwsCredentialsIdentity got = staying.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(resolve(session).accessKeyId()).isEqualTo(got.accessKeyId());
            assertThat(sts.count("AssumeRole")).as("one call, shared and cached").isEqualTo(1);
            assertThat(sts.hanging()).isZero();
        }
    }

    @Test
    void blockedCaller_interrupted_leavesNamingTheInterruptAndTheCallIsCachedForTheNext() throws Exception {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(2));
            sts.hang();
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Thread caller = new Thread(() -> seen.set(catchThrowable(() -> resolve(session))), "interrupted-caller");
            caller.start();
            assertThat(sts.awaitHanging(1, WAIT)).as("the call reached STS").isTrue();

            caller.interrupt();
            caller.join(WAIT.toMillis());

            assertThat(caller.isAlive()).isFalse();
            assertThat(seen.get()).isInstanceOf(ReadRoleException.class).hasMessageContaining("Interrupted")
                    .hasMessageContaining("cached for the next caller");
            assertThat(((ReadRoleException) seen.get()).reason()).isEqualTo(Reason.REFRESH_TIMEOUT);
            sts.releaseHangs();
            RefreshTesting.awaitIdle(session);
            AwsSessionCredentials next = resolve(session);
            assertThat(next.accessKeyId()).isEqualTo(sts.issued().get(0).accessKeyId());
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
        }
    }

    @Test
    void queuedCallBehindOthers_itsCallerCancels_theCallStillRunsOnceAndIsCached() throws Exception {
        // One STS call at a time: account 3's call runs (held), account 4's waits in the broker's queue.
        try (ReadRoleBroker broker = broker(sts, clock).stsProtection(s -> s.stsMaxConcurrency(1)).build()) {
            AwsReadSession running = broker.forAccount(account(3));
            AwsReadSession queued = broker.forAccount(account(4));
            sts.hang();
            CompletableFuture<? extends AwsCredentialsIdentity> first = running.credentialsProvider().resolveIdentity();
            assertThat(sts.awaitHanging(1, WAIT)).isTrue();
            CompletableFuture<? extends AwsCredentialsIdentity> leaving = queued.credentialsProvider()
                    .resolveIdentity();

            assertThat(leaving.cancel(true)).isTrue();
            sts.healthy();
            first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            RefreshTesting.awaitIdle(queued);

            // The queued call was not dropped with its caller: it ran once, and the next caller is served from cache.
            assertThat(sts.assumeRoleCount(RefreshTesting.roleArn(account(4)))).isEqualTo(1);
            AwsSessionCredentials cached = resolve(queued);
            assertThat(sts.assumeRoleCount(RefreshTesting.roleArn(account(4)))).isEqualTo(1);
            assertThat(cached.accessKeyId()).isNotBlank();
        }
    }
}
