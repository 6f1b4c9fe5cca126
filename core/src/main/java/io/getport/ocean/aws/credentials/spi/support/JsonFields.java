package io.getport.ocean.aws.credentials.spi.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The top-level fields of a small JSON object from a local endpoint or a token (agent credentials, IMDS documents, ECS
 * task metadata, JWT claims), parsed with Jackson under tight limits: nesting depth 32, strings of at most 64 KiB,
 * numbers of at most 100 digits, and duplicate keys refused (an answer that says two things is not trusted).
 *
 * <p>Immutable and thread safe.
 */
public final class JsonFields {
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(32)
                            .maxStringLength(LocalHttp.MAX_BODY)
                            .maxNumberLength(100)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final JsonNode object;

    private JsonFields(JsonNode object) {
        this.object = object;
    }

    /**
     * Parses {@code json}; empty when it is not one JSON object (malformed, another type, duplicate keys, trailing
     * content, too deep). Never throws for bad input.
     */
    public static Optional<JsonFields> parse(String json) {
        if (json == null) {
            return Optional.empty();
        }
        try (JsonParser parser = MAPPER.createParser(json)) {
            JsonNode node = MAPPER.readTree(parser);
            if (node == null || !node.isObject() || parser.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(new JsonFields(node));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The string field {@code name}; null when absent, not a string, or blank. */
    public String text(String name) {
        JsonNode node = object.get(name);
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    /** Whether the field {@code name} is present with a value other than null. */
    public boolean has(String name) {
        JsonNode node = object.get(name);
        return node != null && !node.isNull();
    }

    /** The field {@code name} as strings: one string, or the strings of an array (others skipped). */
    public List<String> texts(String name) {
        JsonNode node = object.get(name);
        List<String> out = new ArrayList<>();
        if (node != null && node.isTextual()) {
            out.add(node.asText());
        } else if (node != null && node.isArray()) {
            for (JsonNode item : node) {
                if (item.isTextual()) {
                    out.add(item.asText());
                }
            }
        }
        return out;
    }

    /** The numeric field {@code name} as whole seconds or units; empty when absent, not a number, or out of range. */
    public Optional<Long> wholeNumber(String name) {
        JsonNode node = object.get(name);
        if (node == null || !node.isNumber()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? Optional.of(node.longValue()) : Optional.empty();
        }
        double d = node.doubleValue();
        return Double.isFinite(d) && Math.abs(d) < 9.0e15 ? Optional.of((long) d) : Optional.empty();
    }
}
