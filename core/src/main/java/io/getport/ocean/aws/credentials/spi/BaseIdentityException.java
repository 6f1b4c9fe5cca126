package io.getport.ocean.aws.credentials.spi;

import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The runtime's own credential source failed in a way that may go away by itself: the ECS agent, the EKS Pod Identity
 * agent or IMDS did not answer within its deadline, answered 5xx, answered something that is not credentials, or an
 * answer was larger than allowed. The message names the component and the endpoint or file, and what was received;
 * it never contains a token, a secret key or an answer's body.
 *
 * <p>It is not an STS failure: the broker reports it as the base identity being unavailable and does not count it
 * against STS's circuit breaker. Failures that will not go away without a change (a refused token, no role attached,
 * an unreadable token file) are {@link io.getport.ocean.aws.credentials.ReadRoleException}s with reason
 * {@code BASE_IDENTITY_INVALID} instead.
 *
 * <p>Immutable and thread safe.
 */
public final class BaseIdentityException extends SdkClientException {
    private static final long serialVersionUID = 1L;

    /** The ECS agent's container credentials endpoint. */
    public static final String ECS_AGENT = "ECS agent";
    /** The EKS Pod Identity agent. */
    public static final String POD_IDENTITY_AGENT = "EKS Pod Identity agent";
    /** The EC2 instance metadata service. */
    public static final String IMDS = "IMDS";
    /** A token file ({@code AWS_WEB_IDENTITY_TOKEN_FILE}, {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}). */
    public static final String TOKEN_FILE = "token file";
    /** STS answering {@code AssumeRoleWithWebIdentity} for the pod's own role (EKS IRSA, chained mode). */
    public static final String WEB_IDENTITY_STS = "STS (AssumeRoleWithWebIdentity for the base identity)";

    private final String component;

    private BaseIdentityException(String component, String message, Throwable cause) {
        super(SdkClientException.builder().message(message).cause(cause));
        this.component = Objects.requireNonNull(component, "component");
    }

    /**
     * Creates one.
     *
     * @param component which part failed, one of the constants here (e.g. {@link #ECS_AGENT})
     * @param message what failed and what was received; must not contain secrets
     * @param cause the underlying failure, or {@code null}
     */
    public static BaseIdentityException of(String component, String message, Throwable cause) {
        return new BaseIdentityException(component, Objects.requireNonNull(message, "message"), cause);
    }

    /** Which part of the runtime identity failed, e.g. {@value #ECS_AGENT} or {@value #IMDS}. */
    public String component() {
        return component;
    }

    /** Retrying later may succeed without a configuration change. */
    @Override
    public boolean retryable() {
        return true;
    }
}
