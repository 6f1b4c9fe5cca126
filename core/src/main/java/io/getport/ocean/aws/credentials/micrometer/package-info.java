/**
 * Optional Micrometer metrics for the broker: {@link io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener}.
 *
 * <p>{@code io.micrometer:micrometer-core} is an optional dependency of this library: add it yourself to use this
 * package. No other package of the library refers to Micrometer, so the library works without it on the class path.
 */
package io.getport.ocean.aws.credentials.micrometer;
