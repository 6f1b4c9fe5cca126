package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
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
    /** The error code of a call the open circuit breaker refused (no STS call was made). */
    static final String CIRCUIT_OPEN = "CircuitOpen";

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
            if (code == null || code.isBlank()) {
                // Query-protocol errors in the other shape (<ErrorResponse><Errors><Error><Code>, as moto sends):
                // the code is read from the body. A 403 with no code at all (a proxy, a firewall) is not known to be
                // STS's denial: it is reported as what it is (INVALID_RESPONSE), not as AccessDenied.
                return codeInBody(ase);
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
        if (e instanceof CallNotPermittedException) {
            return true;
        }
        if (e instanceof AwsServiceException) {
            AwsServiceException ase = (AwsServiceException) e;
            String code = errorCode(ase);
            return ase.statusCode() >= 500 || ase.isThrottlingException()
                    || (code != null && RECOVERABLE_CODES.contains(code));
        }
        if (e instanceof NoAnswer) {
            return true;
        }
        if (e instanceof BaseIdentityUnavailable || e instanceof InvalidResponse || e instanceof QueueTimeout) {
            return false;
        }
        if (e instanceof SdkClientException && (unparsable(e) || internalCause(e) != null)) {
            return false;
        }
        return e instanceof SdkClientException || e instanceof java.io.IOException
                || e instanceof java.util.concurrent.TimeoutException;
    }

    private static final Pattern CODE_ELEMENT = Pattern.compile("<Code>\\s*([A-Za-z][A-Za-z0-9.]{0,99})\\s*</Code>");

    private static String codeInBody(AwsServiceException e) {
        if (e.awsErrorDetails() == null || e.awsErrorDetails().rawResponse() == null) {
            return null;
        }
        byte[] body = e.awsErrorDetails().rawResponse().asByteArrayUnsafe();
        String text = new String(body, 0, Math.min(body.length, 4096), java.nio.charset.StandardCharsets.UTF_8);
        if (!text.contains("<ErrorResponse")) {
            return null;
        }
        Matcher m = CODE_ELEMENT.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The failure of this process that an SDK client exception wraps, or null: an {@link Error}, or a runtime
     * exception that is neither the SDK's, an I/O failure nor a value that could not be parsed (the SDK reports an
     * {@link ArithmeticException} thrown by an interceptor after the answer as "Unable to unmarshall response"; that
     * is a bug here, not an answer from STS).
     */
    static Throwable internalCause(Throwable e) {
        if (!(e instanceof SdkClientException)) {
            return null;
        }
        int depth = 0;
        for (Throwable c = e.getCause(); c != null && depth < 20; c = c.getCause(), depth++) {
            if (c instanceof Error) {
                return c;
            }
            if (c instanceof RuntimeException && !(c instanceof software.amazon.awssdk.core.exception.SdkException)
                    && !(c instanceof java.io.UncheckedIOException) && !(c instanceof java.time.DateTimeException)
                    && !(c instanceof IllegalArgumentException)) {
                return c;
            }
        }
        return null;
    }

    /** Whether the SDK could not read STS's answer (HTTP success or error with a body that is not STS's XML). */
    static boolean unparsable(Throwable e) {
        String m = e.getMessage();
        if (m == null) {
            return false;
        }
        String lower = m.toLowerCase(Locale.ROOT);
        return lower.contains("unable to unmarshall") || lower.contains("unable to parse")
                || lower.contains("unmarshalling");
    }

    /**
     * The local credential source (ECS agent, IMDS, token file, Pod Identity agent, a given provider) failed before
     * any STS call: reported as {@link Reason#BASE_IDENTITY_UNAVAILABLE}, never counted against STS.
     */
    public static final class BaseIdentityUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String component;

        public BaseIdentityUnavailable(String component, Throwable cause) {
            super(component + " did not provide the base identity's credentials: " + received(cause), cause, false,
                    false);
            this.component = component;
        }

        public String component() {
            return component;
        }
    }

    /** STS answered, but not with a valid answer to the request (missing elements, an impossible expiry). */
    public static final class InvalidResponse extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InvalidResponse(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * STS did not answer one call within {@code stsCallTimeout} (silent, silent after its headers, or trickling): an
     * outage, retried and counted by the circuit breaker. The message says how long was waited and what had arrived.
     */
    public static final class NoAnswer extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String action;
        private final java.time.Duration timeout;
        private final String received;
        private final int attempts;

        public NoAnswer(String action, java.time.Duration timeout, String received, int attempts, Throwable cause) {
            super(describe(action, timeout, received, attempts), cause, false, false);
            this.action = action;
            this.timeout = timeout;
            this.received = received;
            this.attempts = attempts;
        }

        private static String describe(String call, java.time.Duration timeout, String received, int attempts) {
            return "STS did not answer in " + timeout.toMillis() + " ms (OCEAN_AWS_STS_CALL_TIMEOUT) to " + call
                    + " (received: " + received + ")" + (attempts > 1 ? "; gave up after " + attempts
                    + " attempts (OCEAN_AWS_RETRY_MAX_ATTEMPTS)" : "");
        }

        /** The message, naming what the call was for (e.g. "AssumeRole for arn:..."). */
        String describe(String target) {
            return describe(action + " for " + target, timeout, received, attempts);
        }

        /** The same failure, as the last of {@code attempts} attempts. */
        public NoAnswer afterAttempts(int attempts) {
            return attempts == this.attempts ? this : new NoAnswer(action, timeout, received, attempts, getCause());
        }
    }

    /** A call waited its whole {@code queueTimeout} in the broker's queue and was never sent to STS. */
    public static final class QueueTimeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public QueueTimeout(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What a failure says about itself, bounded and on one line: its class and message (an SDK or JDK message never
     * carries a credential the broker holds; the text is cut at 300 characters).
     */
    static String received(Throwable cause) {
        if (cause == null) {
            return "no detail";
        }
        String m = cause.getMessage();
        String text = cause.getClass().getName() + (m == null ? "" : ": " + m);
        text = text.replaceAll("[\\r\\n\\t]+", " ");
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /**
     * {@code text} on one line, at most {@code max} characters, with control and non-ASCII characters escaped: for
     * values from an answer that are not secrets (a Content-Type, an element's name).
     */
    static String printable(String text, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return text.length() > max ? out + "..." : out.toString();
    }

    /** Whether the retry layer should try again at once: recoverable, but not a protection that already said no. */
    public static boolean retryable(Throwable t) {
        Throwable e = unwrap(t);
        return recoverable(e) && !(e instanceof CallNotPermittedException) && !(e instanceof ReadRoleException);
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
        if (e instanceof BaseIdentityUnavailable) {
            return ReadRoleException.of(Reason.BASE_IDENTITY_UNAVAILABLE, accountId, roleArn, null,
                    e.getMessage() + ". No STS call was made for " + roleArn + "; check " + ((BaseIdentityUnavailable) e)
                            .component() + " (the doctor shows the runtime identity and its endpoints).", e.getCause());
        }
        if (e instanceof QueueTimeout) {
            return ReadRoleException.of(Reason.QUEUE_TIMEOUT, accountId, roleArn, "QueueTimeout",
                    "The STS call for " + roleArn + " was not sent: " + e.getMessage() + ". STS was not slow: too"
                            + " many calls were pending for the STS rate this broker is granted; raise"
                            + " OCEAN_AWS_QUEUE_TIMEOUT or spread the accounts' first use.", null);
        }
        if (e instanceof InvalidResponse) {
            return ReadRoleException.of(Reason.INVALID_RESPONSE, accountId, roleArn, "InvalidResponse",
                    "STS's answer for " + roleArn + " is not a valid answer: " + e.getMessage()
                            + ". Check OCEAN_AWS_STS_ENDPOINT (a proxy or an emulator may answer instead of STS).",
                    null);
        }
        if (e instanceof NoAnswer) {
            return ReadRoleException.of(Reason.STS_UNAVAILABLE, accountId, roleArn, "NoAnswer",
                    ((NoAnswer) e).describe(roleArn) + ". STS (or a proxy in between) is slow or unreachable;"
                            + " check connectivity to the STS"
                            + " endpoint (OCEAN_AWS_STS_ENDPOINT, OCEAN_AWS_STS_REGION). Cached credentials are served"
                            + " until their mandatory refresh window.", e.getCause());
        }
        if (!(e instanceof software.amazon.awssdk.core.exception.SdkException) && !(e instanceof java.io.IOException)
                && !(e instanceof java.util.concurrent.TimeoutException)
                && !(e instanceof CallNotPermittedException)) {
            // An Error (OutOfMemoryError, StackOverflowError) or an unexpected exception in this process: STS said
            // nothing of the kind.
            return ReadRoleException.of(Reason.INTERNAL_ERROR, accountId, roleArn, e.getClass().getSimpleName(),
                    "Assuming " + roleArn + " failed inside this process, not at STS: " + received(e)
                            + ". This is a resource limit or a bug; the call is retried after the failure cache time.",
                    e);
        }
        Throwable internal = internalCause(e);
        if (internal != null) {
            return ReadRoleException.of(Reason.INTERNAL_ERROR, accountId, roleArn, internal.getClass().getSimpleName(),
                    "Assuming " + roleArn + " failed inside this process, not at STS: " + received(internal)
                            + " (in the STS client: " + e.getClass().getSimpleName() + "). This is a resource limit"
                            + " or a bug; the call is retried after the failure cache time.", internal);
        }
        if (e instanceof SdkClientException && unparsable(e)) {
            return ReadRoleException.of(Reason.INVALID_RESPONSE, accountId, roleArn, "InvalidResponse",
                    "STS's answer for " + roleArn + " could not be read as an STS answer (" + received(e)
                            + "). Check OCEAN_AWS_STS_ENDPOINT (a proxy or an emulator may answer instead of STS).",
                    null);
        }
        if (e instanceof AwsServiceException && errorCode(e) == null && ((AwsServiceException) e).statusCode() < 500
                && !isThrottling(e)) {
            AwsServiceException ase = (AwsServiceException) e;
            return ReadRoleException.of(Reason.INVALID_RESPONSE, accountId, roleArn, "HTTP" + ase.statusCode(),
                    "The STS endpoint answered " + roleArn + " with HTTP " + ase.statusCode() + " but without an STS"
                            + " error code (" + received(ase) + "): not an answer"
                            + " STS gives, so not reported as a denial. Check OCEAN_AWS_STS_ENDPOINT and any proxy"
                            + " in between.", null);
        }
        String code = errorCode(e);
        String stsSaid = e instanceof AwsServiceException && ((AwsServiceException) e).awsErrorDetails() != null
                && ((AwsServiceException) e).awsErrorDetails().errorMessage() != null
                ? ((AwsServiceException) e).awsErrorDetails().errorMessage() : e.getMessage();
        String who = principal != null ? principal : principalInMessage(e);
        String whoText = who != null ? who : "the base identity (run the doctor to see its ARN)";
        if (e instanceof CallNotPermittedException) {
            return ReadRoleException.of(Reason.STS_UNAVAILABLE, accountId, roleArn, CIRCUIT_OPEN,
                    "STS is unavailable: recent calls kept failing, so the circuit breaker is open and calls are"
                            + " paused (OCEAN_AWS_CIRCUIT_OPEN_DURATION); " + roleArn + " is refreshed when the circuit"
                            + " half-opens. Cached credentials are served until their mandatory refresh window.", null);
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
        if (code == null && e instanceof AwsServiceException) {
            // No STS error code (a proxy's 502 page, an empty 503): say what arrived, never the body.
            return "HTTP " + ((AwsServiceException) e).statusCode() + " without an STS error code (" + received(
                    (AwsServiceException) e) + ")";
        }
        return (code != null ? code : e.getClass().getSimpleName()) + (message != null ? ": " + message : "");
    }

    /** "N bytes, Content-Type X" of an error answer. */
    private static String received(AwsServiceException ase) {
        int length = ase.awsErrorDetails() != null && ase.awsErrorDetails().rawResponse() != null
                ? ase.awsErrorDetails().rawResponse().asByteArrayUnsafe().length : 0;
        String contentType = ase.awsErrorDetails() != null && ase.awsErrorDetails().sdkHttpResponse() != null
                ? ase.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Content-Type")
                        .map(t -> printable(t, 100)).orElse("none") : "unknown";
        return length + " bytes, Content-Type " + contentType;
    }
}
