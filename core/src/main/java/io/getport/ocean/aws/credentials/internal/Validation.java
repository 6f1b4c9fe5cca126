package io.getport.ocean.aws.credentials.internal;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Input rules, checked once where a value enters the library. Every failure is an {@link IllegalArgumentException}
 * whose message names the setting, the rule and the value, except where the value is a secret.
 */
public final class Validation {
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final Pattern ROLE_PATH = Pattern.compile("/|/[\\u0021-\\u007E]{0,510}/");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");
    private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}");
    private static final Pattern POLICY_ARN =
            Pattern.compile("arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?:iam::(aws|[0-9]{12}):policy/[\\u0021-\\u007E]{1,2048}");
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?:iam::[0-9]{12}:role(/[\\u0021-\\u007E]{1,576})");
    /** The partitions' region patterns, as the SDK's endpoint metadata lists them. */
    private static final Pattern KNOWN_PARTITION_REGION = Pattern.compile(
            "(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[0-9]{1,2}|cn-[a-z]+-[0-9]{1,2}|us-gov-[a-z]+-[0-9]{1,2}"
                    + "|us-iso-[a-z]+-[0-9]{1,2}|us-isob-[a-z]+-[0-9]{1,2}|eu-isoe-[a-z]+-[0-9]{1,2}"
                    + "|us-isof-[a-z]+-[0-9]{1,2}|eusc-de-[a-z]+-[0-9]{1,2}"
                    + "|aws-global|aws-cn-global|aws-us-gov-global");
    /** The longest value a message echoes; longer ones are cut (a setting can hold megabytes). */
    static final int MAX_ECHO = 600;

    private static final Pattern REGION =
            Pattern.compile("[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}|aws-global|aws-cn-global|aws-us-gov-global");
    private static final Pattern WRITE_GUARD_OPERATION =
            Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,63}:)?[A-Za-z][A-Za-z0-9]{0,127}");

    /** Shortest and longest role session that AssumeRole accepts. */
    public static final Duration MIN_SESSION_DURATION = Duration.ofSeconds(900);
    public static final Duration MAX_SESSION_DURATION = Duration.ofSeconds(43_200);
    /** The cap STS puts on a role-chained session. */
    public static final Duration ROLE_CHAINING_MAX_DURATION = Duration.ofSeconds(3600);

    private Validation() {
    }

    public static String accountId(String setting, String value) {
        if (!isAccountId(value)) {
            throw invalid(setting, "must be exactly 12 digits (an AWS account ID), with no spaces or signs", value);
        }
        return value;
    }

    /** Whether {@code value} is exactly 12 ASCII digits; a plain loop, no allocation (it is on the lookup path). */
    public static boolean isAccountId(String value) {
        if (value == null || value.length() != 12) {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    public static String roleName(String setting, String value) {
        if (value == null || !ROLE_NAME.matcher(value).matches()) {
            throw invalid(setting, "must be an IAM role name: 1-64 characters of letters, digits and +=,.@_-", value);
        }
        return value;
    }

    public static String rolePath(String setting, String value) {
        if (value == null || value.length() > 512 || !ROLE_PATH.matcher(value).matches() || value.contains("//")) {
            throw invalid(setting,
                    "must be an IAM path: '/' or '/segment/.../' (at most 512 printable ASCII characters, no '//')",
                    value);
        }
        return value;
    }

    public static String sessionName(String setting, String value) {
        if (value == null || !SESSION_NAME.matcher(value).matches()) {
            throw invalid(setting, "must be a role session name: 2-64 characters of letters, digits and +=,.@_-",
                    value);
        }
        return value;
    }

    /** Checks an ExternalId; the message never contains the value, which is a shared secret. */
    public static String externalId(String setting, String value) {
        if (value == null || !EXTERNAL_ID.matcher(value).matches()) {
            throw new IllegalArgumentException(setting
                    + " must be 2-1224 characters of letters, digits and +=,.@:/_- (value not shown: it is a secret"
                    + (value == null ? ", and it is missing" : ", length " + value.length()) + ")");
        }
        return value;
    }

    public static String sourceIdentity(String setting, String value) {
        if (value == null || !SOURCE_IDENTITY.matcher(value).matches() || value.regionMatches(true, 0, "aws:", 0, 4)) {
            throw invalid(setting,
                    "must be a source identity: 2-64 characters of letters, digits and +=,.@_-, not starting with 'aws:'",
                    value);
        }
        return value;
    }

    public static String tagKey(String setting, String value) {
        if (value == null || !TAG_KEY.matcher(value).matches() || value.regionMatches(true, 0, "aws:", 0, 4)) {
            throw invalid(setting,
                    "must be a session tag key: 1-128 letters, digits, spaces and _.:/=+-@, not starting with 'aws:'",
                    value);
        }
        return value;
    }

    public static String tagValue(String setting, String value) {
        if (value == null || !TAG_VALUE.matcher(value).matches()) {
            throw invalid(setting, "must be a session tag value: 0-256 letters, digits, spaces and _.:/=+-@", value);
        }
        return value;
    }

    public static String policyArn(String setting, String value) {
        if (value == null || !POLICY_ARN.matcher(value).matches()) {
            throw invalid(setting, "must be an IAM policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess", value);
        }
        return value;
    }

    static final String ROLE_ARN_RULE = "must be an IAM role ARN such as arn:aws:iam::111122223333:role/PortOceanReadRole:"
            + " arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>, the name 1-64 characters of letters,"
            + " digits and +=,.@_-, the path printable ASCII without '//', '*' or '?' (at most 512 characters)";

    /**
     * Checks a role ARN with IAM's rules: {@code arn:<partition>:iam::<account>:role<path><name>}, the name 1-64
     * characters of {@code [\w+=,.@-]} (no wildcard, no trailing '/'), the path {@code /} or {@code /a/b/} of printable
     * ASCII without {@code //}, {@code *} or {@code ?}, at most 512 characters.
     */
    public static String roleArn(String setting, String value) {
        java.util.regex.Matcher m = value == null ? null : ROLE_ARN.matcher(value);
        if (m == null || !m.matches()) {
            throw invalid(setting, ROLE_ARN_RULE, value);
        }
        String resource = m.group(2);
        int slash = resource.lastIndexOf('/');
        String path = resource.substring(0, slash + 1);
        String name = resource.substring(slash + 1);
        if (!ROLE_NAME.matcher(name).matches() || path.length() > 512 || !ROLE_PATH.matcher(path).matches()
                || path.contains("//") || path.indexOf('*') >= 0 || path.indexOf('?') >= 0) {
            throw invalid(setting, ROLE_ARN_RULE, value);
        }
        return value;
    }

    /**
     * Checks an AWS region ID ({@code us-east-1}, {@code cn-north-1}, {@code us-gov-west-1}, ...). FIPS pseudo-regions
     * ({@code fips-us-east-1}, {@code us-east-1-fips}) are refused: they would select the wrong partition and hide the
     * endpoint; a FIPS endpoint is configured with the endpoint override instead.
     */
    public static String region(String setting, String value) {
        if (value != null && value.toLowerCase(java.util.Locale.ROOT).contains("fips")) {
            throw invalid(setting, "must be a real region such as us-east-1, not a FIPS pseudo-region; for FIPS set the"
                    + " region and OCEAN_AWS_STS_ENDPOINT=https://sts-fips.<region>.amazonaws.com", value);
        }
        if (value == null || !REGION.matcher(value).matches()) {
            throw invalid(setting, "must be an AWS region ID such as us-east-1, eu-west-1, cn-north-1 or us-gov-west-1",
                    value);
        }
        if (!KNOWN_PARTITION_REGION.matcher(value).matches()) {
            throw invalid(setting, "must be a region of a known AWS partition (aws: us-, eu-, ap-, sa-, ca-, me-, af-,"
                    + " il-, mx-; aws-cn: cn-; aws-us-gov: us-gov-; the isolated partitions)", value);
        }
        return value;
    }

    /** The rule of every endpoint override (STS, IAM, Organizations): {@code http(s)://host[:port]}. */
    public static final String ENDPOINT_RULE = "must be http(s)://host[:port]: an absolute http or https URL with a"
            + " host, a port of 1-65535 if any, and no user info, path, query or fragment, such as"
            + " https://sts.us-east-1.amazonaws.com";

    /**
     * Checks an endpoint override: {@code http(s)://host[:port]}, an absolute {@code http} or {@code https} URL with a
     * host, a port of 1-65535 if any, and no user info, path (other than {@code /}), query or fragment. User info is
     * never echoed (it may hold a password).
     */
    public static java.net.URI endpoint(String setting, java.net.URI value) {
        if (value == null) {
            throw invalid(setting, ENDPOINT_RULE, null);
        }
        String shown = redactUrl(value.toString());
        String problem = null;
        String scheme = value.getScheme() == null ? "" : value.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http"))) {
            problem = "the scheme is not http or https";
        } else if (value.getRawUserInfo() != null || (value.getRawAuthority() != null
                && value.getRawAuthority().indexOf('@') >= 0)) {
            problem = "it has user info";
        } else if (value.getHost() == null || value.getHost().length() > 253) {
            problem = "it has no valid host[:port]";
        } else if (value.getPort() == 0 || value.getPort() > 65_535) {
            problem = "port " + value.getPort() + " is not in 1-65535";
        } else if (value.getRawPath() != null && !value.getRawPath().isEmpty() && !value.getRawPath().equals("/")) {
            problem = "it has a path";
        } else if (value.getRawQuery() != null) {
            problem = "it has a query";
        } else if (value.getRawFragment() != null) {
            problem = "it has a fragment";
        }
        if (problem != null) {
            throw invalid(setting, ENDPOINT_RULE + "; " + problem, shown);
        }
        return value;
    }

    /** Parses and checks an endpoint override given as text, as {@link #endpoint(String, java.net.URI)} does. */
    public static java.net.URI endpoint(String setting, String text) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(text == null ? "" : Setting.trimAsciiSpace(text));
        } catch (java.net.URISyntaxException e) {
            throw invalid(setting, ENDPOINT_RULE + "; it is not a valid URL", redactUrl(text));
        }
        return endpoint(setting, uri);
    }

    /**
     * {@code text} with any user info (everything between the scheme's {@code //} and the last {@code @}, or before
     * the last {@code @} when there is no scheme) replaced by {@code <user info not shown>}: a URL's password never
     * reaches a message.
     */
    public static String redactUrl(String text) {
        if (text == null) {
            return null;
        }
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text;
        }
        int scheme = text.indexOf("://");
        int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return text.substring(0, start) + "<user info not shown>" + text.substring(at);
    }

    /**
     * Checks an account-name pattern of an account filter: 1-128 printable ASCII characters (AWS Organizations account
     * names are printable ASCII), {@code *} and {@code ?} as wildcards.
     */
    public static String accountNamePattern(String setting, String value) {
        if (value == null || value.isEmpty() || value.length() > 128
                || !value.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) {
            throw invalid(setting, "must be a 12-digit account ID or an account-name pattern: 1-128 printable ASCII"
                    + " characters, '*' and '?' as wildcards", value);
        }
        return value;
    }

    /** Checks one write guard allowlist entry: {@code Service:Operation} or {@code Operation}. */
    public static String writeGuardOperation(String setting, String value) {
        if (value == null || !WRITE_GUARD_OPERATION.matcher(value).matches()) {
            throw invalid(setting, "entries must be Service:Operation or Operation, such as S3:PutObject or"
                    + " PutObject (no wildcards)", value);
        }
        return value;
    }

    public static Duration sessionDuration(String setting, Duration value) {
        if (value == null || value.compareTo(MIN_SESSION_DURATION) < 0 || value.compareTo(MAX_SESSION_DURATION) > 0
                || value.toNanos() % 1_000_000_000L != 0) {
            throw invalid(setting, "must be whole seconds between 900 s (15 min) and 43200 s (12 h)",
                    value == null ? null : value.getNano() == 0 ? value.getSeconds() + " s"
                            : java.math.BigDecimal.valueOf(value.getSeconds())
                                    .add(java.math.BigDecimal.valueOf(value.getNano(), 9))
                                    .stripTrailingZeros().toPlainString() + " s");
        }
        return value;
    }

    public static Duration positive(String setting, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(setting, "must be a positive duration", String.valueOf(value));
        }
        return value;
    }

    public static Duration notNegative(String setting, Duration value) {
        if (value == null || value.isNegative()) {
            throw invalid(setting, "must be zero or a positive duration", String.valueOf(value));
        }
        return value;
    }

    public static int atLeast(String setting, int min, int value) {
        if (value < min) {
            throw invalid(setting, "must be at least " + min, Integer.toString(value));
        }
        return value;
    }

    public static long atLeast(String setting, long min, long value) {
        if (value < min) {
            throw invalid(setting, "must be at least " + min, Long.toString(value));
        }
        return value;
    }

    public static IllegalArgumentException invalid(String setting, String rule, String value) {
        return new IllegalArgumentException(setting + " " + rule + " (was " + shown(value) + ")");
    }

    /**
     * The value as a message shows it: quoted; a URL's user info redacted; control and non-ASCII-printable characters
     * escaped ({@code \\n}, {@code \\u0000}) so a value cannot forge log lines; cut after {@value #MAX_ECHO}
     * characters.
     */
    public static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String v = value.contains("://") ? redactUrl(value) : value;
        StringBuilder out = new StringBuilder(Math.min(v.length(), MAX_ECHO) + 16).append('\'');
        int n = Math.min(v.length(), MAX_ECHO);
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || Character.isSurrogate(c)
                    || c == '\u2028' || c == '\u2029' || (c >= '\u202A' && c <= '\u202E')
                    || (c >= '\u2066' && c <= '\u2069')) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (v.length() > MAX_ECHO) {
            out.append(" (cut; ").append(v.length()).append(" characters in all)");
        }
        return out.toString();
    }
}
