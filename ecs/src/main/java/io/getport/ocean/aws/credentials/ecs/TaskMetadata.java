package io.getport.ocean.aws.credentials.ecs;

import io.getport.ocean.aws.credentials.spi.support.LocalHttp;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.getport.ocean.aws.credentials.spi.support.JsonFields;
import software.amazon.awssdk.regions.Region;

/**
 * ECS task metadata v4 ({@code ${ECS_CONTAINER_METADATA_URI_V4}/task}): the task ARN, cluster and availability zone,
 * for diagnostics and for the region. Best effort: a failure is logged and leaves the facts empty. Immutable.
 */
final class TaskMetadata {
    private static final Logger LOG = LoggerFactory.getLogger("io.getport.ocean.aws.credentials.ecs");

    final Map<String, String> facts;
    final Region region;

    private TaskMetadata(Map<String, String> facts, Region region) {
        this.facts = Map.copyOf(facts);
        this.region = region;
    }

    Optional<Region> region() {
        return Optional.ofNullable(region);
    }

    static TaskMetadata none() {
        return new TaskMetadata(Map.of(), null);
    }

    static TaskMetadata fetch(URI metadataUri, Duration timeout) {
        String base = metadataUri.toString();
        URI task = URI.create((base.endsWith("/") ? base : base + "/") + "task");
        Map<String, String> facts = new LinkedHashMap<>();
        try {
            LocalHttp.Response response = LocalHttp.get(task, Map.of("Accept", "application/json"), timeout);
            if (response.status() != 200) {
                LOG.warn("ecs task metadata unavailable variable={} status={}", EcsSignals.METADATA_URI,
                        response.status());
                facts.put("taskMetadata", "unavailable (HTTP " + response.status() + ")");
                return new TaskMetadata(facts, null);
            }
            JsonFields fields = JsonFields.parse(response.body()).orElse(null);
            if (fields == null) {
                LOG.warn("ecs task metadata unreadable variable={} detail=\"not a JSON object\"",
                        EcsSignals.METADATA_URI);
                facts.put("taskMetadata", "unavailable (not a JSON object)");
                return new TaskMetadata(facts, null);
            }
            String taskArn = fact(fields.text("TaskARN"));
            String cluster = fact(fields.text("Cluster"));
            String zone = fact(fields.text("AvailabilityZone"));
            String launchType = fact(fields.text("LaunchType"));
            put(facts, "taskArn", taskArn);
            put(facts, "cluster", cluster);
            put(facts, "availabilityZone", zone);
            put(facts, "launchType", launchType);
            return new TaskMetadata(facts, regionOf(taskArn, zone));
        } catch (IOException e) {
            LOG.warn("ecs task metadata unavailable variable={} detail=\"{}\"", EcsSignals.METADATA_URI,
                    LocalHttp.describe(e, timeout));
            facts.put("taskMetadata", "unavailable (" + LocalHttp.describe(e, timeout) + ")");
        } catch (RuntimeException e) {
            LOG.warn("ecs task metadata unreadable variable={} detail=\"{}\"", EcsSignals.METADATA_URI,
                    e.getClass().getSimpleName());
            facts.put("taskMetadata", "unavailable (" + e.getClass().getSimpleName() + ")");
        }
        return new TaskMetadata(facts, null);
    }

    /** The region from the task ARN ({@code arn:aws:ecs:REGION:...}), else from the zone ({@code us-east-1a}). */
    static Region regionOf(String taskArn, String zone) {
        if (taskArn != null) {
            String[] parts = taskArn.split(":");
            if (parts.length > 4 && parts[0].equals("arn") && parts[3].matches("[a-z]{2}(-[a-z]+)+-[0-9]+")) {
                return Region.of(parts[3]);
            }
        }
        if (zone != null && zone.matches("[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]")) {
            return Region.of(zone.substring(0, zone.length() - 1));
        }
        return null;
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
