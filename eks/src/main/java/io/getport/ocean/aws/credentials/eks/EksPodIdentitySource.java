package io.getport.ocean.aws.credentials.eks;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.spi.IdentitySource;
import java.net.URI;
import java.util.Objects;

/**
 * EKS Pod Identity: identity source {@code eks-pod-identity}, checked second in {@code auto} detection (order
 * {@value #ORDER}, after EKS IRSA, before ECS).
 *
 * <p><b>Detected when</b> {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} points at the Pod Identity agent:
 * {@code http://169.254.170.23/...} or {@code http://[fd00:ec2::23]/...}. That address alone decides: if the token
 * file is then missing, opening fails and says so, rather than letting another source (such as the node's instance
 * role) take over. Detection makes no call.
 *
 * <p><b>Reads</b> (system property first, then environment variable, through the {@link RuntimeEnvironment}):
 * <ul>
 *   <li>{@code AWS_CONTAINER_CREDENTIALS_FULL_URI} / {@code aws.containerCredentialsFullUri}</li>
 *   <li>{@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} / {@code aws.containerAuthorizationTokenFile}: the projected
 *       service account token, read anew on every call (else {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} /
 *       {@code aws.containerAuthorizationToken}).</li>
 *   <li>{@code OCEAN_AWS_EKS_POD_IDENTITY_ENDPOINT} / {@code ocean.aws.eksPodIdentityEndpoint}: for tests and local
 *       agents only, {@code http://<loopback address>[:port]}; the request goes to the full URI's path on that
 *       endpoint. Anything but plain http to a loopback address is refused, so the production rule stays strict: the
 *       full URI must still name the agent.</li>
 *   <li>{@code AWS_METADATA_SERVICE_TIMEOUT} / {@code aws.ec2MetadataServiceTimeout}: the timeout of one call, in
 *       seconds; default 2 s. One attempt per call: the broker retries.</li>
 * </ul>
 *
 * <p><b>Credentials</b> are cached and fetched again five minutes before they expire; while a fetch fails the cached
 * ones are served until one minute before expiry. They are a role session, so assuming the read role from them is
 * role chaining (sessions capped at one hour).
 *
 * <p>Stateless and thread safe; registered with {@link java.util.ServiceLoader}.
 */
public final class EksPodIdentitySource implements IdentitySource {
    /** The id used by {@code OCEAN_AWS_IDENTITY_SOURCE}. */
    public static final String ID = "eks-pod-identity";
    /** The position in {@code auto} detection: second. */
    public static final int ORDER = 200;

    /** Called by {@link java.util.ServiceLoader}. */
    public EksPodIdentitySource() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public Detection detect(RuntimeEnvironment environment, boolean pinned) {
        Objects.requireNonNull(environment, "environment");
        URI agent;
        try {
            agent = PodIdentitySignals.agentUri(environment);
        } catch (PodIdentitySignals.Malformed e) {
            // Present but malformed: found, so that opening fails naming the setting (fail closed).
            return Detection.found("the EKS Pod Identity variables are set but invalid, so no other source is"
                    + " tried: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return Detection.notFound(e.getMessage());
        }
        StringBuilder reason = new StringBuilder(PodIdentitySignals.FULL_URI).append(" is the EKS Pod Identity agent (")
                .append(PodIdentitySignals.shown(agent)).append(')');
        var file = environment.setting(PodIdentitySignals.TOKEN_FILE, PodIdentitySignals.TOKEN_FILE_PROPERTY);
        if (file.isPresent()) {
            reason.append("; token from ").append(PodIdentitySignals.TOKEN_FILE).append('=').append(file.get())
                    .append(" (re-read on every call)");
        } else if (environment.setting(PodIdentitySignals.TOKEN, PodIdentitySignals.TOKEN_PROPERTY).isPresent()) {
            reason.append("; token from ").append(PodIdentitySignals.TOKEN);
        } else {
            reason.append("; but ").append(PodIdentitySignals.TOKEN_FILE).append(" is not set");
        }
        if (environment.setting(PodIdentitySignals.ENDPOINT_OVERRIDE,
                PodIdentitySignals.ENDPOINT_OVERRIDE_PROPERTY).isPresent()) {
            reason.append("; called through ").append(PodIdentitySignals.ENDPOINT_OVERRIDE);
        }
        return Detection.found(reason.toString()).withFact("podIdentityAgent", PodIdentitySignals.shown(agent));
    }

    /**
     * Opens Pod Identity; credentials are fetched on first use.
     *
     * @throws IllegalArgumentException when a setting is invalid (naming it)
     * @throws IllegalStateException when {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} is missing (core reports it as
     *     a detected identity that could not be opened)
     */
    @Override
    public BaseIdentity open(RuntimeEnvironment environment, Detection detection, IdentityContext context) {
        Objects.requireNonNull(context, "context");
        PodIdentitySignals signals = PodIdentitySignals.read(Objects.requireNonNull(environment, "environment"));
        return new PodIdentityBaseIdentity(new PodIdentityCredentialsClient(environment, signals), context.clock());
    }

    @Override
    public String toString() {
        return "EksPodIdentitySource";
    }
}
