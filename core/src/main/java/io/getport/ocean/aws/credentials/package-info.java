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
 */
package io.getport.ocean.aws.credentials;
