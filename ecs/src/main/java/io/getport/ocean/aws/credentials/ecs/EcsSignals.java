package io.getport.ocean.aws.credentials.ecs;

import io.getport.ocean.aws.credentials.spi.support.EnvValues;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What the ECS variables say: where the agent serves the task role's credentials, where the authorization token comes
 * from, where task metadata is. Immutable.
 */
final class EcsSignals {
    static final String RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    static final String RELATIVE_URI_PROPERTY = "aws.containerCredentialsPath";
    static final String FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    static final String FULL_URI_PROPERTY = "aws.containerCredentialsFullUri";
    static final String SERVICE_ENDPOINT = "AWS_CONTAINER_SERVICE_ENDPOINT";
    static final String SERVICE_ENDPOINT_PROPERTY = "aws.containerServiceEndpoint";
    static final String TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    static final String TOKEN_PROPERTY = "aws.containerAuthorizationToken";
    static final String TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
    static final String TOKEN_FILE_PROPERTY = "aws.containerAuthorizationTokenFile";
    static final String METADATA_URI = "ECS_CONTAINER_METADATA_URI_V4";
    static final String DEFAULT_SERVICE_ENDPOINT = "http://" + Endpoints.ECS_AGENT_HOST;

    /** The credentials URI to call. */
    final URI credentialsUri;
    /** Which variable gave it: {@link #RELATIVE_URI} or {@link #FULL_URI}. */
    final String uriVariable;
    /** The token file, re-read on every call; null when none is configured. */
    final Path tokenFile;
    /** Whether {@link #TOKEN} is set (and no token file, which wins). */
    final boolean tokenVariable;
    /** {@code ECS_CONTAINER_METADATA_URI_V4}, when set. */
    final URI taskMetadataUri;
    final Duration timeout;
    /** Why detection chose what it chose, naming the variables. */
    final String reason;

    private EcsSignals(URI credentialsUri, String uriVariable, Path tokenFile, boolean tokenVariable,
            URI taskMetadataUri, Duration timeout, String reason) {
        this.credentialsUri = credentialsUri;
        this.uriVariable = uriVariable;
        this.tokenFile = tokenFile;
        this.tokenVariable = tokenVariable;
        this.taskMetadataUri = taskMetadataUri;
        this.timeout = timeout;
        this.reason = reason;
    }

    /** Whether any variable that would make this an ECS task is set. */
    static boolean present(RuntimeEnvironment env) {
        return env.setting(RELATIVE_URI, RELATIVE_URI_PROPERTY).isPresent()
                || env.setting(FULL_URI, FULL_URI_PROPERTY).isPresent();
    }

    static Optional<String> tokenValue(RuntimeEnvironment env) {
        return env.setting(TOKEN, TOKEN_PROPERTY);
    }

    /**
     * Reads the signals.
     *
     * @throws IllegalArgumentException when they are absent, invalid or not ECS's; the message says which and why
     */
    static EcsSignals read(RuntimeEnvironment env) {
        Optional<String> relative = env.setting(RELATIVE_URI, RELATIVE_URI_PROPERTY);
        Optional<String> full = env.setting(FULL_URI, FULL_URI_PROPERTY);
        if (relative.isEmpty() && full.isEmpty()) {
            throw new IllegalArgumentException(RELATIVE_URI + " and " + FULL_URI + " are not set (no ECS agent)");
        }
        Duration timeout = EnvValues.timeout(env, Duration.ofSeconds(2));
        URI uri;
        String variable;
        StringBuilder reason = new StringBuilder();
        if (relative.isPresent()) {
            variable = RELATIVE_URI;
            uri = relativeUri(env, relative.get());
            reason.append(RELATIVE_URI).append(" is set: the ECS agent serves the task role's credentials at ")
                    .append(Endpoints.redacted(uri));
            if (full.isPresent()) {
                reason.append(" (").append(FULL_URI).append(" is ignored: the relative URI wins)");
            }
        } else {
            variable = FULL_URI;
            uri = fullUri(full.get());
            reason.append(FULL_URI).append(" is set to an allowed ECS endpoint: ").append(Endpoints.redacted(uri));
        }
        Path tokenFile = null;
        boolean tokenVariable = false;
        Optional<String> file = env.setting(TOKEN_FILE, TOKEN_FILE_PROPERTY);
        if (file.isPresent()) {
            try {
                tokenFile = Path.of(file.get());
            } catch (InvalidPathException e) {
                throw EnvValues.invalid(EnvValues.label(TOKEN_FILE, TOKEN_FILE_PROPERTY), "must be a file path",
                        file.get());
            }
            reason.append("; authorization token from ").append(TOKEN_FILE).append('=').append(tokenFile)
                    .append(" (re-read on every call)");
            if (tokenValue(env).isPresent()) {
                reason.append("; ").append(TOKEN).append(" is ignored: the file wins");
            }
        } else if (tokenValue(env).isPresent()) {
            tokenVariable = true;
            reason.append("; authorization token from ").append(TOKEN);
        }
        URI metadata = null;
        Optional<String> metadataText = env.environmentVariable(METADATA_URI);
        if (metadataText.isPresent()) {
            metadata = httpUri(METADATA_URI, metadataText.get());
            reason.append("; task metadata at ").append(METADATA_URI);
        }
        return new EcsSignals(uri, variable, tokenFile, tokenVariable, metadata, timeout, reason.toString());
    }

    private static URI relativeUri(RuntimeEnvironment env, String relative) {
        String label = EnvValues.label(RELATIVE_URI, RELATIVE_URI_PROPERTY);
        if (!relative.startsWith("/") || relative.startsWith("//")) {
            throw new IllegalArgumentException(label + " must be a path starting with a single '/' (the value, "
                    + relative.length() + " characters, is not shown: it holds a credentials ID)");
        }
        String endpointLabel = EnvValues.label(SERVICE_ENDPOINT, SERVICE_ENDPOINT_PROPERTY);
        String base = env.setting(SERVICE_ENDPOINT, SERVICE_ENDPOINT_PROPERTY).orElse(DEFAULT_SERVICE_ENDPOINT);
        URI endpoint = httpUri(endpointLabel, base);
        if (endpoint.getRawUserInfo() != null || endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw EnvValues.invalid(endpointLabel, "must be scheme://host[:port] without user info, query or"
                    + " fragment", Endpoints.redacted(endpoint));
        }
        // The authorization token goes to this host: the same rule as for the full URI.
        if (endpoint.getScheme().equalsIgnoreCase("http") && !Endpoints.httpAllowed(Endpoints.host(endpoint))) {
            throw new IllegalArgumentException(endpointLabel + " is " + Endpoints.redacted(endpoint) + ": "
                    + Endpoints.HTTP_RULE + " (the relative URI " + RELATIVE_URI + " is sent to it)");
        }
        String trimmed = base.trim().endsWith("/") ? base.trim().substring(0, base.trim().length() - 1) : base.trim();
        URI uri = parse(label, trimmed + relative.trim());
        if (!Endpoints.host(uri).equals(Endpoints.host(endpoint))) {
            throw new IllegalArgumentException(label + " must be a path on " + endpointLabel + " (the value is not"
                    + " shown: it holds a credentials ID)");
        }
        return uri;
    }

    private static URI fullUri(String text) {
        String label = EnvValues.label(FULL_URI, FULL_URI_PROPERTY);
        URI uri = parse(label, text);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = Endpoints.host(uri);
        if (host.isEmpty() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw EnvValues.invalid(label, "must be an http or https URI with a host", Endpoints.redacted(uri));
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw EnvValues.invalid(label, "must not contain user info or a fragment", Endpoints.redacted(uri));
        }
        if (Endpoints.podIdentityHost(host)) {
            throw new NotEcs(FULL_URI + " points at the EKS Pod Identity agent ("
                    + Endpoints.redacted(uri) + "); that is the eks-pod-identity source (module"
                    + " ocean-aws-credentials-eks), not ECS");
        }
        if (scheme.equals("http") && !Endpoints.httpAllowed(host)) {
            throw new IllegalArgumentException(label + " is " + Endpoints.redacted(uri) + ": " + Endpoints.HTTP_RULE);
        }
        return uri;
    }

    private static URI httpUri(String label, String text) {
        URI uri = parse(label, text);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw EnvValues.invalid(label, "must be an http or https URI with a host", Endpoints.redacted(uri));
        }
        return uri;
    }

    /** {@link #FULL_URI} names the EKS Pod Identity agent: not ECS's signal. */
    static final class NotEcs extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NotEcs(String message) {
            super(message);
        }
    }

    private static URI parse(String label, String text) {
        try {
            return new URI(text.trim());
        } catch (URISyntaxException e) {
            throw EnvValues.invalid(label, "must be a valid URI", "(not shown: it may contain a credentials ID)");
        }
    }
}
