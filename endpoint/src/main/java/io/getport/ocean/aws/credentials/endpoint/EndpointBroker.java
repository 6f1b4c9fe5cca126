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
 * <p>Why: botocore and the SDKs refresh container and process credentials about 15 minutes before they expire, and
 * on every call once inside that window. So the endpoint refreshes earlier: an advisory window of {@link #WINDOW}
 * with a jitter of {@value #JITTER} puts each account's planned refresh between 20 and 16 minutes before expiry,
 * and {@link CredentialsEndpoint}'s keeper touches every served account often enough to start it there. This needs a
 * session of at least {@link #MIN_SESSION}; with a shorter one (or an explicit {@code OCEAN_AWS_ADVISORY_WINDOW},
 * which wins) the library's own refresh plan is used and the endpoint says so in its log and health.
 */
final class EndpointBroker {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointBroker.class);

    /** What every served credential keeps before expiry whenever the session duration allows it. */
    static final Duration MARGIN = Duration.ofMinutes(15);
    /** The advisory refresh window the endpoint asks the broker for. */
    static final Duration WINDOW = Duration.ofMinutes(20);
    /** The jitter with {@link #WINDOW}: refresh starts 20 to 16 minutes before expiry. */
    static final double JITTER = 0.2;
    /** The shortest session for which {@link #WINDOW} is used (a shorter one would be refreshed most of its life). */
    static final Duration MIN_SESSION = Duration.ofMinutes(30);

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
        boolean explicitWindow = environment.setting("OCEAN_AWS_ADVISORY_WINDOW", "ocean.aws.advisoryWindow")
                .isPresent();
        if (explicitWindow) {
            ReadRoleBroker broker = customizer.apply(ReadRoleBroker.builder().environment(environment)).build();
            LOG.info("OCEAN_AWS_ADVISORY_WINDOW is set, so the endpoint uses it instead of its own refresh plan"
                    + " (a {} min window, refresh 20 to 16 min before expiry); credentials served with less than {}"
                    + " min left are reported", WINDOW.toMinutes(), MARGIN.toMinutes());
            return new Built(broker, broker.sessionDuration().compareTo(MIN_SESSION) >= 0);
        }
        ReadRoleBroker broker = customizer.apply(ReadRoleBroker.builder().environment(environment))
                .advisoryWindow(WINDOW).refreshJitter(JITTER).build();
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
