package io.getport.ocean.aws.credentials.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the block-style YAML subset the Kubernetes manifests in {@code deploy/} are written in: documents separated by
 * {@code ---}, nested maps and lists by indentation, {@code - key: value} list items, plain and quoted scalars
 * (all as strings), whole-line and trailing comments. No flow style, anchors or multi-line scalars: a line it does not
 * understand is an error, so a manifest cannot drift out of what the tests check.
 */
final class TinyYaml {
    private record Line(int number, int indent, String text) {
    }

    private final List<Line> lines;
    private int next;

    private TinyYaml(List<Line> lines) {
        this.lines = lines;
    }

    /** Every document of {@code text}, each a map. */
    static List<Map<String, Object>> parseAll(String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        List<Line> current = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i].stripTrailing();
            if (line.equals("---")) {
                documents.add(document(current));
                current = new ArrayList<>();
                continue;
            }
            String content = stripComment(line);
            if (content.isBlank()) {
                continue;
            }
            if (content.contains("\t")) {
                throw new IllegalArgumentException("line " + (i + 1) + ": tabs are not YAML indentation");
            }
            int indent = content.length() - content.stripLeading().length();
            current.add(new Line(i + 1, indent, content.strip()));
        }
        documents.add(document(current));
        documents.removeIf(Map::isEmpty);
        return documents;
    }

    private static Map<String, Object> document(List<Line> lines) {
        if (lines.isEmpty()) {
            return Map.of();
        }
        TinyYaml parser = new TinyYaml(lines);
        Object value = parser.block(lines.get(0).indent());
        if (parser.next != lines.size()) {
            throw new IllegalArgumentException("line " + lines.get(parser.next).number() + ": unexpected indentation");
        }
        return CloudFormationTemplate.map(value);
    }

    private Object block(int indent) {
        Line first = lines.get(next);
        return first.text().startsWith("- ") || first.text().equals("-") ? list(indent) : map(indent);
    }

    private Map<String, Object> map(int indent) {
        Map<String, Object> map = new LinkedHashMap<>();
        while (next < lines.size() && lines.get(next).indent() == indent && !lines.get(next).text().startsWith("-")) {
            Line line = lines.get(next++);
            int colon = keyEnd(line);
            String key = unquote(line.text().substring(0, colon));
            String rest = line.text().substring(colon + 1).strip();
            Object value;
            if (rest.isEmpty()) {
                value = next < lines.size() && lines.get(next).indent() > indent ? block(lines.get(next).indent()) : null;
            } else {
                value = scalar(line, rest);
            }
            if (map.put(key, value) != null) {
                throw new IllegalArgumentException("line " + line.number() + ": duplicate key " + key);
            }
        }
        return map;
    }

    private List<Object> list(int indent) {
        List<Object> list = new ArrayList<>();
        while (next < lines.size() && lines.get(next).indent() == indent && lines.get(next).text().startsWith("-")) {
            Line line = lines.get(next);
            String item = line.text().substring(1).strip();
            if (item.isEmpty()) {
                next++;
                list.add(block(lines.get(next).indent()));
            } else if (isMapEntry(item)) {
                // "- key: value" opens a map whose other keys are indented to where "key" starts.
                lines.set(next, new Line(line.number(), indent + 2, item));
                list.add(map(indent + 2));
            } else {
                next++;
                list.add(scalar(line, item));
            }
        }
        return list;
    }

    private static boolean isMapEntry(String text) {
        if (text.startsWith("\"") || text.startsWith("'")) {
            return false;
        }
        return text.contains(": ") || text.endsWith(":");
    }

    private static int keyEnd(Line line) {
        int colon = line.text().indexOf(": ");
        if (colon < 0 && line.text().endsWith(":")) {
            colon = line.text().length() - 1;
        }
        if (colon <= 0) {
            throw new IllegalArgumentException("line " + line.number() + ": expected 'key: value', got '"
                    + line.text() + "'");
        }
        return colon;
    }

    private static Object scalar(Line line, String text) {
        if (text.startsWith("[") || text.startsWith("{") || text.startsWith("&") || text.startsWith("*")
                || text.startsWith("|") || text.startsWith(">")) {
            throw new IllegalArgumentException("line " + line.number() + ": not in the supported YAML subset: " + text);
        }
        return unquote(text);
    }

    private static String unquote(String text) {
        if (text.length() >= 2 && (text.startsWith("\"") && text.endsWith("\"")
                || text.startsWith("'") && text.endsWith("'"))) {
            return text.substring(1, text.length() - 1);
        }
        return text;
    }

    private static String stripComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
