package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.Detection;
import java.util.List;
import software.amazon.awssdk.regions.Region;

/** The outcome of identity detection: which source, why, the opened identity and the STS region chosen. */
public final class ResolvedIdentity {
    private final String source;
    private final Detection detection;
    private final List<String> checked;
    private final BaseIdentity baseIdentity;
    private final Region region;
    private final String regionSource;

    public ResolvedIdentity(String source, Detection detection, List<String> checked, BaseIdentity baseIdentity,
            Region region, String regionSource) {
        this.source = source;
        this.detection = detection;
        this.checked = List.copyOf(checked);
        this.baseIdentity = baseIdentity;
        this.region = region;
        this.regionSource = regionSource;
    }

    public String source() {
        return source;
    }

    public Detection detection() {
        return detection;
    }

    /** Every source looked at, as {@code "id: reason"}, in detection order. */
    public List<String> checked() {
        return checked;
    }

    public BaseIdentity baseIdentity() {
        return baseIdentity;
    }

    public Region region() {
        return region;
    }

    /** Where the region came from: {@code setting}, {@code AWS_REGION}, {@code runtime} or {@code default}. */
    public String regionSource() {
        return regionSource;
    }
}
