package io.getport.ocean.aws.credentials.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Every bad input gets an {@link IllegalArgumentException} from {@code build()} that names the setting, the rule and
 * the value (not the value when it is a secret), through the builder and through the environment.
 */
class InputValidationTest {
    private static final String ACCOUNT_RULE =
            "must be exactly 12 digits (an AWS account ID), with no spaces or signs";
    private static final String ROLE_NAME_RULE =
            "must be an IAM role name: 1-64 characters of letters, digits and +=,.@_-";
    private static final String ROLE_PATH_RULE =
            "must be an IAM path: '/' or '/segment/.../' (at most 512 printable ASCII characters, no '//')";
    private static final String SESSION_NAME_RULE =
            "must be a role session name: 2-64 characters of letters, digits and +=,.@_-";
    private static final String DURATION_RULE = "must be whole seconds between 900 s (15 min) and 43200 s (12 h)";
    private static final String DURATION_FORMS =
            "must be a duration such as 3600 (seconds), 90s, 500ms, 15m, 1h or PT1H";
    private static final String SOURCE_IDENTITY_RULE = "must be a source identity: 2-64 characters of letters, digits"
            + " and +=,.@_-, not starting with 'aws:'";
    private static final String TAG_KEY_RULE = "must be a session tag key: 1-128 letters, digits, spaces and"
            + " _.:/=+-@, not starting with 'aws:'";
    private static final String TAG_VALUE_RULE = "must be a session tag value: 0-256 letters, digits, spaces and"
            + " _.:/=+-@";
    private static final String POLICY_ARN_RULE =
            "must be an IAM policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess";
    private static final String REGION_RULE =
            "must be an AWS region ID such as us-east-1, eu-west-1, cn-north-1 or us-gov-west-1";
    private static final String FIPS_RULE = "must be a real region such as us-east-1, not a FIPS pseudo-region; for"
            + " FIPS set the region and OCEAN_AWS_STS_ENDPOINT=https://sts-fips.<region>.amazonaws.com";
    private static final String ENDPOINT_RULE = "must be http(s)://host[:port]: an absolute http or https URL with a"
            + " host, a port of 1-65535 if any, and no user info, path, query or fragment, such as"
            + " https://sts.us-east-1.amazonaws.com; ";
    private static final String GUARD_RULE =
            "entries must be Service:Operation or Operation, such as S3:PutObject or PutObject (no wildcards)";
    private static final String EXTERNAL_IDS_ENTRY_RULE =
            "must be <12-digit account ID>=<ExternalId>, entries separated by ';' or whitespace";
    private static final String EXTERNAL_ID_RULE =
            "must be 2-1224 characters of letters, digits and +=,.@:/_- (value not shown: it is a secret";

    /** One bad input: how to apply it to a builder, the same as environment variables, and the expected messages. */
    record Case(String name, Consumer<ReadRoleBroker.Builder> builder, String builderMessage,
            Map<String, String> environment, String environmentMessage, String secret) {
        Case(String name, Consumer<ReadRoleBroker.Builder> builder, String builderMessage,
                Map<String, String> environment, String environmentMessage) {
            this(name, builder, builderMessage, environment, environmentMessage, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Case both(String name, Consumer<ReadRoleBroker.Builder> builder, String builderSetting,
            String envVar, String property, String envValue, String rule, String shownValue) {
        return new Case(name, builder, builderSetting + " " + rule + " (was " + shownValue + ")",
                Map.of(envVar, envValue), envVar + " (" + property + ") " + rule + " (was " + shownValue + ")");
    }

    private static Case builderOnly(String name, Consumer<ReadRoleBroker.Builder> builder, String message) {
        return new Case(name, builder, message, null, null);
    }

    private static Case envOnly(String name, Map<String, String> environment, String message) {
        return new Case(name, null, null, environment, message);
    }

    private static Case envOnly(String name, Map<String, String> environment, String message, String secret) {
        return new Case(name, null, null, environment, message, secret);
    }

    static Stream<Arguments> badInputs() {
        List<Case> cases = new ArrayList<>();
        // Account IDs: allowedAccounts, expectedBaseAccount, externalIds keys.
        for (String bad : List.of("12345678901", "1234567890123", "+12345678901", "-12345678901", "1234 5678 9012",
                "12345678901a", "１２３４５６７８９０１２", "0x1234567890")) {
            cases.add(both("allowedAccounts '" + bad + "'", b -> b.allowedAccounts(Set.of(bad)), "allowedAccounts",
                    "OCEAN_AWS_ALLOWED_ACCOUNTS", "ocean.aws.allowedAccounts", bad, ACCOUNT_RULE, "'" + bad + "'"));
        }
        cases.add(builderOnly("allowedAccounts with leading space", b -> b.allowedAccounts(Set.of(" 123456789012")),
                "allowedAccounts " + ACCOUNT_RULE + " (was ' 123456789012')"));
        cases.add(builderOnly("allowedAccounts with trailing newline",
                b -> b.allowedAccounts(Set.of("123456789012\n")),
                "allowedAccounts " + ACCOUNT_RULE + " (was '123456789012\\n')"));
        cases.add(both("expectedBaseAccount 11 digits", b -> b.identity(i -> i.expectedBaseAccount("11111111111")),
                "expectedBaseAccount", "OCEAN_AWS_EXPECTED_BASE_ACCOUNT", "ocean.aws.expectedBaseAccount",
                "11111111111", ACCOUNT_RULE, "'11111111111'"));
        cases.add(both("expectedBaseAccount 13 digits", b -> b.identity(i -> i.expectedBaseAccount("1111111111111")),
                "expectedBaseAccount", "OCEAN_AWS_EXPECTED_BASE_ACCOUNT", "ocean.aws.expectedBaseAccount",
                "1111111111111", ACCOUNT_RULE, "'1111111111111'"));
        cases.add(new Case("externalIds key not an account",
                b -> b.externalIds(Map.of("12345", "ext-id-1")), "externalIds key " + ACCOUNT_RULE
                        + " (key not shown: it may be an ExternalId; length 5)",
                Map.of("OCEAN_AWS_EXTERNAL_IDS", "12345=ext-id-1"),
                "OCEAN_AWS_EXTERNAL_IDS (ocean.aws.externalIds) entry 1 of 1 " + EXTERNAL_IDS_ENTRY_RULE
                        + " (the part before the first '=' is not a 12-digit account ID; the entry is not shown: it"
                        + " may hold an ExternalId)", "ext-id-1"));
        // Role names and paths.
        cases.add(builderOnly("roleName empty", b -> b.roleName(""), "roleName " + ROLE_NAME_RULE + " (was '')"));
        cases.add(both("roleName 65 characters", b -> b.roleName("R".repeat(65)), "roleName",
                "OCEAN_AWS_READ_ROLE_NAME", "ocean.aws.readRoleName", "R".repeat(65), ROLE_NAME_RULE,
                "'" + "R".repeat(65) + "'"));
        cases.add(both("roleName with space", b -> b.roleName("Port Ocean"), "roleName", "OCEAN_AWS_READ_ROLE_NAME",
                "ocean.aws.readRoleName", "Port Ocean", ROLE_NAME_RULE, "'Port Ocean'"));
        cases.add(both("roleName with slash", b -> b.roleName("team/PortOceanReadRole"), "roleName",
                "OCEAN_AWS_READ_ROLE_NAME", "ocean.aws.readRoleName", "team/PortOceanReadRole", ROLE_NAME_RULE,
                "'team/PortOceanReadRole'"));
        cases.add(both("roleName non-ASCII", b -> b.roleName("Rôle"), "roleName", "OCEAN_AWS_READ_ROLE_NAME",
                "ocean.aws.readRoleName", "Rôle", ROLE_NAME_RULE, "'Rôle'"));
        cases.add(both("rolePath without leading slash", b -> b.rolePath("ocean/"), "rolePath",
                "OCEAN_AWS_READ_ROLE_PATH", "ocean.aws.readRolePath", "ocean/", ROLE_PATH_RULE, "'ocean/'"));
        cases.add(both("rolePath without trailing slash", b -> b.rolePath("/ocean"), "rolePath",
                "OCEAN_AWS_READ_ROLE_PATH", "ocean.aws.readRolePath", "/ocean", ROLE_PATH_RULE, "'/ocean'"));
        cases.add(both("rolePath double slash", b -> b.rolePath("/a//b/"), "rolePath", "OCEAN_AWS_READ_ROLE_PATH",
                "ocean.aws.readRolePath", "/a//b/", ROLE_PATH_RULE, "'/a//b/'"));
        cases.add(both("rolePath with space", b -> b.rolePath("/a b/"), "rolePath", "OCEAN_AWS_READ_ROLE_PATH",
                "ocean.aws.readRolePath", "/a b/", ROLE_PATH_RULE, "'/a b/'"));
        String longPath = "/" + "p".repeat(512) + "/";
        cases.add(both("rolePath 514 characters", b -> b.rolePath(longPath), "rolePath", "OCEAN_AWS_READ_ROLE_PATH",
                "ocean.aws.readRolePath", longPath, ROLE_PATH_RULE, "'" + longPath + "'"));
        // Session names.
        cases.add(both("sessionName one character", b -> b.sessionName("a"), "sessionName", "OCEAN_AWS_SESSION_NAME",
                "ocean.aws.sessionName", "a", SESSION_NAME_RULE, "'a'"));
        cases.add(both("sessionName 65 characters", b -> b.sessionName("s".repeat(65)), "sessionName",
                "OCEAN_AWS_SESSION_NAME", "ocean.aws.sessionName", "s".repeat(65), SESSION_NAME_RULE,
                "'" + "s".repeat(65) + "'"));
        cases.add(both("sessionName with space", b -> b.sessionName("port ocean"), "sessionName",
                "OCEAN_AWS_SESSION_NAME", "ocean.aws.sessionName", "port ocean", SESSION_NAME_RULE, "'port ocean'"));
        cases.add(both("sessionName with slash", b -> b.sessionName("port/ocean"), "sessionName",
                "OCEAN_AWS_SESSION_NAME", "ocean.aws.sessionName", "port/ocean", SESSION_NAME_RULE, "'port/ocean'"));
        cases.add(both("sessionName with colon", b -> b.sessionName("port:ocean"), "sessionName",
                "OCEAN_AWS_SESSION_NAME", "ocean.aws.sessionName", "port:ocean", SESSION_NAME_RULE, "'port:ocean'"));
        // Durations.
        cases.add(both("sessionDuration 899 s", b -> b.sessionDuration(Duration.ofSeconds(899)), "sessionDuration",
                "OCEAN_AWS_SESSION_DURATION", "ocean.aws.sessionDuration", "899", DURATION_RULE, "'899 s'"));
        cases.add(both("sessionDuration 43201 s", b -> b.sessionDuration(Duration.ofSeconds(43_201)),
                "sessionDuration", "OCEAN_AWS_SESSION_DURATION", "ocean.aws.sessionDuration", "43201",
                DURATION_RULE, "'43201 s'"));
        cases.add(builderOnly("sessionDuration fractional", b -> b.sessionDuration(Duration.ofMillis(3_600_500)),
                "sessionDuration " + DURATION_RULE + " (was '3600.5 s')"));
        cases.add(envOnly("sessionDuration not a duration", Map.of("OCEAN_AWS_SESSION_DURATION", "one hour"),
                "OCEAN_AWS_SESSION_DURATION (ocean.aws.sessionDuration) " + DURATION_FORMS + " (was 'one hour')"));
        cases.add(envOnly("refreshTimeout not a duration", Map.of("OCEAN_AWS_REFRESH_TIMEOUT", "1.5s"),
                "OCEAN_AWS_REFRESH_TIMEOUT (ocean.aws.refreshTimeout) " + DURATION_FORMS + " (was '1.5s')"));
        cases.add(both("stsCallTimeout zero", b -> b.stsProtection(s -> s.stsCallTimeout(Duration.ZERO)),
                "stsCallTimeout",
                "OCEAN_AWS_STS_CALL_TIMEOUT", "ocean.aws.stsCallTimeout", "0",
                "must be a duration between 1 ms and 10 min", "'0 s'"));
        cases.add(both("mandatoryWindow 10 min", b -> b.refresh(r -> r.mandatoryWindow(Duration.ofMinutes(10))),
                "mandatoryWindow",
                "OCEAN_AWS_MANDATORY_WINDOW", "ocean.aws.mandatoryWindow", "10m",
                "must be a duration between 1 ms and 449 s", "'10 min'"));
        // ExternalIds: the value is a secret and never shown.
        for (String secret : List.of("Q", "secret with space", "e".repeat(1225))) {
            cases.add(new Case("externalId of length " + secret.length(), b -> b.externalId(secret),
                    "externalId " + EXTERNAL_ID_RULE + ", length " + secret.length() + ")",
                    Map.of("OCEAN_AWS_EXTERNAL_ID", secret), "OCEAN_AWS_EXTERNAL_ID (ocean.aws.externalId) "
                            + EXTERNAL_ID_RULE + ", length " + secret.length() + ")", secret));
        }
        cases.add(new Case("externalIds value with semicolon",
                b -> b.externalIds(Map.of("123456789012", "semi;colon-ext")),
                "externalIds value for 123456789012 " + EXTERNAL_ID_RULE + ", length 14)",
                Map.of("OCEAN_AWS_EXTERNAL_IDS", "123456789012=semi;colon-ext"),
                "OCEAN_AWS_EXTERNAL_IDS (ocean.aws.externalIds) entry 2 of 2 " + EXTERNAL_IDS_ENTRY_RULE
                        + " (it has no '='; the entry is not shown: it may hold an ExternalId)", "colon-ext"));
        cases.add(envOnly("externalIds value with space", Map.of("OCEAN_AWS_EXTERNAL_IDS", "123456789012=xx yy"),
                "OCEAN_AWS_EXTERNAL_IDS (ocean.aws.externalIds) entry 2 of 2 " + EXTERNAL_IDS_ENTRY_RULE
                        + " (it has no '='; the entry is not shown: it may hold an ExternalId)", "xx yy"));
        cases.add(envOnly("externalIds value too short", Map.of("OCEAN_AWS_EXTERNAL_IDS", "123456789012=Q"),
                "OCEAN_AWS_EXTERNAL_IDS (ocean.aws.externalIds) entry 1 of 1 (account 123456789012) "
                        + EXTERNAL_ID_RULE + ", length 1)", null));
        cases.add(envOnly("externalIds entry without '='", Map.of("OCEAN_AWS_EXTERNAL_IDS", "123456789012:secret-x"),
                "OCEAN_AWS_EXTERNAL_IDS (ocean.aws.externalIds) entry 1 of 1 " + EXTERNAL_IDS_ENTRY_RULE
                        + " (it has no '='; the entry is not shown: it may hold an ExternalId)", "secret-x"));
        // SourceIdentity.
        cases.add(both("sourceIdentity starting with aws:", b -> b.sourceIdentity("aws:port"), "sourceIdentity",
                "OCEAN_AWS_SOURCE_IDENTITY", "ocean.aws.sourceIdentity", "aws:port", SOURCE_IDENTITY_RULE,
                "'aws:port'"));
        cases.add(both("sourceIdentity one character", b -> b.sourceIdentity("p"), "sourceIdentity",
                "OCEAN_AWS_SOURCE_IDENTITY", "ocean.aws.sourceIdentity", "p", SOURCE_IDENTITY_RULE, "'p'"));
        cases.add(both("sourceIdentity with space", b -> b.sourceIdentity("port ocean"), "sourceIdentity",
                "OCEAN_AWS_SOURCE_IDENTITY", "ocean.aws.sourceIdentity", "port ocean", SOURCE_IDENTITY_RULE,
                "'port ocean'"));
        // Session tags.
        cases.add(new Case("sessionTags key aws:", b -> b.sessionTags(Map.of("aws:team", "ocean")),
                "sessionTags key " + TAG_KEY_RULE + " (was 'aws:team')",
                Map.of("OCEAN_AWS_SESSION_TAGS", "aws:team=ocean"),
                "OCEAN_AWS_SESSION_TAGS (ocean.aws.sessionTags) key " + TAG_KEY_RULE + " (was 'aws:team')"));
        cases.add(new Case("sessionTags key 129 characters", b -> b.sessionTags(Map.of("k".repeat(129), "v")),
                "sessionTags key " + TAG_KEY_RULE + " (was '" + "k".repeat(129) + "')",
                Map.of("OCEAN_AWS_SESSION_TAGS", "k".repeat(129) + "=v"),
                "OCEAN_AWS_SESSION_TAGS (ocean.aws.sessionTags) key " + TAG_KEY_RULE + " (was '" + "k".repeat(129)
                        + "')"));
        cases.add(new Case("sessionTags value with angle bracket", b -> b.sessionTags(Map.of("team", "<ocean>")),
                "sessionTags value " + TAG_VALUE_RULE + " (was '<ocean>')",
                Map.of("OCEAN_AWS_SESSION_TAGS", "team=<ocean>"),
                "OCEAN_AWS_SESSION_TAGS (ocean.aws.sessionTags) value " + TAG_VALUE_RULE + " (was '<ocean>')"));
        cases.add(builderOnly("sessionTags value 257 characters", b -> b.sessionTags(Map.of("team", "v".repeat(257))),
                "sessionTags value " + TAG_VALUE_RULE + " (was '" + "v".repeat(257) + "')"));
        Map<String, String> tooMany = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            tooMany.put("k" + i, "v");
        }
        cases.add(builderOnly("sessionTags 51 tags", b -> b.sessionTags(tooMany),
                "sessionTags allows at most 50 session tags (was '51 tags')"));
        cases.add(envOnly("sessionTags entry without '='", Map.of("OCEAN_AWS_SESSION_TAGS", "team"),
                "OCEAN_AWS_SESSION_TAGS (ocean.aws.sessionTags) must be a comma-separated list of key=value pairs"
                        + " (was 'team')"));
        // Session policies.
        cases.add(both("policy ARN bare name", b -> b.sessionPolicyArns(List.of("ReadOnlyAccess")),
                "sessionPolicyArns", "OCEAN_AWS_SESSION_POLICY_ARNS", "ocean.aws.sessionPolicyArns",
                "ReadOnlyAccess", POLICY_ARN_RULE, "'ReadOnlyAccess'"));
        cases.add(both("policy ARN of a role", b -> b.sessionPolicyArns(List.of("arn:aws:iam::aws:role/X")),
                "sessionPolicyArns", "OCEAN_AWS_SESSION_POLICY_ARNS", "ocean.aws.sessionPolicyArns",
                "arn:aws:iam::aws:role/X", POLICY_ARN_RULE, "'arn:aws:iam::aws:role/X'"));
        cases.add(both("policy ARN of S3", b -> b.sessionPolicyArns(List.of("arn:aws:s3:::bucket")),
                "sessionPolicyArns", "OCEAN_AWS_SESSION_POLICY_ARNS", "ocean.aws.sessionPolicyArns",
                "arn:aws:s3:::bucket", POLICY_ARN_RULE, "'arn:aws:s3:::bucket'"));
        List<String> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add("arn:aws:iam::123456789012:policy/p" + i);
        }
        cases.add(both("ten extra policies plus ReadOnlyAccess", b -> b.sessionPolicyArns(ten), "sessionPolicyArns",
                "OCEAN_AWS_SESSION_POLICY_ARNS", "ocean.aws.sessionPolicyArns", String.join(",", ten),
                "allows at most 10 session policy ARNs in all, ReadOnlyAccess included", "'10 ARNs'"));
        cases.add(envOnly("session policy neither ReadOnlyAccess nor none", Map.of("OCEAN_AWS_SESSION_POLICY", "admin"),
                "OCEAN_AWS_SESSION_POLICY (ocean.aws.sessionPolicy) must be ReadOnlyAccess or none (was 'admin')"));
        // Write guard.
        cases.add(envOnly("writeGuard not a boolean", Map.of("OCEAN_AWS_WRITE_GUARD", "perhaps"),
                "OCEAN_AWS_WRITE_GUARD (ocean.aws.writeGuard) must be true or false (was 'perhaps')"));
        cases.add(both("writeGuardAllow wildcard", b -> b.writeGuardAllow(Set.of("S3:*")), "writeGuardAllow",
                "OCEAN_AWS_WRITE_GUARD_ALLOW", "ocean.aws.writeGuardAllow", "S3:*", GUARD_RULE, "'S3:*'"));
        cases.add(both("writeGuardAllow empty operation", b -> b.writeGuardAllow(Set.of("S3:")), "writeGuardAllow",
                "OCEAN_AWS_WRITE_GUARD_ALLOW", "ocean.aws.writeGuardAllow", "S3:", GUARD_RULE, "'S3:'"));
        cases.add(both("writeGuardAllow IAM action with space", b -> b.writeGuardAllow(Set.of("S3:Put Object")),
                "writeGuardAllow", "OCEAN_AWS_WRITE_GUARD_ALLOW", "ocean.aws.writeGuardAllow", "S3:Put Object",
                GUARD_RULE, "'S3:Put Object'"));
        // Region and endpoint.
        cases.add(both("region FIPS pseudo-region", b -> b.region(Region.of("fips-us-gov-west-1")), "region",
                "OCEAN_AWS_STS_REGION", "ocean.aws.stsRegion", "fips-us-gov-west-1", FIPS_RULE,
                "'fips-us-gov-west-1'"));
        cases.add(both("region not a region", b -> b.region(Region.of("useast1")), "region", "OCEAN_AWS_STS_REGION",
                "ocean.aws.stsRegion", "useast1", REGION_RULE, "'useast1'"));
        cases.add(both("region upper case", b -> b.region(Region.of("US-EAST-1")), "region", "OCEAN_AWS_STS_REGION",
                "ocean.aws.stsRegion", "US-EAST-1", REGION_RULE, "'US-EAST-1'"));
        cases.add(both("stsEndpoint ftp", b -> b.stsEndpoint(URI.create("ftp://sts.amazonaws.com")), "stsEndpoint",
                "OCEAN_AWS_STS_ENDPOINT", "ocean.aws.stsEndpoint", "ftp://sts.amazonaws.com", ENDPOINT_RULE + "the scheme is not http or https",
                "'ftp://sts.amazonaws.com'"));
        cases.add(both("stsEndpoint with query", b -> b.stsEndpoint(URI.create("https://sts.amazonaws.com/?a=b")),
                "stsEndpoint", "OCEAN_AWS_STS_ENDPOINT", "ocean.aws.stsEndpoint", "https://sts.amazonaws.com/?a=b",
                ENDPOINT_RULE + "it has a query", "'https://sts.amazonaws.com/?a=b'"));
        cases.add(both("stsEndpoint with user info",
                b -> b.stsEndpoint(URI.create("https://admin:hunter2@sts.amazonaws.com")), "stsEndpoint",
                "OCEAN_AWS_STS_ENDPOINT", "ocean.aws.stsEndpoint", "https://admin:hunter2@sts.amazonaws.com",
                ENDPOINT_RULE + "it has user info", "'https://<user info not shown>@sts.amazonaws.com'"));
        cases.add(builderOnly("stsEndpoint relative", b -> b.stsEndpoint(URI.create("sts.amazonaws.com")),
                "stsEndpoint " + ENDPOINT_RULE + "the scheme is not http or https (was 'sts.amazonaws.com')"));
        cases.add(envOnly("stsEndpoint without scheme", Map.of("OCEAN_AWS_STS_ENDPOINT", "sts.amazonaws.com"),
                "OCEAN_AWS_STS_ENDPOINT (ocean.aws.stsEndpoint) " + ENDPOINT_RULE
                        + "the scheme is not http or https (was 'sts.amazonaws.com')"));
        for (String[] bad : new String[][] {{"http://127.0.0.1:0", "port 0 is not in 1-65535"},
                {"http://127.0.0.1:99999", "port 99999 is not in 1-65535"},
                {"https://sts.amazonaws.com/sts", "it has a path"},
                {"https://sts.amazonaws.com#frag", "it has a fragment"}}) {
            cases.add(both("stsEndpoint " + bad[0], b -> b.stsEndpoint(URI.create(bad[0])), "stsEndpoint",
                    "OCEAN_AWS_STS_ENDPOINT", "ocean.aws.stsEndpoint", bad[0], ENDPOINT_RULE + bad[1],
                    "'" + bad[0] + "'"));
        }
        cases.add(envOnly("stsEndpoint user info with password", Map.of("OCEAN_AWS_STS_ENDPOINT",
                "http://user:s3cret@127.0.0.1:4566"), "OCEAN_AWS_STS_ENDPOINT (ocean.aws.stsEndpoint) " + ENDPOINT_RULE
                        + "it has user info (was 'http://<user info not shown>@127.0.0.1:4566')", "s3cret"));
        cases.add(envOnly("stsEndpoint unparsable with password", Map.of("OCEAN_AWS_STS_ENDPOINT",
                "http://user:s3cret@host name"), "OCEAN_AWS_STS_ENDPOINT (ocean.aws.stsEndpoint) " + ENDPOINT_RULE
                        + "it is not a valid URL (was 'http://<user info not shown>@host name')", "s3cret"));
        // Numbers.
        cases.add(both("retryMaxAttempts zero", b -> b.stsProtection(s -> s.retryMaxAttempts(0)), "retryMaxAttempts",
                "OCEAN_AWS_RETRY_MAX_ATTEMPTS", "ocean.aws.retryMaxAttempts", "0",
                "must be a whole number between 1 and 100", "'0'"));
        cases.add(envOnly("stsRateLimit not a number", Map.of("OCEAN_AWS_STS_RATE_LIMIT", "fast"),
                "OCEAN_AWS_STS_RATE_LIMIT (ocean.aws.stsRateLimit) must be a whole number of ASCII digits 0-9 between"
                        + " 1 and 1000000 (was 'fast')"));
        cases.add(envOnly("stsRateLimit Arabic-Indic digits", Map.of("OCEAN_AWS_STS_RATE_LIMIT", "\u0665\u0660"),
                "OCEAN_AWS_STS_RATE_LIMIT (ocean.aws.stsRateLimit) must be a whole number of ASCII digits 0-9 between"
                        + " 1 and 1000000 (was '\u0665\u0660')"));
        cases.add(both("stsMaxConcurrency zero", b -> b.stsProtection(s -> s.stsMaxConcurrency(0)), "stsMaxConcurrency",
                "OCEAN_AWS_STS_MAX_CONCURRENCY", "ocean.aws.stsMaxConcurrency", "0",
                "must be a whole number between 1 and 10000", "'0'"));
        cases.add(both("circuitFailureRate 101", b -> b.stsProtection(s -> s.circuitFailureRate(101)),
                "circuitFailureRate",
                "OCEAN_AWS_CIRCUIT_FAILURE_RATE", "ocean.aws.circuitFailureRate", "101",
                "must be a whole number between 1 and 100", "'101'"));
        cases.add(both("cacheMaximumAccounts zero", b -> b.refresh(r -> r.cacheMaximumAccounts(0)),
                "cacheMaximumAccounts",
                "OCEAN_AWS_CACHE_MAX_ACCOUNTS", "ocean.aws.cacheMaxAccounts", "0",
                "must be a whole number between 1 and 100000000", "'0'"));
        cases.add(builderOnly("refreshJitter above 1", b -> b.refresh(r -> r.refreshJitter(1.5)),
                "refreshJitter must be between 0 and 1 (was '1.5')"));

        List<Arguments> out = new ArrayList<>();
        for (Case c : cases) {
            if (c.builder() != null) {
                out.add(Arguments.of("builder: " + c.name(), c.builder(), null, c.builderMessage(), c.secret()));
            }
            if (c.environment() != null) {
                out.add(Arguments.of("env: " + c.name(), null, c.environment(), c.environmentMessage(),
                        c.secret()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void build_badInput_failsNamingSettingRuleAndValue(String name, Consumer<ReadRoleBroker.Builder> configure,
            Map<String, String> environment, String expected, String secret) {
        ReadRoleBroker.Builder builder = ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(environment == null ? Map.of() : environment, Map.of()))
                .identity(i -> i.baseCredentials(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x"))));
        if (environment == null || !environment.containsKey("OCEAN_AWS_STS_REGION")) {
            builder.region(Region.US_EAST_1);
        }
        if (configure != null) {
            configure.accept(builder);
        }
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        if (secret != null) {
            assertThatThrownBy(builder::build).hasMessageNotContaining(secret);
        }
    }

    @Test
    void badInputs_listsAtLeastForty() {
        assertThat(badInputs().count()).isGreaterThanOrEqualTo(40);
    }
}
