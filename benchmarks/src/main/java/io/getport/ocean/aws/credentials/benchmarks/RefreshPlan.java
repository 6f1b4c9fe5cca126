package io.getport.ocean.aws.credentials.benchmarks;

/**
 * The refresh schedule of issue 13, "phases assigned once and kept", as the model computes it. <b>The one place</b> the
 * model takes its planned refresh time from: when the engine exposes its own static pure function, make
 * {@link #plannedRefreshMillis} call it (and delete the formula here), so the model and the engine cannot drift.
 *
 * <p>With credential lifetime {@code L}, mandatory window {@code M} and outage buffer {@code B}, the period is
 * {@code P = L - B - M}. Each account has a phase {@code phi} in {@code [0, P)} from a salted hash of its ID, fixed
 * for the life of the broker. Credentials issued at {@code t0} are planned to be refreshed at the latest
 * {@code t <= t0 + P} with {@code t ≡ phi (mod P)}: never later than {@code B + M} before expiry (the buffer is the
 * same for every account), and a cohort assumed together is spread over one period once, after which every account
 * keeps its phase. Refresh is lazy: the first caller at or after the planned time starts it.
 */
final class RefreshPlan {
    /** The model's salt; the engine has its own (per broker), which only permutes the phases. */
    static final long SALT = 0x9E3779B97F4A7C15L;

    private RefreshPlan() {
    }

    /**
     * @param accountId the 12-digit account
     * @param issuedMillis when the credentials were issued (epoch millis)
     * @param lifetimeMillis {@code L}, expiry minus issue time
     * @param bufferMillis {@code B}, the outage buffer
     * @param mandatoryMillis {@code M}, the mandatory window
     * @return the planned refresh time, in {@code (issued, issued + P]}
     */
    static long plannedRefreshMillis(String accountId, long issuedMillis, long lifetimeMillis, long bufferMillis,
            long mandatoryMillis) {
        long period = lifetimeMillis - bufferMillis - mandatoryMillis;
        if (period <= 0) {
            throw new IllegalArgumentException("lifetime must exceed buffer + mandatory window, was " + lifetimeMillis
                    + " <= " + bufferMillis + " + " + mandatoryMillis);
        }
        long phase = Math.floorMod(hash(accountId), period);
        long latest = issuedMillis + period;
        return latest - Math.floorMod(latest - phase, period);
    }

    /** A salted 64-bit hash of the account ID (FNV-1a, then the SplitMix64 finaliser). */
    static long hash(String accountId) {
        long h = 0xcbf29ce484222325L ^ SALT;
        for (int i = 0; i < accountId.length(); i++) {
            h ^= accountId.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
