package io.getport.ocean.aws.credentials.endpoint;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the broker the endpoint serves from: configured exactly as the library is (every {@code OCEAN_AWS_*}
 * variable and {@code ocean.aws.*} property, the same identity detection), plus a refresh plan that keeps
 * {@link #MARGIN} of validity in what is served.
 *
 * <p>Why: botocore and the SDKs refresh container and process credentials about 15 minutes before they expire, and on
 * every call once inside that window. So the endpoint asks the broker for an outage buffer of {@link #BUFFER}: every
 * account's planned refresh (spread by its phase, see {@code RefreshConfiguration.Builder#outageBuffer}) is then at
 * least {@code BUFFER + mandatory window} (20 minutes by default) before expiry, and {@link CredentialsEndpoint}'s
 * keeper touches every served account often enough to start it there. The broker caps a buffer at half the session
 * ({@code (L - M) / 2}), so this needs a session of at least {@link #MIN_SESSION}; with a shorter one (or an explicit
 * {@code OCEAN_AWS_OUTAGE_BUFFER} or {@code OCEAN_AWS_ADVISORY_WINDOW}, which win) the library's own refresh plan is
 * used and the endpoint says so in its log and health.
 */
final class EndpointBroker {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointBroker.class);

    /** What every served credential keeps before expiry whenever the session duration allows it. */
    static final Duration MARGIN = Duration.ofMinutes(15);
    /** The outage buffer the endpoint asks the broker for: with the 1-minute mandatory window, 20 minutes. */
    static final Duration BUFFER = Duration.ofMinutes(19);
    /** The shortest session for which {@link #BUFFER} is kept whole (the broker caps it at {@code (L - M) / 2}). */
    static final Duration MIN_SESSION = Duration.ofMinutes(40);

    private EndpointBroker() {
    }

    /** A built broker and whether its refresh plan keeps {@link #MARGIN}. */
    record Built(ReadRoleBroker broker, boolean marginKept) {
    }

    /**
     * Builds the broker from {@code environment}.
     *
     * @param customizer applied to the builder before the refresh plan (tests inject a clock or an executor)
     */
    static Built build(RuntimeEnvironment environment, UnaryOperator<ReadRoleBroker.Builder> customizer) {
        Built built = buildPlan(environment, customizer);
        refuseWriteGuard(built.broker());
        return built;
    }

    /**
     * The write guard is an interceptor in SDK clients of this JVM: it cannot bound what another process does with
     * credentials it is given. So the endpoint refuses to run with it rather than let it look enforced; the read
     * role's policy and the session policy ({@code OCEAN_AWS_SESSION_POLICY}) bound the processes it serves.
     *
     * @throws IllegalArgumentException (after closing {@code broker}) when the write guard is on
     */
    static void refuseWriteGuard(ReadRoleBroker broker) {
        if (broker.writeGuardOn()) {
            broker.close();
            throw new IllegalArgumentException("OCEAN_AWS_WRITE_GUARD is on, but the write guard only guards SDK"
                    + " clients inside one JVM and cannot bound what other processes do with the credentials the"
                    + " endpoint serves. Unset OCEAN_AWS_WRITE_GUARD for the endpoint; the read role's ReadOnlyAccess"
                    + " policy and the read-only session policy (OCEAN_AWS_SESSION_POLICY) bound those processes.");
        }
    }

    private static Built buildPlan(RuntimeEnvironment environment, UnaryOperator<ReadRoleBroker.Builder> customizer) {
        boolean explicitPlan = environment.setting("OCEAN_AWS_OUTAGE_BUFFER", "ocean.aws.outageBuffer").isPresent()
                || environment.setting("OCEAN_AWS_ADVISORY_WINDOW", "ocean.aws.advisoryWindow").isPresent();
        if (explicitPlan) {
            ReadRoleBroker broker = customizer.apply(ReadRoleBroker.builder().environment(environment)).build();
            LOG.info("OCEAN_AWS_OUTAGE_BUFFER or OCEAN_AWS_ADVISORY_WINDOW is set, so the endpoint uses it instead of"
                    + " its own refresh plan (a {} min outage buffer); credentials served with less than {} min left"
                    + " are reported", BUFFER.toMinutes(), MARGIN.toMinutes());
            return new Built(broker, broker.sessionDuration().compareTo(MIN_SESSION) >= 0);
        }
        ReadRoleBroker broker = customizer.apply(ReadRoleBroker.builder().environment(environment))
                .refresh(r -> r.outageBuffer(BUFFER)).build();
        Duration session = broker.sessionDuration();
        if (session.compareTo(MIN_SESSION) >= 0) {
            return new Built(broker, true);
        }
        broker.close();
        LOG.info("Session duration {} s is shorter than {} min: the endpoint cannot keep {} min of validity in what"
                + " it serves and uses the library's refresh plan; set OCEAN_AWS_SESSION_DURATION to 3600 or more",
                session.toSeconds(), MIN_SESSION.toMinutes(), MARGIN.toMinutes());
        return new Built(customizer.apply(ReadRoleBroker.builder().environment(environment)).build(), false);
    }
}
