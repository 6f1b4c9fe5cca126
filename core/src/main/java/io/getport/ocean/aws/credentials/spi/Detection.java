package io.getport.ocean.aws.credentials.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;

/**
 * What an {@link IdentitySource} found: whether it applies, a human-readable reason that names the variables, files
 * or endpoints it looked at, and facts worth reporting (never a secret or a token).
 *
 * <p>Immutable and thread safe.
 */
public final class Detection {
    private final boolean found;
    private final String reason;
    private final Region region;
    private final Map<String, String> facts;

    private Detection(boolean found, String reason, Region region, Map<String, String> facts) {
        this.found = found;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.region = region;
        this.facts = Map.copyOf(facts);
    }

    /** The source applies; {@code reason} says which signals matched. */
    public static Detection found(String reason) {
        return new Detection(true, reason, null, Map.of());
    }

    /** The source does not apply; {@code reason} says what was missing. */
    public static Detection notFound(String reason) {
        return new Detection(false, reason, null, Map.of());
    }

    /** A copy that reports the region the runtime told us. */
    public Detection withRegion(Region region) {
        return new Detection(found, reason, region, facts);
    }

    /** A copy with one more fact (e.g. {@code taskArn}), shown in diagnostics. Never pass a secret. */
    public Detection withFact(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(facts);
        copy.put(name, value);
        return new Detection(found, reason, region, copy);
    }

    public boolean found() {
        return found;
    }

    public String reason() {
        return reason;
    }

    /** The region the runtime reports, if it reported one. */
    public Optional<Region> region() {
        return Optional.ofNullable(region);
    }

    /** Facts for diagnostics, in insertion order. */
    public Map<String, String> facts() {
        return facts;
    }

    @Override
    public String toString() {
        return (found ? "found: " : "not found: ") + reason;
    }
}
