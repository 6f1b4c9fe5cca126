/**
 * In-process fakes of the endpoints the broker talks to, faithful to the wire formats in {@code PROTOCOLS.md}, for
 * tests that point the real AWS SDK providers at them.
 *
 * <ul>
 *   <li>{@link io.getport.ocean.aws.credentials.testkit.fake.FakeSts}: STS query protocol (AssumeRole,
 *       AssumeRoleWithWebIdentity, GetCallerIdentity) with STS's errors
 *       ({@link io.getport.ocean.aws.credentials.testkit.fake.StsError}), throttling, role-chaining limits and
 *       credentials whose expiry follows an injected clock.</li>
 *   <li>{@link io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint}: the ECS agent and the
 *       EKS Pod Identity agent, with authorization token checks and ECS task metadata v4.</li>
 *   <li>{@link io.getport.ocean.aws.credentials.testkit.fake.FakeImds}: EC2 instance metadata, IMDSv2 tokens,
 *       instance role credentials and the instance identity document.</li>
 * </ul>
 *
 * <p>All three extend {@link io.getport.ocean.aws.credentials.testkit.fake.FakeServer}: they record every request
 * ({@link io.getport.ocean.aws.credentials.testkit.fake.RecordedRequest}), count concurrent ones, and take
 * {@link io.getport.ocean.aws.credentials.testkit.fake.Fault}s (status, delay, hang, dropped connection) queued or
 * decided per request.
 *
 * <pre>{@code
 * try (FakeSts sts = FakeSts.builder().clock(clock).start()) {
 *     sts.failNext(2, StsError.THROTTLING).latency(Duration.ofMillis(50));
 *     // point the broker's STS endpoint at sts.endpoint() ...
 *     assertThat(sts.countsByRoleArn()).containsEntry(readRoleArn, 3);
 * }
 * }</pre>
 */
package io.getport.ocean.aws.credentials.testkit.fake;
