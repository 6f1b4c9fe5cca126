/**
 * Benchmarks and scale simulations (not published): JMH {@link io.getport.ocean.aws.credentials.benchmarks.B1WarmResolve}
 * and {@link io.getport.ocean.aws.credentials.benchmarks.B2ManyAccounts}, and the
 * {@link io.getport.ocean.aws.credentials.benchmarks.ScaleSimulation} main (S1 cold start, S2 footprint, S3 a day),
 * all against the test kit's in-process STS fake and side by side with the AWS SDK's own
 * {@code StsAssumeRoleCredentialsProvider}. {@code docs/PERFORMANCE.md} has the commands and the recorded figures; the
 * smoke test runs everything at tiny sizes in {@code mvn verify}.
 */
package io.getport.ocean.aws.credentials.benchmarks;
