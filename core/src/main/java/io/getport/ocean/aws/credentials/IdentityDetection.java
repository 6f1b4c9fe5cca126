package io.getport.ocean.aws.credentials;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;

/**
 * Which runtime identity the broker uses, and why: the source ({@code ecs}, {@code ec2}, {@code eks-irsa},
 * {@code eks-pod-identity}, {@code environment} or {@code explicit}), the reason (the variables, files or endpoints
 * that matched), every source checked, the STS region and where it came from, whether assuming the read role is role
 * chaining, and the base principal once {@code GetCallerIdentity} answered.
 *
 * <p>Immutable and thread safe; contains no secret.
 */
public final class IdentityDetection {
    private final String source;
    private final String reason;
    private final List<String> checked;
    private final Region region;
    private final String regionSource;
    private final boolean roleChaining;
    private final String basePrincipal;
    private final String baseAccount;
    private final Map<String, String> facts;

    IdentityDetection(String source, String reason, List<String> checked, Region region, String regionSource,
            boolean roleChaining, String basePrincipal, String baseAccount, Map<String, String> facts) {
        this.source = Objects.requireNonNull(source);
        this.reason = Objects.requireNonNull(reason);
        this.checked = List.copyOf(checked);
        this.region = Objects.requireNonNull(region);
        this.regionSource = Objects.requireNonNull(regionSource);
        this.roleChaining = roleChaining;
        this.basePrincipal = basePrincipal;
        this.baseAccount = baseAccount;
        this.facts = Map.copyOf(facts);
    }

    /** The identity source id. */
    public String source() {
        return source;
    }

    /** Why this source was chosen: which variables, files or endpoints matched. */
    public String reason() {
        return reason;
    }

    /** Every source looked at, as {@code "id: reason"}, in detection order. */
    public List<String> checked() {
        return checked;
    }

    /** The STS region the broker uses. */
    public Region region() {
        return region;
    }

    /** Where the region came from: {@code setting}, {@code AWS_REGION}, {@code runtime} or {@code default}. */
    public String regionSource() {
        return regionSource;
    }

    /** Whether assuming the read role from this identity is role chaining (so sessions are capped at one hour). */
    public boolean roleChaining() {
        return roleChaining;
    }

    /** The base identity's ARN, once known from {@code GetCallerIdentity}. */
    public Optional<String> basePrincipal() {
        return Optional.ofNullable(basePrincipal);
    }

    /** The base identity's account, once known from {@code GetCallerIdentity}. */
    public Optional<String> baseAccount() {
        return Optional.ofNullable(baseAccount);
    }

    /** Non-secret facts the runtime reported (task ARN, cluster, instance ID, token claims, ...). */
    public Map<String, String> facts() {
        return facts;
    }

    @Override
    public String toString() {
        return "IdentityDetection(source=" + source + ", region=" + region + " (" + regionSource + "), roleChaining="
                + roleChaining + ", principal=" + (basePrincipal == null ? "not yet known" : basePrincipal)
                + ", reason=" + reason + ")";
    }
}
