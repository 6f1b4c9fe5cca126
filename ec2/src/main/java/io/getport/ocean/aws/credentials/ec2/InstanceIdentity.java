package io.getport.ocean.aws.credentials.ec2;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.getport.ocean.aws.credentials.spi.support.JsonFields;
import software.amazon.awssdk.regions.Region;

/**
 * The instance identity document ({@code /latest/dynamic/instance-identity/document}): account, region, instance ID,
 * zone and type, for the region and for diagnostics. Best effort: a failure is logged and leaves it empty. Immutable.
 */
final class InstanceIdentity {
    private static final Logger LOG = LoggerFactory.getLogger("io.getport.ocean.aws.credentials.ec2");

    final String accountId;
    final Region region;
    final Map<String, String> facts;

    private InstanceIdentity(String accountId, Region region, Map<String, String> facts) {
        this.accountId = accountId;
        this.region = region;
        this.facts = Map.copyOf(facts);
    }

    Optional<Region> region() {
        return Optional.ofNullable(region);
    }

    Optional<String> accountId() {
        return Optional.ofNullable(accountId);
    }

    static InstanceIdentity fetch(ImdsClient imds) {
        Map<String, String> facts = new LinkedHashMap<>();
        try {
            String body = imds.get(ImdsClient.IDENTITY_DOCUMENT_PATH);
            if (body == null) {
                facts.put("instanceIdentity", "unavailable (HTTP 404)");
                return new InstanceIdentity(null, null, facts);
            }
            JsonFields fields = JsonFields.parse(body).orElse(null);
            if (fields == null) {
                LOG.warn("ec2 instance identity document unreadable detail=\"not a JSON object\"");
                facts.put("instanceIdentity", "unavailable (not a JSON object)");
                return new InstanceIdentity(null, null, facts);
            }
            String account = fact(fields.text("accountId"));
            String region = fact(fields.text("region"));
            put(facts, "instanceId", fact(fields.text("instanceId")));
            put(facts, "instanceAccount", account);
            put(facts, "availabilityZone", fact(fields.text("availabilityZone")));
            put(facts, "instanceType", fact(fields.text("instanceType")));
            boolean validRegion = region != null && region.matches("[a-z]{2}(-[a-z]+)+-[0-9]+");
            return new InstanceIdentity(account != null && account.matches("[0-9]{12}") ? account : null,
                    validRegion ? Region.of(region) : null, facts);
        } catch (ImdsException e) {
            LOG.warn("ec2 instance identity document unavailable detail=\"{}\"", e.getMessage());
            facts.put("instanceIdentity", "unavailable");
        } catch (RuntimeException e) {
            LOG.warn("ec2 instance identity document unreadable detail=\"{}\"", e.getClass().getSimpleName());
            facts.put("instanceIdentity", "unavailable (" + e.getClass().getSimpleName() + ")");
        }
        return new InstanceIdentity(null, null, facts);
    }

    private static void put(Map<String, String> facts, String name, String value) {
        if (value != null) {
            facts.put(name, value);
        }
    }

    /** A value fit for diagnostics: printable ASCII, at most 256 characters; anything else is dropped. */
    private static String fact(String value) {
        return value != null && value.length() <= 256 && value.matches("[\\x21-\\x7e]+") ? value : null;
    }
}
