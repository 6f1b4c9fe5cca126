package io.getport.ocean.aws.credentials.security.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.accounts.AccountSource;
import io.getport.ocean.aws.credentials.internal.Setting;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The settings attack surface (issue 14): every setting of {@link Setting}, given each class of hostile or careless
 * input through its environment variable. For each, either the value is refused with an
 * {@link IllegalArgumentException} that names the setting (its variable) and states a rule, or it is one of the few
 * documented acceptances listed in {@link #ACCEPTED} (free text that the rule allows). In every case: no
 * {@link Error} and no other exception type escapes, the message holds no raw control character and no more than a
 * bounded echo, an ExternalId (the secret among the settings) appears in no message, cause or log line, and a refused
 * setting never lets the broker fall back to another identity. SECURITY.md has the table of what is tried and what
 * each gets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class SettingsAdversarialTest {
    private static final String ORG_ROLE = "arn:aws:iam::999988887777:role/PortOceanOrganizationReadRole";

    /** The input classes of the issue, each as it is handed to a setting (see {@link #valueFor}). */
    enum Input {
        OVERSIZED, TRUNCATED, WRONG_TYPE, WRONG_ENCODING, CONTROL_CHARACTERS, HUGE_NUMBER, NON_ASCII_DIGITS,
        EMPTY, WHITESPACE
    }

    /** What a setting holds, which decides how each input class looks for it. */
    enum Kind { DURATION, NUMBER, BOOLEAN, TEXT, SECRET, SECRET_MAP, ACCOUNT_LIST, ARN, ENDPOINT, REGION, TAG_MAP }

    static Kind kindOf(Setting s) {
        switch (s) {
            case SESSION_DURATION: case ADVISORY_WINDOW: case MANDATORY_WINDOW: case REFRESH_TIMEOUT:
            case STS_CALL_TIMEOUT: case FAILURE_CACHE_TIME: case RETRY_BASE_DELAY: case RETRY_MAX_DELAY:
            case CIRCUIT_OPEN_DURATION: case CACHE_IDLE_TIME: case ACCOUNT_LIST_TTL:
                return Kind.DURATION;
            case RETRY_MAX_ATTEMPTS: case STS_RATE_LIMIT: case STS_MAX_CONCURRENCY: case CIRCUIT_FAILURE_RATE:
            case CACHE_MAX_ACCOUNTS:
                return Kind.NUMBER;
            case WRITE_GUARD: case INCLUDE_MANAGEMENT_ACCOUNT:
                return Kind.BOOLEAN;
            case EXTERNAL_ID:
                return Kind.SECRET;
            case EXTERNAL_IDS:
                return Kind.SECRET_MAP;
            case EXPECTED_BASE_ACCOUNT: case ALLOWED_ACCOUNTS: case ACCOUNTS: case ACCOUNTS_INCLUDE:
            case ACCOUNTS_EXCLUDE:
                return Kind.ACCOUNT_LIST;
            case SESSION_POLICY_ARNS: case ORGANIZATION_ROLE_ARN:
                return Kind.ARN;
            case STS_ENDPOINT: case ORGANIZATIONS_ENDPOINT:
                return Kind.ENDPOINT;
            case STS_REGION:
                return Kind.REGION;
            case SESSION_TAGS:
                return Kind.TAG_MAP;
            default:
                return Kind.TEXT;
        }
    }

    /** The raw text of an input class for a setting of {@code kind}. */
    static String valueFor(Input input, Kind kind) {
        String raw;
        switch (input) {
            case OVERSIZED:
                raw = "x".repeat(100_000);
                break;
            case TRUNCATED:
                raw = kind == Kind.DURATION ? "PT" : kind == Kind.NUMBER ? "1_" : kind == Kind.BOOLEAN ? "tru"
                        : kind == Kind.ARN ? "arn:aws:iam::1111" : kind == Kind.ENDPOINT ? "https://"
                        : kind == Kind.REGION ? "us-east-" : kind == Kind.ACCOUNT_LIST ? "11112222"
                        : kind == Kind.TAG_MAP ? "team" : "x";
                break;
            case WRONG_TYPE:
                raw = kind == Kind.DURATION || kind == Kind.NUMBER ? "true" : kind == Kind.BOOLEAN ? "12"
                        : kind == Kind.ENDPOINT ? "12" : kind == Kind.REGION ? "3600"
                        : kind == Kind.ACCOUNT_LIST ? "us-east-1" : kind == Kind.ARN ? "ReadOnlyAccess"
                        : "{\"json\": [1, 2]}";
                break;
            case WRONG_ENCODING:
                raw = "ab\uD800cd";
                break;
            case CONTROL_CHARACTERS:
                raw = "a\u0000b\r\n[INFO] forged\u001b[31m";
                break;
            case HUGE_NUMBER:
                raw = "9223372036854775808";
                break;
            case NON_ASCII_DIGITS:
                raw = "\u0663\u0666\u0660\u0660";
                break;
            case EMPTY:
                raw = "";
                break;
            default:
                raw = " \t ";
                break;
        }
        if (kind == Kind.SECRET_MAP && input != Input.EMPTY && input != Input.WHITESPACE) {
            return "111122223333=" + raw;
        }
        if (kind == Kind.TAG_MAP && input != Input.EMPTY && input != Input.WHITESPACE && input != Input.TRUNCATED) {
            return "team=" + raw;
        }
        return raw;
    }

    /**
     * The documented acceptances: inputs a setting's rule allows. Empty and blank values mean "not set" everywhere
     * (the default applies), as docs/SETTINGS.md says. Everything else must be refused.
     */
    static boolean accepted(Setting s, Input input) {
        if (input == Input.EMPTY || input == Input.WHITESPACE) {
            return true;
        }
        Kind kind = kindOf(s);
        if (kind == Kind.TAG_MAP && (input == Input.NON_ASCII_DIGITS || input == Input.HUGE_NUMBER)) {
            return true; // tag values are letters, digits (any script) and spaces: a valid tag
        }
        if ((kind == Kind.SECRET || kind == Kind.SECRET_MAP) && (input == Input.HUGE_NUMBER)) {
            return true; // an ExternalId of 19 digits is a valid ExternalId
        }
        if (s == Setting.SESSION_NAME || s == Setting.SOURCE_IDENTITY) {
            // 2-64 of [\w+=,.@-]: digits and the truncated "x"... except a single character
            return input == Input.HUGE_NUMBER;
        }
        if (s == Setting.READ_ROLE_NAME && (input == Input.HUGE_NUMBER || input == Input.TRUNCATED)) {
            return true; // 1-64 of [\w+=,.@-]
        }
        if ((s == Setting.ACCOUNTS_INCLUDE || s == Setting.ACCOUNTS_EXCLUDE) && input == Input.WRONG_TYPE) {
            return true; // "us-east-1" is a valid account-name pattern
        }
        if (s == Setting.WRITE_GUARD_ALLOW && input == Input.TRUNCATED) {
            return true; // "x" is an operation name
        }
        return false;
    }

    /** The account settings are read by {@link AccountSource#fromEnvironment}, the organization ones only with a role. */
    private static final Set<Setting> ACCOUNT_SETTINGS = EnumSet.of(Setting.ACCOUNTS, Setting.ORGANIZATION_ROLE_ARN,
            Setting.ORGANIZATIONAL_UNITS, Setting.ACCOUNTS_INCLUDE, Setting.ACCOUNTS_EXCLUDE,
            Setting.INCLUDE_MANAGEMENT_ACCOUNT, Setting.ACCOUNT_LIST_TTL, Setting.ORGANIZATIONS_ENDPOINT);
    /** Read by the organizations module only: its tests run these (OrganizationSettingsAdversarialTest there). */
    protected static final Set<Setting> NEEDS_ORGANIZATION = EnumSet.of(Setting.ORGANIZATIONAL_UNITS,
            Setting.INCLUDE_MANAGEMENT_ACCOUNT, Setting.ACCOUNT_LIST_TTL, Setting.ORGANIZATIONS_ENDPOINT);

    /**
     * The settings this class tries: in core every setting but those that need the organizations module (core's
     * tests cannot have it on their class path); the organizations module's subclass tries those.
     */
    protected Set<Setting> settingsUnderTest() {
        Set<Setting> all = EnumSet.allOf(Setting.class);
        all.removeAll(NEEDS_ORGANIZATION);
        return all;
    }

    Stream<Arguments> everySettingTimesEveryInput() {
        List<Arguments> out = new ArrayList<>();
        for (Setting s : settingsUnderTest()) {
            for (Input input : Input.values()) {
                out.add(Arguments.of(s, input));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} <- {1}")
    @MethodSource("everySettingTimesEveryInput")
    public void setting_hostileInput_refusedNamingSettingOrDocumentedAcceptance(Setting s, Input input) {
        String value = valueFor(input, kindOf(s));
        Map<String, String> env = new LinkedHashMap<>();
        env.put(s.environmentVariable(), value);
        if (NEEDS_ORGANIZATION.contains(s)) {
            env.put(Setting.ORGANIZATION_ROLE_ARN.environmentVariable(), ORG_ROLE);
        }
        if (s == Setting.ACCOUNTS_INCLUDE || s == Setting.ACCOUNTS_EXCLUDE) {
            env.put(Setting.ACCOUNTS.environmentVariable(), "111122223333,444455556666");
        }
        Throwable failure;
        try (LogCapture logs = LogCapture.attach()) {
            failure = catchThrowable(() -> apply(s, env));
            if (kindOf(s) == Kind.SECRET || kindOf(s) == Kind.SECRET_MAP) {
                logs.assertNoneContain(secretFragments(value));
            }
        }

        if (input == Input.EMPTY || input == Input.WHITESPACE) {
            // Blank means "not set": exactly what happens without the variable.
            Map<String, String> unset = new LinkedHashMap<>(env);
            unset.remove(s.environmentVariable());
            Throwable baseline = catchThrowable(() -> apply(s, unset));
            assertThat(failure == null ? null : failure.getMessage()).as("%s=%s is not set", s, input)
                    .isEqualTo(baseline == null ? null : baseline.getMessage());
            return;
        }
        if (accepted(s, input)) {
            assertThat(failure).as("%s=%s is documented as accepted", s, input).isNull();
            return;
        }
        assertThat(failure).as("%s <- %s", s, input).isNotNull().isNotInstanceOf(Error.class);
        if (s == Setting.IDENTITY_SOURCE && failure instanceof ReadRoleException) {
            // A well-formed id of no installed source: no identity, naming the setting (fail closed).
            assertThat(((ReadRoleException) failure).reason()).isEqualTo(ReadRoleException.Reason.NO_IDENTITY);
            assertThat(failure.getMessage()).startsWith("OCEAN_AWS_IDENTITY_SOURCE is ").contains("available: ");
            return;
        } else {
            assertThat(failure).as("%s <- %s: the type", s, input).isInstanceOf(IllegalArgumentException.class);
        }
        String message = failure.getMessage();
        assertThat(message).as("%s <- %s: names the setting", s, input).contains(s.environmentVariable())
                .containsAnyOf(" must ", " allows ", " needs ", " takes ");
        assertThat(message.length()).as("%s <- %s: bounded echo", s, input).isLessThan(2_000);
        assertThat(message.chars().filter(c -> c < 0x20 && c != '\n').count()).as("%s: raw control characters", s)
                .isZero();
        assertThat(message).doesNotContain("\n[INFO] forged");
        if (kindOf(s) == Kind.SECRET || kindOf(s) == Kind.SECRET_MAP) {
            String all = stackText(failure);
            for (String fragment : secretFragments(value)) {
                assertThat(all).as("%s <- %s: the ExternalId is not shown", s, input).doesNotContain(fragment);
            }
        }
    }

    /** Builds a broker with explicit base credentials (and reads the account settings); closes what it built. */
    private static void apply(Setting s, Map<String, String> env) {
        Map<String, String> variables = new LinkedHashMap<>(env);
        variables.put("AWS_EC2_METADATA_DISABLED", "true");
        RuntimeEnvironment environment = RuntimeEnvironment.of(variables, Map.of());
        ReadRoleBroker.Builder builder = ReadRoleBroker.builder()
                .environment(ACCOUNT_SETTINGS.contains(s) ? RuntimeEnvironment.of(Map.of(), Map.of()) : environment);
        if (s != Setting.IDENTITY_SOURCE) {
            // The identity source is tried for real (nothing is found here): explicit credentials would skip it.
            builder.identity(i -> i.baseCredentials(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x"))));
        }
        if (s != Setting.STS_REGION) {
            builder.region(Region.US_EAST_1);
        }
        try (ReadRoleBroker broker = builder.build()) {
            if (ACCOUNT_SETTINGS.contains(s)) {
                try (AccountSource source = AccountSource.fromEnvironment(broker, environment)) {
                    if (s != Setting.ORGANIZATION_ROLE_ARN && !NEEDS_ORGANIZATION.contains(s)) {
                        source.accounts();
                    }
                }
            }
        }
    }

    /** An ExternalId is betrayed by itself or by any 4 characters of it in a row (beyond the fixed prefix). */
    private static List<String> secretFragments(String value) {
        String v = value.startsWith("111122223333=") ? value.substring(13) : value;
        List<String> out = new ArrayList<>();
        if (v.isBlank()) {
            return out;
        }
        String dense = v.replaceAll("[\\p{Cntrl}\\s]", "");
        if (dense.chars().distinct().count() <= 2) {
            // "xxxx..." or "1234..."-like values: the value itself, cut, is the only meaningful fragment
            out.add(v.length() > 8 ? v.substring(0, 8) : v);
            return out.stream().filter(f -> f.length() >= 4).toList();
        }
        for (int i = 0; i + 4 <= dense.length(); i++) {
            out.add(dense.substring(i, i + 4));
        }
        return out;
    }

    private static String stackText(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    @Test
    public void identitySource_hostileValues_neverFallBackToStaticKeys() {
        for (Input input : Input.values()) {
            if (input == Input.EMPTY || input == Input.WHITESPACE) {
                continue;
            }
            Map<String, String> env = new LinkedHashMap<>();
            env.put("OCEAN_AWS_IDENTITY_SOURCE", valueFor(input, Kind.TEXT));
            env.put("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
            env.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
            env.put("AWS_EC2_METADATA_DISABLED", "true");
            Throwable t = catchThrowable(() -> ReadRoleBroker.builder()
                    .environment(RuntimeEnvironment.of(env, Map.of())).region(Region.US_EAST_1).build().close());
            assertThat(t).as("%s", input).isNotNull().isNotInstanceOf(Error.class)
                    .isInstanceOfAny(IllegalArgumentException.class, ReadRoleException.class);
            assertThat(t.getMessage()).as("%s", input).contains("OCEAN_AWS_IDENTITY_SOURCE")
                    .doesNotContain("wJalrXUtnFEMI");
        }
    }

    @Test
    public void anyRefusedSetting_staticKeysPresent_buildFailsBeforeAnyIdentityIsUsed() {
        for (Setting s : settingsUnderTest()) {
            if (ACCOUNT_SETTINGS.contains(s)) {
                continue;
            }
            Map<String, String> env = new LinkedHashMap<>();
            env.put(s.environmentVariable(), valueFor(Input.CONTROL_CHARACTERS, kindOf(s)));
            env.put("OCEAN_AWS_IDENTITY_SOURCE", s == Setting.IDENTITY_SOURCE ? env.get(s.environmentVariable())
                    : "environment");
            env.put("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
            env.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
            Throwable t = catchThrowable(() -> ReadRoleBroker.builder()
                    .environment(RuntimeEnvironment.of(env, Map.of())).build().close());
            assertThat(t).as("%s", s).isInstanceOf(IllegalArgumentException.class);
            assertThat(t.getMessage()).as("%s", s).contains(s.environmentVariable());
        }
    }
}
