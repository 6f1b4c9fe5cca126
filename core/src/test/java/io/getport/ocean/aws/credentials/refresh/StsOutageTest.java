package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.MANDATORY;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.account;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.accounts;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.assertOutsideMandatoryWindow;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.awaitIdle;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.readRoleException;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** STS stopped (connection refused) for longer than the advisory window, then back. */
class StsOutageTest {
    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);
    private final TcpSwitch stsSwitch = new TcpSwitch(sts.endpoint());

    @AfterEach
    void close() {
        stsSwitch.close();
        sts.close();
    }

    @Test
    void resolveCredentials_stsStoppedThroughAdvisoryWindow_cachedUntilMandatoryWindowThenClearErrorThenRecovers() {
        try (ReadRoleBroker broker = broker(stsSwitch.endpoint(), clock).build();
                LogCapture logs = LogCapture.attach(Level.INFO)) {
            List<AwsReadSession> sessions = new ArrayList<>();
            Map<String, AwsSessionCredentials> cached = new LinkedHashMap<>();
            for (String account : accounts(20)) {
                AwsReadSession session = broker.forAccount(account);
                sessions.add(session);
                cached.put(account, resolve(session));
            }
            stsSwitch.down();

            int served = 0;
            int refused = 0;
            Instant end = START.plus(Duration.ofMinutes(65));
            while (clock.instant().isBefore(end)) {
                Instant now = clock.instant();
                for (AwsReadSession session : sessions) {
                    AwsSessionCredentials old = cached.get(session.accountId());
                    boolean usable = now.isBefore(old.expirationTime().orElseThrow().minus(MANDATORY));
                    if (usable) {
                        AwsSessionCredentials c = resolve(session);
                        assertThat(c.accessKeyId()).isEqualTo(old.accessKeyId());
                        assertOutsideMandatoryWindow(c, now);
                        served++;
                    } else {
                        assertThatThrownBy(() -> resolve(session))
                                .isInstanceOf(ReadRoleException.class)
                                .hasMessageContaining(session.roleArn())
                                .hasMessageContaining("STS")
                                .satisfies(e -> assertThat(((ReadRoleException) e).reason())
                                        .isEqualTo(Reason.STS_UNAVAILABLE));
                        refused++;
                    }
                }
                awaitIdle(sessions);
                clock.advance(Duration.ofSeconds(30));
            }
            assertThat(served).isGreaterThan(20 * 100);
            assertThat(refused).isGreaterThan(20 * 5);
            // One WARN per account for the whole episode (advisory and mandatory phases together).
            for (AwsReadSession session : sessions) {
                assertThat(logs.messages()).filteredOn(m -> m.startsWith("refresh failed")
                        && m.contains("account=" + session.accountId() + " ")).hasSize(1);
            }
            logs.clear();

            stsSwitch.up();
            clock.advance(Duration.ofSeconds(31)); // the open circuit lets calls through again
            for (AwsReadSession session : sessions) {
                AwsSessionCredentials c = resolve(session);
                assertThat(c.accessKeyId()).isNotEqualTo(cached.get(session.accountId()).accessKeyId());
                assertOutsideMandatoryWindow(c, clock.instant());
            }
            for (AwsReadSession session : sessions) {
                assertThat(logs.messages()).filteredOn(m -> m.startsWith("refresh recovered account="
                        + session.accountId() + " ")).hasSize(1);
            }
            assertThat(logs.messages()).noneMatch(m -> m.startsWith("refresh failed"));
        }
    }

    @Test
    void resolveCredentials_coldAccountWhileStsStopped_failsClearlyAndRecovers() {
        try (ReadRoleBroker broker = broker(stsSwitch.endpoint(), clock).build()) {
            stsSwitch.down();
            AwsReadSession session = broker.forAccount(account(7));

            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> resolve(session));

            ReadRoleException e = readRoleException(thrown);
            assertThat(e.reason()).isEqualTo(Reason.STS_UNAVAILABLE);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains(roleArn(account(7)), "STS did not answer", "connectivity");

            stsSwitch.up();
            clock.advance(Duration.ofSeconds(1)); // past the (jittered, milliseconds) backoff
            assertOutsideMandatoryWindow(resolve(session), clock.instant());
        }
    }

    @Test
    void resolveCredentials_coldAccountWhileStsStopped_failureCachedForBackoffWithoutNewAttempts() {
        // Counted as the broker makes them: a stopped server cannot count them.
        RefreshTesting.Counting counting = new RefreshTesting.Counting();
        try (ReadRoleBroker broker = broker(stsSwitch.endpoint(), clock).listener(counting).build()) {
            stsSwitch.down();
            AwsReadSession session = broker.forAccount(account(8));
            assertThatThrownBy(() -> resolve(session)).isInstanceOf(ReadRoleException.class);
            int attempts = counting.stsCalls("AssumeRole");

            for (int i = 0; i < 1_000; i++) {
                assertThatThrownBy(() -> resolve(session)).isInstanceOf(ReadRoleException.class);
            }

            // Retries live in one layer: at most retryMaxAttempts (3) calls for the refresh, none for the 1,000
            // callers that came while the failure was cached (the clock did not move past the backoff).
            assertThat(attempts).isBetween(1, 3);
            assertThat(counting.stsCalls("AssumeRole")).isEqualTo(attempts);
        }
    }
}
