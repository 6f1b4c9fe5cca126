package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.internal.RefreshWindows;

/**
 * The refresh schedule of issue 13, "phases assigned once and kept", as the model computes it: <b>the one place</b> the
 * model takes its planned refresh time from, and it calls the engine's own pure function
 * ({@code RefreshWindows.plannedRefreshMillis}), so the model and the engine cannot drift.
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
        if (lifetimeMillis - bufferMillis - mandatoryMillis <= 0) {
            throw new IllegalArgumentException("lifetime must exceed buffer + mandatory window, was " + lifetimeMillis
                    + " <= " + bufferMillis + " + " + mandatoryMillis);
        }
        return RefreshWindows.plannedRefreshMillis(hash(accountId), issuedMillis, issuedMillis + lifetimeMillis,
                bufferMillis, mandatoryMillis);
    }

    /** The account's phase hash, as the engine computes it (with the model's fixed salt). */
    static long hash(String accountId) {
        return RefreshWindows.phaseHash(accountId, SALT);
    }
}
