package io.getport.ocean.aws.credentials.testkit.fake;

/**
 * STS errors {@link FakeSts} can answer with, each with the status, code and message shape real STS uses.
 *
 * <p>Messages that name the caller or the role ({@link #ACCESS_DENIED}, {@link #REGION_DISABLED}) are rendered from
 * the request they answer.
 */
public enum StsError {
    /** 400 {@code Throttling} "Rate exceeded": recoverable, retry with backoff. */
    THROTTLING(400, "Sender", "Throttling", "Rate exceeded"),
    /** 403 {@code AccessDenied}: "User: &lt;caller&gt; is not authorized to perform: sts:AssumeRole on resource: &lt;role&gt;". */
    ACCESS_DENIED(403, "Sender", "AccessDenied", "User: %s is not authorized to perform: sts:%s on resource: %s"),
    /** 403 {@code ExpiredToken}: the caller's own session token has expired. */
    EXPIRED_TOKEN(403, "Sender", "ExpiredToken", "The security token included in the request is expired"),
    /** 400 {@code ExpiredTokenException}: the web identity token passed to AssumeRoleWithWebIdentity has expired. */
    EXPIRED_WEB_IDENTITY_TOKEN(400, "Sender", "ExpiredTokenException",
            "Token expired: current date/time %s must be before the expiration date/time %s"),
    /** 400 {@code InvalidIdentityToken}: the web identity token was rejected. */
    INVALID_IDENTITY_TOKEN(400, "Sender", "InvalidIdentityToken",
            "The web identity token that was passed could not be validated by AWS. Get a new identity token from the"
                    + " identity provider and then retry the request."),
    /** 400 {@code IDPCommunicationError}: the OIDC provider could not be reached; recoverable. */
    IDP_COMMUNICATION_ERROR(400, "Sender", "IDPCommunicationError",
            "The request could not be fulfilled because the identity provider (IDP) that was asked to verify the"
                    + " incoming identity token could not be reached. Try the request again."),
    /** 403 {@code RegionDisabledException}: STS is not activated in the region for the account. */
    REGION_DISABLED(403, "Sender", "RegionDisabledException",
            "STS is not activated in this region for account:%s. Your account administrator can activate STS in this"
                    + " region using the IAM Console."),
    /** 400 {@code ValidationError}: DurationSeconds above one hour for a role-chained session. */
    ROLE_CHAINING_LIMIT(400, "Sender", "ValidationError",
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."),
    /** 400 {@code MalformedPolicyDocument}: a session policy is not valid. */
    MALFORMED_POLICY_DOCUMENT(400, "Sender", "MalformedPolicyDocument", "The policy is not in the valid JSON format."),
    /** 400 {@code PackedPolicyTooLarge}: the session policies and tags exceed the packed size limit. */
    PACKED_POLICY_TOO_LARGE(400, "Sender", "PackedPolicyTooLarge",
            "Packed policy consumes 112% of allotted space, please use smaller policy."),
    /** 500 {@code InternalFailure}: recoverable. */
    INTERNAL_FAILURE(500, "Receiver", "InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure."),
    /** 503 {@code ServiceUnavailable}: recoverable. */
    SERVICE_UNAVAILABLE(503, "Receiver", "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.");

    private final int status;
    private final String type;
    private final String code;
    private final String message;

    StsError(int status, String type, String code, String message) {
        this.status = status;
        this.type = type;
        this.code = code;
        this.message = message;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The {@code <Code>} element, which the SDK exposes as {@code awsErrorDetails().errorCode()}. */
    public String code() {
        return code;
    }

    /** {@code Sender} for client errors, {@code Receiver} for server errors. */
    public String type() {
        return type;
    }

    /** The message, a {@link String#format} pattern for the errors whose text names the request's parties. */
    public String messagePattern() {
        return message;
    }
}
