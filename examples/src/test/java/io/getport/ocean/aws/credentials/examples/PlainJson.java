package io.getport.ocean.aws.credentials.examples;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** JSON as plain Java values (maps, lists, strings, numbers, booleans), parsed with the SDK's own parser. */
final class PlainJson {
    private PlainJson() {
    }

    /** Parses a JSON document into plain values; objects keep their key order but compare as maps. */
    static Object parse(String json) {
        return plain(JsonNode.parser().parse(json));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String json) {
        Object value = parse(json);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("not a JSON object: " + json);
        }
        return (Map<String, Object>) value;
    }

    static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.asObject().forEach((k, v) -> map.put(k, plain(v)));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.asArray().forEach(v -> list.add(plain(v)));
            return list;
        }
        if (node.isString()) {
            return node.asString();
        }
        if (node.isNumber()) {
            return new BigDecimal(node.asNumber());
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return null;
    }
}
