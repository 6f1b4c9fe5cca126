package io.getport.ocean.aws.credentials;

import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time health snapshot of a {@link ReadRoleBroker}, from {@link ReadRoleBroker#health()}: the identity,
 * how many accounts are cached, which accounts are failing and why, the STS circuit breaker's state and the earliest
 * credential expiry. Meant for an integration's health or status endpoint.
 *
 * <p>Taking a snapshot makes no STS call and takes no lock on the hot path; it walks the cached accounts once.
 *
 * <p>Immutable and thread safe; contains no secret (failure messages name ARNs and settings, never keys, tokens or
 * ExternalIds).
 */
public final class BrokerHealth {

    /** The overall state, for a health endpoint. */
    public enum Status {
        /** No cached account is failing and the STS circuit breaker is closed. */
        UP,
        /**
         * Some accounts are failing (see {@link #failingAccounts()}; those still {@link AccountFailure#servingCached()
         * served from the cache} keep working), or the circuit breaker is not closed (STS kept failing; calls are
         * paused). Restarting the process does not fix either: they need an IAM change or STS to recover.
         */
        DEGRADED,
        /** The broker was closed. */
        DOWN
    }

    private final Instant checkedAt;
    private final IdentityDetection identity;
    private final long cachedAccounts;
    private final List<AccountFailure> failingAccounts;
    private final String circuitState;
    private final Instant earliestExpiry;
    private final String earliestExpiringAccount;
    private final boolean closed;

    BrokerHealth(Instant checkedAt, IdentityDetection identity, long cachedAccounts,
            List<AccountFailure> failingAccounts, String circuitState, Instant earliestExpiry,
            String earliestExpiringAccount, boolean closed) {
        this.checkedAt = Objects.requireNonNull(checkedAt);
        this.identity = Objects.requireNonNull(identity);
        this.cachedAccounts = cachedAccounts;
        this.failingAccounts = List.copyOf(failingAccounts);
        this.circuitState = Objects.requireNonNull(circuitState);
        this.earliestExpiry = earliestExpiry;
        this.earliestExpiringAccount = earliestExpiringAccount;
        this.closed = closed;
    }

    /** {@link Status#DOWN} when closed, {@link Status#DEGRADED} when an account fails or the circuit is not closed. */
    public Status status() {
        if (closed) {
            return Status.DOWN;
        }
        return failingAccounts.isEmpty() && "CLOSED".equals(circuitState) ? Status.UP : Status.DEGRADED;
    }

    /** When the snapshot was taken, by the broker's clock. */
    public Instant checkedAt() {
        return checkedAt;
    }

    /** The runtime identity and, once {@code GetCallerIdentity} answered, the base principal. */
    public IdentityDetection identity() {
        return identity;
    }

    /** The number of accounts in the cache (with credentials, a cached failure, or not yet resolved). */
    public long cachedAccounts() {
        return cachedAccounts;
    }

    /** The accounts whose last refresh failed, by account ID. */
    public List<AccountFailure> failingAccounts() {
        return failingAccounts;
    }

    /**
     * The STS circuit breaker's state: {@code CLOSED} (calls flow), {@code OPEN} (STS kept failing; calls are paused
     * for {@code OCEAN_AWS_CIRCUIT_OPEN_DURATION}) or {@code HALF_OPEN} (trial calls).
     */
    public String circuitState() {
        return circuitState;
    }

    /** The earliest expiry of any cached credentials; empty when none are cached. */
    public Optional<Instant> earliestExpiry() {
        return Optional.ofNullable(earliestExpiry);
    }

    /** The account whose credentials expire first; empty when none are cached. */
    public Optional<String> earliestExpiringAccount() {
        return Optional.ofNullable(earliestExpiringAccount);
    }

    @Override
    public String toString() {
        return "BrokerHealth(status=" + status() + ", identity=" + identity.source() + ", principal="
                + identity.basePrincipal().orElse("not yet known") + ", cachedAccounts=" + cachedAccounts
                + ", failingAccounts=" + failingAccounts.size() + ", circuit=" + circuitState + ", earliestExpiry="
                + (earliestExpiry == null ? "none" : earliestExpiry) + ")";
    }

    /** One account whose last refresh failed. Immutable; no secret. */
    public static final class AccountFailure {
        private final String accountId;
        private final String roleArn;
        private final Reason reason;
        private final String errorCode;
        private final String message;
        private final Instant cachedCredentialsExpiry;

        AccountFailure(String accountId, String roleArn, ReadRoleException failure, Instant cachedCredentialsExpiry) {
            this.accountId = accountId;
            this.roleArn = roleArn;
            this.reason = failure.reason();
            this.errorCode = failure.errorCode().orElse(null);
            this.message = failure.getMessage();
            this.cachedCredentialsExpiry = cachedCredentialsExpiry;
        }

        /** The target account. */
        public String accountId() {
            return accountId;
        }

        /** The read role ARN in that account. */
        public String roleArn() {
            return roleArn;
        }

        /** Why it failed. */
        public Reason reason() {
            return reason;
        }

        /** The STS error code, e.g. {@code AccessDenied}, when STS answered. */
        public Optional<String> errorCode() {
            return Optional.ofNullable(errorCode);
        }

        /** The actionable message of the failure (what to fix). */
        public String message() {
            return message;
        }

        /** Whether valid credentials from before the failure are still being served (static stability). */
        public boolean servingCached() {
            return cachedCredentialsExpiry != null;
        }

        /** Until when the cached credentials are served, when {@link #servingCached()}. */
        public Optional<Instant> cachedCredentialsExpiry() {
            return Optional.ofNullable(cachedCredentialsExpiry);
        }

        /** Whether retrying later may succeed without changing any configuration. */
        public boolean retryable() {
            return reason == Reason.STS_UNAVAILABLE || reason == Reason.REFRESH_TIMEOUT;
        }

        @Override
        public String toString() {
            return "AccountFailure(account=" + accountId + ", reason=" + reason
                    + (errorCode == null ? "" : ", error=" + errorCode) + ", servingCached=" + servingCached() + ")";
        }
    }
}
