package io.getport.ocean.aws.credentials.spi;

import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;

/**
 * What the broker tells an {@link IdentitySource} when it opens it: the read role it will assume, the STS region and
 * endpoint, the clock. Immutable.
 */
public final class IdentityContext {
    private final String readRoleName;
    private final String readRolePath;
    private final Region stsRegion;
    private final URI stsEndpoint;
    private final Clock clock;

    public IdentityContext(String readRoleName, String readRolePath, Region stsRegion, URI stsEndpoint, Clock clock) {
        this.readRoleName = Objects.requireNonNull(readRoleName, "readRoleName");
        this.readRolePath = Objects.requireNonNull(readRolePath, "readRolePath");
        this.stsRegion = Objects.requireNonNull(stsRegion, "stsRegion");
        this.stsEndpoint = stsEndpoint;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The read role's name, e.g. {@code PortOceanReadRole}. */
    public String readRoleName() {
        return readRoleName;
    }

    /** The read role's IAM path, {@code /} by default. */
    public String readRolePath() {
        return readRolePath;
    }

    public Region stsRegion() {
        return stsRegion;
    }

    /** The STS endpoint override, if one is configured. */
    public Optional<URI> stsEndpoint() {
        return Optional.ofNullable(stsEndpoint);
    }

    public Clock clock() {
        return clock;
    }
}
