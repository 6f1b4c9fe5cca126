package io.getport.ocean.aws.credentials;

import io.getport.ocean.aws.credentials.internal.Settings;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How the broker protects STS and itself: the adaptive rate ceiling, the concurrency cap, the per-call timeout,
 * retries with backoff, and the circuit breaker: one group of {@link ReadRoleBroker.Builder}'s options, the way the
 * AWS SDK groups a client's options in {@code ClientOverrideConfiguration}.
 *
 * <pre>{@code
 * ReadRoleBroker broker = ReadRoleBroker.builder()
 *         .stsProtection(s -> s.stsRateLimit(100).stsMaxConcurrency(4))
 *         .build();
 * }</pre>
 *
 * <p>An option left unset comes from its environment variable or system property, then the default (docs/SETTINGS.md).
 * Values are checked by {@link ReadRoleBroker.Builder#build()}, which names the option and the rule.
 *
 * <p><b>Thread safety.</b> Immutable and thread safe; its {@link Builder} is not thread safe.
 */
public final class StsProtectionConfiguration {
    private final Settings.Draft values;

    private StsProtectionConfiguration(Settings.Draft values) {
        this.values = values;
    }

    /** A builder with every option unset. */
    public static Builder builder() {
        return new Builder(new Settings.Draft());
    }

    /** A builder with this configuration's options set. */
    public Builder toBuilder() {
        Settings.Draft copy = new Settings.Draft();
        copy(values, copy);
        return new Builder(copy);
    }

    /** Copies the options that are set into {@code to}. */
    void applyTo(Settings.Draft to) {
        copy(values, to);
    }

    private static void copy(Settings.Draft from, Settings.Draft to) {
        if (from.stsCallTimeout != null) {
            to.stsCallTimeout = from.stsCallTimeout;
        }
        if (from.retryMaxAttempts != null) {
            to.retryMaxAttempts = from.retryMaxAttempts;
        }
        if (from.retryBaseDelay != null) {
            to.retryBaseDelay = from.retryBaseDelay;
        }
        if (from.retryMaxDelay != null) {
            to.retryMaxDelay = from.retryMaxDelay;
        }
        if (from.stsRateLimit != null) {
            to.stsRateLimit = from.stsRateLimit;
        }
        if (from.stsMaxConcurrency != null) {
            to.stsMaxConcurrency = from.stsMaxConcurrency;
        }
        if (from.circuitFailureRate != null) {
            to.circuitFailureRate = from.circuitFailureRate;
        }
        if (from.circuitOpenDuration != null) {
            to.circuitOpenDuration = from.circuitOpenDuration;
        }
    }

    /**
     * Applies {@code mutation} to a builder of {@code current}: repeated calls add up, the last value of an option
     * wins.
     */
    static StsProtectionConfiguration mutate(StsProtectionConfiguration current, Consumer<Builder> mutation) {
        Builder builder = current.toBuilder();
        Objects.requireNonNull(mutation, "mutation").accept(builder);
        return builder.build();
    }

    /** Which options are set; never their values (some are secrets or credentials). */
    @Override
    public String toString() {
        StringBuilder set = new StringBuilder();
        if (values.stsCallTimeout != null) {
            set.append(set.length() == 0 ? "" : ", ").append("stsCallTimeout");
        }
        if (values.retryMaxAttempts != null) {
            set.append(set.length() == 0 ? "" : ", ").append("retryMaxAttempts");
        }
        if (values.retryBaseDelay != null) {
            set.append(set.length() == 0 ? "" : ", ").append("retryBaseDelay");
        }
        if (values.retryMaxDelay != null) {
            set.append(set.length() == 0 ? "" : ", ").append("retryMaxDelay");
        }
        if (values.stsRateLimit != null) {
            set.append(set.length() == 0 ? "" : ", ").append("stsRateLimit");
        }
        if (values.stsMaxConcurrency != null) {
            set.append(set.length() == 0 ? "" : ", ").append("stsMaxConcurrency");
        }
        if (values.circuitFailureRate != null) {
            set.append(set.length() == 0 ? "" : ", ").append("circuitFailureRate");
        }
        if (values.circuitOpenDuration != null) {
            set.append(set.length() == 0 ? "" : ", ").append("circuitOpenDuration");
        }
        return "StsProtectionConfiguration[set: " + (set.length() == 0 ? "none" : set) + "]";
    }

    /** Builds a {@link StsProtectionConfiguration}. Not thread safe. */
    public static final class Builder {
        private final Settings.Draft d;

        private Builder(Settings.Draft d) {
            this.d = d;
        }

        /**
         * The ceiling of the broker's adaptive STS rate, in calls per second for all accounts together: the rate
         * starts here, goes down (x0.7, at most every 100 ms) when STS answers {@code Throttling}, and recovers
         * gradually, never above this value nor below 1/s (see docs/REFRESH.md). Default
         * ({@code OCEAN_AWS_STS_RATE_LIMIT}): 500, under STS's published 600/s AssumeRole quota.
         */
        public Builder stsRateLimit(int callsPerSecond) {
            d.stsRateLimit = callsPerSecond;
            return this;
        }

        /**
         * Concurrent STS calls, for all accounts together. They run on the broker's own pool of at most
         * {@code min(calls, 10)} daemon threads (idle ones exit) and, beyond that, on the threads of callers that are
         * blocked waiting for a refresh anyway (platform threads with at least {@code stsCallTimeout} of their wait
         * left; such a caller may return up to one STS call after its own credentials arrived). Default
         * ({@code OCEAN_AWS_STS_MAX_CONCURRENCY}): 16.
         */
        public Builder stsMaxConcurrency(int calls) {
            d.stsMaxConcurrency = calls;
            return this;
        }

        /** Timeout of one STS call. Default ({@code OCEAN_AWS_STS_CALL_TIMEOUT}): 5 s. */
        public Builder stsCallTimeout(Duration timeout) {
            d.stsCallTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Attempts per refresh for recoverable failures, first included. Default ({@code OCEAN_AWS_RETRY_MAX_ATTEMPTS}): 3. */
        public Builder retryMaxAttempts(int attempts) {
            d.retryMaxAttempts = attempts;
            return this;
        }

        /** Base of the exponential backoff with full jitter. Default ({@code OCEAN_AWS_RETRY_BASE_DELAY}): 200 ms. */
        public Builder retryBaseDelay(Duration delay) {
            d.retryBaseDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** Cap of the backoff. Default ({@code OCEAN_AWS_RETRY_MAX_DELAY}): 20 s. */
        public Builder retryMaxDelay(Duration delay) {
            d.retryMaxDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /**
         * Failure rate (percent of the last 20 STS calls, recoverable failures only) that opens the circuit breaker.
         * Default ({@code OCEAN_AWS_CIRCUIT_FAILURE_RATE}): 50.
         */
        public Builder circuitFailureRate(int percent) {
            d.circuitFailureRate = percent;
            return this;
        }

        /** How long an open circuit stays open. Default ({@code OCEAN_AWS_CIRCUIT_OPEN_DURATION}): 30 s. */
        public Builder circuitOpenDuration(Duration duration) {
            d.circuitOpenDuration = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /** An immutable configuration of the options set so far. */
        public StsProtectionConfiguration build() {
            Settings.Draft copy = new Settings.Draft();
            copy(d, copy);
            return new StsProtectionConfiguration(copy);
        }
    }
}
