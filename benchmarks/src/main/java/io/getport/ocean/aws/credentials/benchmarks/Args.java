package io.getport.ocean.aws.credentials.benchmarks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code positional... --name value ...}; an unknown or malformed option fails with a message naming it. */
final class Args {
    private final List<String> positional;
    private final Map<String, String> options;
    private final Set<String> used = new HashSet<>();

    private Args(List<String> positional, Map<String, String> options) {
        this.positional = positional;
        this.options = options;
    }

    static Args parse(String... args) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--")) {
                String name = arg.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                options.put(name, value);
            } else {
                positional.add(arg);
            }
        }
        return new Args(positional, options);
    }

    List<String> positional() {
        return positional;
    }

    String string(String name, String fallback) {
        used.add(name);
        return options.getOrDefault(name, fallback);
    }

    int intValue(String name, int fallback) {
        return (int) longValue(name, fallback);
    }

    long longValue(String name, long fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be a whole number, was " + v);
        }
    }

    double doubleValue(String name, double fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be a number, was " + v);
        }
    }

    boolean bool(String name, boolean fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("option --" + name + " must be true or false, was " + v);
        }
        return Boolean.parseBoolean(v);
    }

    /** Fails on options that no one asked for (typos). */
    void requireAllUsed() {
        for (String name : options.keySet()) {
            if (!used.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
    }
}
