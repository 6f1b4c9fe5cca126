package io.getport.ocean.aws.credentials.internal;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Invalidates an account's cached credentials when an AWS service rejects them as expired or invalid, so the next call
 * refreshes instead of failing until the scheduled refresh.
 *
 * <p>Only the credentials the rejected request was signed with are forgotten (the access key is read from the
 * request's SigV4 {@code Authorization} header): when many requests signed with expiring credentials fail together,
 * the first failure invalidates them, the next call refreshes, and the late failures leave the fresh credentials
 * alone. When the key cannot be read, the cached credentials are invalidated unconditionally.
 *
 * <p>Thread safe; stateless apart from the account it serves.
 */
public final class InvalidatingInterceptor implements ExecutionInterceptor {
    private static final Set<String> CODES = Set.of("ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
            "InvalidToken", "TokenRefreshRequired", "RequestExpired", "InvalidAccessKeyId", "UnrecognizedClientException");
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Z0-9]+)/");
    private final AccountCredentials credentials;

    public InvalidatingInterceptor(AccountCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes executionAttributes) {
        Throwable e = context.exception();
        if (e instanceof AwsServiceException) {
            AwsServiceException ase = (AwsServiceException) e;
            if (ase.awsErrorDetails() != null && CODES.contains(ase.awsErrorDetails().errorCode())) {
                credentials.invalidate(signingAccessKey(context.httpRequest().orElse(null)));
            }
        }
    }

    /** The access key a SigV4-signed request was signed with, or null. The access key ID is not a secret. */
    static String signingAccessKey(SdkHttpRequest request) {
        if (request == null) {
            return null;
        }
        String authorization = request.firstMatchingHeader("Authorization").orElse(null);
        if (authorization == null) {
            return null;
        }
        Matcher m = CREDENTIAL.matcher(authorization);
        return m.find() ? m.group(1) : null;
    }
}
