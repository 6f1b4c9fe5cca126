/**
 * The ECS identity source: {@link io.getport.ocean.aws.credentials.ecs.EcsIdentitySource} ({@code ecs}, the task
 * role from the ECS agent), found by core with {@link java.util.ServiceLoader}; everything else here is
 * package-private.
 *
 * <p><b>Why not the SDK's {@code ContainerCredentialsProvider}.</b> It reads
 * {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}, {@code _FULL_URI} and the authorization token from the process
 * environment and system properties at call time (its builder only takes the agent's host), so a broker configured with
 * a {@link io.getport.ocean.aws.credentials.RuntimeEnvironment} could not make it use the variables that detection saw,
 * and tests could not point it at a fake without changing process-wide state. The protocol is one {@code GET} with an
 * optional {@code Authorization} header, so this package calls the agent with a small client over
 * {@code HttpURLConnection} (no proxy, no redirects, one attempt: the broker retries) and parses the answer with the
 * SDK's JSON parser ({@code json-utils}, a dependency of the SDK's {@code auth} module). It applies the SDK's rules for
 * full URIs (https, or http to a loopback address or {@code 169.254.170.2}), leaves the Pod Identity agent's
 * addresses to the {@code eks} module, and re-reads the token (file) on every call.
 *
 * <p>Credentials are cached with the broker's clock, fetched again five minutes before expiry, and served from the
 * cache through a failed fetch until one minute before expiry. Messages never contain the token, the credentials, or
 * the credentials ID of the relative URI (shown as {@code /v2/credentials/…}).
 */
package io.getport.ocean.aws.credentials.ecs;
