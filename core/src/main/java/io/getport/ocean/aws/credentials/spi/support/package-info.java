/**
 * Building blocks for {@link io.getport.ocean.aws.credentials.spi.IdentitySource} implementations (the {@code ecs},
 * {@code ec2} and {@code eks} modules): one HTTP exchange with a local agent ({@link
 * io.getport.ocean.aws.credentials.spi.support.LocalHttp}), base credentials cached and fetched again before they
 * expire ({@link io.getport.ocean.aws.credentials.spi.support.RefreshingCredentials}), and setting parsing with core's
 * message style ({@link io.getport.ocean.aws.credentials.spi.support.EnvValues}). Part of the SPI: stable for
 * implementers, not meant for integrations.
 */
package io.getport.ocean.aws.credentials.spi.support;
