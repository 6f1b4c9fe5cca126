package io.getport.ocean.aws.credentials;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The broker's cache of sessions, keyed by account ID (the read role) or role ARN (any other role): bounded in size
 * ({@code cacheMaximumAccounts}, least recently used out first) and in idleness ({@code cacheIdleTime}).
 *
 * <p><b>Why not Caffeine.</b> The broker used Caffeine here until the benchmark B2 (docs/PERFORMANCE.md) showed that,
 * over 10,000 warm accounts read at random, its hit path cost more than the rest of a warm resolution together: about
 * 400 ns on this project's machine, against 160 ns for a plain {@link ConcurrentHashMap} lookup plus our provider's
 * resolve. An access-ordered, frequency-sketched cache records every read (a ticker read, a read buffer, a sketch
 * counter and a move in an access-order list, each a likely cache miss at random access), which pays for an eviction
 * policy this cache does not need: it holds one small entry per account, is sized above the number of accounts an
 * integration reads, and evicts only for idleness (hours) or as a bound against misuse. What it needs is a map and a
 * coarse "last used" stamp, which no library offers on its own:
 * <ul>
 *   <li>a hit is one map lookup, one read of the current tick and, at most once per tick, one write of it to the
 *       session; no clock read, no allocation, no lock;</li>
 *   <li>the tick is the clock in units of {@code cacheIdleTime / 32} (at least 1 ms); the broker's existing
 *       scheduler thread advances it and evicts idle sessions once per tick (at least every 100 ms), so an idle
 *       session is evicted after {@code cacheIdleTime}, at most about one tick late;</li>
 *   <li>a stamp says that the session was used while the tick had that value, not when: the tick moves only when the
 *       sweep (or a miss) advances it, so a stamp is as old as the last advance. The sweep therefore bounds the last
 *       use by the first tick a sweep set after the stamp (it keeps the ticks of its last
 *       {@value #HISTORY} runs), never by the stamp itself. Without that, a clock that runs faster than the scheduler
 *       (an injected clock in a simulation, or a clock step) made sessions in constant use look idle, and a whole
 *       cohort was evicted and assumed again at once (measured in the benchmarks' day: three cold rounds of 10,000
 *       accounts instead of one);</li>
 *   <li>a miss creates the session exactly once per key ({@link ConcurrentHashMap#computeIfAbsent}; creation makes no
 *       call and never blocks), and when the map then holds more than the maximum, the least recently used sessions
 *       (by tick; ties in map order) are evicted under a lock, down to 1/64 below the maximum so that a cache at its
 *       bound does not sort itself on every miss.</li>
 * </ul>
 * An evicted session keeps working for whoever holds it: its next refresh re-registers it (the broker's
 * {@code BrokerCore.Registry}).
 *
 * <p>Thread safe, except that {@link #sweep()} must not run concurrently with itself (the broker runs it on its one
 * scheduler thread). Its memory is the map's entries and {@value #HISTORY} longs; it starts no thread.
 */
final class SessionCache {
    /** The idle time is measured in ticks of this fraction of it. */
    static final int TICKS_PER_IDLE_TIME = 32;
    /** Sweeps whose ticks are kept: twice the idle time in ticks, so a stamp is always covered. */
    static final int HISTORY = 2 * TICKS_PER_IDLE_TIME;
    /** The sweep runs at most this often (real time), however short the idle time. */
    static final long MIN_SWEEP_MILLIS = 100;
    private static final VarHandle TICK;

    static {
        try {
            TICK = MethodHandles.lookup().findVarHandle(SessionCache.class, "tick", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentHashMap<String, AwsReadSession> map = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long maximumSize;
    private final long evictDownTo;
    private final long tickMillis;
    private final long idleTicks;
    private final BiConsumer<String, String> evicted;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder created = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final ReentrantLock evicting = new ReentrantLock();
    /** The clock in ticks, as last advanced (by the sweep or a miss); only grows. */
    private volatile long tick;
    /** The ticks the last sweeps set, oldest first, as a ring; read and written by the sweep only. */
    private final long[] swept = new long[HISTORY];
    private int sweptFirst;
    private int sweptCount;

    /**
     * @param evicted told (key, {@code SIZE} or {@code EXPIRED}) after each eviction, on the evicting thread
     */
    SessionCache(Clock clock, long maximumSize, Duration idleTime, BiConsumer<String, String> evicted) {
        this.clock = clock;
        this.maximumSize = maximumSize;
        this.evictDownTo = maximumSize - maximumSize / 64;
        long idleMillis = Math.max(1, idleTime.toMillis());
        this.tickMillis = Math.max(1, idleMillis / TICKS_PER_IDLE_TIME);
        this.idleTicks = Math.max(1, idleMillis / tickMillis);
        this.evicted = evicted;
        this.tick = clock.millis() / tickMillis;
    }

    /** How often the broker runs {@link #sweep()}: once per tick, at most every 100 ms. */
    Duration sweepPeriod() {
        return Duration.ofMillis(Math.max(MIN_SWEEP_MILLIS, tickMillis));
    }

    /** The session for {@code key}, created by {@code create} on a miss (exactly once per key while cached). */
    AwsReadSession get(String key, Function<String, AwsReadSession> create) {
        AwsReadSession session = map.get(key);
        if (session != null) {
            hits.increment();
            touch(session);
            return session;
        }
        misses.increment();
        advanceTick();
        boolean[] mine = new boolean[1];
        session = map.computeIfAbsent(key, k -> {
            mine[0] = true;
            return create.apply(k);
        });
        touch(session);
        if (mine[0]) {
            created.increment();
            if (map.size() > maximumSize) {
                evictLeastRecentlyUsed(key);
            }
        }
        return session;
    }

    /** The cached session for {@code key}, or null; a lookup like {@link #get} (counted, and marks it used). */
    AwsReadSession getIfPresent(String key) {
        AwsReadSession session = map.get(key);
        if (session == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        touch(session);
        return session;
    }

    /**
     * Puts {@code session} under {@code key} unless one is there: returns the one that was there, or null (then
     * {@code session} was added, counted as created).
     */
    AwsReadSession putIfAbsent(String key, AwsReadSession session) {
        touch(session);
        AwsReadSession existing = map.putIfAbsent(key, session);
        if (existing != null) {
            touch(existing);
            return existing;
        }
        created.increment();
        if (map.size() > maximumSize) {
            evictLeastRecentlyUsed(key);
        }
        return null;
    }

    /** The cached sessions: a weakly consistent view (see {@link ConcurrentHashMap#values()}). */
    Collection<AwsReadSession> sessions() {
        return map.values();
    }

    long size() {
        return map.size();
    }

    /** Removes every session without counting or reporting evictions (the broker is closing). */
    void clear() {
        map.clear();
    }

    /** Counters since the cache was made, with the current size. */
    CacheStatistics statistics() {
        return new CacheStatistics(map.size(), hits.sum(), misses.sum(), created.sum(), evictions.sum());
    }

    /**
     * Advances the tick to the clock and evicts the sessions idle for {@code cacheIdleTime}. Run by the broker's
     * scheduler every {@link #sweepPeriod()}; cheap (one pass over the entries, no allocation when nothing is idle).
     */
    void sweep() {
        long now = advanceTick();
        recordSweep(now);
        for (Map.Entry<String, AwsReadSession> e : map.entrySet()) {
            AwsReadSession session = e.getValue();
            if (now - lastUseAtMost(session.lastUsed) >= idleTicks && map.remove(e.getKey(), session)) {
                evictions.increment();
                evicted.accept(e.getKey(), "EXPIRED");
            }
        }
    }

    private void recordSweep(long now) {
        if (sweptCount > 0 && sweptAt(sweptCount - 1) >= now) {
            return;
        }
        if (sweptCount == HISTORY) {
            sweptFirst = (sweptFirst + 1) % HISTORY;
            sweptCount--;
        }
        swept[(sweptFirst + sweptCount) % HISTORY] = now;
        sweptCount++;
    }

    private long sweptAt(int i) {
        return swept[(sweptFirst + i) % HISTORY];
    }

    /**
     * The latest tick at which a session stamped {@code stamp} can have been used: the first tick a sweep set after
     * the stamp (the tick had moved past the stamp by then), or the oldest kept when the stamp is older than all of
     * them; {@link Long#MAX_VALUE} when no sweep has moved past it yet (it may be in use now).
     */
    private long lastUseAtMost(long stamp) {
        int lo = 0;
        int hi = sweptCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sweptAt(mid) > stamp) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo == sweptCount ? Long.MAX_VALUE : sweptAt(lo);
    }

    private void touch(AwsReadSession session) {
        long t = tick;
        if (session.lastUsed != t) {
            session.lastUsed = t;
        }
    }

    /** Sets the tick to the clock's, unless it is already there or later; returns the tick. */
    private long advanceTick() {
        long now = clock.millis() / tickMillis;
        long seen = tick;
        while (now > seen) {
            if (TICK.compareAndSet(this, seen, now)) {
                return now;
            }
            seen = tick;
        }
        return seen;
    }

    /** Evicts the least recently used sessions (never {@code keep}, the one just added) down to the bound. */
    private void evictLeastRecentlyUsed(String keep) {
        evicting.lock();
        try {
            long excess = map.size() - evictDownTo;
            if (map.size() <= maximumSize || excess <= 0) {
                return;
            }
            // The stamps are copied first: they change under concurrent hits, and a sort needs a stable order.
            List<Candidate> candidates = new ArrayList<>(map.size());
            for (Map.Entry<String, AwsReadSession> e : map.entrySet()) {
                if (!e.getKey().equals(keep)) {
                    candidates.add(new Candidate(e.getKey(), e.getValue(), e.getValue().lastUsed));
                }
            }
            candidates.sort(Comparator.comparingLong(Candidate::used));
            for (int i = 0; i < candidates.size() && excess > 0; i++) {
                Candidate c = candidates.get(i);
                if (map.remove(c.key(), c.session())) {
                    excess--;
                    evictions.increment();
                    evicted.accept(c.key(), "SIZE");
                }
            }
        } finally {
            evicting.unlock();
        }
    }

    private record Candidate(String key, AwsReadSession session, long used) {
    }
}
