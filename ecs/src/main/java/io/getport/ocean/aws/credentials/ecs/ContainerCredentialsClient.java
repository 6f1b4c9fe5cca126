package io.getport.ocean.aws.credentials.ecs;

import io.getport.ocean.aws.credentials.spi.support.ContainerCredentialsJson;
import io.getport.ocean.aws.credentials.spi.support.LocalHttp;
import io.getport.ocean.aws.credentials.spi.support.EnvValues;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

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
        token().ifPresent(token -> headers.put("Authorization", token));
        LocalHttp.Response response;
        try {
            response = LocalHttp.get(uri, headers, timeout);
        } catch (IOException e) {
            throw SdkClientException.builder()
                    .message("The ECS agent at " + shownUri + " (" + uriVariable + ") could not be reached: "
                            + LocalHttp.describe(e, timeout) + ". The agent may be starting or restarting; the broker"
                            + " retries. The per-call timeout is " + EnvValues.label(EnvValues.TIMEOUT_VARIABLE,
                                    EnvValues.TIMEOUT_PROPERTY) + ".")
                    .cause(e)
                    .build();
        }
        if (response.status() == 200) {
            return parse(response.body());
        }
        if (response.status() >= 500) {
            throw SdkClientException.create("The ECS agent at " + shownUri + " (" + uriVariable + ") answered HTTP "
                    + response.status() + errorCode(response.body()) + "; it may be starting or restarting. The broker"
                    + " retries.");
        }
        if (response.status() == 401 || response.status() == 403) {
            throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "HTTP" + response.status(),
                    "The ECS agent at " + shownUri + " (" + uriVariable + ") refused the request with HTTP "
                            + response.status() + errorCode(response.body()) + ": " + tokenAdvice(), null);
        }
        throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "HTTP" + response.status(),
                "The ECS agent at " + shownUri + " (" + uriVariable + ") answered HTTP " + response.status()
                        + errorCode(response.body()) + ": it does not know these credentials. Check that the task"
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

    /** The token, re-read on every call: from the file when one is configured, else from the variable. */
    private Optional<String> token() {
        String token;
        String from;
        if (tokenFile != null) {
            from = EcsSignals.TOKEN_FILE + "=" + tokenFile;
            try {
                token = environment.readFile(tokenFile);
            } catch (UncheckedIOException e) {
                throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "TokenFileUnreadable",
                        "Cannot read the ECS authorization token: " + from + " ("
                                + e.getCause().getClass().getSimpleName() + "). Check that the file is mounted and"
                                + " readable by this process.", null);
            }
        } else if (tokenVariable) {
            from = EcsSignals.TOKEN;
            token = EcsSignals.tokenValue(environment).orElse("");
        } else {
            return Optional.empty();
        }
        token = token.trim();
        if (token.isEmpty() || token.indexOf('\n') >= 0 || token.indexOf('\r') >= 0) {
            throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "TokenInvalid",
                    "The ECS authorization token from " + from + (token.isEmpty() ? " is empty."
                            : " contains a line break; it must be a single line."), null);
        }
        return Optional.of(token);
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

    private SdkClientException notCredentials(String what) {
        return SdkClientException.create("The ECS agent at " + shownUri + " answered HTTP 200, but the answer " + what
                + " (expected AccessKeyId, SecretAccessKey, Token, Expiration); the broker retries.");
    }

    /** {@code " (code: message)"} from an agent's JSON error, bounded; empty when the body is not such an error. */
    static String errorCode(String body) {
        return ContainerCredentialsJson.errorSummary(body);
    }

    @Override
    public String toString() {
        return "EcsContainerCredentials(" + shownUri + ")";
    }
}
