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
            "by lifetime: <20 min: 5 min, 20-90 min: 15 min, >=90 min: 60 min"),
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
    STS_MAX_CONCURRENCY("stsMaxConcurrency", "OCEAN_AWS_STS_MAX_CONCURRENCY", "ocean.aws.stsMaxConcurrency", "10"),
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

    /** How a message refers to this setting: {@code OCEAN_AWS_X (ocean.aws.x, builder y)}. */
    public String label() {
        return environmentVariable + " (" + systemProperty + ")";
    }

    public Optional<String> read(RuntimeEnvironment environment) {
        return environment.setting(environmentVariable, systemProperty);
    }

    public Optional<Duration> readDuration(RuntimeEnvironment environment) {
        return read(environment).map(text -> parseDuration(label(), text));
    }

    public Optional<Integer> readInt(RuntimeEnvironment environment) {
        return read(environment).map(text -> {
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw Validation.invalid(label(), "must be a whole number", text);
            }
        });
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

    /**
     * Parses {@code 3600}, {@code 3600s}, {@code 500ms}, {@code 15m}, {@code 1h}, {@code 1d} or ISO-8601
     * ({@code PT1H}). A bare number is seconds.
     */
    public static Duration parseDuration(String setting, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            char unit = t.charAt(t.length() - 1);
            if (Character.isDigit(unit)) {
                return Duration.ofSeconds(Long.parseLong(t));
            }
            long amount = Long.parseLong(t.substring(0, t.length() - 1).trim());
            switch (unit) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                case 'd':
                    return Duration.ofDays(amount);
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // fall through to the message below
        }
        throw Validation.invalid(setting,
                "must be a duration such as 3600 (seconds), 90s, 500ms, 15m, 1h or PT1H", text);
    }
}
