/**
 * Benchmarks and scale simulations (not published): JMH {@link io.getport.ocean.aws.credentials.benchmarks.B1WarmResolve}
 * and {@link io.getport.ocean.aws.credentials.benchmarks.B2ManyAccounts}, and the
 * {@link io.getport.ocean.aws.credentials.benchmarks.ScaleSimulation} main (cold start, shared quota, virtual-thread
 * burst, footprint, a day with and without an outage, the refresh model), side by side with the AWS SDK's own
 * {@code StsAssumeRoleCredentialsProvider}. {@code docs/PERFORMANCE.md} has the commands and the recorded figures; the
 * smoke test runs everything at tiny sizes in {@code mvn verify}.
 *
 * <p>Written by hand, because no library does it: the stand-in STS
 * ({@link io.getport.ocean.aws.credentials.benchmarks.QuotaSts}), which enforces STS's per-second quota with
 * {@code Throttling}, models another process's share of it and counts calls per account (the test kit's
 * {@code FakeSts} is protocol-faithful but records every request and has none of these), and the refresh model.
 * JMH measures the hot paths; JFR counts pinned virtual threads.
 */
package io.getport.ocean.aws.credentials.benchmarks;
