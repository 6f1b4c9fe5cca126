package io.getport.ocean.aws.credentials;

import io.getport.ocean.aws.credentials.internal.StsGateway;

/** Test access to a broker's internals (its STS gateway: circuit breaker, queue, adaptive rate). */
public final class BrokerInternals {
    private BrokerInternals() {
    }

    /** The gateway every STS call of {@code broker} goes through. */
    public static StsGateway gateway(ReadRoleBroker broker) {
        return broker.core().gateway();
    }
}
