package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.BrokerListener;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every event the broker reports, in one place: stable wording with {@code key=value} fields, at the level an operator
 * would choose, and never a secret. Per-account WARNs are emitted once per failure episode by the callers. Each event
 * is also dispatched to the {@link BrokerListener}s given to the builder (metrics); a listener that throws is logged
 * once and otherwise ignored.
 *
 * <p>Log levels: INFO for identity detection, the base principal and recoveries; WARN for the first failure of an
 * episode per account, a defaulted region, a clamped duration and an opened circuit; DEBUG for every STS call,
 * refresh, cached failure and eviction; TRACE for negative-cache hits.
 *
 * <p>Thread safe. {@link #cacheHit()} is on the hot path and allocates nothing.
 */
public class Events {
    static final Logger LOG = LoggerFactory.getLogger("io.getport.ocean.aws.credentials");
    private static final BrokerListener[] NONE = new BrokerListener[0];

    private final BrokerListener[] listeners;
    private final AtomicBoolean listenerFailureLogged = new AtomicBoolean();

    /** Events that are only logged. */
    public Events() {
        this(List.of());
    }

    /** Events that are logged and dispatched to {@code listeners}, in order. */
    public Events(List<BrokerListener> listeners) {
        this.listeners = listeners.toArray(NONE);
    }

    /** The broker is built; listeners may keep it for gauges. */
    public void started(ReadRoleBroker broker) {
        for (BrokerListener l : listeners) {
            try {
                l.started(broker);
            } catch (RuntimeException e) {
                listenerFailed(l, "started", e);
            }
        }
    }

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
        for (BrokerListener l : listeners) {
            try {
                l.stsCall(action, outcome, nanos);
            } catch (RuntimeException e) {
                listenerFailed(l, "stsCall", e);
            }
        }
    }

    /** Time an STS call waited for a rate-limiter permit; {@code permitted} false when none came in time. */
    public void rateLimiterWaited(long nanos, boolean permitted) {
        if (!permitted && LOG.isDebugEnabled()) {
            LOG.debug("sts rate limiter refused a call waitedMs={} (OCEAN_AWS_STS_RATE_LIMIT)", nanos / 1_000_000);
        }
        for (BrokerListener l : listeners) {
            try {
                l.rateLimiterWaited(nanos, permitted);
            } catch (RuntimeException e) {
                listenerFailed(l, "rateLimiterWaited", e);
            }
        }
    }

    /** STS throttled this broker and its adaptive rate went down (at most once per 100 ms): DEBUG only. */
    public void stsRateDecreased(double from, double to) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("sts throttled; adaptive rate decreased from={}/s to={}/s", Math.round(from), Math.round(to));
        }
    }

    public void refreshed(String account, String assumedRoleArn, Instant expiration, boolean background) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("refresh ok account={} role={} expires={} background={}", account, assumedRoleArn, expiration,
                    background);
        }
        for (BrokerListener l : listeners) {
            try {
                l.refreshSucceeded(account, expiration, background);
            } catch (RuntimeException e) {
                listenerFailed(l, "refreshSucceeded", e);
            }
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

    /**
     * Every failed refresh (metrics); the WARN is written once per episode by the two methods above. The failure is
     * then cached for the account (backoff, or the failure cache time when not recoverable): DEBUG only.
     */
    public void refreshFailure(String account, ReadRoleException failure) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("refresh failure cached account={} reason={} error={} recoverable={}", account,
                    failure.reason(), failure.errorCode().orElse("none"), failure.retryable());
        }
        for (BrokerListener l : listeners) {
            try {
                l.refreshFailed(account, failure);
            } catch (RuntimeException e) {
                listenerFailed(l, "refreshFailed", e);
            }
        }
    }

    public void recovered(String account, int failedAttempts, boolean warned) {
        if (warned) {
            LOG.info("refresh recovered account={} afterFailures={}", account, failedAttempts);
        } else {
            LOG.debug("refresh recovered account={} afterFailures={} (refused by the open circuit breaker only)",
                    account, failedAttempts);
        }
        for (BrokerListener l : listeners) {
            try {
                l.refreshRecovered(account, failedAttempts);
            } catch (RuntimeException e) {
                listenerFailed(l, "refreshRecovered", e);
            }
        }
    }

    /** A caller got the cached failure without an STS call: TRACE only, to avoid a log storm. */
    public void negativeCacheHit(String account) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("negative cache hit account={}", account);
        }
        for (BrokerListener l : listeners) {
            try {
                l.negativeCacheHit(account);
            } catch (RuntimeException e) {
                listenerFailed(l, "negativeCacheHit", e);
            }
        }
    }

    /** Hot path: no allocation, no logging. */
    /** Whether any listener receives {@link #cacheHit()}: when none does, the hot path skips the call. */
    public boolean hasListeners() {
        return listeners.length > 0;
    }

    public void cacheHit() {
        BrokerListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].cacheHit();
            } catch (RuntimeException e) {
                listenerFailed(ls[i], "cacheHit", e);
            }
        }
    }

    public void cacheMiss(String account) {
        for (BrokerListener l : listeners) {
            try {
                l.cacheMiss(account);
            } catch (RuntimeException e) {
                listenerFailed(l, "cacheMiss", e);
            }
        }
    }

    public void evicted(String account, String cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("account evicted account={} cause={}", account, cause);
        }
        for (BrokerListener l : listeners) {
            try {
                l.accountEvicted(account, cause);
            } catch (RuntimeException e) {
                listenerFailed(l, "accountEvicted", e);
            }
        }
    }

    public void circuitTransition(String from, String to) {
        if ("OPEN".equals(to)) {
            LOG.warn("sts circuit breaker opened from={} to={}: STS calls are paused", from, to);
        } else {
            LOG.info("sts circuit breaker state from={} to={}", from, to);
        }
        for (BrokerListener l : listeners) {
            try {
                l.circuitStateChanged(from, to);
            } catch (RuntimeException e) {
                listenerFailed(l, "circuitStateChanged", e);
            }
        }
    }

    public void closed() {
        LOG.debug("broker closed");
        for (BrokerListener l : listeners) {
            try {
                l.closed();
            } catch (RuntimeException e) {
                listenerFailed(l, "closed", e);
            }
        }
    }

    /** WARN for the first listener failure of this broker, DEBUG after that: a broken listener must not flood logs. */
    private void listenerFailed(BrokerListener listener, String method, RuntimeException e) {
        if (listenerFailureLogged.compareAndSet(false, true)) {
            LOG.warn("broker listener failed listener={} method={} error={} (ignored; further failures at DEBUG)",
                    listener.getClass().getName(), method, e.toString());
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("broker listener failed listener={} method={} error={}", listener.getClass().getName(), method,
                    e.toString());
        }
    }
}
