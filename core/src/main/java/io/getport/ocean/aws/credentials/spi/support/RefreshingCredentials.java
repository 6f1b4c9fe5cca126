package io.getport.ocean.aws.credentials.spi.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Caches base credentials and fetches new ones when less than {@link #PREFETCH} is left. When a fetch fails while
 * the cached credentials still have more than {@link #STALE} left, it keeps serving them (the agent may be restarting)
 * and logs once per episode.
 *
 * <p>Thread safe. A call with fresh credentials takes no lock and reads the clock once; at most one fetch runs at a
 * time. Time comes from the broker's clock.
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

    private final String description;
    private final Supplier<AwsSessionCredentials> fetch;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Entry current;
    private boolean failing;

    public RefreshingCredentials(String description, Supplier<AwsSessionCredentials> fetch, Clock clock) {
        this.description = description;
        this.fetch = fetch;
        this.clock = clock;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        Entry entry = current;
        if (entry != null && clock.instant().isBefore(entry.refreshAt)) {
            return entry.credentials;
        }
        lock.lock();
        try {
            Instant now = clock.instant();
            entry = current;
            if (entry != null && now.isBefore(entry.refreshAt)) {
                return entry.credentials;
            }
            try {
                AwsSessionCredentials fresh = fetch.get();
                current = Entry.of(fresh, now);
                if (failing) {
                    failing = false;
                    LOG.info("base credentials refresh recovered source=\"{}\"", description);
                }
                return fresh;
            } catch (RuntimeException e) {
                if (entry != null && now.isBefore(entry.staleAt)) {
                    if (!failing) {
                        failing = true;
                        LOG.warn("base credentials refresh failed; serving cached credentials source=\"{}\""
                                + " expires={} detail=\"{}\"", description, entry.expiration, e.getMessage());
                    }
                    return entry.credentials;
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
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
