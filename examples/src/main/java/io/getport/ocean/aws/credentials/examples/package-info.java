/**
 * Runnable examples of the library, one per runtime, and the local demo.
 *
 * <ul>
 *   <li>{@link io.getport.ocean.aws.credentials.examples.EcsExample}, {@link io.getport.ocean.aws.credentials.examples.Ec2Example}
 *       and {@link io.getport.ocean.aws.credentials.examples.EksExample}: for each account in {@code OCEAN_AWS_ACCOUNTS},
 *       {@code AwsReadSession.forAccount(id)}, then read-only calls (S3 buckets, EC2 instances in the configured regions,
 *       the number of IAM roles), printed as a table per account with the credentials' expiry, the assumed-role ARN
 *       and the next refresh. They use only the public API ({@code io.getport.ocean.aws.credentials}).</li>
 *   <li>{@link io.getport.ocean.aws.credentials.examples.LocalDemo}: the whole flow on one machine, against moto_server
 *       and a loopback stand-in for the runtime's credential endpoint; the Main-Class of {@code ocean-aws-demo.jar}.</li>
 * </ul>
 *
 * <p>These are applications, so they print to stdout; the library itself only logs through SLF4J. The module is not
 * published.
 */
package io.getport.ocean.aws.credentials.examples;
