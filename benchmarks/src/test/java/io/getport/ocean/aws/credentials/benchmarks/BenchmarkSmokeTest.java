package io.getport.ocean.aws.credentials.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

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
                "control_clockMillis_2t");
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

    @Test
    void s1ColdStart_concurrentCallersPerAccount_oursAssumesEachAccountExactlyOnce() throws Exception {
        S1ColdStart.Config config = new S1ColdStart.Config(40, 8, 4, true, Duration.ofMillis(5), 600, false,
                List.of(Contender.Kind.values()), 20, 0);

        List<S1ColdStart.Result> results = S1ColdStart.run(config, Report.quiet());

        S1ColdStart.Result ours = results.get(0);
        assertThat(ours.contender()).isEqualTo(Contender.Kind.OURS);
        assertThat(ours.resolutions()).isEqualTo(160);
        assertThat(ours.failures()).isZero();
        assertThat(ours.sts().assumeRoleRequests()).isEqualTo(40);
        assertThat(ours.sts().throttled()).isZero();
        assertThat(ours.sts().peakInFlight()).isBetween(1, 8);
        assertThat(results.get(1).resolutions()).isEqualTo(160);
        assertThat(results.get(1).sts().issued()).isEqualTo(40);
        assertThat(results.get(2).accounts()).isEqualTo(20);
        assertThat(results.get(2).resolutions()).isEqualTo(80);
        assertThat(results.get(2).sts().issued()).isEqualTo(20);
    }

    @Test
    void s1ColdStart_fakeThrottlesAboveTheRateLimit_oursIsNeverThrottledAndTheSdkIs() throws Exception {
        // The fake allows 20 requests in any sliding second; the broker is limited to 10/s; the SDK is not limited.
        S1ColdStart.Config config = new S1ColdStart.Config(40, 16, 1, false, Duration.ZERO, 20, false,
                List.of(Contender.Kind.OURS, Contender.Kind.SDK_SHARED_CLIENT), 40, 10);

        List<S1ColdStart.Result> results = S1ColdStart.run(config, Report.quiet());

        assertThat(results.get(0).sts().throttled()).isZero();
        assertThat(results.get(0).sts().assumeRoleRequests()).isEqualTo(40);
        assertThat(results.get(0).resolutions()).isEqualTo(40);
        assertThat(results.get(1).sts().throttled()).isPositive();
    }

    @Test
    void s2Footprint_childProcessFake_countsEveryAccountAndThreadsStayBounded() throws Exception {
        S2Footprint.Result ours = S2Footprint.runOne(Contender.Kind.OURS, 300, true);
        S2Footprint.Result sdk = S2Footprint.runOne(Contender.Kind.SDK_CLIENT_PER_ACCOUNT, 30, false);

        assertThat(ours.stsCalls()).isEqualTo(301);
        assertThat(ours.liveBytesAfter()).isGreaterThan(ours.liveBytesBefore());
        // The broker's threads never depend on the number of accounts: at most its STS pool (8), the retry
        // scheduler and the SDK client's own.
        assertThat(ours.threadsAdded()).isLessThan(20);
        assertThat(sdk.stsCalls()).isEqualTo(31);
    }

    @Test
    void s3Day_healthySts_neverServesExpiredAndNoCallerWaitsAfterTheColdStart() throws Exception {
        S3Day.Config config = new S3Day.Config(60, 2, 60, 100_000, 0.5, -1, 0, 2, 0);

        S3Day.Result result = S3Day.run(config, Report.quiet());

        assertThat(result.resolutions()).isEqualTo(60L * 2 * 60);
        assertThat(result.expiredServed()).isZero();
        assertThat(result.servedInMandatoryWindow()).isZero();
        assertThat(result.coldWaits()).isEqualTo(60);
        assertThat(result.waitsInMandatoryWindow()).isZero();
        assertThat(result.waitsOutsideMandatoryWindow()).isZero();
        assertThat(result.failedResolutions()).isZero();
        // Cold, then a refresh 45 to 53 minutes later, then another: 3 per account in two hours.
        assertThat(result.totalCalls()).isEqualTo(180);
    }

    @Test
    void s3Day_longOutage_callersWaitOnlyInTheMandatoryWindowAndNeverGetExpiredCredentials() throws Exception {
        // 503s from hour 1 to hour 2: every account's credentials (issued 45 to 54 minutes in) reach their mandatory
        // window and expire meanwhile; hour 3 is healthy again. One attempt per refresh keeps the real time short.
        S3Day.Config config = new S3Day.Config(30, 3, 60, 100_000, 0.5, 1, 60, 2, 1);

        S3Day.Result result = S3Day.run(config, Report.quiet());

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
    void refreshScheduleModel_everyPolicy_assumesEachAccountAtLeastOncePerHour() {
        for (RefreshScheduleModel.Policy policy : RefreshScheduleModel.Policy.values()) {
            int[] perSecond = RefreshScheduleModel.simulate(policy, 500, 6, 60, 0.5, 1);

            int total = java.util.Arrays.stream(perSecond).sum();
            assertThat(total).as(policy.label).isBetween(500 * 6, 500 * 6 * 2);
        }
    }
}
