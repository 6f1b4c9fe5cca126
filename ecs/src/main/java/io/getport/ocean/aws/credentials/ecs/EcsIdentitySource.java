package io.getport.ocean.aws.credentials.ecs;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.spi.IdentitySource;
import java.util.Objects;

/**
 * The ECS task role, served by the ECS agent's container credentials endpoint: identity source {@code ecs}, checked
 * third in {@code auto} detection (order {@value #ORDER}, after EKS IRSA and EKS Pod Identity, before EC2).
 *
 * <p><b>Detected when</b> {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} is set (the agent at
 * {@code http://169.254.170.2} plus that path), or {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} is set to an allowed
 * endpoint: https to any host, or plain http to a loopback address or {@code 169.254.170.2} (the same rule applies
 * to {@code AWS_CONTAINER_SERVICE_ENDPOINT}). A full URI at the EKS Pod Identity agent ({@code 169.254.170.23},
 * {@code [fd00:ec2::23]}) is not ECS: it belongs to {@code eks-pod-identity}. The relative URI wins when both are set,
 * as in the AWS SDKs. Detection makes no call. Variables that are set but break a rule make detection report the
 * source as found, and {@code open} (so {@code build()}) fail naming the variable: no other source is tried (fail
 * closed).
 *
 * <p><b>Reads</b> (system property first, then environment variable, through the {@link RuntimeEnvironment}):
 * <ul>
 *   <li>{@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} / {@code aws.containerCredentialsPath}</li>
 *   <li>{@code AWS_CONTAINER_CREDENTIALS_FULL_URI} / {@code aws.containerCredentialsFullUri}</li>
 *   <li>{@code AWS_CONTAINER_SERVICE_ENDPOINT} / {@code aws.containerServiceEndpoint}: the host the relative URI is
 *       resolved against; default {@code http://169.254.170.2}. For tests and local agents.</li>
 *   <li>{@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} / {@code aws.containerAuthorizationTokenFile}, else
 *       {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} / {@code aws.containerAuthorizationToken}: the {@code Authorization}
 *       header, read anew on every call (the file wins when both are set, as the AWS SDK reference documents).</li>
 *   <li>{@code ECS_CONTAINER_METADATA_URI_V4} (variable only): task metadata, read once when the source is opened,
 *       for the task ARN, cluster and availability zone (facts) and the region.</li>
 *   <li>{@code AWS_METADATA_SERVICE_TIMEOUT} / {@code aws.ec2MetadataServiceTimeout}: the timeout of one call, in
 *       seconds ({@code 0.5}, {@code 500ms} also work); default 2 s. It is the <b>total</b> deadline of one call,
 *       for the whole answer (bodies are bounded to 64 KiB). One attempt per call: the broker retries.</li>
 * </ul>
 *
 * <p><b>Credentials</b> are cached and fetched again five minutes before they expire; while a fetch fails, the cached
 * ones are served until one minute before expiry. Task role credentials are a role session, so assuming the read
 * role from them is role chaining (sessions capped at one hour).
 *
 * <p>Stateless and thread safe; registered with {@link java.util.ServiceLoader}.
 */
public final class EcsIdentitySource implements IdentitySource {
    /** The id used by {@code OCEAN_AWS_IDENTITY_SOURCE}. */
    public static final String ID = "ecs";
    /** The position in {@code auto} detection. */
    public static final int ORDER = 300;

    /** Called by {@link java.util.ServiceLoader}. */
    public EcsIdentitySource() {
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
        if (!EcsSignals.present(environment)) {
            return Detection.notFound(EcsSignals.RELATIVE_URI + " and " + EcsSignals.FULL_URI
                    + " are not set (not an ECS task, or the task definition has no task role)");
        }
        EcsSignals signals;
        try {
            signals = EcsSignals.read(environment);
        } catch (EcsSignals.NotEcs e) {
            return Detection.notFound(e.getMessage());
        } catch (IllegalArgumentException e) {
            // Present but malformed: found, so that opening fails naming the setting (fail closed), instead of
            // letting a lower-precedence source such as the instance role take over.
            return Detection.found("the ECS variables are set but invalid, so no other source is tried: "
                    + e.getMessage());
        }
        return Detection.found(signals.reason)
                .withFact("credentialsVariable", signals.uriVariable)
                .withFact("credentialsEndpoint", Endpoints.redacted(signals.credentialsUri));
    }

    /**
     * Opens the task role: reads task metadata once (when {@code ECS_CONTAINER_METADATA_URI_V4} is set) and returns
     * an identity whose provider fetches credentials from the agent on first use.
     *
     * @throws IllegalArgumentException when a variable is invalid (naming it)
     */
    @Override
    public BaseIdentity open(RuntimeEnvironment environment, Detection detection, IdentityContext context) {
        Objects.requireNonNull(context, "context");
        EcsSignals signals = EcsSignals.read(Objects.requireNonNull(environment, "environment"));
        TaskMetadata metadata = signals.taskMetadataUri == null ? TaskMetadata.none()
                : TaskMetadata.fetch(signals.taskMetadataUri, signals.timeout);
        return new EcsBaseIdentity(new ContainerCredentialsClient(environment, signals), metadata, context.clock());
    }

    @Override
    public String toString() {
        return "EcsIdentitySource";
    }
}
