/**
 * The EC2 identity source: {@link io.getport.ocean.aws.credentials.ec2.Ec2IdentitySource} ({@code ec2}, the
 * instance profile role from IMDSv2), found by core with {@link java.util.ServiceLoader}; everything else here is
 * package-private.
 *
 * <p><b>Why not the SDK's {@code InstanceProfileCredentialsProvider}.</b> It reads
 * {@code AWS_EC2_METADATA_DISABLED}, the IMDSv1 switch and the timeout from the process environment, system properties
 * and profile file at call time, falls back to IMDSv1 by default, and reports every failure as "Failed to load
 * credentials from IMDS". This library needs the opposite on each point: settings read through the
 * {@link io.getport.ocean.aws.credentials.RuntimeEnvironment}, IMDSv1 off unless asked for, and a token request that
 * gets no answer told apart from "not on EC2", because that is the container hop-limit problem and has a precise fix
 * ({@code HttpPutResponseHopLimit} 2). So this package speaks IMDSv2 with a small client over
 * {@code HttpURLConnection} (no proxy, no redirects, one attempt per call: the broker retries; the token cached for its
 * TTL and fetched again after a 401) and parses answers with the SDK's JSON parser ({@code json-utils}, a dependency of
 * the SDK's {@code auth} module).
 *
 * <p>Credentials are cached with the broker's clock, fetched again five minutes before expiry, and served from the
 * cache through a failed fetch until one minute before expiry. Messages never contain the IMDS token or the
 * credentials.
 */
package io.getport.ocean.aws.credentials.ec2;
