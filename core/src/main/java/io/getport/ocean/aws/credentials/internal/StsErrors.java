package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Sorts STS failures into recoverable (retry, keep serving cached credentials) and not (fail fast, cache the
 * failure), and turns them into {@link ReadRoleException}s that say what to fix.
 */
public final class StsErrors {
    private static final Set<String> RECOVERABLE_CODES = Set.of("Throttling", "ThrottlingException",
            "RequestLimitExceeded", "TooManyRequestsException", "IDPCommunicationError", "IDPCommunicationErrorException",
            "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalError",
            "RequestTimeout", "RequestTimeoutException", "SlowDown", "PriorRequestNotComplete");
    private static final Set<String> THROTTLING_CODES = Set.of("Throttling", "ThrottlingException",
            "RequestLimitExceeded", "TooManyRequestsException", "SlowDown");
    private static final Set<String> BASE_IDENTITY_CODES = Set.of("ExpiredToken", "ExpiredTokenException",
            "InvalidClientTokenId", "InvalidIdentityToken", "InvalidIdentityTokenException", "SignatureDoesNotMatch",
            "IncompleteSignature", "UnrecognizedClientException", "MissingAuthenticationToken");
    private static final Pattern NOT_AUTHORIZED_USER = Pattern.compile("User: (arn:\\S+) is not authorized");

    private StsErrors() {
    }

    /** Unwraps {@link CompletionException} and {@link ExecutionException}. */
    public static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** The STS error code of {@code t}, or null when it is not a service error. */
    public static String errorCode(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof AwsServiceException) {
            AwsServiceException ase = (AwsServiceException) e;
            String code = ase.awsErrorDetails() != null ? ase.awsErrorDetails().errorCode() : null;
            if (code == null && ase.statusCode() == 403) {
                // Some endpoints (and emulators) answer 403 with a body the SDK cannot parse: it is still a denial.
                return "AccessDenied";
            }
            return code;
        }
        return null;
    }

    /**
     * Whether retrying later may succeed without any change: throttling, 5xx, I/O errors, timeouts,
     * {@code IDPCommunicationError}. A {@link ReadRoleException} is recoverable when it says so.
     */
    public static boolean recoverable(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof ReadRoleException) {
            return ((ReadRoleException) e).retryable();
        }
        if (e instanceof CallNotPermittedException || e instanceof BulkheadFullException
                || e instanceof RequestNotPermitted) {
            return true;
        }
        if (e instanceof AwsServiceException) {
            AwsServiceException ase = (AwsServiceException) e;
            String code = errorCode(ase);
            return ase.statusCode() >= 500 || ase.isThrottlingException()
                    || (code != null && RECOVERABLE_CODES.contains(code));
        }
        return e instanceof SdkClientException || e instanceof java.io.IOException
                || e instanceof java.util.concurrent.TimeoutException;
    }

    /** Whether the retry layer should try again at once: recoverable, but not a protection that already said no. */
    public static boolean retryable(Throwable t) {
        Throwable e = unwrap(t);
        return recoverable(e) && !(e instanceof CallNotPermittedException) && !(e instanceof BulkheadFullException)
                && !(e instanceof RequestNotPermitted) && !(e instanceof ReadRoleException);
    }

    /** Whether {@code t} is STS throttling the caller (Throttling, RequestLimitExceeded, HTTP 429, ...). */
    public static boolean isThrottling(Throwable t) {
        Throwable e = unwrap(t);
        if (!(e instanceof AwsServiceException)) {
            return false;
        }
        AwsServiceException ase = (AwsServiceException) e;
        String code = errorCode(ase);
        return ase.isThrottlingException() || (code != null && THROTTLING_CODES.contains(code));
    }

    /**
     * Whether {@code t} says STS is down or unreachable (5xx, I/O errors, timeouts): what the circuit breaker counts.
     * Throttling is not an outage (STS answered, and the backoff and the rate limiter deal with it), and a
     * non-recoverable answer (AccessDenied, ...) proves STS is up.
     */
    public static boolean isOutage(Throwable t) {
        return recoverable(t) && !isThrottling(t);
    }

    /** Whether {@code t} is STS denying the request (AccessDenied). */
    public static boolean isAccessDenied(Throwable t) {
        String code = errorCode(t);
        return "AccessDenied".equals(code) || "AccessDeniedException".equals(code);
    }

    /** Whether {@code t} is STS refusing a duration above the one-hour role-chaining cap. */
    public static boolean isRoleChainingLimit(Throwable t) {
        Throwable e = unwrap(t);
        if (!"ValidationError".equals(errorCode(e))) {
            return false;
        }
        String message = String.valueOf(((AwsServiceException) e).awsErrorDetails().errorMessage())
                .toLowerCase(Locale.ROOT);
        return message.contains("1 hour session limit") || message.contains("role chaining");
    }

    /** The principal named in an AccessDenied message ("User: arn:... is not authorized"), if any. */
    public static String principalInMessage(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof AwsServiceException && ((AwsServiceException) e).awsErrorDetails() != null) {
            String message = ((AwsServiceException) e).awsErrorDetails().errorMessage();
            if (message != null) {
                Matcher m = NOT_AUTHORIZED_USER.matcher(message);
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    /**
     * Builds the exception a caller sees for a failed assumption of {@code roleArn} in {@code accountId}.
     *
     * @param principal the base principal's ARN if known, else null
     * @param externalIdConfigured whether an ExternalId was sent (its value is never included)
     */
    public static ReadRoleException toReadRoleException(Throwable failure, String accountId, String roleArn,
            String principal, boolean externalIdConfigured) {
        Throwable e = unwrap(failure);
        if (e instanceof ReadRoleException) {
            return (ReadRoleException) e;
        }
        String code = errorCode(e);
        String stsSaid = e instanceof AwsServiceException && ((AwsServiceException) e).awsErrorDetails() != null
                && ((AwsServiceException) e).awsErrorDetails().errorMessage() != null
                ? ((AwsServiceException) e).awsErrorDetails().errorMessage() : e.getMessage();
        String who = principal != null ? principal : principalInMessage(e);
        String whoText = who != null ? who : "the base identity (run the doctor to see its ARN)";
        if (e instanceof CallNotPermittedException) {
            return ReadRoleException.of(Reason.STS_UNAVAILABLE, accountId, roleArn, "CircuitOpen",
                    "STS is unavailable: recent calls kept failing, so the circuit breaker is open and calls are"
                            + " paused (OCEAN_AWS_CIRCUIT_OPEN_DURATION); " + roleArn + " is refreshed when the circuit"
                            + " half-opens. Cached credentials are served until their mandatory refresh window.", null);
        }
        if (e instanceof BulkheadFullException || e instanceof RequestNotPermitted) {
            return ReadRoleException.of(Reason.STS_UNAVAILABLE, accountId, roleArn, "LocalLimit",
                    "Too many STS calls are waiting: the local rate limit (OCEAN_AWS_STS_RATE_LIMIT) or concurrency cap"
                            + " (OCEAN_AWS_STS_MAX_CONCURRENCY) did not admit the call for " + roleArn
                            + " within the refresh timeout.", null);
        }
        if (recoverable(e)) {
            return ReadRoleException.of(Reason.STS_UNAVAILABLE, accountId, roleArn, code != null ? code
                    : e.getClass().getSimpleName(),
                    "STS did not answer AssumeRole for " + roleArn + " after retries (" + describe(code, stsSaid, e)
                            + "). This is usually transient (throttling, an outage or a network problem); check"
                            + " connectivity to the STS endpoint.", e);
        }
        if ("AccessDenied".equals(code) || "AccessDeniedException".equals(code)) {
            return ReadRoleException.of(Reason.ACCESS_DENIED, accountId, roleArn, code,
                    "AccessDenied: " + whoText + " may not assume " + roleArn + ". Likely fixes: (1) the trust policy"
                            + " of " + roleArn + " must allow that principal"
                            + (externalIdConfigured ? " with the configured ExternalId (sts:ExternalId condition)" : "")
                            + "; (2) the base identity's policy must allow sts:AssumeRole on " + roleArn
                            + "; (3) the role must exist in account " + accountId
                            + (externalIdConfigured ? "; (4) the ExternalId must match the role's condition" : "")
                            + ". Run the doctor for the exact policy JSON. STS said: " + stsSaid, e);
        }
        if (code != null && BASE_IDENTITY_CODES.contains(code)) {
            return ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, accountId, roleArn, code,
                    code + ": the base identity's own credentials were rejected by STS while assuming " + roleArn
                            + " (expired, revoked or malformed). Check the runtime identity (ECS task role, instance"
                            + " profile, EKS service account) and its token. STS said: " + stsSaid, e);
        }
        return ReadRoleException.of(Reason.INVALID_REQUEST, accountId, roleArn, code,
                (code != null ? code : e.getClass().getSimpleName()) + ": STS refused to assume " + roleArn
                        + hint(code) + ". STS said: " + stsSaid, e);
    }

    private static String hint(String code) {
        if (code == null) {
            return "";
        }
        switch (code) {
            case "RegionDisabledException":
                return " because STS is not activated in this region for the account (activate it in IAM account"
                        + " settings, or set OCEAN_AWS_STS_REGION to an enabled region)";
            case "MalformedPolicyDocument":
            case "MalformedPolicyDocumentException":
                return " because a session policy is malformed (check OCEAN_AWS_SESSION_POLICY_ARNS)";
            case "PackedPolicyTooLarge":
            case "PackedPolicyTooLargeException":
                return " because the session policies and tags are too large (fewer OCEAN_AWS_SESSION_POLICY_ARNS or"
                        + " OCEAN_AWS_SESSION_TAGS)";
            case "ValidationError":
                return " because a parameter is invalid (session name, duration, ExternalId format)";
            default:
                return "";
        }
    }

    private static String describe(String code, String message, Throwable e) {
        return (code != null ? code : e.getClass().getSimpleName()) + (message != null ? ": " + message : "");
    }
}
