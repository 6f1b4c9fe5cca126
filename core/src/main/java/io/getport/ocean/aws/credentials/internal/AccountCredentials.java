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
 * <p>Hot path ({@link #resolveCredentials()} with fresh credentials): one volatile read, one clock read, one compare;
 * no lock, no call, no allocation. Everything else (advisory refresh, mandatory wait, failures) is the slow path,
 * where at most one STS call per account is in flight however many threads ask (single flight).
 *
 * <p>Thread safe.
 */
public final class AccountCredentials implements AwsCredentialsProvider {
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
            return CompletableFuture.completedFuture(s.credentials);
        }
        try {
            AccountCredentials canonical = core.canonical(this);
            if (canonical != this) {
                return canonical.resolveIdentity(request);
            }
            checkOpen();
            if (s.usableAt(now)) {
                maybeBackgroundRefresh(s, now);
                return CompletableFuture.completedFuture(s.credentials);
            }
            if (s.failure != null && now < s.failureUntil) {
                core.events().negativeCacheHit(accountId);
                return CompletableFuture.failedFuture(s.failure.rethrown());
            }
            core.events().cacheMiss(accountId);
            long timeoutMs = core.settings().refreshTimeout.toMillis();
            return refresh(false)
                    .thenApply(this::usableOrThrow)
                    .<AwsCredentialsIdentity>thenApply(c -> c)
                    .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .exceptionally(e -> {
                        Throwable t = StsErrors.unwrap(e);
                        if (t instanceof TimeoutException) {
                            throw timeout();
                        }
                        throw t instanceof RuntimeException ? (RuntimeException) t : new IllegalStateException(t);
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private AwsCredentials slowPath(Snapshot s, long now) {
        AccountCredentials canonical = core.canonical(this);
        if (canonical != this) {
            return canonical.resolveCredentials();
        }
        checkOpen();
        if (s.usableAt(now)) {
            maybeBackgroundRefresh(s, now);
            return s.credentials;
        }
        if (s.failure != null && now < s.failureUntil) {
            core.events().negativeCacheHit(accountId);
            throw s.failure.rethrown();
        }
        core.events().cacheMiss(accountId);
        CompletableFuture<Snapshot> refresh = refresh(false);
        Snapshot result;
        try {
            result = refresh.get(core.settings().refreshTimeout.toMillis(), TimeUnit.MILLISECONDS);
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
        return usableOrThrow(result);
    }

    private AwsSessionCredentials usableOrThrow(Snapshot result) {
        if (result.usableAt(clock.millis())) {
            return result.credentials;
        }
        if (result.failure != null) {
            throw result.failure.rethrown();
        }
        throw ReadRoleException.of(Reason.STS_UNAVAILABLE, accountId, roleArn, null,
                "STS issued credentials for " + roleArn + " that expire within the mandatory refresh window"
                        + " (OCEAN_AWS_MANDATORY_WINDOW); check the session duration and the clock", null);
    }

    private ReadRoleException timeout() {
        return ReadRoleException.of(Reason.REFRESH_TIMEOUT, accountId, roleArn, null,
                "Waited " + core.settings().refreshTimeout.toMillis() + " ms (OCEAN_AWS_REFRESH_TIMEOUT) for STS to"
                        + " issue credentials for " + roleArn + "; STS is slow or unreachable and no valid"
                        + " credentials are cached", null);
    }

    private void checkOpen() {
        if (core.isClosed()) {
            throw ReadRoleException.of(Reason.CLOSED, accountId, roleArn, null,
                    "The ReadRoleBroker was closed; build a new one (or use AwsReadSession.forAccount)", null);
        }
    }

    private void maybeBackgroundRefresh(Snapshot s, long now) {
        if (now >= s.retryAfter) {
            refresh(true);
        }
    }

    /** Starts a refresh unless one is in flight (single flight); returns the one in flight. */
    CompletableFuture<Snapshot> refresh(boolean background) {
        CompletableFuture<Snapshot> result;
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
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
        call.whenComplete((issued, error) -> {
            Snapshot next;
            try {
                next = error == null ? succeeded(issued, background) : failed(error);
            } catch (RuntimeException e) {
                next = failed(e);
            }
            synchronized (lock) {
                snapshot = next;
                inFlight = null;
            }
            result.complete(next);
        });
        return result;
    }

    private Snapshot succeeded(StsGateway.Issued issued, boolean background) {
        Snapshot previous = snapshot;
        long now = clock.millis();
        Instant expiration = issued.credentials.expirationTime().orElseThrow();
        long expires = expiration.toEpochMilli();
        RefreshWindows windows = core.windows();
        long mandatoryAt = expires - windows.mandatoryMillis();
        long refreshAt = windows.advisoryStart(now, expires);
        if (previous.failures > 0) {
            core.events().recovered(accountId, previous.failures);
        }
        core.events().refreshed(accountId, issued.assumedRoleArn, expiration, background);
        return new Snapshot(issued.credentials, issued.assumedRoleArn, refreshAt, mandatoryAt, expires, null, 0, 0,
                0);
    }

    private Snapshot failed(Throwable error) {
        Snapshot previous = snapshot;
        long now = clock.millis();
        ReadRoleException failure = StsErrors.toReadRoleException(error, accountId, roleArn, core.knownPrincipal(),
                core.settings().externalIdFor(accountId) != null);
        boolean recoverable = failure.retryable();
        int failures = previous.failures + 1;
        long backoff = backoffMillis(failures);
        long failureUntil = now + (recoverable ? backoff : core.settings().failureCacheTime.toMillis());
        boolean serving = previous.usableAt(now);
        if (failures == 1) {
            String code = failure.errorCode().orElse(failure.reason().name());
            if (serving) {
                core.events().refreshFailedServingCached(accountId, code,
                        Instant.ofEpochMilli(previous.expiresAt), failure.getMessage());
            } else {
                core.events().refreshFailed(accountId, code, recoverable, failure.getMessage());
            }
        }
        core.events().refreshFailure(accountId, failure);
        return new Snapshot(previous.credentials, previous.assumedRoleArn, previous.refreshAt == Long.MIN_VALUE
                ? Long.MIN_VALUE : Math.min(previous.refreshAt, now), previous.mandatoryAt, previous.expiresAt,
                failure, failureUntil, now + backoff, failures);
    }

    private long backoffMillis(int failures) {
        Settings s = core.settings();
        long base = s.retryBaseDelay.toMillis();
        long cap = s.retryMaxDelay.toMillis();
        long ceiling = Math.min(cap, base << Math.min(20, failures));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    /** Forgets the cached credentials and any cached failure: the next call refreshes. */
    public void invalidate() {
        synchronized (lock) {
            Snapshot s = snapshot;
            snapshot = new Snapshot(null, s.assumedRoleArn, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, null, 0, 0,
                    s.failures);
        }
    }

    /** Drops everything; later calls fail because the broker is closed. */
    public void shutdown() {
        synchronized (lock) {
            snapshot = Snapshot.EMPTY;
        }
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
        }

        boolean usableAt(long now) {
            return credentials != null && now < mandatoryAt;
        }
    }
}
