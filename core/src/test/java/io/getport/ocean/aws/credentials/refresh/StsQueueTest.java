package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.StsQueueSimulation.MS;
import static io.getport.ocean.aws.credentials.refresh.StsQueueSimulation.S;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The STS queue and its adaptive rate in virtual time (see {@link StsQueueSimulation}): exact counts, no sleeps, no
 * dependence on the machine's load.
 */
class StsQueueTest {

    @Test
    void coldStart_only150PerSecondLeftOfTheQuota_noCallFailsAndFewAreThrottled() {
        StsQueueSimulation sim = new StsQueueSimulation(500, 10, Duration.ofMinutes(5), Duration.ofMillis(20));
        sim.quota = t -> 150;
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            sim.submit(i);
        }

        sim.run(Long.MAX_VALUE);

        long total = sim.succeeded + sim.throttled;
        assertThat(sim.failed).isZero();
        assertThat(sim.queueTimeouts).isZero();
        assertThat(sim.succeeded).isEqualTo(n);
        // Calm: at most 2 % of the calls sent were throttled.
        assertThat((double) sim.throttled / total).as("throttled share, %d of %d", sim.throttled, total)
                .isLessThanOrEqualTo(0.02);
        // Within 1.5 x the floor N / 150 s.
        long last = sim.completionTimes.get(sim.completionTimes.size() - 1);
        assertThat(last).isLessThanOrEqualTo((long) (1.5 * n / 150 * S));
    }

    @Test
    void coldStart_fullQuota_paceNeverAboveTheCeiling() {
        StsQueueSimulation sim = new StsQueueSimulation(500, 10, Duration.ofMinutes(5), Duration.ofMillis(10));
        sim.quota = t -> 600;
        for (int i = 0; i < 5_000; i++) {
            sim.submit(i);
        }

        sim.run(Long.MAX_VALUE);

        assertThat(sim.succeeded).isEqualTo(5_000);
        assertThat(sim.throttled).isZero();
        // Per sliding second: at most the ceiling plus the bucket's tenth of a second.
        assertThat(maxInAnySecond(sim.dispatchTimes)).isLessThanOrEqualTo(500 + 50);
    }

    @Test
    void throttleStorm_rateDecreasesThenRecoversToTheCeiling() {
        StsQueueSimulation sim = new StsQueueSimulation(500, 10, Duration.ofMinutes(5), Duration.ofMillis(10));
        // The quota drops to 100/s between 5 s and 20 s (other processes take the rest), then comes back.
        sim.quota = t -> t >= 5 * S && t < 20 * S ? 100 : 600;
        for (int i = 0; i < 20_000; i++) {
            sim.submit(i);
        }
        List<Double> rates = new ArrayList<>();
        for (int second = 1; second <= 40; second++) {
            sim.run(second * S);
            rates.add(sim.queue.currentRate());
        }
        sim.run(Long.MAX_VALUE);

        assertThat(sim.failed).isZero();
        assertThat(sim.succeeded).isEqualTo(20_000);
        assertThat(rates.get(3)).as("before the storm").isEqualTo(500.0);
        assertThat(rates.get(14)).as("during the storm").isLessThanOrEqualTo(150.0);
        assertThat(rates.get(39)).as("20 s after the storm").isEqualTo(500.0);
        long[] td = sim.queue.throttlesAndDecreases();
        assertThat(td[1]).isLessThan(td[0]);
    }

    @Test
    void afterAnOutage_retriesArePacedByTheRate() {
        StsQueueSimulation sim = new StsQueueSimulation(200, 10, Duration.ofMinutes(5), Duration.ofMillis(5));
        // STS down for the first 3 s: every call fails, is retried after a backoff, and at most 3 times.
        sim.down = t -> t < 3 * S;
        sim.maxOutageAttempts = 100;
        for (int i = 0; i < 2_000; i++) {
            sim.submit(i);
        }

        sim.run(Long.MAX_VALUE);

        assertThat(sim.succeeded).isEqualTo(2_000);
        assertThat(maxInAnySecond(sim.dispatchTimes)).isLessThanOrEqualTo(200 + 20);
    }

    @Test
    void queue_dispatchesInSubmissionOrderAndRetriesFirst() {
        StsQueueSimulation sim = new StsQueueSimulation(10, 1, Duration.ofMinutes(5), Duration.ofMillis(1));
        for (int i = 0; i < 20; i++) {
            sim.submit(i);
        }
        sim.run(Long.MAX_VALUE);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add(i);
        }
        assertThat(sim.dispatchOrder).isEqualTo(expected);
    }

    @Test
    void queueTimeout_callsNeverDispatchedInTime_failSayingWhereTheTimeWent() {
        // One call per second, two seconds of queue time: the first two are sent, the eight others time out.
        StsQueueSimulation sim = new StsQueueSimulation(1, 4, Duration.ofSeconds(2), Duration.ofMillis(1));
        for (int i = 0; i < 10; i++) {
            sim.submit(i);
        }

        sim.run(Long.MAX_VALUE);

        assertThat(sim.succeeded).isEqualTo(2);
        assertThat(sim.queueTimeouts).isEqualTo(8);
        assertThat(sim.queue.queueTimeouts()).isEqualTo(8);
        assertThat(sim.timeoutMessages.get(0)).contains("waited 2000 ms", "queued behind 2 calls at 1 calls/s",
                "OCEAN_AWS_QUEUE_TIMEOUT", "was not sent to STS");
    }

    private static long maxInAnySecond(List<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        sorted.sort(null);
        long max = 0;
        int j = 0;
        for (int i = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(j) >= S) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        return max;
    }

    @SuppressWarnings("unused")
    private static Map<Long, Integer> perSecond(List<Long> times) {
        Map<Long, Integer> out = new TreeMap<>();
        times.forEach(t -> out.merge(t / S, 1, Integer::sum));
        return out;
    }

    @SuppressWarnings("unused")
    private static long ms(long nanos) {
        return nanos / MS;
    }
}
