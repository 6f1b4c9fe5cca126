package io.getport.ocean.aws.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The broker's session cache: counters, exactly one creation per key, idle eviction by the clock (the sweep is run by
 * hand here, as the broker's scheduler runs it once per tick), and the size bound evicting the least recently used.
 */
class SessionCacheTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration IDLE = Duration.ofHours(6);

    private final MutableClock clock = MutableClock.at(START);
    private final List<String> evicted = new CopyOnWriteArrayList<>();

    private SessionCache cache(long maximumSize) {
        return new SessionCache(clock, maximumSize, IDLE, (key, cause) -> evicted.add(key + ":" + cause));
    }

    private static AwsReadSession session() {
        return new AwsReadSession(null, null);
    }

    @Test
    void aMissCreatesOnce_hitsReturnTheSameSession_andAreCounted() {
        SessionCache cache = cache(100);
        AtomicInteger creations = new AtomicInteger();

        AwsReadSession first = cache.get("111122223333", k -> {
            creations.incrementAndGet();
            return session();
        });
        AwsReadSession second = cache.get("111122223333", k -> {
            creations.incrementAndGet();
            return session();
        });

        assertThat(second).isSameAs(first);
        assertThat(creations).hasValue(1);
        CacheStatistics stats = cache.statistics();
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.hits()).isEqualTo(1);
        assertThat(stats.created()).isEqualTo(1);
        assertThat(stats.cachedAccounts()).isEqualTo(1);
        assertThat(stats.evictions()).isZero();
    }

    @Test
    void manyThreadsAskingForOneNewKey_createItOnce() throws Exception {
        SessionCache cache = cache(100);
        AtomicInteger creations = new AtomicInteger();
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<AwsReadSession>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.get("111122223333", k -> {
                        creations.incrementAndGet();
                        return session();
                    });
                }));
            }
            start.countDown();
            AwsReadSession one = results.get(0).get(30, TimeUnit.SECONDS);
            for (Future<AwsReadSession> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isSameAs(one);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(creations).hasValue(1);
        CacheStatistics stats = cache.statistics();
        assertThat(stats.created()).isEqualTo(1);
        assertThat(stats.hits() + stats.misses()).isEqualTo(threads);
    }

    /** Advances the clock by {@code d}, sweeping once per tick as the broker's scheduler does. */
    private void advanceSweepingEveryTick(SessionCache cache, Duration d) {
        Duration tick = IDLE.dividedBy(SessionCache.TICKS_PER_IDLE_TIME);
        Duration left = d;
        while (left.compareTo(Duration.ZERO) > 0) {
            Duration step = left.compareTo(tick) < 0 ? left : tick;
            clock.advance(step);
            cache.sweep();
            left = left.minus(step);
        }
    }

    @Test
    void aSessionIdleForTheIdleTime_isEvictedBySweep_aUsedOneIsNot() {
        Duration tick = IDLE.dividedBy(SessionCache.TICKS_PER_IDLE_TIME);
        SessionCache cache = cache(100);
        cache.get("111111111111", k -> session());
        cache.get("222222222222", k -> session());

        advanceSweepingEveryTick(cache, Duration.ofHours(3));
        cache.get("111111111111", k -> session());

        advanceSweepingEveryTick(cache, Duration.ofHours(3).minus(tick));
        assertThat(evicted).as("idle one tick less than the idle time: not yet").isEmpty();

        advanceSweepingEveryTick(cache, tick.multipliedBy(2));
        assertThat(evicted).as("idle the idle time and one tick").containsExactly("222222222222:EXPIRED");
        assertThat(cache.size()).isEqualTo(1);

        advanceSweepingEveryTick(cache, Duration.ofHours(3));
        assertThat(evicted).as("the one used 3 h in, idle the idle time and one tick now")
                .containsExactly("222222222222:EXPIRED", "111111111111:EXPIRED");
        assertThat(cache.statistics().evictions()).isEqualTo(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aClockFasterThanTheSweep_sessionsInUseAreNeverEvicted_anIdleOneOnlyAfterTheIdleTime() {
        // The sweep runs every 7 hours of this clock (a simulation's injected clock runs faster than the scheduler's
        // real time): a stamp written between two sweeps carries the tick of the last one, hours old. Sessions used
        // every hour must stay; the one no longer used goes, and not before the idle time (6 h) has passed.
        SessionCache cache = cache(100);
        List<Instant> lastUse = new ArrayList<>();
        for (int hour = 1; hour <= 48; hour++) {
            clock.advance(Duration.ofHours(1));
            cache.get("111111111111", k -> session());
            if (hour <= 24) {
                cache.get("222222222222", k -> session());
                lastUse.add(clock.instant());
            }
            if (hour % 7 == 0) {
                int before = evicted.size();
                cache.sweep();
                if (evicted.size() > before) {
                    assertThat(Duration.between(lastUse.get(lastUse.size() - 1), clock.instant()))
                            .as("idle time of the evicted session").isGreaterThanOrEqualTo(IDLE);
                }
            }
        }

        assertThat(evicted).containsExactly("222222222222:EXPIRED");
        assertThat(cache.getIfPresent("111111111111")).isNotNull();
    }

    @Test
    void overTheMaximum_theLeastRecentlyUsedGoesFirst_neverTheOneJustAdded() {
        // Recency is kept to the tick (a 32nd of the idle time): the steps here are one tick each.
        Duration tick = IDLE.dividedBy(SessionCache.TICKS_PER_IDLE_TIME);
        SessionCache cache = cache(3);
        cache.get("111111111111", k -> session());
        clock.advance(tick);
        cache.get("222222222222", k -> session());
        clock.advance(tick);
        cache.get("333333333333", k -> session());
        clock.advance(tick);
        cache.sweep();
        cache.get("111111111111", k -> session());

        cache.get("444444444444", k -> session());

        assertThat(evicted).containsExactly("222222222222:SIZE");
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.getIfPresent("444444444444")).isNotNull();
        assertThat(cache.getIfPresent("111111111111")).isNotNull();
        assertThat(cache.getIfPresent("222222222222")).isNull();
    }

    @Test
    void aLargeCacheAtItsBound_staysWithinIt_andEvictsInBatches() {
        int maximum = 1_000;
        SessionCache cache = cache(maximum);
        for (int i = 0; i < 3 * maximum; i++) {
            cache.get(String.format("%012d", i), k -> session());
            assertThat(cache.size()).isLessThanOrEqualTo(maximum);
        }
        CacheStatistics stats = cache.statistics();
        assertThat(stats.created()).isEqualTo(3 * maximum);
        assertThat(stats.evictions()).isEqualTo(3 * maximum - cache.size());
        assertThat(evicted).hasSize((int) stats.evictions()).allMatch(e -> e.endsWith(":SIZE"));
        // A pass evicts down to 1/64 below the bound, so far fewer passes than evictions.
        assertThat(cache.size()).isGreaterThanOrEqualTo(maximum - maximum / 64);
    }

    @Test
    void putIfAbsent_keepsTheFirst_andCountsOneCreation() {
        SessionCache cache = cache(100);
        AwsReadSession first = session();
        assertThat(cache.putIfAbsent("111122223333", first)).isNull();
        assertThat(cache.putIfAbsent("111122223333", session())).isSameAs(first);
        assertThat(cache.statistics().created()).isEqualTo(1);
    }

    @Test
    void theBrokersSchedulerSweeps_anIdleAccountIsEvicted_andTheListenerTold() throws Exception {
        MutableClock brokerClock = MutableClock.at(START);
        List<String> told = new CopyOnWriteArrayList<>();
        try (FakeSts sts = FakeSts.builder().clock(brokerClock).start();
                ReadRoleBroker broker = DefaultBrokerAndStatisticsTest.broker(sts, brokerClock)
                        .refresh(r -> r.cacheIdleTime(Duration.ofSeconds(1)))
                        .listener(new BrokerListener() {
                            @Override
                            public void accountEvicted(String accountId, String cause) {
                                told.add(accountId + ":" + cause);
                            }
                        })
                        .build()) {
            broker.forAccount("111122223333");
            assertThat(broker.cachedAccounts()).isEqualTo(1);

            // The sweep runs on the broker's scheduler every 100 ms of real time; it judges idleness from the ticks
            // it saw itself, so the clock moves on while it runs (bounded). It removes the entry, counts it, then
            // tells the listeners: wait for the last step, so nothing is read mid-way.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (told.isEmpty() && System.nanoTime() < deadline) {
                brokerClock.advance(Duration.ofMillis(200));
                Thread.sleep(10);
            }

            assertThat(broker.cachedAccounts()).isZero();
            assertThat(told).containsExactly("111122223333:EXPIRED");
            assertThat(broker.cacheStatistics().evictions()).isEqualTo(1);
            assertThat(sts.count("AssumeRole")).as("eviction makes no call").isZero();
        }
    }
}
