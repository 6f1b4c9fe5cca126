package io.getport.ocean.aws.credentials.refresh;

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
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * STS as a whole answers 503: the circuit breaker opens, cold accounts fail fast without calling STS with a message
 * that says STS is unavailable, cached credentials keep being served, and calls resume after the open duration.
 */
class CircuitBreakerTest {
    private static final Duration OPEN = Duration.ofHours(2);

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);

    @AfterEach
    void close() {
        sts.close();
    }

    @Test
    void resolveCredentials_stsDown_circuitOpensColdAccountsFailFastCachedServedThenCloses() {
        RefreshTesting.Counting counting = new RefreshTesting.Counting();
        try (ReadRoleBroker broker = broker(sts, clock).stsProtection(s -> s.circuitOpenDuration(OPEN))
                .listener(counting).build();
                LogCapture logs = LogCapture.attach(Level.INFO)) {
            AwsReadSession warm = broker.forAccount(account(0));
            AwsSessionCredentials cached = resolve(warm);
            sts.fail(StsError.SERVICE_UNAVAILABLE);

            // Cold accounts while STS is down: each refresh makes up to 3 attempts; the breaker opens once at least
            // 10 calls were made and half of the last 20 failed.
            int account = 1;
            while (counting.circuitTransitions.isEmpty() && account < 20) {
                AwsReadSession cold = broker.forAccount(account(account++));
                assertThat(readRoleException(catchThrowable(() -> resolve(cold))).reason())
                        .isEqualTo(Reason.STS_UNAVAILABLE);
            }
            assertThat(counting.circuitTransitions).containsExactly("CLOSED->OPEN");
            assertThat(logs.messages()).filteredOn(m -> m.startsWith("sts circuit breaker opened")).hasSize(1);
            int callsWhenOpened = sts.count("AssumeRole");
            assertThat(callsWhenOpened).isBetween(10, 12);

            // Open: cold accounts fail at once, and STS sees nothing.
            for (int i = 0; i < 50; i++) {
                AwsReadSession cold = broker.forAccount(account(100 + i));
                ReadRoleException e = readRoleException(catchThrowable(() -> resolve(cold)));
                assertThat(e.reason()).isEqualTo(Reason.STS_UNAVAILABLE);
                assertThat(e.errorCode()).contains("CircuitOpen");
                assertThat(e.getMessage()).contains("STS is unavailable", "circuit breaker", roleArn(account(100 + i)));
            }
            assertThat(sts.count("AssumeRole")).isEqualTo(callsWhenOpened);

            // Open: the warm account keeps its cached credentials, in its advisory window too.
            clock.set(warm.nextRefresh().orElseThrow());
            for (int i = 0; i < 10; i++) {
                assertThat(resolve(warm).accessKeyId()).isEqualTo(cached.accessKeyId());
                awaitIdle(warm);
                clock.advance(Duration.ofSeconds(10));
            }
            assertThat(sts.count("AssumeRole")).isEqualTo(callsWhenOpened);
            // The breaker's WARN said it once; the warm account's refused refreshes add no WARN of their own (an
            // outage would otherwise log one per account whose planned refresh falls in it).
            assertThat(logs.events()).filteredOn(e -> e.getLevel() == Level.WARN)
                    .filteredOn(e -> e.getFormattedMessage().contains("serving cached credentials")).isEmpty();

            // STS is back; after the open duration the breaker lets calls through and closes.
            sts.healthy();
            clock.set(START.plus(OPEN).plusSeconds(1));
            AwsReadSession later = broker.forAccount(account(200));
            assertOutsideMandatoryWindow(resolve(later), clock.instant());
            assertOutsideMandatoryWindow(resolve(warm), clock.instant());
            assertOutsideMandatoryWindow(resolve(broker.forAccount(account(201))), clock.instant());
            assertThat(counting.circuitTransitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN",
                    "HALF_OPEN->CLOSED");
        }
    }

    @Test
    void resolveCredentials_stsDeniesEverything_circuitStaysClosed() {
        RefreshTesting.Counting counting = new RefreshTesting.Counting();
        sts.denyAssumeRole(arn -> true);
        try (ReadRoleBroker broker = broker(sts, clock).listener(counting).build()) {
            for (int i = 0; i < 30; i++) {
                AwsReadSession cold = broker.forAccount(account(i));
                assertThat(readRoleException(catchThrowable(() -> resolve(cold))).reason())
                        .isEqualTo(Reason.ACCESS_DENIED);
            }

            // A denial is an answer: STS is up.
            assertThat(counting.circuitTransitions).isEmpty();
            assertThat(sts.count("AssumeRole")).isEqualTo(30);
        }
    }
}
