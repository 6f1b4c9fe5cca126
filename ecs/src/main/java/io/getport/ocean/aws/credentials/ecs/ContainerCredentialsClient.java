package io.getport.ocean.aws.credentials.ecs;

import io.getport.ocean.aws.credentials.spi.support.ContainerCredentialsJson;
import io.getport.ocean.aws.credentials.spi.support.LocalHttp;
import io.getport.ocean.aws.credentials.spi.support.TokenFiles;
import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import io.getport.ocean.aws.credentials.spi.support.EnvValues;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Fetches credentials from the ECS agent (container credentials protocol: {@code GET}, optional
 * {@code Authorization} header, JSON answer). The authorization token is read anew on every call, from the file when
 * one is configured. Failures say which endpoint, which variable and what to check, and never contain the token, the
 * credentials or the answer's body.
 *
 * <p>Thread safe.
 */
final class ContainerCredentialsClient {
    private final RuntimeEnvironment environment;
    private final URI uri;
    private final String shownUri;
    private final String uriVariable;
    private final Path tokenFile;
    private final boolean tokenVariable;
    private final Duration timeout;
    private volatile String lastRoleArn;
    private volatile String lastAccountId;

    ContainerCredentialsClient(RuntimeEnvironment environment, EcsSignals signals) {
        this.environment = environment;
        this.uri = signals.credentialsUri;
        this.shownUri = Endpoints.redacted(signals.credentialsUri);
        this.uriVariable = signals.uriVariable;
        this.tokenFile = signals.tokenFile;
        this.tokenVariable = signals.tokenVariable;
        this.timeout = signals.timeout;
    }

    /** The longest one {@link #fetch()} takes: the token file's read deadline plus the call's deadline, plus slack. */
    Duration maxFetchTime() {
        return timeout.plus(TokenFiles.READ_DEADLINE).plusSeconds(1);
    }

    /** The credentials endpoint as messages show it (credentials ID hidden). */
    String shownUri() {
        return shownUri;
    }

    /** {@code RoleArn} of the last answer, if the agent sent one. */
    Optional<String> lastRoleArn() {
        return Optional.ofNullable(lastRoleArn);
    }

    /** {@code AccountId} of the last answer, if the agent sent one. */
    Optional<String> lastAccountId() {
        return Optional.ofNullable(lastAccountId);
    }

    AwsSessionCredentials fetch() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        Optional<String> token = token();
        token.ifPresent(t -> headers.put("Authorization", t));
        LocalHttp.Response response;
        try {
            response = LocalHttp.get(uri, headers, timeout);
        } catch (IOException e) {
            throw BaseIdentityException.of(BaseIdentityException.ECS_AGENT, "The ECS agent at " + shownUri + " ("
                    + uriVariable + ") failed: " + LocalHttp.describe(e, timeout) + ". The agent may be starting or"
                    + " restarting; the broker retries. The deadline of one call is " + EnvValues.label(
                            EnvValues.TIMEOUT_VARIABLE, EnvValues.TIMEOUT_PROPERTY) + ".", e);
        }
        String said = errorCode(response.body(), token.orElse(null));
        if (response.status() == 200) {
            return parse(response.body());
        }
        if (response.status() >= 500 || response.status() == 429) {
            throw BaseIdentityException.of(BaseIdentityException.ECS_AGENT, "The ECS agent at " + shownUri + " ("
                    + uriVariable + ") answered HTTP " + response.status() + said + "; it may be starting, restarting"
                    + " or busy. The broker retries.", null);
        }
        if (response.status() == 401 || response.status() == 403) {
            throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "HTTP" + response.status(),
                    "The ECS agent at " + shownUri + " (" + uriVariable + ") refused the request with HTTP "
                            + response.status() + said + ": " + tokenAdvice(), null);
        }
        throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "HTTP" + response.status(),
                "The ECS agent at " + shownUri + " (" + uriVariable + ") answered HTTP " + response.status()
                        + said + ": it does not know these credentials. Check that the task"
                        + " definition has a task role (taskRoleArn) and that " + uriVariable + " is the value the"
                        + " agent set for this task.", null);
    }

    private String tokenAdvice() {
        if (tokenFile != null) {
            return "the authorization token from " + EcsSignals.TOKEN_FILE + "=" + tokenFile + " was not accepted;"
                    + " check that the file holds the token the agent expects.";
        }
        if (tokenVariable) {
            return "the authorization token from " + EcsSignals.TOKEN + " was not accepted.";
        }
        return "the endpoint wants an authorization token, and neither " + EcsSignals.TOKEN + " nor "
                + EcsSignals.TOKEN_FILE + " is set.";
    }

    /** The token, re-read on every call: from the file when one is configured (bounded), else from the variable. */
    private Optional<String> token() {
        if (tokenFile != null) {
            return Optional.of(TokenFiles.read(environment, tokenFile, "the ECS authorization token",
                    EcsSignals.TOKEN_FILE, "Check that the file is mounted and readable by this process."));
        }
        if (tokenVariable) {
            return Optional.of(TokenFiles.validate(EcsSignals.tokenValue(environment).orElse(""),
                    "the ECS authorization token", EcsSignals.TOKEN));
        }
        return Optional.empty();
    }

    private AwsSessionCredentials parse(String body) {
        ContainerCredentialsJson.Parsed parsed =
                ContainerCredentialsJson.parse(body, "OceanEcsTaskRole", this::notCredentials);
        if (parsed.accountId() != null) {
            lastAccountId = parsed.accountId();
        }
        if (parsed.roleArn() != null) {
            lastRoleArn = parsed.roleArn();
        }
        return parsed.credentials();
    }

    private BaseIdentityException notCredentials(String what) {
        return BaseIdentityException.of(BaseIdentityException.ECS_AGENT, "The ECS agent at " + shownUri + " ("
                + uriVariable + ") answered HTTP 200 with a body that " + what + " (expected a JSON object with"
                + " AccessKeyId, SecretAccessKey, Token, Expiration); the broker retries.", null);
    }

    /** {@code " (code: message)"} from an agent's JSON error, bounded; empty when the body is not such an error. */
    static String errorCode(String body, String token) {
        return ContainerCredentialsJson.errorSummary(body, token);
    }

    @Override
    public String toString() {
        return "EcsContainerCredentials(" + shownUri + ")";
    }
}
