/**
 * Test support for the Ocean AWS credentials modules (not published).
 *
 * <p>The kit has three parts:
 * <ul>
 *   <li>{@link io.getport.ocean.aws.credentials.testkit.moto}: the moto emulator as a JUnit 5 extension
 *       ({@code @WithMoto}, {@code MotoServer}) and {@code SeedArchitecture}, the base and target accounts with
 *       {@code PortOceanReadRole}, provisioned under IAM enforcement.</li>
 *   <li>{@link io.getport.ocean.aws.credentials.testkit.fake}: protocol-faithful in-process servers for STS, the ECS /
 *       EKS Pod Identity container credentials endpoint and EC2 IMDSv2, with request recording and fault injection.</li>
 *   <li>This package: small helpers every tier uses. {@link io.getport.ocean.aws.credentials.testkit.LogCapture}
 *       captures Logback events for secret-leak assertions; {@link io.getport.ocean.aws.credentials.testkit.Jwt} makes
 *       service-account tokens for IRSA; {@link io.getport.ocean.aws.credentials.testkit.MutableClock} is a clock tests
 *       move by hand.</li>
 * </ul>
 *
 * <p>Rules the kit keeps: servers bind to {@code 127.0.0.1} on a free port; everything that starts a server or a thread
 * is {@link java.lang.AutoCloseable}; waits are bounded; no secret is printed by a {@code toString()} or an assertion
 * message.
 */
package io.getport.ocean.aws.credentials.testkit;
