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
 * optional {@code Authorization} header, so this package calls the agent with core's bounded client
 * ({@code spi.support.LocalHttp}: no proxy, no redirects, one attempt, a total deadline per call and a 64 KiB bound;
 * the broker retries) and parses the answer with Jackson under limits. One rule applies to the full URI and to the
 * endpoint of the relative URI ({@code AWS_CONTAINER_SERVICE_ENDPOINT}): https, or plain http only to a loopback
 * address ({@code 127.0.0.0/8}, {@code ::1}), {@code 169.254.170.2}, {@code 169.254.170.23} or {@code fd00:ec2::23},
 * so that the authorization token never crosses a network in clear text. A full URI at the Pod Identity agent's
 * addresses is left to the {@code eks} module. The token (file) is re-read on every call, with a size and time bound.
 *
 * <p><b>Fail closed.</b> When the ECS variables are set but break a rule (a URI, the timeout, user info in a URL),
 * detection reports the source as found with a reason that says what is wrong, and opening (so {@code build()})
 * fails naming the setting: no lower-precedence source, such as the instance role, is tried instead. Messages never
 * show a password, a query, or the credentials ID of a relative URI.
 *
 * <p>Credentials are cached with the broker's clock, fetched again five minutes before expiry, and served from the
 * cache through a failed fetch until one minute before expiry. Messages never contain the token, the credentials, or
 * the credentials ID of the relative URI (shown as {@code /v2/credentials/…}).
 */
package io.getport.ocean.aws.credentials.ecs;
