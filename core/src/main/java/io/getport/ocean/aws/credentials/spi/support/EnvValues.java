package io.getport.ocean.aws.credentials.spi.support;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** Reading and validating the settings of identity-source modules, with messages in core's style. */
public final class EnvValues {
    /** {@code AWS_METADATA_SERVICE_TIMEOUT}: the SDK's setting for local metadata and credential endpoints. */
    public static final String TIMEOUT_VARIABLE = "AWS_METADATA_SERVICE_TIMEOUT";
    public static final String TIMEOUT_PROPERTY = "aws.ec2MetadataServiceTimeout";

    private EnvValues() {
    }

    /** A setting's name as messages show it: {@code VARIABLE (property)}. */
    public static String label(String variable, String property) {
        return variable + " (" + property + ")";
    }

    public static Optional<String> setting(RuntimeEnvironment env, String variable, String property) {
        return env.setting(variable, property);
    }

    /**
     * The timeout of one call to a local endpoint: {@code AWS_METADATA_SERVICE_TIMEOUT}, else {@code defaultTimeout}
     * (the SDK's default for IMDS is 1 s; container agents get 2 s, as in botocore).
     */
    public static Duration timeout(RuntimeEnvironment env, Duration defaultTimeout) {
        return setting(env, TIMEOUT_VARIABLE, TIMEOUT_PROPERTY)
                .map(text -> duration(label(TIMEOUT_VARIABLE, TIMEOUT_PROPERTY), text))
                .orElse(defaultTimeout);
    }

    /**
     * Parses a positive duration: seconds ({@code 1}, {@code 0.5}), {@code 500ms}, {@code 2s} or ISO-8601
     * ({@code PT2S}).
     */
    public static Duration duration(String label, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d = null;
        // ASCII only: BigDecimal and Long.parseLong would read other scripts' digits (issue 14, item 9).
        boolean ascii = t.chars().allMatch(c -> c > 0x20 && c < 0x7F);
        try {
            if (!ascii) {
                throw new NumberFormatException("not ASCII");
            }
            if (t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            } else {
                String seconds = t.endsWith("s") ? t.substring(0, t.length() - 1).trim() : t;
                d = Duration.ofMillis(new BigDecimal(seconds).movePointRight(3).longValueExact());
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw invalid(label, "must be a positive duration such as 1 (seconds), 0.5, 500ms or PT1S", text);
        }
        return d;
    }

    /** Parses {@code true}/{@code false} (also {@code 1}/{@code 0}, {@code yes}/{@code no}). */
    public static boolean bool(String label, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("1") || t.equals("yes")) {
            return true;
        }
        if (t.equals("false") || t.equals("0") || t.equals("no")) {
            return false;
        }
        throw invalid(label, "must be true or false", text);
    }

    /**
     * A URI as messages may show it: any user info (which may hold a password) replaced by {@code ***}, the query
     * and fragment (which may hold a signature or a key) replaced by {@code …}, control
     * characters replaced by {@code ?}, and at most 200 characters. Works on text that is not a valid URI too.
     */
    public static String shownUri(String text) {
        if (text == null) {
            return "null";
        }
        String t = text.trim();
        int scheme = t.indexOf("//");
        int start = scheme >= 0 ? scheme + 2 : 0;
        int end = t.length();
        for (int i = start; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        int at = t.lastIndexOf('@', end - 1);
        if (at >= start) {
            t = t.substring(0, start) + "***" + t.substring(at);
        }
        int query = t.indexOf('?', start);
        int fragment = t.indexOf('#', start);
        int cut = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
        if (cut >= 0) {
            t = t.substring(0, cut) + (t.charAt(cut) == '?' ? "?\u2026" : "#\u2026");
        }
        t = t.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?");
        return t.length() > 200 ? t.substring(0, 200) + "\u2026" : t;
    }

    /** {@code SETTING rule (was 'value')}, as core's validation messages read. Never pass a secret value. */
    public static IllegalArgumentException invalid(String label, String rule, String value) {
        return new IllegalArgumentException(label + " " + rule + " (was " + (value == null ? "null" : "'" + value + "'")
                + ")");
    }
}
