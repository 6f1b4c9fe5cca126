/**
 * The public API: {@link io.getport.ocean.aws.credentials.AwsReadSession#forAccount(String)} is the front door;
 * {@link io.getport.ocean.aws.credentials.ReadRoleBroker#builder()} configures everything else. Its options come in
 * the groups the AWS SDK would use for a client's {@code ClientOverrideConfiguration}: the read role and session on the
 * builder itself, and three configuration classes of their own for
 * {@link io.getport.ocean.aws.credentials.IdentityConfiguration identity},
 * {@link io.getport.ocean.aws.credentials.RefreshConfiguration refresh and cache} and
 * {@link io.getport.ocean.aws.credentials.StsProtectionConfiguration STS protection}.
 *
 * <p>Data flows one way: an identity source (ECS, EC2, EKS; see the {@code spi} package) gives the base credentials;
 * one shared STS client assumes {@code PortOceanReadRole} per account; a bounded cache keeps each account's
 * credentials and refreshes them before they expire; {@link io.getport.ocean.aws.credentials.AwsReadSession} hands
 * them to SDK clients as an {@code AwsCredentialsProvider}. Everything under {@code internal} may change without
 * notice.
 *
 * <p>Written by hand here: the per-account cache ({@code SessionCache}, package-private). A general cache library
 * (Caffeine, used until 2026-12) records every read for its eviction policy, and that bookkeeping cost more than the
 * whole warm resolution under random access over thousands of accounts (docs/PERFORMANCE.md, B2); this cache needs
 * only an idle bound of hours and a size bound against misuse, which a map and a coarse last-used stamp give at the
 * cost of a field read per lookup.
 */
package io.getport.ocean.aws.credentials;
