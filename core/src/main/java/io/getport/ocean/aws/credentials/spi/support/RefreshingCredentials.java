package io.getport.ocean.aws.credentials.spi.support;

import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Caches base credentials and fetches new ones when less than {@link #PREFETCH} is left. When a fetch fails while
 * the cached credentials still have more than {@link #STALE} left, it keeps serving them (the agent may be restarting)
 * and logs once per episode.
 *
 * <p><b>Single flight without a lock across the call.</b> One caller runs the fetch (a local call bounded by its own
 * total deadline) in its own thread; the others do not queue on a lock behind it: a caller that still has usable
 * cached credentials gets them at once, and a caller without waits for that one fetch's outcome for at most
 * {@code maxWait}, then fails with a {@link BaseIdentityException}. So one slow answer from an agent delays only the
 * callers that have nothing else to use, and only until the deadline; the next call after it fetches again.
 *
 * <p>Thread safe. A call with fresh credentials takes no lock and reads the clock once. Time comes from the broker's
 * clock; waiting uses real time.
 */
public final class RefreshingCredentials implements AwsCredentialsProvider {
    /** Fetch anew when less than this is left. */
    public static final Duration PREFETCH = Duration.ofMinutes(5);
    /** Never serve cached credentials with less than this left. */
    public static final Duration STALE = Duration.ofMinutes(1);
    /** Credentials without an expiration are fetched again after this long. */
    public static final Duration NO_EXPIRATION_LIFETIME = Duration.ofMinutes(15);
    /** When a fetch returns credentials already inside the prefetch window, wait this long before asking again. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger("io.getport.ocean.aws.credentials.runtime");

    private final String component;
    private final String description;
    private final Supplier<AwsSessionCredentials> fetch;
    private final Clock clock;
    private final Duration maxWait;
    private final Object lock = new Object();
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile Entry current;
    /** The fetch in flight, if any. Guarded by {@link #lock}. */
    private CompletableFuture<Entry> inFlight;

    /**
     * Creates one.
     *
     * @param component the component that serves the credentials, for failures
     *     ({@link BaseIdentityException#ECS_AGENT}, ...)
     * @param description what fetches, for logs and {@link #toString()} (no secrets)
     * @param fetch fetches credentials; must end within {@code maxWait} (its calls have total deadlines)
     * @param clock the broker's clock
     * @param maxWait how long a caller without usable credentials waits for another caller's fetch
     */
    public RefreshingCredentials(String component, String description, Supplier<AwsSessionCredentials> fetch,
            Clock clock, Duration maxWait) {
        this.component = Objects.requireNonNull(component, "component");
        this.description = Objects.requireNonNull(description, "description");
        this.fetch = Objects.requireNonNull(fetch, "fetch");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    }

    @Override
    public AwsCredentials resolveCredentials() {
        Entry entry = current;
        Instant now = clock.instant();
        if (entry != null && now.isBefore(entry.refreshAt)) {
            return entry.credentials;
        }
        CompletableFuture<Entry> fetching;
        boolean mine = false;
        synchronized (lock) {
            entry = current;
            if (entry != null && now.isBefore(entry.refreshAt)) {
                return entry.credentials;
            }
            fetching = inFlight;
            if (fetching == null) {
                fetching = new CompletableFuture<>();
                inFlight = fetching;
                mine = true;
            }
        }
        boolean usable = entry != null && now.isBefore(entry.staleAt);
        if (mine) {
            return runFetch(fetching, entry, now, usable);
        }
        if (usable) {
            return entry.credentials;
        }
        try {
            return fetching.get(maxWait.toMillis(), TimeUnit.MILLISECONDS).credentials;
        } catch (TimeoutException e) {
            throw BaseIdentityException.of(component, "Waited " + maxWait.toMillis() + " ms for " + description
                    + " to answer another caller's request; the " + component + " is slow. The broker retries.",
                    null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BaseIdentityException.of(component, "Interrupted while waiting for " + description, e);
        } catch (ExecutionException e) {
            throw asRuntime(e.getCause());
        }
    }

    private AwsCredentials runFetch(CompletableFuture<Entry> fetching, Entry entry, Instant now, boolean usable) {
        Entry fresh;
        try {
            fresh = Entry.of(fetch.get(), now);
        } catch (RuntimeException | Error e) {
            RuntimeException failure = e instanceof Error ? BaseIdentityException.of(component, description
                    + " failed: " + e.getClass().getSimpleName(), null) : asRuntime(e);
            finish(fetching, null, failure);
            if (usable) {
                if (failing.compareAndSet(false, true)) {
                    LOG.warn("base credentials refresh failed; serving cached credentials source=\"{}\""
                            + " expires={} detail=\"{}\"", description, entry.expiration, failure.getMessage());
                }
                return entry.credentials;
            }
            throw failure;
        }
        current = fresh;
        finish(fetching, fresh, null);
        if (failing.compareAndSet(true, false)) {
            LOG.info("base credentials refresh recovered source=\"{}\"", description);
        }
        return fresh.credentials;
    }

    private void finish(CompletableFuture<Entry> fetching, Entry fresh, RuntimeException failure) {
        synchronized (lock) {
            if (inFlight == fetching) {
                inFlight = null;
            }
        }
        if (failure == null) {
            fetching.complete(fresh);
        } else {
            fetching.completeExceptionally(failure);
        }
    }

    /** SDK exceptions as they are; anything else (a bug, an unexpected answer) as a {@link BaseIdentityException}. */
    private RuntimeException asRuntime(Throwable t) {
        if (t instanceof SdkException) {
            return (SdkException) t;
        }
        return BaseIdentityException.of(component, description + " failed: " + t.getClass().getSimpleName(), t);
    }

    /** The expiration of the cached credentials, if any were fetched. */
    public Instant cachedExpiration() {
        Entry entry = current;
        return entry == null ? null : entry.expiration;
    }

    @Override
    public String toString() {
        return description;
    }

    private static final class Entry {
        final AwsSessionCredentials credentials;
        final Instant expiration;
        final Instant refreshAt;
        final Instant staleAt;

        private Entry(AwsSessionCredentials credentials, Instant expiration, Instant refreshAt, Instant staleAt) {
            this.credentials = credentials;
            this.expiration = expiration;
            this.refreshAt = refreshAt;
            this.staleAt = staleAt;
        }

        static Entry of(AwsSessionCredentials credentials, Instant now) {
            Instant expiration = credentials.expirationTime().orElse(now.plus(NO_EXPIRATION_LIFETIME));
            Instant staleAt = expiration.minus(STALE);
            Instant refreshAt = expiration.minus(PREFETCH);
            if (!refreshAt.isAfter(now)) {
                Instant soon = now.plus(MIN_INTERVAL);
                refreshAt = soon.isBefore(staleAt) ? soon : staleAt;
            }
            return new Entry(credentials, expiration, refreshAt, staleAt);
        }
    }
}
