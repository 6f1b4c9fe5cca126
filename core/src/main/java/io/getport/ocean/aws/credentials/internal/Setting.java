package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Every setting the broker reads from its environment: the builder method, the environment variable and the system
 * property (the property wins over the variable; a builder call wins over both), and the default as documented.
 */
public enum Setting {
    IDENTITY_SOURCE("identitySource", "OCEAN_AWS_IDENTITY_SOURCE", "ocean.aws.identitySource", "auto"),
    READ_ROLE_NAME("roleName", "OCEAN_AWS_READ_ROLE_NAME", "ocean.aws.readRoleName", "PortOceanReadRole"),
    READ_ROLE_PATH("rolePath", "OCEAN_AWS_READ_ROLE_PATH", "ocean.aws.readRolePath", "/"),
    EXTERNAL_ID("externalId", "OCEAN_AWS_EXTERNAL_ID", "ocean.aws.externalId", "none"),
    EXTERNAL_IDS("externalIds", "OCEAN_AWS_EXTERNAL_IDS", "ocean.aws.externalIds", "none"),
    STS_REGION("region", "OCEAN_AWS_STS_REGION", "ocean.aws.stsRegion",
            "AWS_REGION / AWS_DEFAULT_REGION, else the runtime's region, else us-east-1"),
    STS_ENDPOINT("stsEndpoint", "OCEAN_AWS_STS_ENDPOINT", "ocean.aws.stsEndpoint", "the regional STS endpoint"),
    SESSION_NAME("sessionName", "OCEAN_AWS_SESSION_NAME", "ocean.aws.sessionName", "port-ocean-<host>"),
    SESSION_DURATION("sessionDuration", "OCEAN_AWS_SESSION_DURATION", "ocean.aws.sessionDuration", "3600s"),
    SOURCE_IDENTITY("sourceIdentity", "OCEAN_AWS_SOURCE_IDENTITY", "ocean.aws.sourceIdentity", "none"),
    SESSION_TAGS("sessionTags", "OCEAN_AWS_SESSION_TAGS", "ocean.aws.sessionTags", "none"),
    SESSION_POLICY("readOnlySessionPolicy", "OCEAN_AWS_SESSION_POLICY", "ocean.aws.sessionPolicy",
            "ReadOnlyAccess"),
    SESSION_POLICY_ARNS("sessionPolicyArns", "OCEAN_AWS_SESSION_POLICY_ARNS", "ocean.aws.sessionPolicyArns", "none"),
    WRITE_GUARD("writeGuard", "OCEAN_AWS_WRITE_GUARD", "ocean.aws.writeGuard", "false"),
    WRITE_GUARD_ALLOW("writeGuardAllow", "OCEAN_AWS_WRITE_GUARD_ALLOW", "ocean.aws.writeGuardAllow", "none"),
    EXPECTED_BASE_ACCOUNT("expectedBaseAccount", "OCEAN_AWS_EXPECTED_BASE_ACCOUNT", "ocean.aws.expectedBaseAccount",
            "none"),
    ALLOWED_ACCOUNTS("allowedAccounts", "OCEAN_AWS_ALLOWED_ACCOUNTS", "ocean.aws.allowedAccounts", "any"),
    ADVISORY_WINDOW("advisoryWindow", "OCEAN_AWS_ADVISORY_WINDOW", "ocean.aws.advisoryWindow",
            "unset: the outage buffer plus the mandatory window (11 min for 1-hour credentials)"),
    MANDATORY_WINDOW("mandatoryWindow", "OCEAN_AWS_MANDATORY_WINDOW", "ocean.aws.mandatoryWindow", "60s"),
    OUTAGE_BUFFER("outageBuffer", "OCEAN_AWS_OUTAGE_BUFFER", "ocean.aws.outageBuffer",
            "by lifetime: lifetime / 6, between 1 min and 60 min (10 min for 1-hour credentials)"),
    QUEUE_TIMEOUT("queueTimeout", "OCEAN_AWS_QUEUE_TIMEOUT", "ocean.aws.queueTimeout", "5m"),
    REFRESH_TIMEOUT("refreshTimeout", "OCEAN_AWS_REFRESH_TIMEOUT", "ocean.aws.refreshTimeout", "15s"),
    STS_CALL_TIMEOUT("stsCallTimeout", "OCEAN_AWS_STS_CALL_TIMEOUT", "ocean.aws.stsCallTimeout", "5s"),
    FAILURE_CACHE_TIME("failureCacheTime", "OCEAN_AWS_FAILURE_CACHE_TIME", "ocean.aws.failureCacheTime", "60s"),
    RETRY_MAX_ATTEMPTS("retryMaxAttempts", "OCEAN_AWS_RETRY_MAX_ATTEMPTS", "ocean.aws.retryMaxAttempts", "3"),
    RETRY_BASE_DELAY("retryBaseDelay", "OCEAN_AWS_RETRY_BASE_DELAY", "ocean.aws.retryBaseDelay", "200ms"),
    RETRY_MAX_DELAY("retryMaxDelay", "OCEAN_AWS_RETRY_MAX_DELAY", "ocean.aws.retryMaxDelay", "20s"),
    STS_RATE_LIMIT("stsRateLimit", "OCEAN_AWS_STS_RATE_LIMIT", "ocean.aws.stsRateLimit", "500"),
    STS_MAX_CONCURRENCY("stsMaxConcurrency", "OCEAN_AWS_STS_MAX_CONCURRENCY", "ocean.aws.stsMaxConcurrency", "16"),
    CIRCUIT_FAILURE_RATE("circuitFailureRate", "OCEAN_AWS_CIRCUIT_FAILURE_RATE", "ocean.aws.circuitFailureRate",
            "50"),
    CIRCUIT_OPEN_DURATION("circuitOpenDuration", "OCEAN_AWS_CIRCUIT_OPEN_DURATION", "ocean.aws.circuitOpenDuration",
            "30s"),
    CACHE_MAX_ACCOUNTS("cacheMaximumAccounts", "OCEAN_AWS_CACHE_MAX_ACCOUNTS", "ocean.aws.cacheMaxAccounts",
            "50000"),
    CACHE_IDLE_TIME("cacheIdleTime", "OCEAN_AWS_CACHE_IDLE_TIME", "ocean.aws.cacheIdleTime", "6h"),
    // Multi-account targeting (package accounts): read by AccountSource.fromEnvironment and OrganizationAccounts.
    ACCOUNTS("AccountList.of", "OCEAN_AWS_ACCOUNTS", "ocean.aws.accounts", "none"),
    ORGANIZATION_ROLE_ARN("OrganizationAccounts.Builder.roleArn", "OCEAN_AWS_ORGANIZATION_ROLE_ARN",
            "ocean.aws.organizationRoleArn", "none"),
    ORGANIZATIONAL_UNITS("OrganizationAccounts.Builder.organizationalUnits", "OCEAN_AWS_ORGANIZATIONAL_UNITS",
            "ocean.aws.organizationalUnits", "the whole organization"),
    ACCOUNTS_INCLUDE("AccountFilter.of", "OCEAN_AWS_ACCOUNTS_INCLUDE", "ocean.aws.accountsInclude", "all"),
    ACCOUNTS_EXCLUDE("AccountFilter.of", "OCEAN_AWS_ACCOUNTS_EXCLUDE", "ocean.aws.accountsExclude", "none"),
    INCLUDE_MANAGEMENT_ACCOUNT("OrganizationAccounts.Builder.includeManagementAccount",
            "OCEAN_AWS_INCLUDE_MANAGEMENT_ACCOUNT", "ocean.aws.includeManagementAccount", "false"),
    ACCOUNT_LIST_TTL("OrganizationAccounts.Builder.ttl", "OCEAN_AWS_ACCOUNT_LIST_TTL", "ocean.aws.accountListTtl",
            "15m"),
    ORGANIZATIONS_ENDPOINT("OrganizationAccounts.Builder.endpoint", "OCEAN_AWS_ORGANIZATIONS_ENDPOINT",
            "ocean.aws.organizationsEndpoint", "the partition's endpoint, https://organizations.us-east-1.amazonaws.com");

    private final String builderMethod;
    private final String environmentVariable;
    private final String systemProperty;
    private final String defaultDescription;

    Setting(String builderMethod, String environmentVariable, String systemProperty, String defaultDescription) {
        this.builderMethod = builderMethod;
        this.environmentVariable = environmentVariable;
        this.systemProperty = systemProperty;
        this.defaultDescription = defaultDescription;
    }

    public String builderMethod() {
        return builderMethod;
    }

    public String environmentVariable() {
        return environmentVariable;
    }

    public String systemProperty() {
        return systemProperty;
    }

    public String defaultDescription() {
        return defaultDescription;
    }

    /**
     * The default of a duration setting, parsed from {@link #defaultDescription()}: the one place the default is
     * written (the settings, the builder and the documentation all take it from here).
     *
     * @throws IllegalStateException when this setting's default is not a duration
     */
    public Duration defaultDuration() {
        try {
            return parseDuration(this, label(), defaultDescription);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name() + " has no duration default: " + defaultDescription, e);
        }
    }

    /**
     * The default of a whole-number setting, parsed from {@link #defaultDescription()}.
     *
     * @throws IllegalStateException when this setting's default is not a whole number
     */
    public long defaultLong() {
        try {
            return Long.parseLong(defaultDescription);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name() + " has no whole-number default: " + defaultDescription, e);
        }
    }

    /** How a message refers to this setting: {@code OCEAN_AWS_X (ocean.aws.x, builder y)}. */
    public String label() {
        return environmentVariable + " (" + systemProperty + ")";
    }

    public Optional<String> read(RuntimeEnvironment environment) {
        return environment.setting(environmentVariable, systemProperty);
    }

    /**
     * Reads a duration setting and checks it against {@link #durationRange()}: a value out of range, or one too large
     * to compute with, is refused naming this setting and the range.
     */
    public Optional<Duration> readDuration(RuntimeEnvironment environment) {
        return read(environment).map(text -> checkDuration(label(), parseDuration(this, label(), text)));
    }

    /** Reads a whole-number setting (ASCII digits only) and checks it against {@link #numberRange()}. */
    public Optional<Integer> readInt(RuntimeEnvironment environment) {
        return read(environment).map(text -> (int) parseWholeNumber(label(), text, numberRange()));
    }

    /** Reads a whole-number setting (ASCII digits only) and checks it against {@link #numberRange()}. */
    public Optional<Long> readLong(RuntimeEnvironment environment) {
        return read(environment).map(text -> parseWholeNumber(label(), text, numberRange()));
    }

    /**
     * The documented range of this duration setting (both ends included), as docs/SETTINGS.md gives it.
     * Settings that are not durations get a range that only keeps arithmetic from overflowing.
     */
    public DurationRange durationRange() {
        switch (this) {
            case SESSION_DURATION:
                return new DurationRange(Validation.MIN_SESSION_DURATION, Validation.MAX_SESSION_DURATION);
            case ADVISORY_WINDOW:
                return new DurationRange(Duration.ofSeconds(1), Duration.ofHours(12));
            case OUTAGE_BUFFER:
                return new DurationRange(Duration.ZERO, Duration.ofHours(6));
            case QUEUE_TIMEOUT:
                return new DurationRange(Duration.ofMillis(1), Duration.ofHours(1));
            case MANDATORY_WINDOW:
                return new DurationRange(Duration.ofMillis(1), Duration.ofSeconds(449));
            case REFRESH_TIMEOUT:
                return new DurationRange(Duration.ofMillis(1), Duration.ofHours(1));
            case STS_CALL_TIMEOUT:
                return new DurationRange(Duration.ofMillis(1), Duration.ofMinutes(10));
            case FAILURE_CACHE_TIME:
                return new DurationRange(Duration.ZERO, Duration.ofHours(1));
            case RETRY_BASE_DELAY:
                return new DurationRange(Duration.ofMillis(1), Duration.ofMinutes(1));
            case RETRY_MAX_DELAY:
                return new DurationRange(Duration.ofMillis(1), Duration.ofMinutes(10));
            case CIRCUIT_OPEN_DURATION:
                return new DurationRange(Duration.ofMillis(1), Duration.ofDays(1));
            case CACHE_IDLE_TIME:
                return new DurationRange(Duration.ofMillis(1), Duration.ofDays(30));
            case ACCOUNT_LIST_TTL:
                return new DurationRange(Duration.ofSeconds(1), Duration.ofDays(1));
            default:
                return new DurationRange(Duration.ZERO, Duration.ofDays(3650));
        }
    }

    /** The documented range of this whole-number setting (both ends included). */
    public NumberRange numberRange() {
        switch (this) {
            case RETRY_MAX_ATTEMPTS:
                return new NumberRange(1, 100);
            case STS_RATE_LIMIT:
                return new NumberRange(1, 1_000_000);
            case STS_MAX_CONCURRENCY:
                return new NumberRange(1, 10_000);
            case CIRCUIT_FAILURE_RATE:
                return new NumberRange(1, 100);
            case CACHE_MAX_ACCOUNTS:
                return new NumberRange(1, 100_000_000);
            default:
                return new NumberRange(0, Integer.MAX_VALUE);
        }
    }

    /** Checks {@code value} against {@link #durationRange()}, naming {@code label} (the variable or builder method). */
    public Duration checkDuration(String label, Duration value) {
        if (this == SESSION_DURATION) {
            return Validation.sessionDuration(label, value);
        }
        DurationRange range = durationRange();
        if (value == null || !range.contains(value)) {
            throw Validation.invalid(label, "must be a duration " + range, value == null ? null : human(value));
        }
        return value;
    }

    /** Checks {@code value} against {@link #numberRange()}, naming {@code label}. */
    public long checkNumber(String label, long value) {
        NumberRange range = numberRange();
        if (!range.contains(value)) {
            throw Validation.invalid(label, "must be a whole number " + range, Long.toString(value));
        }
        return value;
    }

    /** Inclusive bounds of a duration setting. */
    public record DurationRange(Duration min, Duration max) {
        public boolean contains(Duration d) {
            return d.compareTo(min) >= 0 && d.compareTo(max) <= 0;
        }

        @Override
        public String toString() {
            return "between " + human(min) + " and " + human(max);
        }
    }

    /** Inclusive bounds of a whole-number setting. */
    public record NumberRange(long min, long max) {
        public boolean contains(long v) {
            return v >= min && v <= max;
        }

        @Override
        public String toString() {
            return "between " + min + " and " + max;
        }
    }

    /** {@code 1 ms}, {@code 90 s}, {@code 15 min}, {@code 12 h}, {@code 30 d}: the largest unit that is exact. */
    public static String human(Duration d) {
        if (d.isZero()) {
            return "0 s";
        }
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        if (d.getNano() != 0) {
            return d.toMillis() + " ms";
        }
        long s = d.getSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + " d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + " h";
        }
        if (s % 60 == 0 && s >= 600) {
            return s / 60 + " min";
        }
        return s + " s";
    }

    public Optional<Boolean> readBoolean(RuntimeEnvironment environment) {
        return read(environment).map(text -> {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("1") || t.equals("yes")) {
                return true;
            }
            if (t.equals("false") || t.equals("0") || t.equals("no")) {
                return false;
            }
            throw Validation.invalid(label(), "must be true or false", text);
        });
    }

    private static final String DURATION_FORMS =
            "must be a duration such as 3600 (seconds), 90s, 500ms, 15m, 1h or PT1H";

    /**
     * Parses {@code 3600}, {@code 3600s}, {@code 500ms}, {@code 15m}, {@code 1h}, {@code 1d} or ISO-8601
     * ({@code PT1H}). A bare number is seconds. Digits are ASCII {@code 0-9} only; no sign, no fraction (except in the
     * seconds of ISO-8601). A value too large to compute with is refused naming {@code setting} and the range of
     * {@code owner} (when given), never with an {@link ArithmeticException}.
     *
     * @param owner the setting whose range an overflow message names, or {@code null}
     */
    public static Duration parseDuration(Setting owner, String setting, String text) {
        String t = text == null ? "" : trimAsciiSpace(text).toLowerCase(Locale.ROOT);
        String rangeRule = owner == null ? "is too large" : owner == SESSION_DURATION
                ? "must be whole seconds between 900 s (15 min) and 43200 s (12 h)"
                : "must be a duration " + owner.durationRange();
        if (t.startsWith("p")) {
            if (!isAscii(t)) {
                throw Validation.invalid(setting, DURATION_FORMS, text);
            }
            try {
                Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
                if (d.compareTo(PARSE_CAP) > 0) {
                    throw Validation.invalid(setting, rangeRule, text);
                }
                return d;
            } catch (DateTimeParseException e) {
                if (e.getCause() instanceof ArithmeticException) {
                    throw Validation.invalid(setting, rangeRule, text);
                }
                throw Validation.invalid(setting, DURATION_FORMS, text);
            } catch (ArithmeticException e) {
                throw Validation.invalid(setting, rangeRule, text);
            }
        }
        long unitMillis;
        String digits;
        if (t.endsWith("ms")) {
            unitMillis = 1;
            digits = t.substring(0, t.length() - 2);
        } else if (!t.isEmpty() && "smhd".indexOf(t.charAt(t.length() - 1)) >= 0) {
            char unit = t.charAt(t.length() - 1);
            unitMillis = unit == 's' ? 1000L : unit == 'm' ? 60_000L : unit == 'h' ? 3_600_000L : 86_400_000L;
            digits = t.substring(0, t.length() - 1);
        } else {
            unitMillis = 1000L;
            digits = t;
        }
        digits = trimAsciiSpace(digits);
        if (!isAsciiDigits(digits)) {
            throw Validation.invalid(setting, DURATION_FORMS, text);
        }
        // 18 digits or fewer fit a long; anything longer is certainly beyond the cap.
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 15) {
            throw Validation.invalid(setting, rangeRule, text);
        }
        long amount = Long.parseLong(significant);
        if (amount > PARSE_CAP.toMillis() / unitMillis) {
            throw Validation.invalid(setting, rangeRule, text);
        }
        return Duration.ofMillis(amount * unitMillis);
    }

    /** Like {@link #parseDuration(Setting, String, String)} without a setting to name a range from. */
    public static Duration parseDuration(String setting, String text) {
        return parseDuration(null, setting, text);
    }

    /** Durations beyond ten years are refused while parsing, so no later arithmetic can overflow. */
    private static final Duration PARSE_CAP = Duration.ofDays(3650);

    /**
     * Parses a whole number of ASCII digits {@code 0-9} (no sign, no other script's digits, no separators) within
     * {@code range}; anything else is refused naming {@code setting} and the range.
     */
    public static long parseWholeNumber(String setting, String text, NumberRange range) {
        String t = text == null ? "" : trimAsciiSpace(text);
        String rule = "must be a whole number of ASCII digits 0-9 " + range;
        if (!isAsciiDigits(t)) {
            throw Validation.invalid(setting, rule, text);
        }
        String significant = t.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 18) {
            throw Validation.invalid(setting, rule, text);
        }
        long v = Long.parseLong(significant);
        if (!range.contains(v)) {
            throw Validation.invalid(setting, "must be a whole number " + range, text);
        }
        return v;
    }

    /** Whether {@code s} is one or more ASCII digits. */
    public static boolean isAsciiDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7E || s.charAt(i) < 0x20) {
                return false;
            }
        }
        return true;
    }

    /** Strips ASCII spaces, tabs and line ends at both ends (only those: other control characters stay and fail). */
    static String trimAsciiSpace(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && " \t\r\n".indexOf(s.charAt(b)) >= 0) {
            b++;
        }
        while (e > b && " \t\r\n".indexOf(s.charAt(e - 1)) >= 0) {
            e--;
        }
        return s.substring(b, e);
    }
}
