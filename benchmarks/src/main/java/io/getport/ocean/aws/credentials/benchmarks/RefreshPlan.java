package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.internal.RefreshWindows;

/**
 * The refresh schedule of issue 13, "phases assigned once and kept", as the model computes it: <b>the one place</b> the
 * model takes its planned refresh time from, and it calls the engine's own pure functions
 * ({@code RefreshWindows.phase} and {@code RefreshWindows.plannedRefreshMillis}), so the model and the engine cannot
 * drift.
 *
 * <p>The {@code k}-th account a broker creates gets the phase {@code frac(salt + k x 0.618...)} of the phase period
 * {@code Q = L - B - M - tolerance}; credentials issued at {@code t0} are planned to be refreshed at the latest
 * {@code t <= t0 + P} with {@code t = phi (mod Q)}: never later than {@code B + M} before expiry (the buffer is the
 * same for every account), and a cohort assumed together is spread evenly over one period once, after which every
 * account keeps its phase. Refresh is lazy: the first caller at or after the planned time starts it.
 */
final class RefreshPlan {
    /** The model's salt; the engine has its own (per broker), which only rotates the phases. */
    static final long SALT = 0x243F6A8885A308D3L;

    private RefreshPlan() {
    }

    /**
     * @param sequence the account's creation rank in its broker (0 for the first account created)
     * @param issuedMillis when the credentials were issued (epoch millis)
     * @param lifetimeMillis {@code L}, expiry minus issue time (the nominal lifetime too: the model's are exact)
     * @param bufferMillis {@code B}, the outage buffer
     * @param mandatoryMillis {@code M}, the mandatory window
     * @return the planned refresh time, in {@code (issued, issued + P]}
     */
    static long plannedRefreshMillis(long sequence, long issuedMillis, long lifetimeMillis, long bufferMillis,
            long mandatoryMillis) {
        if (lifetimeMillis - bufferMillis - mandatoryMillis <= 0) {
            throw new IllegalArgumentException("lifetime must exceed buffer + mandatory window, was " + lifetimeMillis
                    + " <= " + bufferMillis + " + " + mandatoryMillis);
        }
        return RefreshWindows.plannedRefreshMillis(RefreshWindows.phase(sequence, SALT), issuedMillis,
                issuedMillis + lifetimeMillis, bufferMillis, mandatoryMillis, lifetimeMillis);
    }
}
