package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.MANDATORY;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.account;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.assertOutsideMandatoryWindow;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.awaitIdle;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.internal.RefreshWindows;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.IssuedCredentials;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Walks the clock through whole credential lifetimes: nothing inside the mandatory window is ever handed out, and each
 * credential is replaced once, at its planned refresh (the account's phase, at least outage buffer plus mandatory
 * window before its expiry), every refresh period {@code P = lifetime - buffer - mandatory} after the previous one.
 */
class ExpiryBoundaryTest {
    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);

    @AfterEach
    void close() {
        sts.close();
    }

    @ParameterizedTest(name = "lifetime {0} min, outage buffer {1} s")
    @CsvSource({"15, 150", "60, 600", "120, 1200"})
    void resolveCredentials_walkThroughLifetimes_oneRefreshPerPeriodKeepingTheBuffer(int lifetimeMinutes,
            int bufferSeconds) {
        Duration lifetime = Duration.ofMinutes(lifetimeMinutes);
        Duration buffer = Duration.ofSeconds(bufferSeconds);
        Duration period = lifetime.minus(buffer).minus(MANDATORY);
        sts.sessionLifetime(lifetime);
        int lifetimes = 4;
        Duration step = Duration.ofSeconds(5);
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(1));
            // When each access key was first and last handed out.
            Map<String, Instant[]> served = new LinkedHashMap<>();
            Instant end = START.plus(lifetime.multipliedBy(lifetimes));
            while (clock.instant().isBefore(end)) {
                Instant now = clock.instant();
                AwsSessionCredentials c = resolve(session);
                assertOutsideMandatoryWindow(c, now);
                served.computeIfAbsent(c.accessKeyId(), k -> new Instant[] {now, now})[1] = now;
                awaitIdle(session);
                clock.advance(step);
            }

            List<IssuedCredentials> issued = sts.issued();
            // Every issued credential was used (no refresh wasted), in issue order, each for one contiguous period.
            assertThat(new ArrayList<>(served.keySet()))
                    .containsExactlyElementsOf(issued.stream().map(IssuedCredentials::accessKeyId).toList());
            // The first refresh comes within one period (the phase), then one every period.
            long periods = lifetime.multipliedBy(lifetimes).toMillis() / period.toMillis();
            assertThat((long) issued.size()).isBetween(periods, periods + 2);
            Instant previousReplacement = null;
            for (int i = 0; i + 1 < issued.size(); i++) {
                IssuedCredentials current = issued.get(i);
                Instant replacedAt = served.get(issued.get(i + 1).accessKeyId())[0];
                Instant lastServed = served.get(current.accessKeyId())[1];
                // Planned at least buffer + mandatory window before expiry; the walk reaches it within one step.
                assertThat(replacedAt)
                        .as("credentials #%d replaced at their planned refresh", i)
                        .isBeforeOrEqualTo(current.expiration().minus(buffer).minus(MANDATORY).plus(step))
                        .isBefore(current.expiration().minus(MANDATORY));
                assertThat(lastServed).isBefore(replacedAt);
                if (previousReplacement != null) {
                    // The phase is kept: one phase period (the period less the tolerance for STS's whole-second
                    // expirations) after the previous refresh, within the walk's step.
                    Duration phasePeriod = period.minusMillis(RefreshWindows.PHASE_TOLERANCE_MILLIS);
                    assertThat(Duration.between(previousReplacement, replacedAt))
                            .isBetween(phasePeriod.minus(step), phasePeriod.plus(step));
                }
                previousReplacement = replacedAt;
            }
            assertThat(sts.count("AssumeRole")).isEqualTo(issued.size());
        }
    }

    @Test
    void resolveCredentials_manyAccountsAssumedTogether_refreshAtDifferentTimes() {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            List<AwsReadSession> sessions = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sessions.add(broker.forAccount(account(i)));
                resolve(sessions.get(i));
            }

            // One-hour credentials: each account's first refresh is at its phase within the 49-minute period.
            assertThat(sessions.stream().map(s -> s.nextRefresh().orElseThrow()).distinct().count())
                    .isGreaterThan(45);
            for (AwsReadSession s : sessions) {
                assertThat(s.nextRefresh().orElseThrow())
                        .isAfter(START).isBeforeOrEqualTo(START.plus(Duration.ofMinutes(49)));
            }
        }
    }

    @Test
    void resolveCredentials_lastMillisecondBeforeMandatoryWindowWithStsFailing_servesCachedThenNever() {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(2));
            AwsSessionCredentials first = resolve(session);
            Instant mandatoryStart = first.expirationTime().orElseThrow().minus(MANDATORY);
            sts.fail(StsError.SERVICE_UNAVAILABLE);

            clock.set(mandatoryStart.minusMillis(1));
            assertThat(resolve(session).accessKeyId()).isEqualTo(first.accessKeyId());
            awaitIdle(session);

            clock.set(mandatoryStart);
            assertThatThrownBy(() -> resolve(session))
                    .isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining(roleArn(account(2)))
                    .satisfies(e -> assertThat(((ReadRoleException) e).reason())
                            .isEqualTo(ReadRoleException.Reason.STS_UNAVAILABLE));

            clock.set(first.expirationTime().orElseThrow().plusSeconds(1));
            assertThatThrownBy(() -> resolve(session)).isInstanceOf(ReadRoleException.class);
        }
    }

    @Test
    void resolveCredentials_clockJumpsIntoMandatoryWindow_waitsForNewCredentials() {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(3));
            AwsSessionCredentials first = resolve(session);

            clock.set(first.expirationTime().orElseThrow().minusSeconds(30));
            AwsSessionCredentials second = resolve(session);

            assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
            assertOutsideMandatoryWindow(second, clock.instant());
            assertThat(sts.count("AssumeRole")).isEqualTo(2);
        }
    }

    @Test
    void resolveCredentials_clockJumpsPastExpiry_waitsForNewCredentials() {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(4));
            AwsSessionCredentials first = resolve(session);

            clock.set(first.expirationTime().orElseThrow().plus(Duration.ofHours(3)));
            AwsSessionCredentials second = resolve(session);

            assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
            assertOutsideMandatoryWindow(second, clock.instant());
            assertThat(session.expiration()).contains(second.expirationTime().orElseThrow());
        }
    }

    @Test
    void resolveCredentials_stsIssuesCredentialsAlreadyInsideMandatoryWindow_refusesThem() {
        sts.sessionLifetime(Duration.ofSeconds(45));
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(5));

            assertThatThrownBy(() -> resolve(session))
                    .isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining("mandatory refresh window")
                    .hasMessageContaining(roleArn(account(5)));
        }
    }

    @Test
    void resolveCredentials_freshCredentials_noStsCallAndSameInstance() {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(6));
            AwsSessionCredentials first = resolve(session);
            // Up to the last millisecond before the account's planned refresh (its phase, anywhere in the period).
            long untilPlan = Duration.between(clock.instant(), session.nextRefresh().orElseThrow()).toMillis() - 1;
            long step = Math.max(1, untilPlan / 1_000);

            for (long waited = 0; waited + step <= untilPlan; waited += step) {
                clock.advance(Duration.ofMillis(step));
                assertThat(session.credentialsProvider().resolveCredentials()).isSameAs(first);
            }
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
        }
    }
}
