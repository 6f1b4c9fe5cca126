package io.getport.ocean.aws.credentials.micrometer;

import io.getport.ocean.aws.credentials.BrokerHealth;
import io.getport.ocean.aws.credentials.BrokerListener;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes a {@link ReadRoleBroker}'s events as Micrometer meters.
 *
 * <pre>{@code
 * ReadRoleBroker broker = ReadRoleBroker.builder()
 *         .listener(MicrometerBrokerListener.create(meterRegistry))
 *         .build();
 * }</pre>
 *
 * <table>
 * <caption>Meters (every one also carries the common tags given to {@link #create(MeterRegistry, Iterable)})</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 * <tr><td>{@value #STS_CALLS}</td><td>timer</td><td>{@code action}, {@code outcome} ({@code ok} or the STS error
 *     code)</td><td>STS calls by outcome, and their latency</td></tr>
 * <tr><td>{@value #RATE_LIMITER_WAIT}</td><td>timer</td><td>{@code permitted}</td><td>time STS calls waited for the
 *     local rate limiter</td></tr>
 * <tr><td>{@value #REFRESHES}</td><td>counter</td><td>{@code outcome} ({@code success}, {@code failure}),
 *     {@code reason} ({@code none} or a {@link ReadRoleException.Reason})</td><td>credential refreshes</td></tr>
 * <tr><td>{@value #RECOVERIES}</td><td>counter</td><td></td><td>accounts that refreshed again after failures</td></tr>
 * <tr><td>{@value #CACHE}</td><td>counter</td><td>{@code result} ({@code hit}, {@code miss},
 *     {@code negative_hit})</td><td>credential resolutions: served from cache, waited for STS, served a cached
 *     failure</td></tr>
 * <tr><td>{@value #EVICTIONS}</td><td>counter</td><td>{@code cause}</td><td>accounts evicted from the cache</td></tr>
 * <tr><td>{@value #CACHED_ACCOUNTS}</td><td>gauge</td><td></td><td>accounts in the cache</td></tr>
 * <tr><td>{@value #FAILING_ACCOUNTS}</td><td>gauge</td><td></td><td>cached accounts whose last refresh
 *     failed</td></tr>
 * <tr><td>{@value #EARLIEST_EXPIRY}</td><td>gauge (seconds)</td><td></td><td>seconds until the earliest cached
 *     credentials expire; NaN when none are cached</td></tr>
 * <tr><td>{@value #CIRCUIT_STATE}</td><td>gauge</td><td>{@code state} ({@code closed}, {@code open},
 *     {@code half_open})</td><td>1 for the STS circuit breaker's current state, 0 for the others</td></tr>
 * </table>
 *
 * <p>The gauges read {@link ReadRoleBroker#health()} when the registry polls them (each poll walks the cached
 * accounts once) and are removed when the broker is closed. Counters and timers stay registered.
 *
 * <p>Use one listener per broker; give brokers that share a registry distinct common tags. Thread safe;
 * {@link #cacheHit()} allocates nothing.
 */
public final class MicrometerBrokerListener implements BrokerListener {
    /** Timer of STS calls. */
    public static final String STS_CALLS = "ocean.aws.credentials.sts.calls";
    /** Timer of rate-limiter waits. */
    public static final String RATE_LIMITER_WAIT = "ocean.aws.credentials.sts.rate.limiter.wait";
    /** Counter of refreshes. */
    public static final String REFRESHES = "ocean.aws.credentials.refreshes";
    /** Counter of recoveries. */
    public static final String RECOVERIES = "ocean.aws.credentials.recoveries";
    /** Counter of credential resolutions by cache result. */
    public static final String CACHE = "ocean.aws.credentials.cache";
    /** Counter of evictions. */
    public static final String EVICTIONS = "ocean.aws.credentials.evictions";
    /** Gauge of cached accounts. */
    public static final String CACHED_ACCOUNTS = "ocean.aws.credentials.cached.accounts";
    /** Gauge of failing accounts. */
    public static final String FAILING_ACCOUNTS = "ocean.aws.credentials.failing.accounts";
    /** Gauge of the seconds until the earliest expiry. */
    public static final String EARLIEST_EXPIRY = "ocean.aws.credentials.earliest.expiry";
    /** Gauge of the circuit breaker's state. */
    public static final String CIRCUIT_STATE = "ocean.aws.credentials.sts.circuit.state";

    private static final List<String> CIRCUIT_STATES = List.of("CLOSED", "OPEN", "HALF_OPEN");

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter hits;
    private final Counter misses;
    private final Counter negativeHits;
    private final Counter recoveries;
    private final Counter successes;
    private final AtomicReference<String> circuitState = new AtomicReference<>("CLOSED");
    private final List<Meter> gauges = new ArrayList<>();

    private MicrometerBrokerListener(MeterRegistry registry, Iterable<Tag> tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        this.hits = counter(CACHE, "result", "hit", "Credential resolutions served from the cache");
        this.misses = counter(CACHE, "result", "miss", "Credential resolutions that waited for STS");
        this.negativeHits = counter(CACHE, "result", "negative_hit",
                "Credential resolutions answered with a recently cached failure");
        this.recoveries = Counter.builder(RECOVERIES).tags(this.tags)
                .description("Accounts whose refresh succeeded again after failures").register(registry);
        this.successes = Counter.builder(REFRESHES).tags(this.tags).tag("outcome", "success").tag("reason", "none")
                .description("Credential refreshes").register(registry);
    }

    /** A listener that registers its meters in {@code registry}, without common tags. */
    public static MicrometerBrokerListener create(MeterRegistry registry) {
        return new MicrometerBrokerListener(registry, Tags.empty());
    }

    /** A listener that registers its meters in {@code registry} with {@code tags} on every meter. */
    public static MicrometerBrokerListener create(MeterRegistry registry, Iterable<Tag> tags) {
        return new MicrometerBrokerListener(registry, tags);
    }

    private Counter counter(String name, String key, String value, String description) {
        return Counter.builder(name).tags(tags).tag(key, value).description(description).register(registry);
    }

    @Override
    public void started(ReadRoleBroker broker) {
        circuitState.set(broker.health().circuitState());
        synchronized (gauges) {
            gauges.add(Gauge.builder(CACHED_ACCOUNTS, broker, ReadRoleBroker::cachedAccounts).tags(tags)
                    .description("Accounts in the credential cache").register(registry));
            gauges.add(Gauge.builder(FAILING_ACCOUNTS, broker, b -> b.health().failingAccounts().size()).tags(tags)
                    .description("Cached accounts whose last refresh failed").register(registry));
            gauges.add(Gauge.builder(EARLIEST_EXPIRY, broker, MicrometerBrokerListener::secondsUntilEarliestExpiry)
                    .tags(tags).baseUnit("seconds")
                    .description("Seconds until the earliest cached credentials expire").register(registry));
            for (String state : CIRCUIT_STATES) {
                gauges.add(Gauge.builder(CIRCUIT_STATE, circuitState, s -> state.equals(s.get()) ? 1 : 0)
                        .tags(tags).tag("state", state.toLowerCase(Locale.ROOT))
                        .description("1 for the STS circuit breaker's current state").strongReference(true)
                        .register(registry));
            }
        }
    }

    private static double secondsUntilEarliestExpiry(ReadRoleBroker broker) {
        BrokerHealth health = broker.health();
        Instant now = health.checkedAt();
        return health.earliestExpiry().map(e -> Duration.between(now, e).toMillis() / 1000.0).orElse(Double.NaN);
    }

    @Override
    public void stsCall(String action, String outcome, long latencyNanos) {
        Timer.builder(STS_CALLS).tags(tags).tag("action", action).tag("outcome", outcome)
                .description("STS calls by outcome, and their latency").register(registry)
                .record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void rateLimiterWaited(long waitNanos, boolean permitted) {
        Timer.builder(RATE_LIMITER_WAIT).tags(tags).tag("permitted", Boolean.toString(permitted))
                .description("Time STS calls waited for the local rate limiter").register(registry)
                .record(waitNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void refreshSucceeded(String accountId, Instant expiration, boolean background) {
        successes.increment();
    }

    @Override
    public void refreshFailed(String accountId, ReadRoleException failure) {
        Counter.builder(REFRESHES).tags(tags).tag("outcome", "failure").tag("reason", failure.reason().name())
                .description("Credential refreshes").register(registry).increment();
    }

    @Override
    public void refreshRecovered(String accountId, int failedAttempts) {
        recoveries.increment();
    }

    @Override
    public void cacheHit() {
        hits.increment();
    }

    @Override
    public void cacheMiss(String accountId) {
        misses.increment();
    }

    @Override
    public void negativeCacheHit(String accountId) {
        negativeHits.increment();
    }

    @Override
    public void accountEvicted(String accountId, String cause) {
        Counter.builder(EVICTIONS).tags(tags).tag("cause", cause.toLowerCase(Locale.ROOT))
                .description("Accounts evicted from the credential cache").register(registry).increment();
    }

    @Override
    public void circuitStateChanged(String from, String to) {
        circuitState.set(to);
    }

    @Override
    public void closed() {
        synchronized (gauges) {
            gauges.forEach(registry::remove);
            gauges.clear();
        }
    }

    @Override
    public String toString() {
        return "MicrometerBrokerListener(registry=" + registry.getClass().getSimpleName() + ", tags=" + tags + ")";
    }
}
