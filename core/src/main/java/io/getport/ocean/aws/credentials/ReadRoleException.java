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
        /**
         * The base identity's own credentials could not be obtained from the local credential source (the ECS agent,
         * the instance metadata service, the web identity token file, the Pod Identity agent, a given provider): no
         * STS call was made. The message names the component and what it answered. Retryable.
         */
        BASE_IDENTITY_UNAVAILABLE,
        /**
         * STS (or whatever answers at the STS endpoint) gave an answer that is not a valid one: a success without
         * credentials or with an impossible expiry, a body that is not STS's XML, an HTTP error without an STS error
         * code. The message says what was received (never a credential).
         */
        INVALID_RESPONSE,
        /** STS did not answer a call sent to it within the refresh timeout ({@code OCEAN_AWS_REFRESH_TIMEOUT}). */
        REFRESH_TIMEOUT,
        /**
         * The call waited its whole queue timeout ({@code OCEAN_AWS_QUEUE_TIMEOUT}) in the broker's own STS queue
         * behind other accounts' calls and was never sent: STS was not slow. The message says how many calls were
         * ahead and at what rate. Retryable.
         */
        QUEUE_TIMEOUT,
        /**
         * Assuming failed inside this process (an {@link Error} such as {@link OutOfMemoryError}, or an unexpected
         * exception): not an answer from STS.
         */
        INTERNAL_ERROR,
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
        return reason == Reason.STS_UNAVAILABLE || reason == Reason.REFRESH_TIMEOUT
                || reason == Reason.QUEUE_TIMEOUT || reason == Reason.BASE_IDENTITY_UNAVAILABLE;
    }
}
