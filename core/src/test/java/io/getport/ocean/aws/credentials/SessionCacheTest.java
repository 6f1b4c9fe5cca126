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

    @Test
    void aSessionIdleForTheIdleTime_isEvictedBySweep_aUsedOneIsNot() {
        SessionCache cache = cache(100);
        cache.get("111111111111", k -> session());
        cache.get("222222222222", k -> session());

        clock.advance(Duration.ofHours(3));
        cache.sweep();
        cache.get("111111111111", k -> session());

        clock.advance(Duration.ofHours(3).minusMinutes(2));
        cache.sweep();
        assertThat(evicted).as("idle 5 h 58 min: not yet").isEmpty();

        clock.advance(Duration.ofMinutes(3));
        cache.sweep();
        assertThat(evicted).as("idle 6 h 1 min").containsExactly("222222222222:EXPIRED");
        assertThat(cache.size()).isEqualTo(1);

        clock.advance(Duration.ofHours(3));
        cache.sweep();
        assertThat(evicted).as("the one used 3 h in, idle 6 h 1 min now")
                .containsExactly("222222222222:EXPIRED", "111111111111:EXPIRED");
        assertThat(cache.statistics().evictions()).isEqualTo(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void overTheMaximum_theLeastRecentlyUsedGoesFirst_neverTheOneJustAdded() {
        SessionCache cache = cache(3);
        cache.get("111111111111", k -> session());
        clock.advance(Duration.ofMinutes(5));
        cache.get("222222222222", k -> session());
        clock.advance(Duration.ofMinutes(5));
        cache.get("333333333333", k -> session());
        clock.advance(Duration.ofMinutes(5));
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

            brokerClock.advance(Duration.ofSeconds(2));
            // The sweep runs on the broker's scheduler every 100 ms of real time: wait for it (bounded). It removes
            // the entry, counts it, then tells the listeners: wait for the last step, so nothing is read mid-way.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (told.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }

            assertThat(broker.cachedAccounts()).isZero();
            assertThat(told).containsExactly("111122223333:EXPIRED");
            assertThat(broker.cacheStatistics().evictions()).isEqualTo(1);
            assertThat(sts.count("AssumeRole")).as("eviction makes no call").isZero();
        }
    }
}
