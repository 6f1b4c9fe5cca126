package io.getport.ocean.aws.credentials.internal;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Invalidates an account's cached credentials when an AWS service rejects them as expired or invalid, so the next call
 * refreshes instead of failing until the scheduled refresh.
 */
public final class InvalidatingInterceptor implements ExecutionInterceptor {
    private static final Set<String> CODES = Set.of("ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
            "InvalidToken", "TokenRefreshRequired", "RequestExpired", "InvalidAccessKeyId", "UnrecognizedClientException");
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
                credentials.invalidate();
            }
        }
    }
}
