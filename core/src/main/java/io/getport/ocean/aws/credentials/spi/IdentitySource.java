package io.getport.ocean.aws.credentials.spi;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;

/**
 * A place a runtime identity can come from: the ECS agent, IMDSv2, an EKS web identity token or the EKS Pod Identity
 * agent. Platform modules implement it and register it in
 * {@code META-INF/services/io.getport.ocean.aws.credentials.spi.IdentitySource}; core finds it with
 * {@link java.util.ServiceLoader} and knows no platform.
 *
 * <p>Implementations are stateless and thread safe, and have a public no-argument constructor.
 */
public interface IdentitySource {

    /** The stable id used by {@code OCEAN_AWS_IDENTITY_SOURCE}: {@code ecs}, {@code ec2}, {@code eks-irsa}, ... */
    String id();

    /**
     * Where this source stands in {@code auto} detection: lower is checked first. Core documents the order:
     * {@code eks-irsa} 100, {@code eks-pod-identity} 200, {@code ecs} 300, {@code ec2} 400.
     */
    int order();

    /**
     * Looks for this source's signals, reading only through {@code environment}. Must be cheap; only a source whose
     * signal is an endpoint (EC2) may make one short local call, under a total deadline.
     *
     * <p><b>Fail closed.</b> A signal that is present but malformed (a URI that breaks the rules, a malformed role
     * ARN) is not "not found": return {@link Detection#found} with a reason that says what is wrong, so that
     * {@link #open} fails naming the setting, or throw an {@link IllegalArgumentException} naming the setting, the
     * rule and the value (never a secret). Core then fails the build instead of trying a lower-precedence source. Any
     * other exception also fails the build.
     *
     * @param environment the variables, properties and files to look at
     * @param pinned whether the user chose this source explicitly (a pinned source may skip its cheap pre-checks)
     * @return whether the source applies, and why or why not
     */
    Detection detect(RuntimeEnvironment environment, boolean pinned);

    /**
     * Opens the base identity that {@link #detect} found. Called once per broker.
     *
     * @param environment the same environment {@code detect} saw
     * @param detection the result of {@code detect}, which {@link Detection#found() found} the source
     * @param context what the broker was configured with (read role, region), for sources that need it
     */
    BaseIdentity open(RuntimeEnvironment environment, Detection detection, IdentityContext context);
}
