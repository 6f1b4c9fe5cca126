/**
 * EKS identity sources: {@link io.getport.ocean.aws.credentials.eks.EksIrsaIdentitySource} ({@code eks-irsa}: IAM
 * Roles for Service Accounts, direct or chained) and {@link io.getport.ocean.aws.credentials.eks.EksPodIdentitySource}
 * ({@code eks-pod-identity}: the EKS Pod Identity agent). Both are found by core with {@link java.util.ServiceLoader};
 * everything else here is package-private.
 *
 * <p><b>Why not the SDK's providers.</b> {@code StsWebIdentityTokenFileCredentialsProvider} reads the token file
 * itself and caches with its own clock; here the token is read through the
 * {@link io.getport.ocean.aws.credentials.RuntimeEnvironment} on every call that sends it, its claims are decoded to
 * explain a refusal (which trust-policy conditions must match), an expired token is reported before STS is asked, and
 * direct mode hands the same token to core so that each account's read role is assumed with
 * {@code AssumeRoleWithWebIdentity}. The call itself goes through the SDK's {@code StsClient} (anonymous, retries off:
 * the broker retries). {@code ContainerCredentialsProvider} reads {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and the
 * token from the process environment and system properties at call time, which a test cannot inject without changing
 * process-wide state; the Pod Identity agent is therefore called with core's bounded client ({@code spi.support.LocalHttp}:
 * no proxy, no redirects, one attempt, a total deadline per call and a 64 KiB bound; the broker retries), and answers
 * and JWT payloads are parsed with Jackson under limits.
 *
 * <p><b>Token files</b> are read through {@code spi.support.TokenFiles}: a regular file (a FIFO, a device such as
 * {@code /dev/zero} or a directory is refused before it is opened), at most 16 KiB, within 2 s, one line of printable
 * ASCII. A JWT whose {@code exp} is not a time is refused. <b>Fail closed:</b> when both IRSA variables are set but
 * one is malformed, or the Pod Identity full URI is not a URI or carries user info, detection reports the source as
 * found and {@code build()} fails naming the setting; the node's instance role is never used instead. In IRSA (both
 * modes) the account of {@code AWS_ROLE_ARN} is checked against {@code OCEAN_AWS_EXPECTED_BASE_ACCOUNT} when the
 * broker is built.
 *
 * <p>Both sources cache the base credentials with the broker's clock, fetch new ones five minutes before expiry, and
 * keep serving cached ones through a failed fetch until one minute before expiry. No message, log line or
 * {@code toString()} here contains a token, a secret key or a session token.
 */
package io.getport.ocean.aws.credentials.eks;
