package io.getport.ocean.aws.credentials.eks;

import io.getport.ocean.aws.credentials.spi.support.EnvValues;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What the EKS Pod Identity variables say: the agent's credentials URI, the token file, and the endpoint override
 * for tests. Immutable.
 */
final class PodIdentitySignals {
    static final String FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    static final String FULL_URI_PROPERTY = "aws.containerCredentialsFullUri";
    static final String TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
    static final String TOKEN_FILE_PROPERTY = "aws.containerAuthorizationTokenFile";
    static final String TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    static final String TOKEN_PROPERTY = "aws.containerAuthorizationToken";
    static final String ENDPOINT_OVERRIDE = "OCEAN_AWS_EKS_POD_IDENTITY_ENDPOINT";
    static final String ENDPOINT_OVERRIDE_PROPERTY = "ocean.aws.eksPodIdentityEndpoint";
    static final String AGENT_HOST_V4 = "169.254.170.23";
    static final String AGENT_HOST_V6 = "fd00:ec2::23";

    /** {@link #FULL_URI} is set but is not a URI at all: a present, malformed signal. */
    static final class Malformed extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /** The URI as configured (the agent's); shown in messages. */
    final URI agentUri;
    /** The URI actually called: {@link #agentUri}, or its path on the override endpoint. */
    final URI callUri;
    /** The override, when set. */
    final URI override;
    /** The token file, re-read on every call; null when none is set. */
    final Path tokenFile;
    /** Whether only {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} is set. */
    final boolean tokenVariable;
    final Duration timeout;

    private PodIdentitySignals(URI agentUri, URI callUri, URI override, Path tokenFile, boolean tokenVariable,
            Duration timeout) {
        this.agentUri = agentUri;
        this.callUri = callUri;
        this.override = override;
        this.tokenFile = tokenFile;
        this.tokenVariable = tokenVariable;
        this.timeout = timeout;
    }

    /**
     * The agent URI when {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} is set to the Pod Identity agent.
     *
     * @throws IllegalArgumentException when it is not set, not a URI, or another host; the message says which
     */
    static URI agentUri(RuntimeEnvironment env) {
        Optional<String> full = env.setting(FULL_URI, FULL_URI_PROPERTY);
        if (full.isEmpty()) {
            throw new IllegalArgumentException(FULL_URI + " is not set (no EKS Pod Identity association for this"
                    + " pod's service account)");
        }
        URI uri;
        try {
            uri = new URI(full.get().trim());
        } catch (URISyntaxException e) {
            throw new Malformed(EnvValues.label(FULL_URI, FULL_URI_PROPERTY) + " must be a valid URI (was '"
                    + EnvValues.shownUri(full.get()) + "')");
        }
        String host = host(uri);
        if (agentHost(host) && uri.getRawUserInfo() != null) {
            throw new Malformed(EnvValues.label(FULL_URI, FULL_URI_PROPERTY) + " must not contain user info (was '"
                    + shown(uri) + "')");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || !agentHost(host)) {
            throw new IllegalArgumentException(FULL_URI + " is " + shown(uri) + ", not the EKS Pod Identity agent"
                    + " (http://" + AGENT_HOST_V4 + " or http://[" + AGENT_HOST_V6 + "])");
        }
        return uri;
    }

    /**
     * Reads everything the agent call needs.
     *
     * @throws IllegalArgumentException when a setting is invalid (naming it)
     * @throws IllegalStateException when the token variable is missing
     */
    static PodIdentitySignals read(RuntimeEnvironment env) {
        URI agent = agentUri(env);
        Duration timeout = EnvValues.timeout(env, Duration.ofSeconds(2));
        URI override = null;
        URI call = agent;
        Optional<String> overrideText = env.setting(ENDPOINT_OVERRIDE, ENDPOINT_OVERRIDE_PROPERTY);
        if (overrideText.isPresent()) {
            override = override(overrideText.get());
            String path = agent.getRawPath() == null || agent.getRawPath().isEmpty() ? "/" : agent.getRawPath();
            call = URI.create(override.toString() + path + (agent.getRawQuery() == null ? ""
                    : "?" + agent.getRawQuery()));
        }
        Path tokenFile = null;
        Optional<String> file = env.setting(TOKEN_FILE, TOKEN_FILE_PROPERTY);
        if (file.isPresent()) {
            try {
                tokenFile = Path.of(file.get());
            } catch (InvalidPathException e) {
                throw EnvValues.invalid(EnvValues.label(TOKEN_FILE, TOKEN_FILE_PROPERTY), "must be a file path",
                        file.get());
            }
        }
        boolean tokenVariable = tokenFile == null && env.setting(TOKEN, TOKEN_PROPERTY).isPresent();
        if (tokenFile == null && !tokenVariable) {
            throw new IllegalStateException(TOKEN_FILE + " is not set: the EKS Pod Identity agent needs the"
                    + " service account token (EKS sets it to"
                    + " /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token)");
        }
        return new PodIdentitySignals(agent, call, override, tokenFile, tokenVariable, timeout);
    }

    /** The override: plain http to a loopback address, no path. */
    private static URI override(String text) {
        String label = EnvValues.label(ENDPOINT_OVERRIDE, ENDPOINT_OVERRIDE_PROPERTY);
        String t = text.trim();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            URI uri = new URI(t);
            InetAddress address = literal(host(uri));
            boolean loopback = "localhost".equals(host(uri)) || (address != null && address.isLoopbackAddress());
            if ("http".equalsIgnoreCase(uri.getScheme()) && loopback && uri.getRawUserInfo() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw EnvValues.invalid(label, "must be http://<loopback address>[:port] with no user info, path or query (it"
                + " is for tests and local agents; production uses " + FULL_URI + " as EKS sets it)",
                EnvValues.shownUri(text));
    }

    static String host(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return "";
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }

    static boolean agentHost(String host) {
        if (AGENT_HOST_V4.equals(host)) {
            return true;
        }
        InetAddress address = literal(host);
        InetAddress agent = literal(AGENT_HOST_V6);
        return address != null && address.equals(agent);
    }

    /** The URI without user info or query. */
    static String shown(URI uri) {
        return uri.getScheme() + "://" + (uri.getHost() == null ? "" : uri.getHost())
                + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static InetAddress literal(String host) {
        boolean ipv4 = host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean ipv6 = host.contains(":") && host.matches("[0-9a-f:.]+");
        if (!ipv4 && !ipv6) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
