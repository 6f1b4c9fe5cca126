package io.getport.ocean.aws.credentials.ec2;

/**
 * The instance metadata service did not give what was asked, with an explanation fit for an operator (no token, no
 * credentials). {@link #definite()} failures will not go away by retrying (no role attached, IMDS refused); the others
 * may (timeouts, 5xx).
 */
final class ImdsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean definite;
    private final boolean hopLimit;

    ImdsException(String message, boolean definite, boolean hopLimit, Throwable cause) {
        super(message, cause);
        this.definite = definite;
        this.hopLimit = hopLimit;
    }

    boolean definite() {
        return definite;
    }

    /** Whether the token request timed out in the way a container behind a hop limit of 1 sees it. */
    boolean hopLimit() {
        return hopLimit;
    }
}
