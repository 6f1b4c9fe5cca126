package io.getport.ocean.aws.credentials.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON CloudFormation template and a small evaluator for the intrinsic functions the templates in {@code deploy/}
 * use ({@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::If}, {@code Fn::Equals}, {@code Fn::Not},
 * {@code Fn::Base64}, {@code Fn::Join}), so that tests can compare the policies a stack would create with the ones the
 * library prints. An intrinsic function it does not know fails the evaluation, so the evaluator cannot silently
 * skip part of a template.
 */
final class CloudFormationTemplate {
    /** The pseudo parameters a test stack is evaluated with (each may be overridden by name). */
    static final Map<String, String> PSEUDO = Map.of("AWS::Partition", "aws", "AWS::AccountId", "111111111111",
            "AWS::Region", "us-east-1", "AWS::StackName", "ocean", "AWS::URLSuffix", "amazonaws.com");

    private static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{(!?)([^}]+)}");

    private final String name;
    private final Map<String, Object> template;

    private CloudFormationTemplate(String name, Map<String, Object> template) {
        this.name = name;
        this.template = template;
    }

    static CloudFormationTemplate load(Path file) {
        try {
            return new CloudFormationTemplate(file.getFileName().toString(),
                    PlainJson.parseObject(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    /** The raw template. */
    Map<String, Object> raw() {
        return template;
    }

    Map<String, Object> parameters() {
        return map(template.getOrDefault("Parameters", Map.of()));
    }

    Map<String, Object> resources() {
        return map(template.get("Resources"));
    }

    /** The logical IDs of the resources of {@code type}, in template order. */
    List<String> resourcesOfType(String type) {
        List<String> ids = new ArrayList<>();
        resources().forEach((id, r) -> {
            if (type.equals(map(r).get("Type"))) {
                ids.add(id);
            }
        });
        return ids;
    }

    /**
     * Evaluates the template as a stack created with {@code parameters} (over the defaults, and over
     * {@link #PSEUDO} for names like {@code AWS::AccountId}).
     *
     * @throws IllegalArgumentException when a parameter without default is not given, or a name is unknown
     */
    Stack evaluate(Map<String, String> parameters) {
        Map<String, Object> values = new HashMap<>(PSEUDO);
        parameters().forEach((pname, p) -> {
            Map<String, Object> def = map(p);
            Object value = parameters.containsKey(pname) ? parameters.get(pname) : def.get("Default");
            if (value == null) {
                throw new IllegalArgumentException(name + ": parameter " + pname + " has no default and was not given");
            }
            if ("CommaDelimitedList".equals(def.get("Type"))) {
                value = Arrays.stream(value.toString().split(",")).map(String::trim).toList();
            }
            values.put(pname, value);
        });
        parameters.forEach((k, v) -> {
            if (!values.containsKey(k)) {
                throw new IllegalArgumentException(name + ": no parameter " + k);
            }
            if (k.startsWith("AWS::")) {
                values.put(k, v);
            }
        });
        return new Stack(values);
    }

    /** A template evaluated with given parameters. */
    final class Stack {
        private final Map<String, Object> values;
        private final Map<String, Boolean> conditions = new HashMap<>();

        Stack(Map<String, Object> values) {
            this.values = values;
        }

        /** Whether the resource exists in this stack (its {@code Condition}, if any, holds). */
        boolean exists(String logicalId) {
            Map<String, Object> r = map(resources().get(logicalId));
            Objects.requireNonNull(r, () -> name + ": no resource " + logicalId);
            Object condition = r.get("Condition");
            return condition == null || condition((String) condition);
        }

        /** The evaluated {@code Properties} of a resource. */
        Map<String, Object> properties(String logicalId) {
            if (!exists(logicalId)) {
                throw new IllegalStateException(name + ": " + logicalId + " is not created with these parameters");
            }
            Object props = map(resources().get(logicalId)).getOrDefault("Properties", Map.of());
            return map(eval(props));
        }

        /** The evaluated value of an output. */
        Object output(String outputName) {
            Map<String, Object> outputs = map(template.get("Outputs"));
            return eval(map(outputs.get(outputName)).get("Value"));
        }

        /** Evaluates any template fragment. */
        Object eval(Object node) {
            if (node instanceof List<?> list) {
                List<Object> out = new ArrayList<>();
                for (Object item : list) {
                    Object v = eval(item);
                    if (v != NO_VALUE) {
                        out.add(v);
                    }
                }
                return out;
            }
            if (!(node instanceof Map<?, ?>)) {
                return node;
            }
            Map<String, Object> m = map(node);
            if (m.size() == 1) {
                String key = m.keySet().iterator().next();
                if (key.equals("Ref") || key.startsWith("Fn::")) {
                    return function(key, m.get(key));
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                Object value = eval(v);
                if (value != NO_VALUE) {
                    out.put(k, value);
                }
            });
            return out;
        }

        private Object function(String fn, Object arg) {
            switch (fn) {
                case "Ref":
                    return ref((String) arg);
                case "Fn::GetAtt": {
                    List<?> a = (List<?>) arg;
                    return getAtt((String) a.get(0), (String) a.get(1));
                }
                case "Fn::Sub": {
                    if (arg instanceof String s) {
                        return sub(s, Map.of());
                    }
                    List<?> a = (List<?>) arg;
                    Map<String, Object> vars = map(eval(a.get(1)));
                    return sub((String) a.get(0), vars);
                }
                case "Fn::If": {
                    List<?> a = (List<?>) arg;
                    return condition((String) a.get(0)) ? eval(a.get(1)) : eval(a.get(2));
                }
                case "Fn::Base64":
                    return eval(arg);
                case "Fn::Join": {
                    List<?> a = (List<?>) arg;
                    List<?> parts = (List<?>) eval(a.get(1));
                    return String.join((String) a.get(0), parts.stream().map(String::valueOf).toList());
                }
                default:
                    throw new IllegalArgumentException(name + ": the test evaluator does not know " + fn);
            }
        }

        boolean condition(String conditionName) {
            Boolean known = conditions.get(conditionName);
            if (known != null) {
                return known;
            }
            Object def = map(template.get("Conditions")).get(conditionName);
            if (def == null) {
                throw new IllegalArgumentException(name + ": no condition " + conditionName);
            }
            boolean value = conditionValue(def);
            conditions.put(conditionName, value);
            return value;
        }

        private boolean conditionValue(Object def) {
            Map<String, Object> m = map(def);
            String fn = m.keySet().iterator().next();
            List<?> a = m.get(fn) instanceof List<?> l ? l : List.of(m.get(fn));
            return switch (fn) {
                case "Fn::Equals" -> Objects.equals(String.valueOf(eval(a.get(0))), String.valueOf(eval(a.get(1))));
                case "Fn::Not" -> !conditionValue(a.get(0));
                case "Fn::And" -> a.stream().allMatch(this::conditionValue);
                case "Fn::Or" -> a.stream().anyMatch(this::conditionValue);
                case "Condition" -> condition((String) a.get(0));
                default -> throw new IllegalArgumentException(name + ": the test evaluator does not know " + fn);
            };
        }

        private Object ref(String id) {
            if (id.equals("AWS::NoValue")) {
                return NO_VALUE;
            }
            if (values.containsKey(id)) {
                return values.get(id);
            }
            Map<String, Object> resource = map(resources().get(id));
            if (resource == null) {
                throw new IllegalArgumentException(name + ": Ref to unknown " + id);
            }
            Map<String, Object> props = properties(id);
            return switch ((String) resource.get("Type")) {
                case "AWS::IAM::Role", "AWS::IAM::InstanceProfile" -> physicalName(id, props,
                        resource.get("Type").equals("AWS::IAM::Role") ? "RoleName" : "InstanceProfileName");
                case "AWS::IAM::OIDCProvider" -> "arn:" + values.get("AWS::Partition") + ":iam::"
                        + values.get("AWS::AccountId") + ":oidc-provider/"
                        + ((String) props.get("Url")).replaceFirst("^https://", "");
                case "AWS::Logs::LogGroup" -> props.get("LogGroupName");
                default -> "ref:" + id;
            };
        }

        private Object getAtt(String id, String attribute) {
            Map<String, Object> resource = map(resources().get(id));
            if (resource == null) {
                throw new IllegalArgumentException(name + ": GetAtt of unknown " + id);
            }
            String type = (String) resource.get("Type");
            if (attribute.equals("Arn") && type.equals("AWS::IAM::Role")) {
                Map<String, Object> props = properties(id);
                String path = (String) props.getOrDefault("Path", "/");
                return "arn:" + values.get("AWS::Partition") + ":iam::" + values.get("AWS::AccountId") + ":role"
                        + path + physicalName(id, props, "RoleName");
            }
            if (attribute.equals("Arn") && type.equals("AWS::IAM::InstanceProfile")) {
                Map<String, Object> props = properties(id);
                return "arn:" + values.get("AWS::Partition") + ":iam::" + values.get("AWS::AccountId")
                        + ":instance-profile/" + physicalName(id, props, "InstanceProfileName");
            }
            return "getatt:" + id + "." + attribute;
        }

        private String physicalName(String id, Map<String, Object> props, String nameProperty) {
            Object given = props.get(nameProperty);
            return given != null ? given.toString() : values.get("AWS::StackName") + "-" + id + "-GENERATED";
        }

        private String sub(String text, Map<String, Object> vars) {
            Matcher m = SUB_VARIABLE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String replacement;
                if (!m.group(1).isEmpty()) {
                    replacement = "${" + m.group(2) + "}";
                } else if (vars.containsKey(m.group(2))) {
                    replacement = String.valueOf(vars.get(m.group(2)));
                } else if (m.group(2).contains(".")) {
                    String[] parts = m.group(2).split("\\.", 2);
                    replacement = String.valueOf(getAtt(parts[0], parts[1]));
                } else {
                    replacement = String.valueOf(ref(m.group(2)));
                }
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            return out.toString();
        }
    }

    /** A policy document as plain values: CloudFormation takes it as JSON or as a JSON string. */
    static Map<String, Object> policy(Object document) {
        if (document instanceof String s) {
            return PlainJson.parseObject(s);
        }
        return map(document);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
