package io.getport.ocean.aws.credentials;

import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.internal.Settings;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * When each account's credentials are refreshed, how long callers wait, and how the per-account cache is bounded: one
 * group of {@link ReadRoleBroker.Builder}'s options, the way the AWS SDK groups a client's options in {@code
 * ClientOverrideConfiguration}.
 *
 * <pre>{@code
 * ReadRoleBroker broker = ReadRoleBroker.builder()
 *         .refresh(r -> r.outageBuffer(Duration.ofMinutes(20)).refreshTimeout(Duration.ofSeconds(30)))
 *         .build();
 * }</pre>
 *
 * <p>An option left unset comes from its environment variable or system property, then the default (docs/SETTINGS.md).
 * Values are checked by {@link ReadRoleBroker.Builder#build()}, which names the option and the rule.
 *
 * <p><b>Thread safety.</b> Immutable and thread safe; its {@link Builder} is not thread safe.
 */
public final class RefreshConfiguration {
    private final Settings.Draft values;

    private RefreshConfiguration(Settings.Draft values) {
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
        if (from.advisoryWindow != null) {
            to.advisoryWindow = from.advisoryWindow;
        }
        if (from.mandatoryWindow != null) {
            to.mandatoryWindow = from.mandatoryWindow;
        }
        if (from.refreshJitter != null) {
            to.refreshJitter = from.refreshJitter;
        }
        if (from.outageBuffer != null) {
            to.outageBuffer = from.outageBuffer;
        }
        if (from.queueTimeout != null) {
            to.queueTimeout = from.queueTimeout;
        }
        if (from.refreshTimeout != null) {
            to.refreshTimeout = from.refreshTimeout;
        }
        if (from.failureCacheTime != null) {
            to.failureCacheTime = from.failureCacheTime;
        }
        if (from.cacheMaximumAccounts != null) {
            to.cacheMaximumAccounts = from.cacheMaximumAccounts;
        }
        if (from.cacheIdleTime != null) {
            to.cacheIdleTime = from.cacheIdleTime;
        }
    }

    /**
     * Applies {@code mutation} to a builder of {@code current}: repeated calls add up, the last value of an option
     * wins.
     */
    static RefreshConfiguration mutate(RefreshConfiguration current, Consumer<Builder> mutation) {
        Builder builder = current.toBuilder();
        Objects.requireNonNull(mutation, "mutation").accept(builder);
        return builder.build();
    }

    /** Which options are set; never their values (some are secrets or credentials). */
    @Override
    public String toString() {
        StringBuilder set = new StringBuilder();
        if (values.advisoryWindow != null) {
            set.append(set.length() == 0 ? "" : ", ").append("advisoryWindow");
        }
        if (values.mandatoryWindow != null) {
            set.append(set.length() == 0 ? "" : ", ").append("mandatoryWindow");
        }
        if (values.refreshJitter != null) {
            set.append(set.length() == 0 ? "" : ", ").append("refreshJitter");
        }
        if (values.outageBuffer != null) {
            set.append(set.length() == 0 ? "" : ", ").append("outageBuffer");
        }
        if (values.queueTimeout != null) {
            set.append(set.length() == 0 ? "" : ", ").append("queueTimeout");
        }
        if (values.refreshTimeout != null) {
            set.append(set.length() == 0 ? "" : ", ").append("refreshTimeout");
        }
        if (values.failureCacheTime != null) {
            set.append(set.length() == 0 ? "" : ", ").append("failureCacheTime");
        }
        if (values.cacheMaximumAccounts != null) {
            set.append(set.length() == 0 ? "" : ", ").append("cacheMaximumAccounts");
        }
        if (values.cacheIdleTime != null) {
            set.append(set.length() == 0 ? "" : ", ").append("cacheIdleTime");
        }
        return "RefreshConfiguration[set: " + (set.length() == 0 ? "none" : set) + "]";
    }

    /** Builds a {@link RefreshConfiguration}. Not thread safe. */
    public static final class Builder {
        private final Settings.Draft d;

        private Builder(Settings.Draft d) {
            this.d = d;
        }

        /**
         * The outage buffer: every account's planned background refresh is at least this long before its mandatory
         * window, so an STS outage shorter than it fails no caller whose credentials were refreshed on plan. Accounts
         * are refreshed every {@code lifetime - outageBuffer - mandatoryWindow}, each at its own phase (spread over
         * the period, kept from refresh to refresh), which costs {@code lifetime / (lifetime - outageBuffer -
         * mandatoryWindow)} AssumeRole per lifetime; see docs/REFRESH.md. Capped at half the lifetime minus the
         * mandatory window. Default ({@code OCEAN_AWS_OUTAGE_BUFFER}): a sixth of the lifetime, between 1 and 60
         * minutes (10 minutes for 1-hour credentials).
         */
        public Builder outageBuffer(Duration buffer) {
            d.outageBuffer = Objects.requireNonNull(buffer, "buffer");
            return this;
        }

        /**
         * The mandatory window before expiry, in which callers wait for the refresh and credentials are never handed
         * out. Default ({@code OCEAN_AWS_MANDATORY_WINDOW}): 1 minute.
         */
        public Builder mandatoryWindow(Duration window) {
            d.mandatoryWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * The old name for "outage buffer plus mandatory window": when set (and {@link #outageBuffer} is not), the
         * outage buffer is this window minus the mandatory window. Default ({@code OCEAN_AWS_ADVISORY_WINDOW}): unset;
         * see {@link #outageBuffer}.
         */
        public Builder advisoryWindow(Duration window) {
            d.advisoryWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * No longer used: refreshes are spread by each account's phase (see {@link #outageBuffer}), not by shortening
         * some accounts' buffers at random. Still validated (0 to 1) so that existing configurations build.
         *
         * @deprecated has no effect since the phase schedule
         */
        @Deprecated
        public Builder refreshJitter(double fraction) {
            d.refreshJitter = fraction;
            return this;
        }

        /**
         * How long a caller waits for STS to answer the refresh call once it was sent (retries included); time spent
         * queued behind other accounts' calls is bounded by {@link #queueTimeout} instead. Default
         * ({@code OCEAN_AWS_REFRESH_TIMEOUT}): 15 s.
         */
        public Builder refreshTimeout(Duration timeout) {
            d.refreshTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How long an STS call may wait in the broker's queue (for the adaptive rate and the concurrency cap) before
         * it fails with {@link Reason#QUEUE_TIMEOUT}; a caller whose account's call is queued waits that long, then
         * up to {@link #refreshTimeout} for STS. Default ({@code OCEAN_AWS_QUEUE_TIMEOUT}): 5 minutes (10,000 accounts
         * at 150 calls/s take about 67 s).
         */
        public Builder queueTimeout(Duration timeout) {
            d.queueTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How long a non-recoverable failure (AccessDenied, ...) is remembered per account, so repeated calls do not
         * reach STS. Default ({@code OCEAN_AWS_FAILURE_CACHE_TIME}): 60 s.
         */
        public Builder failureCacheTime(Duration time) {
            d.failureCacheTime = Objects.requireNonNull(time, "time");
            return this;
        }

        /** Most accounts cached at once. Default ({@code OCEAN_AWS_CACHE_MAX_ACCOUNTS}): 50,000. */
        public Builder cacheMaximumAccounts(long accounts) {
            d.cacheMaximumAccounts = accounts;
            return this;
        }

        /** An account not resolved for this long is evicted. Default ({@code OCEAN_AWS_CACHE_IDLE_TIME}): 6 h. */
        public Builder cacheIdleTime(Duration idle) {
            d.cacheIdleTime = Objects.requireNonNull(idle, "idle");
            return this;
        }

        /** An immutable configuration of the options set so far. */
        public RefreshConfiguration build() {
            Settings.Draft copy = new Settings.Draft();
            copy(d, copy);
            return new RefreshConfiguration(copy);
        }
    }
}
