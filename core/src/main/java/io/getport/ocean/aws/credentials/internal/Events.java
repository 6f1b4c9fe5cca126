package io.getport.ocean.aws.credentials.internal;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every event the broker reports, in one place: stable wording with {@code key=value} fields, at the level an operator
 * would choose, and never a secret. Per-account WARNs are emitted once per failure episode by the callers.
 *
 * <p>Thread safe.
 */
public class Events {
    static final Logger LOG = LoggerFactory.getLogger("io.getport.ocean.aws.credentials");

    public void identityDetected(String source, String reason, String region, boolean roleChaining) {
        LOG.info("identity detected source={} region={} roleChaining={} reason=\"{}\"", source, region, roleChaining,
                reason);
    }

    public void basePrincipal(String arn, String account) {
        LOG.info("base identity principal={} account={}", arn, account);
    }

    public void regionDefaulted(String region) {
        LOG.warn("sts region not configured and not reported by the runtime; using region={}"
                + " (set OCEAN_AWS_STS_REGION or AWS_REGION)", region);
    }

    public void durationClamped(Duration requested, String why) {
        LOG.warn("session duration clamped requested={}s used=3600s reason=\"{}\"", requested.getSeconds(), why);
    }

    public void stsCall(String action, String outcome, long nanos) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("sts call action={} outcome={} latencyMs={}", action, outcome, nanos / 1_000_000);
        }
    }

    public void refreshed(String account, String assumedRoleArn, Instant expiration, boolean background) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("refresh ok account={} role={} expires={} background={}", account, assumedRoleArn, expiration,
                    background);
        }
    }

    /** First recoverable failure of an episode: cached credentials are still served. */
    public void refreshFailedServingCached(String account, String errorCode, Instant expiration, String message) {
        LOG.warn("refresh failed; serving cached credentials account={} error={} expires={} detail=\"{}\"", account,
                errorCode, expiration, message);
    }

    /** First failure of an episode with no valid credentials left to serve. */
    public void refreshFailed(String account, String errorCode, boolean recoverable, String message) {
        LOG.warn("refresh failed account={} error={} recoverable={} detail=\"{}\"", account, errorCode, recoverable,
                message);
    }

    /** Every failed refresh (metrics); the log line is written once per episode by the callers above. */
    public void refreshFailure(String account, io.getport.ocean.aws.credentials.ReadRoleException failure) {
    }

    public void recovered(String account, int failedAttempts) {
        LOG.info("refresh recovered account={} afterFailures={}", account, failedAttempts);
    }

    public void negativeCacheHit(String account) {
        // Counted by metrics listeners; not logged, to avoid a storm.
    }

    public void cacheHit() {
        // Hot path: must stay allocation free; metrics listeners override.
    }

    public void cacheMiss(String account) {
        // Counted by metrics listeners.
    }

    public void evicted(String account, String cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("account evicted account={} cause={}", account, cause);
        }
    }

    public void circuitTransition(String from, String to) {
        if ("OPEN".equals(to)) {
            LOG.warn("sts circuit breaker opened from={} to={}: STS calls are paused", from, to);
        } else {
            LOG.info("sts circuit breaker state from={} to={}", from, to);
        }
    }

    public void closed() {
        LOG.debug("broker closed");
    }
}
