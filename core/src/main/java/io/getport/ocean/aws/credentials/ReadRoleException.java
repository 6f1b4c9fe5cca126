package io.getport.ocean.aws.credentials;

import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The one exception family of this library: why credentials for an account could not be handed out, and what to do.
 *
 * <p>It extends the SDK's {@link SdkClientException}, so an SDK client that resolves credentials through an
 * {@link AwsReadSession} surfaces it the way it surfaces its own client-side failures. The message names what
 * failed (the role ARN, the principal, the variable) and what to change; it never contains a secret key, session
 * token, web identity token or ExternalId.
 */
public final class ReadRoleException extends SdkClientException {
    private static final long serialVersionUID = 1L;

    /** Why the read role could not be used. */
    public enum Reason {
        /** STS denied the request: trust policy, the base identity's permissions, a missing role or ExternalId. */
        ACCESS_DENIED,
        /** The base identity's own credentials are invalid or expired (ExpiredToken, InvalidClientTokenId, ...). */
        BASE_IDENTITY_INVALID,
        /** STS refused the request as malformed: policy, duration, region disabled, and the like. */
        INVALID_REQUEST,
        /** STS could not be reached or kept failing (throttling, 5xx, timeouts, open circuit) and no valid credentials remain. */
        STS_UNAVAILABLE,
        /** A caller waited for a refresh longer than the configured refresh timeout. */
        REFRESH_TIMEOUT,
        /** No runtime identity source was found, or the pinned one is not usable. */
        NO_IDENTITY,
        /**
         * The configuration forbids the request: account not allowed, base identity in an unexpected account, or an
         * operation refused by the write guard ({@link #errorCode()} {@code WriteGuard}).
         */
        NOT_ALLOWED,
        /** The broker was closed. */
        CLOSED
    }

    private final Reason reason;
    private final String accountId;
    private final String roleArn;
    private final String errorCode;

    private ReadRoleException(Reason reason, String accountId, String roleArn, String errorCode, String message,
            Throwable cause) {
        super(SdkClientException.builder().message(message).cause(cause));
        this.reason = Objects.requireNonNull(reason, "reason");
        this.accountId = accountId;
        this.roleArn = roleArn;
        this.errorCode = errorCode;
    }

    /**
     * Creates an exception. Library-internal; callers only catch it.
     *
     * @param reason the category
     * @param accountId the target account, or {@code null} when the failure is not about one account
     * @param roleArn the read role ARN, or {@code null}
     * @param errorCode the STS error code (e.g. {@code AccessDenied}), or {@code null}
     * @param message the actionable message; must not contain secrets
     * @param cause the underlying failure, or {@code null}
     */
    public static ReadRoleException of(Reason reason, String accountId, String roleArn, String errorCode,
            String message, Throwable cause) {
        return new ReadRoleException(reason, accountId, roleArn, errorCode, message, cause);
    }

    /** A copy with a fresh stack trace, so a cached failure thrown again shows where it was thrown this time. */
    public ReadRoleException rethrown() {
        return new ReadRoleException(reason, accountId, roleArn, errorCode, getMessage(), this);
    }

    /** The category of the failure. */
    public Reason reason() {
        return reason;
    }

    /** The target account, when the failure concerns one. */
    public Optional<String> accountId() {
        return Optional.ofNullable(accountId);
    }

    /** The read role ARN, when the failure concerns one. */
    public Optional<String> roleArn() {
        return Optional.ofNullable(roleArn);
    }

    /** The STS (or endpoint) error code, e.g. {@code AccessDenied}, {@code Throttling}. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** Whether retrying later may succeed without changing any configuration. */
    @Override
    public boolean retryable() {
        return reason == Reason.STS_UNAVAILABLE || reason == Reason.REFRESH_TIMEOUT;
    }
}
