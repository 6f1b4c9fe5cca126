package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.accounts;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.assertOutsideMandatoryWindow;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.awaitIdle;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Half of all STS calls throttled for hours: callers never see an error while cached credentials are valid, and the
 * number of STS calls stays within a stated bound (retries happen in one layer, so they do not multiply).
 */
class StsThrottlingTest {
    private static final int ACCOUNTS = 20;
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Duration WALK = Duration.ofHours(3);

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);

    @AfterEach
    void close() {
        sts.close();
    }

    static String throttlingXml() {
        return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                + "<Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
                + "<RequestId>0b6ce5a6-4f5c-4b5e-8b7e-5f1d2a3c4b5d</RequestId></ErrorResponse>";
    }

    @Test
    void resolveCredentials_everyOtherCallPerRoleThrottled_noCallerErrorAndExactlyTwoCallsPerRefresh() {
        RefreshTesting.Counting counting = new RefreshTesting.Counting();
        try (ReadRoleBroker broker = broker(sts, clock).stsProtection(s -> s.retryMaxAttempts(MAX_ATTEMPTS))
                .listener(counting).build()) {
            List<AwsReadSession> sessions = warm(broker);
            int warmCalls = sts.count("AssumeRole");
            // 50 % throttling, deterministic: per role, the 1st, 3rd, 5th... AssumeRole after this point is throttled.
            Map<String, Integer> callsPerRole = new ConcurrentHashMap<>();
            sts.onRequest(request -> request.action().filter("AssumeRole"::equals).isPresent()
                    && callsPerRole.merge(request.param("RoleArn").orElseThrow(), 1, Integer::sum) % 2 == 1
                    ? Fault.status(400, "text/xml", throttlingXml()) : Fault.none());

            int errors = walk(sessions);

            int calls = sts.count("AssumeRole") - warmCalls;
            long refreshes = sts.issued().size() - ACCOUNTS;
            assertThat(errors).isZero();
            // Bound: a refresh's first attempt is throttled and the one Resilience4j retry succeeds, so exactly two
            // calls per refresh; one-hour credentials are refreshed at most every 45 minutes, so at most
            // ceil(3 h / 45 min) = 4 refreshes per account: calls <= 2 * 4 * ACCOUNTS = 160.
            assertThat(calls).isEqualTo(2 * refreshes);
            assertThat(refreshes).isBetween(3L * ACCOUNTS, 4L * ACCOUNTS);
            assertThat(calls).isLessThanOrEqualTo(2 * 4 * ACCOUNTS);
            assertThat(callsPerRole.values()).allSatisfy(n -> assertThat(n).isEven());
            // Throttling is not an outage: the circuit breaker stays closed.
            assertThat(counting.circuitTransitions).isEmpty();
        }
    }

    @Test
    void resolveCredentials_halfOfCallsThrottledAtRandom_noCallerErrorAndNoRetryAmplification() {
        RefreshTesting.Counting counting = new RefreshTesting.Counting();
        try (ReadRoleBroker broker = broker(sts, clock).stsProtection(s -> s.retryMaxAttempts(MAX_ATTEMPTS))
                .listener(counting).build()) {
            List<AwsReadSession> sessions = warm(broker);
            int warmCalls = sts.count("AssumeRole");
            long warmRefreshes = counting.refreshSucceeded.sum();
            sts.throttle(0.5, 20261128L);

            int errors = walk(sessions);

            int calls = sts.count("AssumeRole") - warmCalls;
            long succeeded = counting.refreshSucceeded.sum() - warmRefreshes;
            long failed = counting.refreshFailed.sum();
            assertThat(errors).isZero();
            assertThat(succeeded).isBetween(3L * ACCOUNTS, 4L * ACCOUNTS);
            // Hard bound, whatever the dice: each refresh makes at most retryMaxAttempts calls (the SDK's own
            // retries are off, and a failed refresh is not retried by callers before its backoff).
            assertThat(calls).isLessThanOrEqualTo(MAX_ATTEMPTS * (int) (succeeded + failed));
            // Expected bound: with p = 1/2 a successful refresh costs 2 calls on average (standard deviation 1.4),
            // so over 60+ refreshes 2.5 calls per refresh is more than 3 standard deviations away.
            assertThat((double) calls / succeeded).isLessThan(2.5);
            assertThat(counting.circuitTransitions).isEmpty();
        }
    }

    private List<AwsReadSession> warm(ReadRoleBroker broker) {
        List<AwsReadSession> sessions = new ArrayList<>();
        for (String account : accounts(ACCOUNTS)) {
            AwsReadSession session = broker.forAccount(account);
            resolve(session);
            sessions.add(session);
        }
        return sessions;
    }

    /** Walks the clock through {@link #WALK} in {@link #STEP}s, every account resolved at every step. */
    private int walk(List<AwsReadSession> sessions) {
        int errors = 0;
        Instant end = START.plus(WALK);
        while (clock.instant().isBefore(end)) {
            Instant now = clock.instant();
            for (AwsReadSession session : sessions) {
                try {
                    assertOutsideMandatoryWindow(resolve(session), now);
                } catch (RuntimeException e) {
                    errors++;
                }
            }
            awaitIdle(sessions);
            clock.advance(STEP);
        }
        return errors;
    }
}
