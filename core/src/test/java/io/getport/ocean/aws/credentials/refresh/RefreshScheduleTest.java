package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.MANDATORY;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.account;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.awaitIdle;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.BrokerListener;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.internal.RefreshWindows;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The refresh schedule: phases assigned once and kept, a guaranteed outage buffer, a flat load, and one refresh per
 * need. The pure function is checked exactly; the engine is checked on an injected clock.
 */
class RefreshScheduleTest {
    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final long L = HOUR;
    private static final long B = 10 * MINUTE;
    private static final long M = MINUTE;
    private static final long P = L - B - M;
    private static final long I = START.toEpochMilli();
    private static final long TOL = RefreshWindows.PHASE_TOLERANCE_MILLIS;
    /** The phase period with the nominal lifetime: {@code P} less the tolerance. */
    private static final long Q = P - TOL;

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);

    @AfterEach
    void close() {
        sts.close();
    }

    @Test
    void defaultBuffer_byLifetime_aSixthBetweenOneAndSixtyMinutes() {
        assertThat(RefreshWindows.defaultBufferMillis(HOUR)).isEqualTo(10 * MINUTE);
        assertThat(RefreshWindows.defaultBufferMillis(15 * MINUTE)).isEqualTo(150_000);
        assertThat(RefreshWindows.defaultBufferMillis(3 * MINUTE)).isEqualTo(MINUTE);
        assertThat(RefreshWindows.defaultBufferMillis(12 * HOUR)).isEqualTo(60 * MINUTE);
        RefreshWindows windows = new RefreshWindows(null, null, Duration.ofMinutes(1), 0, null);
        assertThat(windows.periodMillis(HOUR)).isEqualTo(49 * MINUTE);
        // The old advisory window maps to buffer + mandatory window; the buffer is capped at (L - M) / 2.
        assertThat(new RefreshWindows(Duration.ofMinutes(15), null, Duration.ofMinutes(1), 0, null).bufferMillis(HOUR))
                .isEqualTo(14 * MINUTE);
        assertThat(new RefreshWindows(null, Duration.ofHours(2), Duration.ofMinutes(1), 0, null).bufferMillis(HOUR))
                .isEqualTo(59 * MINUTE / 2);
    }

    @Test
    void plannedRefresh_cohortIssuedTogether_spreadEvenlyOverTheFirstPeriod() {
        int[] perMinute = new int[49];
        int n = 49_000;
        for (int i = 0; i < n; i++) {
            long planned = RefreshWindows.plannedRefreshMillis(RefreshWindows.phase(i, 42), I, I + L, B, M);
            assertThat(planned).isGreaterThan(I).isLessThanOrEqualTo(I + P);
            perMinute[(int) ((planned - I - 1) / MINUTE)]++;
        }
        // 1,000 a minute on average; the golden-ratio sequence keeps every minute within a few accounts of it (a
        // random hash would vary by about 30 either way, and its busiest minute by about 100).
        for (int count : perMinute) {
            assertThat(count).isBetween(995, 1005);
        }
    }

    @Test
    void plannedRefresh_anyRunOfConsecutivePhases_noSecondGetsMoreThanTwiceItsShare() {
        // 10,000 accounts over a 2,925-second period: 3.4 a second on average. The busiest second of any run of
        // consecutive phases has at most 2x the mean, from a cohort of 10,000 down to one of 2,000.
        for (int n : new int[] {2_000, 10_000}) {
            int[] perSecond = new int[(int) (Q / 1000) + 1];
            for (int i = 0; i < n; i++) {
                long planned = RefreshWindows.plannedRefreshMillis(RefreshWindows.phase(5_000 + i, -7), I, I + L, B,
                        M, L);
                perSecond[(int) ((planned - (I + P - Q)) / 1000)]++;
            }
            double mean = (double) n / (Q / 1000.0);
            int busiest = java.util.Arrays.stream(perSecond).max().orElseThrow();
            assertThat(busiest).as("busiest second of %s", n).isLessThanOrEqualTo((int) Math.ceil(2 * mean));
        }
    }

    @Test
    void plannedRefresh_realisticAnswers_keepsItsPhaseWithinTheTolerance() {
        // STS's Expiration has whole seconds and the answer arrives up to a few seconds after the call: the measured
        // lifetime varies from refresh to refresh. The phase (modulo the nominal period) must not move.
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (int a = 0; a < 1_000; a++) {
            long phase = RefreshWindows.phase(a, 99);
            long called = I + a * 997L;
            long issuedBySts = called + random.nextLong(2_000);
            long expires = issuedBySts / 1000 * 1000 + L;
            long received = issuedBySts + random.nextLong(3_000);
            long planned = RefreshWindows.plannedRefreshMillis(phase, received, expires, B, M, L);
            for (int round = 0; round < 30; round++) {
                // Refreshed at its planned time: STS issues up to 2 s later, the answer arrives up to 3 s after that.
                issuedBySts = planned + random.nextLong(2_000);
                expires = issuedBySts / 1000 * 1000 + L;
                received = issuedBySts + random.nextLong(3_000);
                long next = RefreshWindows.plannedRefreshMillis(phase, received, expires, B, M, L);
                assertThat(next - planned).as("account %s round %s", a, round).isEqualTo(Q);
                assertThat(expires - next).as("buffer + mandatory window").isBetween(B + M, B + M + TOL + 2_000);
                planned = next;
            }
        }
    }

    @Test
    void plannedRefresh_refreshedOnPlan_keepsItsPhaseAndExactlyBufferPlusMandatoryWindow() {
        for (int a = 0; a < 1_000; a++) {
            long hash = RefreshWindows.phase(a, 7);
            long issued = I + a * 997L;
            long planned = RefreshWindows.plannedRefreshMillis(hash, issued, issued + L, B, M);
            for (int round = 0; round < 30; round++) {
                // Refreshed exactly at its planned time: the next credentials are issued then.
                long next = RefreshWindows.plannedRefreshMillis(hash, planned, planned + L, B, M);
                assertThat(next - planned).isEqualTo(P);
                assertThat(planned + L - next).as("buffer + mandatory window").isEqualTo(B + M);
                planned = next;
            }
            // Refreshed late (the first caller comes 40 s after the plan): the phase is kept all the same.
            long late = RefreshWindows.plannedRefreshMillis(hash, planned + 40_000, planned + 40_000 + L, B, M);
            assertThat(late).isEqualTo(planned + P);
        }
    }

    @Test
    void plannedRefresh_24Hours_costsLifetimeOverPeriodPerLifetime() {
        int accounts = 2_000;
        long refreshes = 0;
        long day = 24 * HOUR;
        for (int a = 0; a < accounts; a++) {
            long hash = RefreshWindows.phase(a, 3);
            long issued = I;
            long planned = RefreshWindows.plannedRefreshMillis(hash, issued, issued + L, B, M, L);
            // Hours 2 to 24, as the goal measures (the first hour pays the one-time spread).
            while (planned < I + day) {
                if (planned >= I + HOUR) {
                    refreshes++;
                }
                planned = RefreshWindows.plannedRefreshMillis(hash, planned, planned + L, B, M, L);
            }
        }
        double perAccountHour = (double) refreshes / accounts / 23;
        // L / Q: within 1% of the ideal L / (L - B - M) = 1.2245 (the tolerance costs 0.5%).
        assertThat(perAccountHour).isCloseTo((double) L / Q, org.assertj.core.api.Assertions.within(0.002));
        assertThat(perAccountHour).isCloseTo((double) L / P, org.assertj.core.api.Assertions.within(0.0123));
        assertThat(perAccountHour).isLessThanOrEqualTo(1.26);
    }

    @Test
    void engine_accountsRefreshedOnPlan_eachKeepsItsPhaseAndBufferPlusMandatoryWindow() {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            List<AwsReadSession> sessions = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                AwsReadSession s = broker.forAccount(account(i));
                resolve(s);
                sessions.add(s);
            }
            for (int round = 0; round < 3; round++) {
                // Each account once per round, in the order of its plan, exactly at its planned time.
                List<AwsReadSession> byPlan = new ArrayList<>(sessions);
                byPlan.sort((x, y) -> x.nextRefresh().orElseThrow().compareTo(y.nextRefresh().orElseThrow()));
                clock.set(byPlan.get(0).nextRefresh().orElseThrow());
                for (AwsReadSession s : byPlan) {
                    Instant planned = s.nextRefresh().orElseThrow();
                    clock.set(planned);
                    resolve(s);
                    awaitIdle(s);
                    AwsSessionCredentials fresh = resolve(s);
                    Instant next = s.nextRefresh().orElseThrow();
                    Instant expiry = fresh.expirationTime().orElseThrow();
                    // STS's expiration has whole seconds: between B + M and B + M + the phase tolerance.
                    assertThat(Duration.between(next, expiry).toMillis()).isBetween(B + M, B + M + TOL);
                    assertThat(Duration.between(planned, next)).isEqualTo(Duration.ofMillis(Q));
                }
            }
            assertThat(sts.count("AssumeRole")).isEqualTo(20 + 3 * 20);
        }
    }

    @Test
    void resolveCredentials_waitedForARefreshWhosePlanIsAlreadyDue_noSecondAssumeRole() {
        // The clock moves while the refresh completes (a slow caller, a GC pause): by the time the waiting caller
        // looks at the fresh credentials, their planned refresh is due. It must not start another one.
        AtomicBoolean armed = new AtomicBoolean();
        BrokerListener jump = new BrokerListener() {
            @Override
            public void refreshSucceeded(String accountId, Instant expiration, boolean background) {
                if (armed.getAndSet(false)) {
                    clock.advance(Duration.ofMillis(P));
                }
            }
        };
        try (ReadRoleBroker broker = broker(sts, clock).listener(jump).build()) {
            AwsReadSession sync = broker.forAccount(account(1));
            AwsReadSession async = broker.forAccount(account(2));

            armed.set(true);
            resolve(sync);
            awaitIdle(sync);
            armed.set(true);
            async.credentialsProvider().resolveIdentity().get(30, TimeUnit.SECONDS);
            awaitIdle(async);

            assertThat(sts.count("AssumeRole")).isEqualTo(2);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
