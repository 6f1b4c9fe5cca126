/**
 * The identity-source SPI: what a platform module ({@code ecs}, {@code ec2}, {@code eks}) implements so that core can
 * detect and open the runtime identity without knowing any platform.
 *
 * <p>Entry point: {@link io.getport.ocean.aws.credentials.spi.IdentitySource}, registered with
 * {@link java.util.ServiceLoader}. {@link io.getport.ocean.aws.credentials.spi.TrustPolicies} is the one source of the
 * policy JSON that diagnostics and templates print.
 */
package io.getport.ocean.aws.credentials.spi;
