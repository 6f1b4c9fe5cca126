package io.getport.ocean.aws.credentials.ec2;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
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
            JsonNode node = JsonNode.parser().parse(body);
            if (!node.isObject()) {
                facts.put("instanceIdentity", "unavailable (not a JSON object)");
                return new InstanceIdentity(null, null, facts);
            }
            Map<String, JsonNode> fields = node.asObject();
            String account = text(fields, "accountId");
            String region = text(fields, "region");
            put(facts, "instanceId", text(fields, "instanceId"));
            put(facts, "instanceAccount", account);
            put(facts, "availabilityZone", text(fields, "availabilityZone"));
            put(facts, "instanceType", text(fields, "instanceType"));
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

    private static String text(Map<String, JsonNode> fields, String name) {
        JsonNode node = fields.get(name);
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }
}
