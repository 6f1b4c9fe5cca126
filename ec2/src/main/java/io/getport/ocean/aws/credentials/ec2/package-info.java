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
 * ({@code HttpPutResponseHopLimit} 2). So this package speaks IMDSv2 with core's bounded client
 * ({@code spi.support.LocalHttp}: no proxy, no redirects, one attempt per call, the broker retries; the token cached
 * for its TTL and fetched again after a 401) and parses answers with Jackson under limits.
 *
 * <p><b>Deadlines.</b> Every call (token PUT, role listing, credentials GET, identity document) has a total deadline
 * of {@code AWS_METADATA_SERVICE_TIMEOUT} (default 1 s) covering the whole answer, and a 64 KiB bound: an IMDS that
 * answers one byte at a time cannot hang detection, {@code build()} or the doctor. A credentials fetch makes at most
 * five calls. A token answer that is empty, longer than 1024 characters or not printable ASCII, and a role listing
 * that is not an IAM role name, are refused. A malformed setting ({@code AWS_EC2_METADATA_SERVICE_ENDPOINT},
 * {@code AWS_METADATA_SERVICE_TIMEOUT}, ...) fails {@code build()} naming it, instead of counting as "not on EC2"; the
 * endpoint is shown without user info or query.
 *
 * <p>Credentials are cached with the broker's clock, fetched again five minutes before expiry, and served from the
 * cache through a failed fetch until one minute before expiry. Messages never contain the IMDS token or the
 * credentials.
 */
package io.getport.ocean.aws.credentials.ec2;
