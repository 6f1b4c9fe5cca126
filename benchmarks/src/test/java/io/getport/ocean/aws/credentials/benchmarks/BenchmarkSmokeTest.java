package io.getport.ocean.aws.credentials.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Smoke mode: every benchmark and simulation at tiny sizes, so that {@code mvn verify} (CI) keeps the harness from
 * rotting. Asserts correctness invariants only (counts, nothing expired, no throttling where the rate limiter must
 * prevent it), never a time. The real figures come from {@code target/benchmarks.jar} (docs/PERFORMANCE.md).
 */
class BenchmarkSmokeTest {
    static {
        // JMH takes a machine-wide lock file; a full benchmark run elsewhere on the machine must not fail the smoke.
        System.setProperty("jmh.ignoreLock", "true");
    }


    private static Collection<RunResult> jmh(String benchmark, String... params) throws Exception {
        OptionsBuilder options = new OptionsBuilder();
        options.include(benchmark)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .shouldFailOnError(true);
        for (int i = 0; i < params.length; i += 2) {
            options.param(params[i], params[i + 1]);
        }
        Options built = options.build();
        return new Runner(built).run();
    }

    private static Map<String, RunResult> byMethod(Collection<RunResult> results) {
        return results.stream().collect(Collectors.toMap(
                r -> r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1),
                Function.identity()));
    }

    @Test
    void b1WarmResolve_tinyRun_measuresEveryVariantWithoutReachingSts() throws Exception {
        // B1's tear-down fails the run if any STS call happened after the two warm-ups.
        Map<String, RunResult> results = byMethod(jmh(B1WarmResolve.class.getName()));

        assertThat(results).containsOnlyKeys("ours_provider_1t", "ours_provider_2t", "ours_forAccount_1t",
                "ours_forAccount_2t", "sdk_provider_1t", "sdk_provider_2t", "control_clockMillis_1t",
                "control_clockMillis_2t", "control_instantNow_1t", "control_instantNow_2t");
        assertThat(results.values()).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    @Test
    void b2ManyAccounts_tinyRun_measuresEveryVariantWithEveryAccountWarm() throws Exception {
        // B2's set-up fails unless every account was assumed exactly once per side; its tear-down fails if any was
        // assumed again while measuring.
        Map<String, RunResult> results = byMethod(jmh(B2ManyAccounts.class.getName(), "accounts", "64"));

        assertThat(results).containsOnlyKeys("ours_1t", "ours_2t", "ours_userMap_1t", "ours_userMap_2t", "sdk_map_1t",
                "sdk_map_2t");
        assertThat(results.values()).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    private static QuotaSts.Config sts(int quota, int others, int latencyMs) {
        return new QuotaSts.Config(quota, others, true, Duration.ofMillis(latencyMs), 800, 64);
    }

    @Test
    void coldStart_concurrentCallersPerAccount_oursAssumesEachAccountExactlyOnceAndNobodyFails() throws Exception {
        S1ColdStart.Config config = new S1ColdStart.Config(40, 8, 4, true, sts(600, 0, 5), false,
                List.of(Contender.Kind.values()), 20, 0, 0);

        List<S1ColdStart.Result> results = S1ColdStart.run(config, Report.quiet());

        S1ColdStart.Result ours = results.get(0);
        assertThat(ours.contender()).isEqualTo(Contender.Kind.OURS);
        assertThat(ours.resolutions()).isEqualTo(160);
        assertThat(ours.failures()).isZero();
        assertThat(ours.sts().ok()).isEqualTo(40);
        assertThat(ours.sts().accountsExactlyOnce()).isEqualTo(40);
        assertThat(ours.sts().maxOkPerAccount()).isEqualTo(1);
        // 40 requests can never exceed a quota of 600 per second: every contender's count is exact.
        assertThat(results.get(1).resolutions()).isEqualTo(160);
        assertThat(results.get(1).sts().accountsExactlyOnce()).isEqualTo(40);
        assertThat(results.get(2).accounts()).isEqualTo(20);
        assertThat(results.get(2).resolutions()).isEqualTo(80);
        assertThat(results.get(2).sts().accountsExactlyOnce()).isEqualTo(20);
    }

    @Test
    void coldStart_childProcessFakeWithAQuota_everyResolutionIsAccountedForAndOursHasOneSuccessPerAccount()
            throws Exception {
        // The fake admits 20 requests per sliding second; the SDK is not limited and may be throttled (how often
        // depends on timing, so it is not asserted). Ours: every account resolved, each with one successful call.
        S1ColdStart.Config config = new S1ColdStart.Config(40, 16, 1, false, sts(20, 0, 0), true,
                List.of(Contender.Kind.OURS, Contender.Kind.SDK_SHARED_CLIENT), 40, 10, 0);

        List<S1ColdStart.Result> results = S1ColdStart.run(config, Report.quiet());

        assertThat(results.get(0).failures()).isZero();
        assertThat(results.get(0).resolutions()).isEqualTo(40);
        assertThat(results.get(0).sts().accountsExactlyOnce()).isEqualTo(40);
        assertThat(results.get(0).sts().maxOkPerAccount()).isEqualTo(1);
        assertThat(results.get(0).sts().requests()).isEqualTo(40 + results.get(0).sts().throttled());
        S1ColdStart.Result sdk = results.get(1);
        assertThat(sdk.resolutions() + sdk.failures()).isEqualTo(40);
        assertThat(sdk.sts().requests()).isEqualTo(sdk.sts().ok() + sdk.sts().throttled());
    }

    @Test
    void coldStart_eachContenderInAFreshJvm_reportsTheChildsExactCounts() {
        // 40 requests cannot exceed a quota of 600 per second: every count is exact for both contenders.
        S1ColdStart.Config config = new S1ColdStart.Config(40, 8, 2, false, sts(600, 0, 1), false,
                List.of(Contender.Kind.OURS, Contender.Kind.SDK_SHARED_CLIENT), 40, 0, 0);

        List<S1ColdStart.Result> results = S1ColdStartChild.runEach(config, Report.quiet());

        assertThat(results).extracting(S1ColdStart.Result::contender)
                .containsExactly(Contender.Kind.OURS, Contender.Kind.SDK_SHARED_CLIENT);
        assertThat(results).allSatisfy(r -> {
            assertThat(r.accounts()).isEqualTo(40);
            assertThat(r.resolutions()).isEqualTo(80);
            assertThat(r.failures()).isZero();
            assertThat(r.firstFailure()).isNull();
            assertThat(r.sts().throttled()).isZero();
            assertThat(r.sts().accountsExactlyOnce()).isEqualTo(40);
            assertThat(r.wallMillis()).isPositive();
        });
        // Ours: the second round is served from the cache, one request per account in all.
        assertThat(results.get(0).sts().requests()).isEqualTo(40);
    }

    @Test
    void sharedQuota_anotherProcessUsesMostOfTheQuota_oursFailsNoneAndAssumesEachAccountOnce() throws Exception {
        // Quota 30/s, another process uses 20/s: 10/s left; our ceiling 8/s.
        S1ColdStart.Config config = new S1ColdStart.Config(24, 8, 1, false, sts(30, 20, 0), false,
                List.of(Contender.Kind.OURS), 24, 8, 0);

        S1ColdStart.Result ours = S1ColdStart.run(config, Report.quiet()).get(0);

        assertThat(ours.failures()).isZero();
        assertThat(ours.resolutions()).isEqualTo(24);
        assertThat(ours.sts().accountsExactlyOnce()).isEqualTo(24);
        assertThat(ours.sts().maxOkPerAccount()).isEqualTo(1);
    }

    @Test
    void burst_virtualThreads_runsOnJava21OrRefusesNamingTheJvm() throws Exception {
        S4Burst.Config config = new S4Burst.Config(50, sts(600, 0, 1), false,
                List.of(Contender.Kind.OURS, Contender.Kind.SDK_SHARED_CLIENT), 0);
        if (Runtime.version().feature() < 21) {
            assertThatThrownBy(() -> S4Burst.run(config, Report.quiet()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Java 21 or newer")
                    .hasMessageContaining(System.getProperty("java.runtime.version"));
            return;
        }
        List<S4Burst.Result> results = S4Burst.run(config, Report.quiet());

        S4Burst.Result ours = results.get(0);
        assertThat(ours.failures()).isZero();
        assertThat(ours.resolutions()).isEqualTo(50);
        assertThat(ours.ok()).isEqualTo(50);
        assertThat(ours.accountsExactlyOnce()).isEqualTo(50);
        assertThat(ours.pinned()).isGreaterThanOrEqualTo(ours.pinnedOver20ms());
        assertThat(results.get(1).resolutions() + results.get(1).failures()).isEqualTo(50);
    }

    @Test
    void footprint_childProcessFake_countsEveryAccountAndThreadsStayBounded() throws Exception {
        S2Footprint.Result ours = S2Footprint.runOne(Contender.Kind.OURS, 300, true, 800);
        S2Footprint.Result sdk = S2Footprint.runOne(Contender.Kind.SDK_SHARED_CLIENT, 30, false, 800);

        assertThat(ours.stsCalls()).isEqualTo(301);
        assertThat(ours.liveBytesAfter()).isGreaterThan(ours.liveBytesBefore());
        // The broker's threads never depend on the number of accounts: a small pool, a scheduler, the SDK client's.
        assertThat(ours.threadsAdded()).isLessThan(20);
        assertThat(sdk.stsCalls()).isEqualTo(31);
    }

    private static S3Day.Config day(int accounts, int hours, int outageAtHour, int outageMinutes, int retries) {
        return new S3Day.Config(accounts, hours, 60, 100_000, 0.5, outageAtHour, outageMinutes, 2, retries, 10, 1);
    }

    @Test
    void day_healthySts_neverServesExpiredAndNoCallerWaitsAfterTheColdStart() throws Exception {
        S3Day.Result result = S3Day.run(day(60, 2, -1, 0, 0), Report.quiet());

        assertThat(result.resolutions()).isEqualTo(60L * 2 * 60);
        assertThat(result.expiredServed()).isZero();
        assertThat(result.servedInMandatoryWindow()).isZero();
        assertThat(result.coldWaits()).isEqualTo(60);
        assertThat(result.waitsInMandatoryWindow()).isZero();
        assertThat(result.waitsOutsideMandatoryWindow()).isZero();
        assertThat(result.failedResolutions()).isZero();
        assertThat(result.quiesceTimeouts()).isZero();
        // Cold, then at least one refresh per hour of 1-hour credentials; each within [1, 2] per account per hour.
        assertThat(result.totalCalls()).isBetween(60 * 2, 60 * 4);
    }

    @Test
    void day_outageShorterThanTheBuffer_neverServesExpiredAndNobodyWaitsOutsideTheMandatoryWindow() throws Exception {
        // 8 minutes of 503s at hour 1 (the buffer is 10 minutes): whatever the schedule, nothing expired and nothing
        // inside the mandatory window is handed out, and no caller waits before its mandatory window.
        S3Day.Result result = S3Day.run(day(30, 2, 1, 8, 1), Report.quiet());

        assertThat(result.resolutions() + result.failedResolutions()).isEqualTo(30L * 2 * 60);
        assertThat(result.expiredServed()).isZero();
        assertThat(result.servedInMandatoryWindow()).isZero();
        assertThat(result.waitsOutsideMandatoryWindow()).isZero();
        assertThat(result.recoveryPeakPerSecond()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void day_longOutage_callersWaitOnlyInTheMandatoryWindowAndNeverGetExpiredCredentials() throws Exception {
        // 503s from hour 1 to hour 2: every account's credentials reach their mandatory window and expire meanwhile;
        // hour 3 is healthy again. One attempt per refresh keeps the real time short.
        S3Day.Result result = S3Day.run(day(30, 3, 1, 60, 1), Report.quiet());

        assertThat(result.expiredServed()).isZero();
        assertThat(result.servedInMandatoryWindow()).isZero();
        assertThat(result.waitsOutsideMandatoryWindow()).isZero();
        assertThat(result.waitsInMandatoryWindow()).isPositive();
        assertThat(result.failedResolutions()).isPositive();
        assertThat(result.refreshFailures()).isPositive();
        int[] hourly = result.hourly();
        assertThat(hourly[2]).as("every account assumed again once STS is back").isGreaterThanOrEqualTo(30);
    }

    @Test
    void refreshPlan_plannedTimeIsTheLatestPhaseTimeWithinOnePeriodOfTheIssue() {
        long lifetime = 3_600_000;
        long buffer = 600_000;
        long mandatory = 60_000;
        long period = lifetime - buffer - mandatory;
        long phasePeriod = period - io.getport.ocean.aws.credentials.internal.RefreshWindows.PHASE_TOLERANCE_MILLIS;
        for (int i = 0; i < 1000; i++) {
            long phase = RefreshPlan.plannedRefreshMillis(i, 0, lifetime, buffer, mandatory);
            for (long issued : new long[] {0, 1, 59_999, 1_234_567, 86_400_000L + i * 7919L}) {
                long planned = RefreshPlan.plannedRefreshMillis(i, issued, lifetime, buffer, mandatory);

                assertThat(planned).isGreaterThan(issued).isLessThanOrEqualTo(issued + period);
                assertThat(Math.floorMod(planned - phase, phasePeriod)).as("the account's phase").isZero();
                assertThat(planned + phasePeriod).as("the latest such time").isGreaterThan(issued + period);
            }
        }
    }

    @Test
    void refreshScheduleModel_phases_costExactlyWhatTheBufferCosts() {
        RefreshScheduleModel.Settings settings = new RefreshScheduleModel.Settings(500, 6, 60, 0.5, 10, 1);

        int[] phases = RefreshScheduleModel.simulate(RefreshScheduleModel.Policy.PHASES, settings, 1);
        int[] legacy = RefreshScheduleModel.simulate(RefreshScheduleModel.Policy.LEGACY_JITTER, settings, 1);

        // Every account refreshes every Q = 49 minutes less 15 s once its phase is reached: 1.231 per hour, within
        // 3% of what the buffer costs, 60 / 49 = 1.224.
        assertThat(Report.perHourSteady(phases, 500, 6)).isCloseTo(60.0 / 49, org.assertj.core.data.Percentage
                .withPercentage(3));
        assertThat(java.util.Arrays.stream(legacy).sum()).isBetween(500 * 6, 500 * 6 * 2);
    }
}
