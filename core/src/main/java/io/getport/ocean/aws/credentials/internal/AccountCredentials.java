package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;

/**
 * The read role's credentials for one account, and the refresh state machine around them.
 *
 * <p>State is one immutable {@link Snapshot} in a volatile field, replaced as a whole under {@link #lock} (which only
 * the slow path takes). From the credentials' expiry {@code E}:
 * <ul>
 *   <li>before the (jittered) advisory start: the hot path ({@link #resolveCredentials()} and {@link #resolveIdentity}
 *   with fresh credentials): one volatile read, one clock read, one compare; no lock, no call, no allocation;</li>
 *   <li>advisory window, up to {@code E - mandatoryWindow}: callers get the cached credentials at once, and the first
 *   one starts the one background refresh (again after a jittered backoff if it failed);</li>
 *   <li>mandatory window and after: credentials are never handed out; callers wait for the one refresh in flight, up
 *   to {@code refreshTimeout}, then fail with {@link Reason#REFRESH_TIMEOUT}.</li>
 * </ul>
 * A failed refresh is cached in the snapshot: recoverable failures for a jittered backoff, others for
 * {@code failureCacheTime}; a caller without usable credentials gets the cached failure without an STS call. One WARN
 * per failure episode, an INFO when it ends ({@link Events}).
 *
 * <p>Single flight: at most one refresh per holder, and {@link StsGateway#assume} shares one STS call per role ARN
 * across holders (an evicted holder still in use and its replacement).
 *
 * <p>Thread safe.
 */
public final class AccountCredentials implements AwsCredentialsProvider {
    /** A caller waits for at most this many refresh outcomes that were neither usable nor a failure. */
    private static final int MAX_ROUNDS = 3;
    private final String accountId;
    private final String roleArn;
    private final BrokerCore core;
    private final Clock clock;
    private final Object lock = new Object();
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    /** The refresh in flight, or null. Guarded by {@link #lock}. */
    private CompletableFuture<Snapshot> inFlight;

    public AccountCredentials(String accountId, String roleArn, BrokerCore core) {
        this.accountId = accountId;
        this.roleArn = roleArn;
        this.core = core;
        this.clock = core.clock();
    }

    public String accountId() {
        return accountId;
    }

    public String roleArn() {
        return roleArn;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        Snapshot s = snapshot;
        long now = clock.millis();
        if (now < s.refreshAt) {
            core.events().cacheHit();
            return s.credentials;
        }
        return slowPath(s, now);
    }

    @Override
    public CompletableFuture<AwsCredentialsIdentity> resolveIdentity(ResolveIdentityRequest request) {
        Snapshot s = snapshot;
        long now = clock.millis();
        if (now < s.refreshAt) {
            core.events().cacheHit();
            return s.identity;
        }
        try {
            checkOpen();
            AccountCredentials canonical = core.canonical(this);
            if (canonical != this) {
                return canonical.resolveIdentity(request);
            }
            long deadline = System.nanoTime() + core.settings().refreshTimeout.toNanos();
            return resolveAsync(s, now, 0, deadline);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The slow path of {@link #resolveCredentials()}: serve the cached credentials (starting a background refresh in
     * the advisory window), throw the cached failure, or wait for the one refresh in flight.
     *
     * <p>The decision is made on the snapshot {@code seen} read before any lock; {@link #refresh(Snapshot, boolean)}
     * checks under the lock that no other refresh completed since, so a caller that read a stale snapshot joins the
     * outcome instead of starting a second STS call. A caller goes round again only when the state it got is neither
     * usable nor a failure (it raced with {@link #invalidate()} or with the clock); a failure that a refresh it waited
     * for produced is thrown at once, so one call never causes more than one refresh.
     */
    private AwsCredentials slowPath(Snapshot s, long now) {
        // Closed first: after close() a holder must not re-register itself in the (emptied) cache.
        checkOpen();
        AccountCredentials canonical = core.canonical(this);
        if (canonical != this) {
            return canonical.resolveCredentials();
        }
        long deadline = 0;
        Snapshot seen = s;
        long t = now;
        for (int round = 0; ; round++) {
            if (seen.usableAt(t)) {
                maybeBackgroundRefresh(seen, t);
                return seen.credentials;
            }
            if (seen.failure != null && (round > 0 || t < seen.failureUntil)) {
                if (round == 0) {
                    core.events().negativeCacheHit(accountId);
                }
                throw seen.failure.rethrown();
            }
            if (round == 0) {
                checkOpen();
                core.events().cacheMiss(accountId);
                deadline = System.nanoTime() + core.settings().refreshTimeout.toNanos();
            } else if (round == MAX_ROUNDS) {
                throw unsettled();
            }
            seen = await(refresh(seen, false), deadline);
            t = clock.millis();
        }
    }

    private CompletableFuture<AwsCredentialsIdentity> resolveAsync(Snapshot seen, long t, int round, long deadline) {
        if (seen.usableAt(t)) {
            maybeBackgroundRefresh(seen, t);
            return seen.identity;
        }
        if (seen.failure != null && (round > 0 || t < seen.failureUntil)) {
            if (round == 0) {
                core.events().negativeCacheHit(accountId);
            }
            return CompletableFuture.failedFuture(seen.failure.rethrown());
        }
        if (round == 0) {
            core.events().cacheMiss(accountId);
        } else if (round == MAX_ROUNDS) {
            return CompletableFuture.failedFuture(unsettled());
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return CompletableFuture.failedFuture(timeout());
        }
        // copy(): the timeout must fail this caller's view, never the refresh shared with other callers.
        return refresh(seen, false).copy()
                .orTimeout(remaining, TimeUnit.NANOSECONDS)
                .exceptionally(e -> {
                    Throwable cause = StsErrors.unwrap(e);
                    if (cause instanceof TimeoutException) {
                        throw timeout();
                    }
                    throw cause instanceof RuntimeException ? (RuntimeException) cause : new IllegalStateException(cause);
                })
                .thenCompose(result -> resolveAsync(result, clock.millis(), round + 1, deadline));
    }

    private Snapshot await(CompletableFuture<Snapshot> refresh, long deadline) {
        try {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw timeout();
            }
            return refresh.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw timeout();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ReadRoleException.of(Reason.REFRESH_TIMEOUT, accountId, roleArn, null,
                    "Interrupted while waiting for the credentials of " + roleArn, e);
        } catch (ExecutionException e) {
            throw ReadRoleException.of(Reason.STS_UNAVAILABLE, accountId, roleArn, null,
                    "Refreshing the credentials of " + roleArn + " failed unexpectedly", e.getCause());
        }
    }

    private ReadRoleException unsettled() {
        return ReadRoleException.of(Reason.STS_UNAVAILABLE, accountId, roleArn, null,
                "The credentials of " + roleArn + " were invalidated or expired again while this call waited for"
                        + " them; retry the call", null);
    }

    private ReadRoleException timeout() {
        return ReadRoleException.of(Reason.REFRESH_TIMEOUT, accountId, roleArn, null,
                "Waited " + core.settings().refreshTimeout.toMillis() + " ms (OCEAN_AWS_REFRESH_TIMEOUT) for STS to"
                        + " issue credentials for " + roleArn + "; STS is slow or unreachable and no valid"
                        + " credentials are cached", null);
    }

    private void checkOpen() {
        if (core.isClosed()) {
            throw closedException();
        }
    }

    private Snapshot closedSnapshot() {
        return new Snapshot(null, null, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, closedException(),
                Long.MAX_VALUE, Long.MAX_VALUE, 0);
    }

    private ReadRoleException closedException() {
        return ReadRoleException.of(Reason.CLOSED, accountId, roleArn, null,
                "The ReadRoleBroker was closed; build a new one (or use AwsReadSession.forAccount)", null);
    }

    /** In the advisory window (and not backing off after a failure): starts the one background refresh. */
    private void maybeBackgroundRefresh(Snapshot s, long now) {
        if (now >= s.refreshAt && now >= s.retryAfter) {
            refresh(s, true);
        }
    }

    /**
     * Starts a refresh unless one is in flight (single flight); returns the one in flight. {@code seen} is the
     * snapshot the caller based its decision on: if another refresh (or an invalidation) published a new snapshot
     * since, a background refresh is not started, and a foreground one only if the new snapshot is neither usable nor
     * a cached failure; otherwise the new snapshot is returned for the caller to decide again.
     */
    CompletableFuture<Snapshot> refresh(Snapshot seen, boolean background) {
        CompletableFuture<Snapshot> result;
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            Snapshot current = snapshot;
            if (current != seen) {
                long now = clock.millis();
                if (background || current.usableAt(now) || (current.failure != null && now < current.failureUntil)) {
                    return CompletableFuture.completedFuture(current);
                }
            }
            result = new CompletableFuture<>();
            inFlight = result;
        }
        CompletableFuture<StsGateway.Issued> call;
        try {
            call = core.assume(accountId, roleArn);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((issued, error) -> complete(result, issued, error, background));
        return result;
    }

    /**
     * Publishes the outcome of the refresh {@code result}. The next snapshot is computed from the current one under
     * the lock, so an {@link #invalidate()} or {@link #shutdown()} that happened while the call was in flight is not
     * overwritten with stale state; logging happens outside the lock.
     */
    private void complete(CompletableFuture<Snapshot> result, StsGateway.Issued issued, Throwable error,
            boolean background) {
        Snapshot previous;
        Snapshot next;
        long now;
        ReadRoleException failure = null;
        synchronized (lock) {
            if (inFlight != result) {
                // shutdown() already completed this refresh; keep the closed state.
                return;
            }
            inFlight = null;
            previous = snapshot;
            now = clock.millis();
            if (core.isClosed()) {
                // The call failed because close() stopped the threads under it: say so, not what it failed with.
                snapshot = Snapshot.EMPTY;
                next = null;
            } else {
                try {
                    next = error == null ? succeeded(now, issued) : null;
                } catch (RuntimeException e) {
                    error = e;
                    next = null;
                }
                if (next != null && !next.usableAt(now)) {
                    // Never published as credentials: nobody could be given them, and a waiting caller would have
                    // nothing to report. A failure (retried after the backoff) says what is wrong.
                    failure = ReadRoleException.of(Reason.STS_UNAVAILABLE, accountId, roleArn, null,
                            "STS issued credentials for " + roleArn + " that expire at "
                                    + Instant.ofEpochMilli(next.expiresAt) + ", within the mandatory refresh window"
                                    + " (OCEAN_AWS_MANDATORY_WINDOW) of now (" + Instant.ofEpochMilli(now)
                                    + "); check the session duration, the role's MaxSessionDuration and the clock",
                            null);
                    next = failed(previous, now, failure);
                } else if (next == null) {
                    failure = StsErrors.toReadRoleException(error, accountId, roleArn, core.knownPrincipal(),
                            core.settings().externalIdFor(accountId) != null);
                    next = failed(previous, now, failure);
                }
                snapshot = next;
            }
        }
        if (next == null) {
            result.complete(closedSnapshot());
            return;
        }
        try {
            report(previous, next, now, failure, background);
        } finally {
            result.complete(next);
        }
    }

    private Snapshot succeeded(long now, StsGateway.Issued issued) {
        if (issued == null) {
            throw new IllegalStateException("the STS call completed without credentials");
        }
        long expires = issued.credentials.expirationTime().orElseThrow().toEpochMilli();
        RefreshWindows windows = core.windows();
        long mandatoryAt = expires - windows.mandatoryMillis();
        long refreshAt = windows.advisoryStart(now, expires);
        return new Snapshot(issued.credentials, issued.assumedRoleArn, refreshAt, mandatoryAt, expires, null, 0, 0,
                0);
    }

    private Snapshot failed(Snapshot previous, long now, ReadRoleException failure) {
        int failures = previous.failures + 1;
        long backoff = backoffMillis(failures);
        // Recoverable: retry after a jittered backoff. Not recoverable: nothing changes by retrying, so neither
        // callers (negative cache) nor background refreshes reach STS again before the failure cache time is over.
        long failureUntil = now + (failure.retryable() ? backoff
                : Math.max(backoff, core.settings().failureCacheTime.toMillis()));
        return new Snapshot(previous.credentials, previous.assumedRoleArn, previous.refreshAt == Long.MIN_VALUE
                ? Long.MIN_VALUE : Math.min(previous.refreshAt, now), previous.mandatoryAt, previous.expiresAt,
                failure, failureUntil, failureUntil, failures);
    }

    /** Logs the outcome: one WARN per failure episode, an INFO when an episode ends. */
    private void report(Snapshot previous, Snapshot next, long now, ReadRoleException failure, boolean background) {
        Events events = core.events();
        if (failure == null) {
            if (previous.failures > 0) {
                events.recovered(accountId, previous.failures);
            }
            events.refreshed(accountId, next.assumedRoleArn, Instant.ofEpochMilli(next.expiresAt), background);
            return;
        }
        if (next.failures == 1) {
            String code = failure.errorCode().orElse(failure.reason().name());
            if (previous.usableAt(now)) {
                events.refreshFailedServingCached(accountId, code, Instant.ofEpochMilli(previous.expiresAt),
                        failure.getMessage());
            } else {
                events.refreshFailed(accountId, code, failure.retryable(), failure.getMessage());
            }
        }
        events.refreshFailure(accountId, failure);
    }

    private long backoffMillis(int failures) {
        Settings s = core.settings();
        long base = s.retryBaseDelay.toMillis();
        long cap = s.retryMaxDelay.toMillis();
        long ceiling = Math.min(cap, base << Math.min(20, failures));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    /**
     * Forgets the cached credentials and any cached failure: the next call refreshes. A refresh already in flight
     * still publishes its outcome (its credentials were issued after the ones forgotten).
     */
    public void invalidate() {
        invalidate(null);
    }

    /**
     * Forgets the cached credentials only if they are still the ones with access key {@code accessKeyId}: a service
     * rejecting credentials that were already replaced (many requests in flight when they expired) must not throw
     * away the fresh ones. With a null key, the same as {@link #invalidate()}.
     *
     * @return whether the credentials were forgotten
     */
    public boolean invalidate(String accessKeyId) {
        synchronized (lock) {
            Snapshot s = snapshot;
            if (accessKeyId != null && (s.credentials == null || !accessKeyId.equals(s.credentials.accessKeyId()))) {
                return false;
            }
            snapshot = new Snapshot(null, s.assumedRoleArn, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, null, 0, 0,
                    s.failures);
            return true;
        }
    }

    /**
     * Drops everything; later calls fail because the broker is closed. A caller waiting for a refresh in flight is
     * woken at once with the same {@link Reason#CLOSED} failure instead of waiting out its timeout.
     */
    public void shutdown() {
        CompletableFuture<Snapshot> pending;
        synchronized (lock) {
            snapshot = Snapshot.EMPTY;
            pending = inFlight;
            inFlight = null;
        }
        if (pending != null) {
            pending.complete(closedSnapshot());
        }
    }

    /**
     * The refresh in flight, completing (never exceptionally) when it has been published; a completed future when
     * none is in flight. For tests and health checks: waiting on it never starts a refresh.
     */
    public CompletableFuture<Void> inFlightRefresh() {
        CompletableFuture<Snapshot> pending;
        synchronized (lock) {
            pending = inFlight;
        }
        return pending == null ? CompletableFuture.completedFuture(null) : pending.thenRun(() -> { });
    }

    /** The assumed-role ARN of the current credentials, once assumed. */
    public String assumedRoleArn() {
        return snapshot.assumedRoleArn;
    }

    /** When the current credentials expire, or null when there are none. */
    public Instant expiration() {
        Snapshot s = snapshot;
        return s.credentials == null ? null : Instant.ofEpochMilli(s.expiresAt);
    }

    /** When a caller will next trigger a background refresh, or null when there are no credentials. */
    public Instant nextRefresh() {
        Snapshot s = snapshot;
        return s.credentials == null ? null : Instant.ofEpochMilli(s.refreshAt);
    }

    /** The failure of the last refresh, if the last refresh failed. */
    public ReadRoleException lastFailure() {
        return snapshot.failure;
    }

    /** Whether a refresh is in flight (for tests and health). */
    public boolean refreshing() {
        synchronized (lock) {
            return inFlight != null;
        }
    }

    @Override
    public String toString() {
        Snapshot s = snapshot;
        return "AccountCredentials(account=" + accountId + ", role=" + roleArn + ", expires="
                + (s.credentials == null ? "none" : Instant.ofEpochMilli(s.expiresAt)) + ")";
    }

    /** Immutable state; replaced as a whole. */
    static final class Snapshot {
        static final Snapshot EMPTY =
                new Snapshot(null, null, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, null, 0, 0, 0);

        final AwsSessionCredentials credentials;
        final String assumedRoleArn;
        /** Before this instant callers take the hot path. */
        final long refreshAt;
        /** From this instant the credentials are never handed out. */
        final long mandatoryAt;
        final long expiresAt;
        final ReadRoleException failure;
        /** Until this instant a caller with no usable credentials gets {@link #failure} without an STS call. */
        final long failureUntil;
        /** No background refresh is started before this instant (backoff after a failed one). */
        final long retryAfter;
        /** Consecutive failed refreshes in this episode. */
        final int failures;
        /**
         * {@link #credentials} as a completed future, made once, so that {@code resolveIdentity} allocates nothing on
         * the hot path either. Shared by all async callers: a caller that obtrudes a value on it (never done by the
         * SDK) would be the only way to change it.
         */
        final CompletableFuture<AwsCredentialsIdentity> identity;

        Snapshot(AwsSessionCredentials credentials, String assumedRoleArn, long refreshAt, long mandatoryAt,
                long expiresAt, ReadRoleException failure, long failureUntil, long retryAfter, int failures) {
            this.credentials = credentials;
            this.assumedRoleArn = assumedRoleArn;
            this.refreshAt = refreshAt;
            this.mandatoryAt = mandatoryAt;
            this.expiresAt = expiresAt;
            this.failure = failure;
            this.failureUntil = failureUntil;
            this.retryAfter = retryAfter;
            this.failures = failures;
            this.identity = credentials == null ? null : CompletableFuture.completedFuture(credentials);
        }

        boolean usableAt(long now) {
            return credentials != null && now < mandatoryAt;
        }
    }
}
