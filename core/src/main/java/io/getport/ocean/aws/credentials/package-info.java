/**
 * The public API: {@link io.getport.ocean.aws.credentials.AwsReadSession#forAccount(String)} is the front door;
 * {@link io.getport.ocean.aws.credentials.ReadRoleBroker#builder()} configures everything else.
 *
 * <p>Data flows one way: an identity source (ECS, EC2, EKS; see the {@code spi} package) gives the base credentials;
 * one shared STS client assumes {@code PortOceanReadRole} per account; a bounded cache keeps each account's
 * credentials and refreshes them before they expire; {@link io.getport.ocean.aws.credentials.AwsReadSession} hands
 * them to SDK clients as an {@code AwsCredentialsProvider}. Everything under {@code internal} may change without
 * notice.
 */
package io.getport.ocean.aws.credentials;
