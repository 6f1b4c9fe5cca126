package io.getport.ocean.aws.credentials;

import java.time.Instant;

/**
 * Receives what a {@link ReadRoleBroker} does, for metrics or custom monitoring without Micrometer. Register one with
 * {@link ReadRoleBroker.Builder#listener(BrokerListener)}; every method has a no-op default, so implement only what
 * you need. With Micrometer on the class path, {@code io.getport.ocean.aws.credentials.micrometer} has a ready one.
 *
 * <pre>{@code
 * ReadRoleBroker broker = ReadRoleBroker.builder()
 *         .listener(new BrokerListener() {
 *             @Override
 *             public void refreshFailed(String accountId, ReadRoleException failure) {
 *                 alerts.record(accountId, failure.reason());
 *             }
 *         })
 *         .build();
 * }</pre>
 *
 * <p><b>Threading.</b> Methods are called synchronously on the broker's threads (STS worker threads, and for
 * {@link #cacheHit()} and {@link #cacheMiss} the threads of callers resolving credentials), possibly concurrently:
 * implementations must be thread safe and fast, and must not block or call back into the broker's credential
 * resolution. An exception thrown by a listener is caught and logged once; it never reaches the caller.
 *
 * <p><b>Secrets.</b> Nothing passed to a listener contains a secret key, session token, web identity token or
 * ExternalId.
 */
public interface BrokerListener {

    /**
     * The broker was built and its identity detected. Called once, at the end of {@link ReadRoleBroker.Builder#build()},
     * before the broker is returned to its creator; a listener may keep the reference to read {@link
     * ReadRoleBroker#health()} or {@link ReadRoleBroker#cachedAccounts()} later (for gauges).
     */
    default void started(ReadRoleBroker broker) {
    }

    /**
     * One STS call ended, after it passed the rate limiter, the bulkhead and the circuit breaker.
     *
     * @param action {@code AssumeRole}, {@code AssumeRoleWithWebIdentity} or {@code GetCallerIdentity}
     * @param outcome {@code ok}, or the STS error code ({@code AccessDenied}, {@code Throttling}, ...), or the
     *     exception's simple class name for a client-side failure
     * @param latencyNanos how long the call took
     */
    default void stsCall(String action, String outcome, long latencyNanos) {
    }

    /**
     * How long an STS call waited for a permit of the broker's rate limiter ({@code OCEAN_AWS_STS_RATE_LIMIT}).
     *
     * @param waitNanos the time waited
     * @param permitted false when no permit came within the refresh timeout and the call was not made
     */
    default void rateLimiterWaited(long waitNanos, boolean permitted) {
    }

    /**
     * New credentials were issued for an account.
     *
     * @param background true for a refresh in the advisory window that no caller waited for
     */
    default void refreshSucceeded(String accountId, Instant expiration, boolean background) {
    }

    /**
     * A refresh failed (every failure, not only the first of an episode). {@link ReadRoleException#retryable()} tells
     * a recoverable failure (cached credentials, if valid, are still served) from one that is cached briefly
     * (negative cache).
     */
    default void refreshFailed(String accountId, ReadRoleException failure) {
    }

    /** An account's refresh succeeded again after {@code failedAttempts} consecutive failures. */
    default void refreshRecovered(String accountId, int failedAttempts) {
    }

    /**
     * Credentials were served from the cache without any work. Called on the hot path: keep it allocation free
     * (increment a counter).
     */
    default void cacheHit() {
    }

    /** A caller found no usable credentials for the account and waits for STS. */
    default void cacheMiss(String accountId) {
    }

    /** A caller got a recently cached failure for the account, without an STS call. */
    default void negativeCacheHit(String accountId) {
    }

    /** An account was evicted from the cache ({@code cause}: {@code SIZE} or {@code EXPIRED}, i.e. idle). */
    default void accountEvicted(String accountId, String cause) {
    }

    /**
     * The STS circuit breaker changed state. States: {@code CLOSED} (calls flow), {@code OPEN} (calls paused),
     * {@code HALF_OPEN} (trial calls).
     */
    default void circuitStateChanged(String from, String to) {
    }

    /** The broker was closed; no more calls follow. */
    default void closed() {
    }
}
