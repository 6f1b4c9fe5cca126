package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>State is one immutable {@link Snapshot} in a volatile field, replaced as a whole by compare-and-set; the refresh
 * in flight is a {@link Refresh} set by compare-and-set and dropped when it ends. No lock: an account holds no object
 * that only the cold path uses (its refresh state is allocated per refresh and dropped after). From the credentials'
 * expiry {@code E}:
 * <ul>
 *   <li>before the planned refresh ({@link RefreshWindows#plannedRefresh}, the account's phase, leaving the outage
 *   buffer {@code B} and the mandatory window before {@code E}): the hot path ({@link #resolveCredentials()} and
 *   {@link #resolveIdentity} with fresh credentials): one volatile read, one clock read, one compare; no lock, no call,
 *   no allocation;</li>
 *   <li>from the planned refresh up to {@code E - mandatoryWindow}: callers get the cached credentials at once, and the
 *   first one starts the one background refresh (again after a jittered backoff if it failed);</li>
 *   <li>mandatory window and after: credentials are never handed out; callers wait for the one refresh in flight:
 *   while it is queued behind other accounts' calls, up to {@code queueTimeout} (the queue fails it with
 *   {@link Reason#QUEUE_TIMEOUT}); once it was sent to STS, up to {@code refreshTimeout}, then they fail with
 *   {@link Reason#REFRESH_TIMEOUT}. A caller that leaves (its timeout, an interrupt, an async caller's own
 *   {@code orTimeout}) never cancels the refresh: it completes and is cached for the next caller.</li>
 * </ul>
 * A failed refresh is cached in the snapshot: recoverable failures for a jittered backoff, others for
 * {@code failureCacheTime}; a caller without usable credentials gets the cached failure without an STS call. One WARN
 * per failure episode, an INFO when it ends ({@link Events}).
 *
 * <p>Single flight: at most one refresh per holder, and {@link StsGateway#assume} shares one STS call per role ARN
 * across holders (an evicted holder still in use and its replacement). One refresh per need: a caller that waited
 * for a refresh never starts a background one on the credentials it got.
 *
 * <p>Thread safe.
 */
public final class AccountCredentials implements AwsCredentialsProvider {
    /** A caller waits for at most this many refresh outcomes that were neither usable nor a failure. */
    private static final int MAX_ROUNDS = 3;
    private static final VarHandle SNAPSHOT;
    private static final VarHandle IN_FLIGHT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SNAPSHOT = l.findVarHandle(AccountCredentials.class, "snapshot", Snapshot.class);
            IN_FLIGHT = l.findVarHandle(AccountCredentials.class, "inFlight", Refresh.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String accountId;
    private final String roleArn;
    private final BrokerCore core;
    private final Clock clock;
    /** The broker's events when a listener counts cache hits, else null: the hot path then reads one field only. */
    private final Events hitEvents;
    /** This account's refresh phase, assigned once (see {@link RefreshWindows#phase}). */
    private final long phase;
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    /** The refresh in flight, or null. */
    private volatile Refresh inFlight;

    /** One refresh: allocated when it starts, dropped when it ends. */
    static final class Refresh {
        /** The published outcome; completed after {@link #dispatched}. */
        final CompletableFuture<Snapshot> done = new CompletableFuture<>();
        /** Completed when the STS call left the broker's queue (or the refresh ended without it). */
        final CompletableFuture<Void> dispatched = new CompletableFuture<>();
    }

    public AccountCredentials(String accountId, String roleArn, BrokerCore core) {
        this.accountId = accountId;
        this.roleArn = roleArn;
        this.core = core;
        this.clock = core.clock();
        this.hitEvents = core.events().hasListeners() ? core.events() : null;
        this.phase = core.nextPhase();
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
            if (hitEvents != null) {
                hitEvents.cacheHit();
            }
            return s.credentials;
        }
        return slowPath(s, now);
    }

    @Override
    public CompletableFuture<AwsCredentialsIdentity> resolveIdentity(ResolveIdentityRequest request) {
        Snapshot s = snapshot;
        long now = clock.millis();
        if (now < s.refreshAt) {
            if (hitEvents != null) {
                hitEvents.cacheHit();
            }
            return s.identity();
        }
        try {
            checkOpen();
            AccountCredentials canonical = core.canonical(this);
            if (canonical != this) {
                return canonical.resolveIdentity(request);
            }
            return resolveAsync(s, now, 0);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The slow path of {@link #resolveCredentials()}: serve the cached credentials (starting a background refresh from
     * the planned refresh time on), throw the cached failure, or wait for the one refresh in flight.
     *
     * <p>The decision is made on the snapshot {@code seen} read before any compare-and-set; {@link #refresh} checks
     * that no other refresh completed since, so a caller that read a stale snapshot joins the outcome instead of
     * starting a second STS call. A caller goes round again only when the state it got is neither usable nor a failure
     * (it raced with {@link #invalidate()} or with the clock); a failure that a refresh it waited for produced is
     * thrown at once, and credentials it waited for are returned without considering another refresh, so one call
     * never causes more than one refresh.
     */
    private AwsCredentials slowPath(Snapshot s, long now) {
        // Closed first: after close() a holder must not re-register itself in the (emptied) cache.
        checkOpen();
        AccountCredentials canonical = core.canonical(this);
        if (canonical != this) {
            return canonical.resolveCredentials();
        }
        Snapshot seen = s;
        long t = now;
        for (int round = 0; ; round++) {
            if (seen.usableAt(t)) {
                if (round == 0) {
                    maybeBackgroundRefresh(seen, t);
                }
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
            } else if (round == MAX_ROUNDS) {
                throw unsettled();
            }
            seen = await(refresh(seen, false));
            t = clock.millis();
        }
    }

    private CompletableFuture<AwsCredentialsIdentity> resolveAsync(Snapshot seen, long t, int round) {
        if (seen.usableAt(t)) {
            if (round == 0) {
                maybeBackgroundRefresh(seen, t);
            }
            return seen.identity();
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
        Refresh r = refresh(seen, false);
        Settings settings = core.settings();
        long refreshNanos = settings.refreshTimeout.toNanos();
        long queueNanos = settings.queueTimeout.toNanos() + refreshNanos;
        // copy(): a timeout fails this caller's view only, never the refresh shared with other callers.
        CompletableFuture<Void> queued = r.dispatched.isDone() ? r.dispatched
                : r.dispatched.copy().orTimeout(queueNanos, TimeUnit.NANOSECONDS);
        return queued
                .handle((x, e) -> {
                    if (e != null && StsErrors.unwrap(e) instanceof TimeoutException) {
                        throw queueWaitTimeout();
                    }
                    return r.done.copy().orTimeout(refreshNanos, TimeUnit.NANOSECONDS);
                })
                .thenCompose(f -> f)
                .exceptionally(e -> {
                    Throwable cause = StsErrors.unwrap(e);
                    if (cause instanceof TimeoutException) {
                        throw timeout();
                    }
                    throw cause instanceof RuntimeException ? (RuntimeException) cause : new IllegalStateException(cause);
                })
                .thenCompose(result -> resolveAsync(result, clock.millis(), round + 1));
    }

    /**
     * Waits for {@code r}: while its call is queued behind other calls, up to the queue timeout (the queue itself fails
     * the call then, with the message saying where the time went); once sent to STS, up to the refresh timeout.
     */
    private Snapshot await(Refresh r) {
        Settings settings = core.settings();
        // While it waits, this thread may run queued STS calls (its own or other accounts'): see CallRunners.
        CallRunners runners = core.gateway().runners();
        try {
            if (!r.dispatched.isDone()) {
                try {
                    runners.await(r.dispatched, settings.queueTimeout.toNanos() + settings.refreshTimeout.toNanos());
                } catch (TimeoutException e) {
                    throw queueWaitTimeout();
                }
            }
            return runners.await(r.done, settings.refreshTimeout.toNanos());
        } catch (TimeoutException e) {
            throw timeout();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ReadRoleException.of(Reason.REFRESH_TIMEOUT, accountId, roleArn, null,
                    "Interrupted while waiting for the credentials of " + roleArn + " (the refresh goes on and is"
                            + " cached for the next caller)", e);
        } catch (ExecutionException e) {
            throw ReadRoleException.of(Reason.INTERNAL_ERROR, accountId, roleArn, null,
                    "Refreshing the credentials of " + roleArn + " failed unexpectedly: "
                            + StsErrors.received(e.getCause()), e.getCause());
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
                        + " answer the call sent for " + roleArn + "; STS did not answer in that time (slow or"
                        + " unreachable) and no valid credentials are cached", null);
    }

    private ReadRoleException queueWaitTimeout() {
        StsQueue queue = core.gateway().queue();
        return ReadRoleException.of(Reason.QUEUE_TIMEOUT, accountId, roleArn, "QueueTimeout",
                String.format(java.util.Locale.ROOT, "The STS call for %s was still queued behind %d calls at %.0f"
                        + " calls/s after %d ms (OCEAN_AWS_QUEUE_TIMEOUT); STS was not slow: the broker's own queue"
                        + " held it", roleArn, queue.queued() + queue.running(), queue.currentRate(),
                        core.settings().queueTimeout.toMillis()), null);
    }

    private void checkOpen() {
        if (core.isClosed()) {
            throw closedException();
        }
    }

    private Snapshot closedSnapshot() {
        return new Snapshot(null, null, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, closedException(),
                Long.MAX_VALUE, Long.MAX_VALUE, 0, true);
    }

    private ReadRoleException closedException() {
        return ReadRoleException.of(Reason.CLOSED, accountId, roleArn, null,
                "The ReadRoleBroker was closed; build a new one (or use AwsReadSession.forAccount)", null);
    }

    /** From the planned refresh on (and not backing off after a failure): starts the one background refresh. */
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
    Refresh refresh(Snapshot seen, boolean background) {
        Refresh mine = null;
        while (true) {
            Refresh running = inFlight;
            if (running != null) {
                return running;
            }
            Snapshot current = snapshot;
            if (current != seen && settled(current, background)) {
                return completed(current);
            }
            if (mine == null) {
                mine = new Refresh();
            }
            if (IN_FLIGHT.compareAndSet(this, null, mine)) {
                break;
            }
        }
        // A refresh that ended between the check and the compare-and-set published first: join its outcome.
        Snapshot current = snapshot;
        if (current != seen && settled(current, background)) {
            IN_FLIGHT.compareAndSet(this, mine, null);
            mine.dispatched.complete(null);
            mine.done.complete(current);
            return mine;
        }
        StsGateway.Pending<StsGateway.Issued> call;
        try {
            call = core.assume(accountId, roleArn);
        } catch (RuntimeException e) {
            call = StsGateway.Pending.failed(e);
        }
        Refresh r = mine;
        call.dispatched.whenComplete((x, e) -> r.dispatched.complete(null));
        call.result.whenComplete((issued, error) -> complete(r, issued, error, background));
        return mine;
    }

    private boolean settled(Snapshot current, boolean background) {
        long now = clock.millis();
        return background || current.usableAt(now) || (current.failure != null && now < current.failureUntil);
    }

    private static Refresh completed(Snapshot s) {
        Refresh r = new Refresh();
        r.dispatched.complete(null);
        r.done.complete(s);
        return r;
    }

    /**
     * Publishes the outcome of the refresh {@code r}. The next snapshot is computed from the current one and set by
     * compare-and-set, so an {@link #invalidate()} or {@link #shutdown()} that happened while the call was in flight is
     * not overwritten with stale state; logging happens after.
     */
    private void complete(Refresh r, StsGateway.Issued issued, Throwable error, boolean background) {
        if (inFlight != r) {
            // shutdown() already completed this refresh; keep the closed state.
            return;
        }
        long now = clock.millis();
        if (core.isClosed()) {
            // The call failed because close() stopped the threads under it: say so, not what it failed with.
            SNAPSHOT.setVolatile(this, Snapshot.EMPTY);
            IN_FLIGHT.compareAndSet(this, r, null);
            r.dispatched.complete(null);
            r.done.complete(closedSnapshot());
            return;
        }
        Snapshot fresh = null;
        ReadRoleException failure = null;
        if (error == null) {
            try {
                fresh = succeeded(now, issued);
            } catch (RuntimeException e) {
                error = e;
            }
        }
        if (fresh != null && !fresh.usableAt(now)) {
            // Never published as credentials: nobody could be given them, and a waiting caller would have nothing to
            // report. A failure (retried after the backoff) says what is wrong.
            failure = ReadRoleException.of(Reason.STS_UNAVAILABLE, accountId, roleArn, null,
                    "STS issued credentials for " + roleArn + " that expire at "
                            + Instant.ofEpochMilli(fresh.expiresAt) + ", within the mandatory refresh window"
                            + " (OCEAN_AWS_MANDATORY_WINDOW) of now (" + Instant.ofEpochMilli(now)
                            + "); check the session duration, the role's MaxSessionDuration and the clock", null);
            fresh = null;
        } else if (fresh == null) {
            failure = StsErrors.toReadRoleException(error, accountId, roleArn, core.knownPrincipal(),
                    core.settings().externalIdFor(accountId) != null);
        }
        Snapshot previous;
        Snapshot next;
        do {
            previous = snapshot;
            next = fresh != null ? fresh : failed(previous, now, failure);
        } while (!SNAPSHOT.compareAndSet(this, previous, next));
        // Cleared after publishing: a caller that finds no refresh in flight finds the new snapshot.
        IN_FLIGHT.compareAndSet(this, r, null);
        try {
            report(previous, next, now, failure, background);
        } finally {
            r.dispatched.complete(null);
            r.done.complete(next);
        }
    }

    private Snapshot succeeded(long now, StsGateway.Issued issued) {
        if (issued == null) {
            throw new IllegalStateException("the STS call completed without credentials");
        }
        long expires = issued.credentials.expirationTime().orElseThrow().toEpochMilli();
        RefreshWindows windows = core.windows();
        long mandatoryAt = expires - windows.mandatoryMillis();
        long refreshAt = windows.plannedRefresh(phase, now, expires);
        return new Snapshot(issued.credentials, issued.assumedRoleArn, refreshAt, mandatoryAt, expires, null, 0, 0,
                0, false);
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
                failure, failureUntil, failureUntil, failures, previous.warned || !quiet(previous, now, failure));
    }

    /**
     * A failure that writes no WARN: a refresh the open circuit breaker refused while cached credentials are still
     * served. The breaker's own WARN ("STS calls are paused") says it once for all accounts; no caller is affected;
     * and in an STS outage every account whose planned refresh falls in it would otherwise write one (1,698 lines for
     * 10,000 accounts and an 8-minute outage in the benchmarks' outage day). The episode's WARN is then written by its
     * first failure that matters: another error, or the circuit still open when the credentials run out.
     */
    private static boolean quiet(Snapshot previous, long now, ReadRoleException failure) {
        return StsErrors.CIRCUIT_OPEN.equals(failure.errorCode().orElse(null)) && previous.usableAt(now);
    }

    /**
     * Logs the outcome: one WARN per failure episode (at its first failure that is not {@linkplain #quiet quiet}), an
     * INFO when an episode that wrote it ends (DEBUG when it stayed quiet).
     */
    private void report(Snapshot previous, Snapshot next, long now, ReadRoleException failure, boolean background) {
        Events events = core.events();
        if (failure == null) {
            if (previous.failures > 0) {
                events.recovered(accountId, previous.failures, previous.warned);
            }
            events.refreshed(accountId, next.assumedRoleArn, Instant.ofEpochMilli(next.expiresAt), background);
            return;
        }
        if (next.warned && !previous.warned) {
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

    /** The delay before retrying after {@code failures} failed refreshes (twice the base after the first). */
    private long backoffMillis(int failures) {
        return core.backoff().delayMillis(failures + 1);
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
        while (true) {
            Snapshot s = snapshot;
            if (accessKeyId != null && (s.credentials == null || !accessKeyId.equals(s.credentials.accessKeyId()))) {
                return false;
            }
            Snapshot next = new Snapshot(null, s.assumedRoleArn, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, null,
                    0, 0, s.failures, s.warned);
            if (SNAPSHOT.compareAndSet(this, s, next)) {
                return true;
            }
        }
    }

    /**
     * Drops everything; later calls fail because the broker is closed. A caller waiting for a refresh in flight is
     * woken at once with the same {@link Reason#CLOSED} failure instead of waiting out its timeout.
     */
    public void shutdown() {
        SNAPSHOT.setVolatile(this, Snapshot.EMPTY);
        Refresh pending = (Refresh) IN_FLIGHT.getAndSet(this, null);
        if (pending != null) {
            pending.dispatched.complete(null);
            pending.done.complete(closedSnapshot());
        }
    }

    /**
     * The refresh in flight, completing (never exceptionally) when it has been published; a completed future when
     * none is in flight. For tests and health checks: waiting on it never starts a refresh.
     */
    public CompletableFuture<Void> inFlightRefresh() {
        Refresh pending = inFlight;
        return pending == null ? CompletableFuture.completedFuture(null) : pending.done.thenRun(() -> { });
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
        return inFlight != null;
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
                new Snapshot(null, null, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, null, 0, 0, 0, false);

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
        /** Whether this episode's WARN was written (see {@link AccountCredentials#quiet}). */
        final boolean warned;
        /**
         * {@link #credentials} as a completed future, made on the first async call (sync-only users never pay for
         * it), so that {@code resolveIdentity} allocates nothing on the hot path either. A benign race: two threads
         * may each make one; either is correct. Shared by all async callers: a caller that obtrudes a value on it
         * (never done by the SDK) would be the only way to change it.
         */
        private CompletableFuture<AwsCredentialsIdentity> identity;

        Snapshot(AwsSessionCredentials credentials, String assumedRoleArn, long refreshAt, long mandatoryAt,
                long expiresAt, ReadRoleException failure, long failureUntil, long retryAfter, int failures,
                boolean warned) {
            this.credentials = credentials;
            this.assumedRoleArn = assumedRoleArn;
            this.refreshAt = refreshAt;
            this.mandatoryAt = mandatoryAt;
            this.expiresAt = expiresAt;
            this.failure = failure;
            this.failureUntil = failureUntil;
            this.retryAfter = retryAfter;
            this.failures = failures;
            this.warned = warned;
        }

        CompletableFuture<AwsCredentialsIdentity> identity() {
            CompletableFuture<AwsCredentialsIdentity> id = identity;
            if (id == null && credentials != null) {
                id = CompletableFuture.completedFuture(credentials);
                identity = id;
            }
            return id;
        }

        boolean usableAt(long now) {
            return credentials != null && now < mandatoryAt;
        }
    }
}
