package io.getport.ocean.aws.credentials.eks;

import io.getport.ocean.aws.credentials.spi.support.ContainerCredentialsJson;
import io.getport.ocean.aws.credentials.spi.support.LocalHttp;
import io.getport.ocean.aws.credentials.spi.support.EnvValues;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Fetches credentials from the EKS Pod Identity agent (container credentials protocol: {@code GET} with the service
 * account token as {@code Authorization}, JSON answer). The token file is read anew on every call. Failures say which
 * endpoint and variable and what to check, and never contain the token, the credentials or the answer's body.
 *
 * <p>Thread safe.
 */
final class PodIdentityCredentialsClient {
    private final RuntimeEnvironment environment;
    private final PodIdentitySignals signals;
    private final String shown;

    PodIdentityCredentialsClient(RuntimeEnvironment environment, PodIdentitySignals signals) {
        this.environment = environment;
        this.signals = signals;
        this.shown = PodIdentitySignals.shown(signals.agentUri)
                + (signals.override == null ? "" : " (called at " + PodIdentitySignals.shown(signals.callUri)
                        + ", " + PodIdentitySignals.ENDPOINT_OVERRIDE + ")");
    }

    String shown() {
        return shown;
    }

    AwsSessionCredentials fetch() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("Authorization", token());
        LocalHttp.Response response;
        try {
            response = LocalHttp.get(signals.callUri, headers, signals.timeout);
        } catch (IOException e) {
            throw SdkClientException.builder()
                    .message("The EKS Pod Identity agent at " + shown + " could not be reached: "
                            + LocalHttp.describe(e, signals.timeout) + ". Check that the eks-pod-identity-agent"
                            + " add-on (a DaemonSet) runs on this node; the broker retries. The per-call timeout is "
                            + EnvValues.label(EnvValues.TIMEOUT_VARIABLE, EnvValues.TIMEOUT_PROPERTY) + ".")
                    .cause(e)
                    .build();
        }
        if (response.status() == 200) {
            return parse(response.body());
        }
        if (response.status() >= 500) {
            throw SdkClientException.create("The EKS Pod Identity agent at " + shown + " answered HTTP "
                    + response.status() + errorCode(response.body()) + "; the broker retries.");
        }
        if (response.status() == 401 || response.status() == 403) {
            throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "HTTP" + response.status(),
                    "The EKS Pod Identity agent at " + shown + " refused the service account token from "
                            + tokenSource() + " with HTTP " + response.status() + errorCode(response.body())
                            + ": the token may be stale or not the projected eks-pod-identity-token (audience"
                            + " pods.eks.amazonaws.com).", null);
        }
        throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "HTTP" + response.status(),
                "The EKS Pod Identity agent at " + shown + " answered HTTP " + response.status()
                        + errorCode(response.body()) + ": it has no credentials for this pod. Check that the pod's"
                        + " service account has a Pod Identity association (aws eks list-pod-identity-associations)"
                        + " and that the associated role trusts pods.eks.amazonaws.com (sts:AssumeRole,"
                        + " sts:TagSession).", null);
    }

    private String tokenSource() {
        return signals.tokenFile != null ? PodIdentitySignals.TOKEN_FILE + "=" + signals.tokenFile
                : PodIdentitySignals.TOKEN;
    }

    /** The token, re-read on every call. */
    private String token() {
        String token;
        if (signals.tokenFile != null) {
            try {
                token = environment.readFile(signals.tokenFile);
            } catch (UncheckedIOException e) {
                throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "TokenFileUnreadable",
                        "Cannot read the EKS Pod Identity token: " + tokenSource() + " ("
                                + e.getCause().getClass().getSimpleName() + "). Check that the projected volume is"
                                + " mounted and readable by this process.", null);
            }
        } else {
            token = environment.setting(PodIdentitySignals.TOKEN, PodIdentitySignals.TOKEN_PROPERTY).orElse("");
        }
        token = token.trim();
        if (token.isEmpty() || token.indexOf('\n') >= 0 || token.indexOf('\r') >= 0) {
            throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "TokenInvalid",
                    "The EKS Pod Identity token from " + tokenSource() + (token.isEmpty() ? " is empty."
                            : " contains a line break; it must be a single line."), null);
        }
        return token;
    }

    private AwsSessionCredentials parse(String body) {
        return ContainerCredentialsJson.parse(body, "OceanEksPodIdentity", this::notCredentials).credentials();
    }

    private SdkClientException notCredentials(String what) {
        return SdkClientException.create("The EKS Pod Identity agent at " + shown + " answered HTTP 200, but the"
                + " answer " + what + " (expected AccessKeyId, SecretAccessKey, Token, Expiration); the broker"
                + " retries.");
    }

    /** {@code " (code: message)"} from the agent's JSON error, bounded; empty otherwise. */
    private static String errorCode(String body) {
        return ContainerCredentialsJson.errorSummary(body);
    }

    @Override
    public String toString() {
        return "EksPodIdentityCredentials(" + PodIdentitySignals.shown(signals.agentUri) + ")";
    }
}
