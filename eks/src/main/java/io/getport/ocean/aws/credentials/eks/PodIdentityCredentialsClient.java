package io.getport.ocean.aws.credentials.eks;

import io.getport.ocean.aws.credentials.spi.support.ContainerCredentialsJson;
import io.getport.ocean.aws.credentials.spi.support.LocalHttp;
import io.getport.ocean.aws.credentials.spi.support.TokenFiles;
import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import io.getport.ocean.aws.credentials.spi.support.EnvValues;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

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

    /** The longest one {@link #fetch()} takes: the token file's read deadline plus the call's deadline, plus slack. */
    Duration maxFetchTime() {
        return signals.timeout.plus(TokenFiles.READ_DEADLINE).plusSeconds(1);
    }

    AwsSessionCredentials fetch() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        String token = token();
        headers.put("Authorization", token);
        LocalHttp.Response response;
        try {
            response = LocalHttp.get(signals.callUri, headers, signals.timeout);
        } catch (IOException e) {
            throw BaseIdentityException.of(BaseIdentityException.POD_IDENTITY_AGENT, "The EKS Pod Identity agent at "
                    + shown + " (" + PodIdentitySignals.FULL_URI + ") failed: " + LocalHttp.describe(e,
                            signals.timeout) + ". Check that the eks-pod-identity-agent add-on (a DaemonSet) runs on"
                    + " this node; the broker retries. The deadline of one call is "
                    + EnvValues.label(EnvValues.TIMEOUT_VARIABLE, EnvValues.TIMEOUT_PROPERTY) + ".", e);
        }
        String said = ContainerCredentialsJson.errorSummary(response.body(), token);
        if (response.status() == 200) {
            return parse(response.body());
        }
        if (response.status() >= 500 || response.status() == 429) {
            throw BaseIdentityException.of(BaseIdentityException.POD_IDENTITY_AGENT, "The EKS Pod Identity agent at "
                    + shown + " answered HTTP " + response.status() + said + "; the broker retries.", null);
        }
        if (response.status() == 401 || response.status() == 403) {
            throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "HTTP" + response.status(),
                    "The EKS Pod Identity agent at " + shown + " refused the service account token from "
                            + tokenSource() + " with HTTP " + response.status() + said
                            + ": the token may be stale or not the projected eks-pod-identity-token (audience"
                            + " pods.eks.amazonaws.com).", null);
        }
        throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "HTTP" + response.status(),
                "The EKS Pod Identity agent at " + shown + " answered HTTP " + response.status()
                        + said + ": it has no credentials for this pod. Check that the pod's"
                        + " service account has a Pod Identity association (aws eks list-pod-identity-associations)"
                        + " and that the associated role trusts pods.eks.amazonaws.com (sts:AssumeRole,"
                        + " sts:TagSession).", null);
    }

    private String tokenSource() {
        return signals.tokenFile != null ? PodIdentitySignals.TOKEN_FILE + "=" + signals.tokenFile
                : PodIdentitySignals.TOKEN;
    }

    /** The token, re-read on every call (the file with a size and time bound). */
    private String token() {
        if (signals.tokenFile != null) {
            return TokenFiles.read(environment, signals.tokenFile, "the EKS Pod Identity token",
                    PodIdentitySignals.TOKEN_FILE, "Check that the projected volume is mounted and readable by this"
                            + " process.");
        }
        return TokenFiles.validate(environment.setting(PodIdentitySignals.TOKEN, PodIdentitySignals.TOKEN_PROPERTY)
                .orElse(""), "the EKS Pod Identity token", PodIdentitySignals.TOKEN);
    }

    private AwsSessionCredentials parse(String body) {
        return ContainerCredentialsJson.parse(body, "OceanEksPodIdentity", this::notCredentials).credentials();
    }

    private BaseIdentityException notCredentials(String what) {
        return BaseIdentityException.of(BaseIdentityException.POD_IDENTITY_AGENT, "The EKS Pod Identity agent at "
                + shown + " answered HTTP 200 with a body that " + what + " (expected a JSON object with"
                + " AccessKeyId, SecretAccessKey, Token, Expiration); the broker retries.", null);
    }

    @Override
    public String toString() {
        return "EksPodIdentityCredentials(" + PodIdentitySignals.shown(signals.agentUri) + ")";
    }
}
