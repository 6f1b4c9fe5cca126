package io.getport.ocean.aws.credentials.accounts;

import io.getport.ocean.aws.credentials.ReadRoleException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of an access check for one account: {@link Status#OK} with the assumed-role ARN and expiry,
 * {@link Status#DENIED} with the STS error and the likely causes, or {@link Status#ERROR} when STS kept failing
 * (after the broker's retries) and a later check may succeed.
 *
 * <p>Immutable and thread safe. Its {@code toString()} and {@link #message()} never contain a secret.
 */
public final class AccessResult {

    /** The three outcomes. */
    public enum Status {
        /** The role was assumed; its credentials are in the broker's cache. */
        OK,
        /** STS (or the broker's configuration) refused: something must change before this account can be read. */
        DENIED,
        /** STS could not be reached or kept failing after retries (throttling, 5xx, timeouts): try again later. */
        ERROR
    }

    /**
     * Why an account was denied. STS answers {@code AccessDenied} alike for most of these, so a result lists the
     * candidates, most likely first.
     */
    public enum Cause {
        /** The role's trust policy does not name the base identity (or one of its conditions fails). */
        TRUST_POLICY,
        /**
         * The base identity's own permissions do not allow {@code sts:AssumeRole} on this role: its identity policy,
         * an explicit {@code Deny}, a permissions boundary or a service control policy.
         */
        BASE_IDENTITY_POLICY,
        /** The role does not exist in the account (the StackSet did not reach it, say); STS says AccessDenied. */
        ROLE_MISSING,
        /** The trust policy requires an ExternalId that differs from the configured one, or none is configured. */
        EXTERNAL_ID_MISMATCH,
        /** The base identity's own credentials were rejected (expired, revoked, malformed). */
        BASE_IDENTITY_INVALID,
        /** The broker's configuration refused the account before any call ({@code OCEAN_AWS_ALLOWED_ACCOUNTS}). */
        NOT_ALLOWED,
        /** STS refused the request itself: region disabled, a malformed session policy, an invalid duration. */
        INVALID_REQUEST,
        /** STS did not answer in time or kept failing. */
        STS_UNAVAILABLE
    }

    private final AccountTarget target;
    private final String roleArn;
    private final Status status;
    private final String assumedRoleArn;
    private final Instant expiration;
    private final Duration latency;
    private final boolean cached;
    private final ReadRoleException failure;
    private final String errorCode;
    private final String message;
    private final List<Cause> likelyCauses;

    AccessResult(AccountTarget target, String roleArn, Status status, String assumedRoleArn, Instant expiration,
            Duration latency, boolean cached, ReadRoleException failure, String errorCode, String message,
            List<Cause> likelyCauses) {
        this.target = target;
        this.roleArn = roleArn;
        this.status = status;
        this.assumedRoleArn = assumedRoleArn;
        this.expiration = expiration;
        this.latency = latency;
        this.cached = cached;
        this.failure = failure;
        this.errorCode = errorCode;
        this.message = message;
        this.likelyCauses = List.copyOf(likelyCauses);
    }

    AccessResult withCauses(List<Cause> causes) {
        return new AccessResult(target, roleArn, status, assumedRoleArn, expiration, latency, cached, failure,
                errorCode, message, causes);
    }

    /** The account checked. */
    public AccountTarget target() {
        return target;
    }

    /** The account ID. */
    public String accountId() {
        return target.accountId();
    }

    /** The role ARN that was assumed (or refused). */
    public String roleArn() {
        return roleArn;
    }

    /** OK, DENIED or ERROR. */
    public Status status() {
        return status;
    }

    /** Whether the role was assumed. */
    public boolean isOk() {
        return status == Status.OK;
    }

    /** When OK: the session's ARN, {@code arn:aws:sts::<account>:assumed-role/<role>/<session>}. */
    public Optional<String> assumedRoleArn() {
        return Optional.ofNullable(assumedRoleArn);
    }

    /** When OK: when the cached credentials expire. */
    public Optional<Instant> expiration() {
        return Optional.ofNullable(expiration);
    }

    /** How long this account's check took, from the start of its resolution to its answer. */
    public Duration latency() {
        return latency;
    }

    /**
     * When OK: whether the broker already held valid credentials for the account, so no STS call was made. (A DENIED
     * answer may also come from the broker's failure cache, {@code OCEAN_AWS_FAILURE_CACHE_TIME}; that is not
     * reported here.)
     */
    public boolean cached() {
        return cached;
    }

    /** When not OK: the STS error code ({@code AccessDenied}, {@code Throttling}, ...) or the broker's reason. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** When not OK: the broker's actionable message (what failed and what to change). */
    public Optional<String> message() {
        return Optional.ofNullable(message);
    }

    /** When not OK: the candidate causes, most likely first; empty when OK. */
    public List<Cause> likelyCauses() {
        return likelyCauses;
    }

    /** When not OK: the exception the broker raised for this account. */
    public Optional<ReadRoleException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("AccessResult(account=").append(accountId()).append(", status=")
                .append(status);
        if (status == Status.OK) {
            s.append(", assumedRole=").append(assumedRoleArn).append(", expires=").append(expiration);
        } else {
            s.append(", role=").append(roleArn).append(", error=").append(errorCode).append(", likelyCauses=")
                    .append(likelyCauses);
        }
        return s.append(", latencyMs=").append(latency.toMillis()).append(cached ? ", cached" : "").append(')')
                .toString();
    }
}
