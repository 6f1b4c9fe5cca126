package io.getport.ocean.aws.credentials.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.model.StsException;

class StsErrorsTest {
    private static final String ACCOUNT = "222222222222";
    private static final String ROLE = "arn:aws:iam::222222222222:role/PortOceanReadRole";
    private static final String PRINCIPAL = "arn:aws:iam::111111111111:user/port-ocean-base";

    static StsException sts(int status, String code, String message) {
        return (StsException) StsException.builder()
                .statusCode(status)
                .message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
                .build();
    }

    @ParameterizedTest(name = "{1} ({0})")
    @CsvSource({
            "400, Throttling", "400, ThrottlingException", "400, RequestLimitExceeded", "429, TooManyRequestsException",
            "400, IDPCommunicationError", "500, InternalFailure", "503, ServiceUnavailable", "502, SomethingNew"
    })
    void recoverable_transientStsErrors_true(int status, String code) {
        StsException e = sts(status, code, "transient");

        assertThat(StsErrors.recoverable(e)).isTrue();
        assertThat(StsErrors.retryable(e)).isTrue();
        assertThat(StsErrors.recoverable(new CompletionException(e))).isTrue();
    }

    @ParameterizedTest(name = "{1} ({0})")
    @CsvSource({
            "403, AccessDenied", "403, RegionDisabledException", "400, MalformedPolicyDocument",
            "400, PackedPolicyTooLarge", "400, InvalidIdentityToken", "403, ExpiredToken", "400, ExpiredTokenException",
            "403, InvalidClientTokenId", "400, ValidationError"
    })
    void recoverable_permanentStsErrors_false(int status, String code) {
        StsException e = sts(status, code, "permanent");

        assertThat(StsErrors.recoverable(e)).isFalse();
        assertThat(StsErrors.retryable(e)).isFalse();
    }

    @Test
    void recoverable_ioFailuresAndTimeouts_true() {
        assertThat(StsErrors.recoverable(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused")))).isTrue();
        assertThat(StsErrors.recoverable(ApiCallTimeoutException.create(300))).isTrue();
        assertThat(StsErrors.recoverable(new java.util.concurrent.TimeoutException())).isTrue();
        assertThat(StsErrors.retryable(ApiCallTimeoutException.create(300))).isTrue();
    }

    @Test
    void recoverable_programmingErrors_false() {
        assertThat(StsErrors.recoverable(new IllegalStateException("bug"))).isFalse();
        assertThat(StsErrors.recoverable(new NullPointerException())).isFalse();
    }

    @Test
    void retryable_protectionsThatSaidNo_falseButRecoverable() {
        CallNotPermittedException open = CallNotPermittedException
                .createCallNotPermittedException(CircuitBreaker.ofDefaults("t"));

        assertThat(StsErrors.recoverable(open)).isTrue();
        assertThat(StsErrors.retryable(open)).isFalse();
    }

    @ParameterizedTest(name = "{1} ({0})")
    @CsvSource({"400, Throttling", "400, ThrottlingException", "400, RequestLimitExceeded", "429, Whatever"})
    void isOutage_throttling_falseThoughRecoverable(int status, String code) {
        StsException e = sts(status, code, "slow down");

        assertThat(StsErrors.isThrottling(e)).isTrue();
        assertThat(StsErrors.recoverable(e)).isTrue();
        assertThat(StsErrors.isOutage(e)).isFalse();
    }

    @Test
    void isOutage_serverErrorsAndIoFailures_true() {
        assertThat(StsErrors.isOutage(sts(503, "ServiceUnavailable", "down"))).isTrue();
        assertThat(StsErrors.isOutage(sts(500, "InternalFailure", "down"))).isTrue();
        assertThat(StsErrors.isOutage(SdkClientException.create("refused", new ConnectException()))).isTrue();
        assertThat(StsErrors.isOutage(ApiCallTimeoutException.create(300))).isTrue();
        assertThat(StsErrors.isThrottling(sts(503, "ServiceUnavailable", "down"))).isFalse();
    }

    @Test
    void isOutage_stsAnsweredWithADenial_false() {
        assertThat(StsErrors.isOutage(sts(403, "AccessDenied", "no"))).isFalse();
        assertThat(StsErrors.isOutage(sts(400, "ValidationError", "no"))).isFalse();
        assertThat(StsErrors.isAccessDenied(sts(403, "AccessDenied", "no"))).isTrue();
        assertThat(StsErrors.isAccessDenied(sts(400, "Throttling", "no"))).isFalse();
    }

    @Test
    void unwrap_nestedCompletionAndExecutionExceptions_returnsTheCause() {
        StsException e = sts(403, "AccessDenied", "denied");

        assertThat(StsErrors.unwrap(new CompletionException(new ExecutionException(e)))).isSameAs(e);
        assertThat(StsErrors.errorCode(new CompletionException(e))).isEqualTo("AccessDenied");
        assertThat(StsErrors.errorCode(new IllegalStateException())).isNull();
    }

    @Test
    void isRoleChainingLimit_validationErrorAboutTheHourLimit_true() {
        assertThat(StsErrors.isRoleChainingLimit(sts(400, "ValidationError", "The requested DurationSeconds exceeds"
                + " the 1 hour session limit for roles assumed by role chaining."))).isTrue();
    }

    @Test
    void isRoleChainingLimit_otherValidationErrors_false() {
        assertThat(StsErrors.isRoleChainingLimit(sts(400, "ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."))).isFalse();
        assertThat(StsErrors.isRoleChainingLimit(sts(403, "AccessDenied", "role chaining"))).isFalse();
        assertThat(StsErrors.isRoleChainingLimit(new IllegalStateException("1 hour session limit"))).isFalse();
    }

    @Test
    void principalInMessage_accessDeniedMessage_extractsTheCaller() {
        StsException e = sts(403, "AccessDenied", "User: " + PRINCIPAL
                + " is not authorized to perform: sts:AssumeRole on resource: " + ROLE);

        assertThat(StsErrors.principalInMessage(e)).isEqualTo(PRINCIPAL);
        assertThat(StsErrors.principalInMessage(sts(400, "Throttling", "Rate exceeded"))).isNull();
    }

    @Test
    void toReadRoleException_accessDenied_namesRolePrincipalAndFixWithoutExternalIdValue() {
        StsException e = sts(403, "AccessDenied", "User: " + PRINCIPAL
                + " is not authorized to perform: sts:AssumeRole on resource: " + ROLE);

        ReadRoleException r = StsErrors.toReadRoleException(new CompletionException(e), ACCOUNT, ROLE, null, true);

        assertThat(r.reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(r.retryable()).isFalse();
        assertThat(r.errorCode()).contains("AccessDenied");
        assertThat(r.accountId()).contains(ACCOUNT);
        assertThat(r.roleArn()).contains(ROLE);
        assertThat(r.getMessage()).contains(ROLE, PRINCIPAL, "trust policy", "sts:AssumeRole", "ExternalId");
        assertThat(r.getCause()).isSameAs(e);
    }

    @Test
    void toReadRoleException_knownPrincipal_preferredOverTheMessage() {
        ReadRoleException r = StsErrors.toReadRoleException(sts(403, "AccessDenied", "denied"), ACCOUNT, ROLE,
                PRINCIPAL, false);

        assertThat(r.getMessage()).contains(PRINCIPAL).doesNotContain("ExternalId");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ExpiredToken", "InvalidClientTokenId", "InvalidIdentityToken"})
    void toReadRoleException_baseIdentityRejected_baseIdentityInvalid(String code) {
        ReadRoleException r = StsErrors.toReadRoleException(sts(403, code, "rejected"), ACCOUNT, ROLE, null, false);

        assertThat(r.reason()).isEqualTo(Reason.BASE_IDENTITY_INVALID);
        assertThat(r.retryable()).isFalse();
        assertThat(r.getMessage()).contains(code, ROLE, "base identity");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "RegionDisabledException, OCEAN_AWS_STS_REGION",
            "MalformedPolicyDocument, OCEAN_AWS_SESSION_POLICY_ARNS",
            "PackedPolicyTooLarge, OCEAN_AWS_SESSION_TAGS"
    })
    void toReadRoleException_invalidRequests_nameTheSettingToChange(String code, String setting) {
        ReadRoleException r = StsErrors.toReadRoleException(sts(400, code, "no"), ACCOUNT, ROLE, null, false);

        assertThat(r.reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(r.retryable()).isFalse();
        assertThat(r.getMessage()).contains(code, ROLE, setting);
    }

    @Test
    void toReadRoleException_throttled_stsUnavailableAndRetryable() {
        ReadRoleException r = StsErrors.toReadRoleException(sts(400, "Throttling", "Rate exceeded"), ACCOUNT, ROLE,
                null, false);

        assertThat(r.reason()).isEqualTo(Reason.STS_UNAVAILABLE);
        assertThat(r.retryable()).isTrue();
        assertThat(r.getMessage()).contains("Throttling", "Rate exceeded", ROLE);
    }

    @Test
    void toReadRoleException_circuitOpen_saysStsIsUnavailable() {
        CallNotPermittedException open = CallNotPermittedException
                .createCallNotPermittedException(CircuitBreaker.ofDefaults("t"));

        ReadRoleException r = StsErrors.toReadRoleException(open, ACCOUNT, ROLE, null, false);

        assertThat(r.reason()).isEqualTo(Reason.STS_UNAVAILABLE);
        assertThat(r.errorCode()).contains("CircuitOpen");
        assertThat(r.getMessage()).contains("STS is unavailable", "circuit breaker", ROLE,
                "OCEAN_AWS_CIRCUIT_OPEN_DURATION");
    }

    @Test
    void toReadRoleException_alreadyAReadRoleException_returnedAsIs() {
        ReadRoleException original = ReadRoleException.of(Reason.CLOSED, ACCOUNT, ROLE, null, "closed", null);

        assertThat(StsErrors.toReadRoleException(new CompletionException(original), ACCOUNT, ROLE, null, false))
                .isSameAs(original);
    }
    @Test
    void toReadRoleException_noAnswer_stsUnavailableSayingTheCallTimeoutAndAttempts() {
        StsErrors.NoAnswer first = new StsErrors.NoAnswer("AssumeRole", java.time.Duration.ofMillis(300),
                "no HTTP answer", 1, ApiCallTimeoutException.create(300));

        ReadRoleException r = StsErrors.toReadRoleException(first.afterAttempts(3), ACCOUNT, ROLE, null, false);

        assertThat(StsErrors.recoverable(first)).isTrue();
        assertThat(StsErrors.retryable(first)).isTrue();
        assertThat(StsErrors.isOutage(first)).isTrue();
        assertThat(r.reason()).isEqualTo(Reason.STS_UNAVAILABLE);
        assertThat(r.errorCode()).contains("NoAnswer");
        assertThat(r.getMessage()).contains("STS did not answer in 300 ms (OCEAN_AWS_STS_CALL_TIMEOUT) to AssumeRole for "
                + ROLE, "no HTTP answer", "gave up after 3 attempts (OCEAN_AWS_RETRY_MAX_ATTEMPTS)")
                .doesNotContain("ApiCallTimeoutException");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ArithmeticException", "OutOfMemoryError", "NullPointerException"})
    void toReadRoleException_sdkClientExceptionWrappingABugOrError_internalErrorNotAnAnswer(String kind) {
        Throwable cause = switch (kind) {
            case "ArithmeticException" -> new ArithmeticException("long overflow");
            case "OutOfMemoryError" -> new OutOfMemoryError("Java heap space");
            default -> new NullPointerException();
        };
        SdkClientException e = SdkClientException.builder().message("Unable to unmarshall response (x)").cause(cause)
                .build();

        ReadRoleException r = StsErrors.toReadRoleException(e, ACCOUNT, ROLE, null, false);

        assertThat(StsErrors.recoverable(e)).isFalse();
        assertThat(StsErrors.isOutage(e)).isFalse();
        assertThat(r.reason()).isEqualTo(Reason.INTERNAL_ERROR);
        assertThat(r.getMessage()).contains(kind, "failed inside this process, not at STS")
                .doesNotContain("STS refused");
    }

    @Test
    void toReadRoleException_sdkClientExceptionWrappingAParseOrIoFailure_notInternal() {
        SdkClientException parse = SdkClientException.builder().message("Unable to unmarshall response (bad)")
                .cause(new java.time.format.DateTimeParseException("bad", "x", 0)).build();
        SdkClientException io = SdkClientException.create("Unable to execute HTTP request",
                new java.io.IOException("reset"));

        assertThat(StsErrors.toReadRoleException(parse, ACCOUNT, ROLE, null, false).reason())
                .isEqualTo(Reason.INVALID_RESPONSE);
        assertThat(StsErrors.toReadRoleException(io, ACCOUNT, ROLE, null, false).reason())
                .isEqualTo(Reason.STS_UNAVAILABLE);
    }

    @Test
    void toReadRoleException_serverErrorWithoutCode_saysStatusBytesAndContentType() {
        StsException e = (StsException) StsException.builder().statusCode(502)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .rawResponse(software.amazon.awssdk.core.SdkBytes.fromUtf8String("<html>bad gateway</html>"))
                        .sdkHttpResponse(software.amazon.awssdk.http.SdkHttpResponse.builder().statusCode(502)
                                .putHeader("Content-Type", "text/html\r\nX-Forged: 1").build())
                        .build())
                .build();

        ReadRoleException r = StsErrors.toReadRoleException(e, ACCOUNT, ROLE, null, false);

        assertThat(r.reason()).isEqualTo(Reason.STS_UNAVAILABLE);
        assertThat(r.getMessage()).contains("HTTP 502 without an STS error code (24 bytes, Content-Type text/html\\u000d")
                .doesNotContain("\n").doesNotContain("bad gateway");
    }
}
