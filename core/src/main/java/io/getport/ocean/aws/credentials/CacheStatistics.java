package io.getport.ocean.aws.credentials;

/**
 * Counters of the broker's per-account cache since it was built, from {@link ReadRoleBroker#cacheStatistics()}.
 *
 * <p>{@code lookups} count {@code forAccount} / {@code forRole} calls and slow-path re-registrations, not credential
 * resolutions: a resolution of fresh credentials does not touch the cache at all (it is counted by
 * {@link BrokerListener#cacheHit()} instead). Immutable.
 */
public final class CacheStatistics {
    private final long cachedAccounts;
    private final long hits;
    private final long misses;
    private final long created;
    private final long evictions;

    CacheStatistics(long cachedAccounts, long hits, long misses, long created, long evictions) {
        this.cachedAccounts = cachedAccounts;
        this.hits = hits;
        this.misses = misses;
        this.created = created;
        this.evictions = evictions;
    }

    /** Accounts cached now (an estimate while evictions are pending). */
    public long cachedAccounts() {
        return cachedAccounts;
    }

    /** Lookups that found the account cached. */
    public long hits() {
        return hits;
    }

    /** Lookups that did not find the account cached (threads racing for a new account each count one). */
    public long misses() {
        return misses;
    }

    /** Entries created: exactly one per account however many threads asked at once (until it is evicted). */
    public long created() {
        return created;
    }

    /** Entries evicted for size or idleness. */
    public long evictions() {
        return evictions;
    }

    @Override
    public String toString() {
        return "CacheStatistics(cachedAccounts=" + cachedAccounts + ", hits=" + hits + ", misses=" + misses
                + ", created=" + created + ", evictions=" + evictions + ")";
    }
}
