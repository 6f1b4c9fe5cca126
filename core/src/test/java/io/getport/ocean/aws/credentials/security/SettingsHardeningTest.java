package io.getport.ocean.aws.credentials.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.accounts.AccountSource;
import io.getport.ocean.aws.credentials.accounts.AccountTarget;
import io.getport.ocean.aws.credentials.internal.Setting;
import io.getport.ocean.aws.credentials.internal.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The settings defects of issue 14: URL passwords in messages (item 4), the ExternalIds format (5), overflowing
 * durations (7), the SDK region variables (8), non-ASCII digits (9), IAM's role ARN rules (10) and the STS endpoint's
 * form (11). Each test failed before the fix.
 */
class SettingsHardeningTest {

    private static ReadRoleBroker.Builder builder(Map<String, String> env, Map<String, String> properties) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(env, properties))
                .identity(i -> i.baseCredentials(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x"))));
    }

    private static ReadRoleBroker.Builder builder(Map<String, String> env) {
        return builder(env, Map.of()).region(Region.US_EAST_1);
    }

    private static Throwable buildFailure(ReadRoleBroker.Builder b) {
        Throwable t = catchThrowable(() -> b.build().close());
        assertThat(t).isInstanceOf(IllegalArgumentException.class);
        return t;
    }

    // 4. URL passwords

    @ParameterizedTest
    @ValueSource(strings = {"http://user:s3cret@host", "https://user:s3cret@127.0.0.1:4566",
        "http://user:s3cret@host:99999999999", "http://user:s3cret@host name", "user:s3cret@host",
        "http://user:s3cret@host/path?q=1", "http://us%40er:s3cret@host", "http://user:s3cret@@host"})
    void stsEndpoint_userInfoWithPassword_passwordInNoMessage(String url) {
        Throwable env = buildFailure(builder(Map.of("OCEAN_AWS_STS_ENDPOINT", url)));
        assertThat(env.getMessage()).startsWith("OCEAN_AWS_STS_ENDPOINT (ocean.aws.stsEndpoint) must be")
                .doesNotContain("s3cret").doesNotContain("user:");
        if (!url.contains(" ")) {
            Throwable builder = buildFailure(builder(Map.of()).stsEndpoint(URI.create(url)));
            assertThat(builder.getMessage()).startsWith("stsEndpoint must be").doesNotContain("s3cret");
        }
    }

    @Test
    void anySettingMessage_urlWithPassword_userInfoRedacted() {
        Throwable t = buildFailure(builder(Map.of("OCEAN_AWS_SESSION_POLICY_ARNS", "http://user:s3cret@host")));
        assertThat(t.getMessage()).contains("http://<user info not shown>@host").doesNotContain("s3cret");
    }

    // 5. ExternalIds

    @Test
    void parseExternalIds_commaAndEqualsInExternalId_keptWhole() {
        assertThat(Settings.parseExternalIds("X", "111122223333=a,b=c;444455556666=d=e,f"))
                .containsExactly(Map.entry("111122223333", "a,b=c"), Map.entry("444455556666", "d=e,f"));
        assertThat(Settings.parseExternalIds("X", "111122223333=a,b=c\n444455556666=dd  555566667777=x/y:z@w"))
                .containsExactly(Map.entry("111122223333", "a,b=c"), Map.entry("444455556666", "dd"),
                        Map.entry("555566667777", "x/y:z@w"));
    }

    @Test
    void parseExternalIds_legacyCommaList_stillRead() {
        assertThat(Settings.parseExternalIds("X", "111122223333=one,444455556666=two"))
                .containsExactly(Map.entry("111122223333", "one"), Map.entry("444455556666", "two"));
        assertThat(Settings.parseExternalIds("X", "111122223333=one, 444455556666=two"))
                .containsExactly(Map.entry("111122223333", "one"), Map.entry("444455556666", "two"));
        // A comma not followed by an account entry belongs to the ExternalId.
        assertThat(Settings.parseExternalIds("X", "111122223333=a,b,444455556666=cc"))
                .containsExactly(Map.entry("111122223333", "a,b"), Map.entry("444455556666", "cc"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"111122223333=topsecret-x;topsecret-y", "topsecret-x", "topsecret=x",
        "111122223333=topsecret x", "111122223333=topsecret-x;111122223333=topsecret-y",
        "111122223333=topsecret\u0000x", "111122223333=t", "111122223333=topsecret-\u0663"})
    void externalIds_badEntry_namesEntryNeverTheValue(String text) {
        Throwable t = buildFailure(builder(Map.of("OCEAN_AWS_EXTERNAL_IDS", text)));
        assertThat(t.getMessage()).startsWith("OCEAN_AWS_EXTERNAL_IDS (ocean.aws.externalIds) entry ")
                .doesNotContain("topsecret").doesNotContain("secret-").doesNotContain("=t");
    }

    @Test
    void externalIdsBuilder_keyIsNotAnAccount_keyNotShown() {
        Throwable t = buildFailure(builder(Map.of()).externalIds(Map.of("topsecret-value", "111122223333")));
        assertThat(t.getMessage()).startsWith("externalIds key must be exactly 12 digits")
                .doesNotContain("topsecret");
    }

    // 7. Overflowing durations

    private static final List<Setting> DURATIONS = List.of(Setting.SESSION_DURATION, Setting.ADVISORY_WINDOW,
            Setting.MANDATORY_WINDOW, Setting.REFRESH_TIMEOUT, Setting.STS_CALL_TIMEOUT, Setting.FAILURE_CACHE_TIME,
            Setting.RETRY_BASE_DELAY, Setting.RETRY_MAX_DELAY, Setting.CIRCUIT_OPEN_DURATION, Setting.CACHE_IDLE_TIME);

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775807", "9223372036854775808", "99999999999999999999999999ms",
        "PT9223372036854775807S", "P999999999999D", "106751991167301d", "PT2562047788015215H", "9223372036854775807ms",
        "153722867280912931m", "100000000000000h", "-1", "PT-1S"})
    void durationSettings_overflowOrNegative_refusedNamingSettingAndRange(String value) {
        for (Setting s : DURATIONS) {
            Throwable t = catchThrowable(() -> builder(Map.of(s.environmentVariable(), value)).build().close());
            assertThat(t).as("%s=%s", s, value).isInstanceOf(IllegalArgumentException.class);
            assertThat(t.getMessage()).as("%s=%s", s, value).startsWith(s.label())
                    .containsAnyOf("between", "must be a duration such as");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Setting.class, names = {"ADVISORY_WINDOW", "MANDATORY_WINDOW", "REFRESH_TIMEOUT",
        "STS_CALL_TIMEOUT", "FAILURE_CACHE_TIME", "RETRY_BASE_DELAY", "RETRY_MAX_DELAY", "CIRCUIT_OPEN_DURATION",
        "CACHE_IDLE_TIME", "SESSION_DURATION"})
    void durationBuilder_maximalDuration_refusedNamingBuilderMethod(Setting s) {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        Map<Setting, Consumer<ReadRoleBroker.Builder>> apply = new HashMap<>();
        apply.put(Setting.ADVISORY_WINDOW, b -> b.refresh(r -> r.advisoryWindow(huge)));
        apply.put(Setting.MANDATORY_WINDOW, b -> b.refresh(r -> r.mandatoryWindow(huge)));
        apply.put(Setting.REFRESH_TIMEOUT, b -> b.refresh(r -> r.refreshTimeout(huge)));
        apply.put(Setting.STS_CALL_TIMEOUT, b -> b.stsProtection(p -> p.stsCallTimeout(huge)));
        apply.put(Setting.FAILURE_CACHE_TIME, b -> b.refresh(r -> r.failureCacheTime(huge)));
        apply.put(Setting.RETRY_BASE_DELAY, b -> b.stsProtection(p -> p.retryBaseDelay(huge)));
        apply.put(Setting.RETRY_MAX_DELAY, b -> b.stsProtection(p -> p.retryMaxDelay(huge)));
        apply.put(Setting.CIRCUIT_OPEN_DURATION, b -> b.stsProtection(p -> p.circuitOpenDuration(huge)));
        apply.put(Setting.CACHE_IDLE_TIME, b -> b.refresh(r -> r.cacheIdleTime(huge)));
        apply.put(Setting.SESSION_DURATION, b -> b.sessionDuration(huge));
        ReadRoleBroker.Builder b = builder(Map.of());
        apply.get(s).accept(b);
        Throwable t = buildFailure(b);
        assertThat(t.getMessage()).startsWith(s.builderMethod() + " must be").contains("between");
    }

    @Test
    void durationRanges_largestAllowedValue_buildsAndSmallestBeyondRefused() {
        for (Setting s : DURATIONS) {
            Duration max = s.durationRange().max();
            try (ReadRoleBroker broker = builder(Map.of(s.environmentVariable(), max.toMillis() + "ms")).build()) {
                assertThat(broker).isNotNull();
            }
            assertThat(catchThrowable(() -> builder(Map.of(s.environmentVariable(), (max.toMillis() + 1) + "ms"))
                    .build().close())).as("%s", s).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(s.label());
        }
    }

    // 8. SDK region variables

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "us-east-1-fips", "fips-us-east-1", "us east 1", "xx-west-1", "US-EAST-1",
        "us-east\u0000-1", "us-east-\u0661"})
    void awsRegion_invalid_refusedNamingVariable(String region) {
        for (String variable : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
            Throwable t = buildFailure(builder(Map.of(variable, region), Map.of()));
            assertThat(t.getMessage()).as(variable).startsWith(variable + " must be");
        }
        Throwable t = buildFailure(builder(Map.of(), Map.of("aws.region", region)));
        assertThat(t.getMessage()).startsWith("aws.region (system property) must be");
    }

    @Test
    void awsRegion_fips_refusedWithTheDocumentedRule() {
        assertThat(buildFailure(builder(Map.of("AWS_REGION", "us-east-1-fips"), Map.of())).getMessage())
                .contains("not a FIPS pseudo-region");
    }

    @Test
    void awsRegion_stsRegionSet_sdkRegionNotUsedSoNotChecked() {
        try (ReadRoleBroker broker = builder(Map.of("AWS_REGION", "garbage", "OCEAN_AWS_STS_REGION", "eu-west-1"),
                Map.of()).build()) {
            assertThat(broker.identity().region()).isEqualTo(Region.EU_WEST_1);
        }
    }

    @Test
    void awsRegion_validInEachPartition_accepted() {
        for (String region : List.of("eu-central-2", "cn-northwest-1", "us-gov-east-1", "us-iso-east-1",
                "us-isob-east-1", "il-central-1", "mx-central-1")) {
            try (ReadRoleBroker broker = builder(Map.of("AWS_REGION", region), Map.of()).build()) {
                assertThat(broker.identity().region().id()).isEqualTo(region);
            }
        }
    }

    // 9. ASCII digits only

    private static final List<Setting> NUMBERS = List.of(Setting.RETRY_MAX_ATTEMPTS, Setting.STS_RATE_LIMIT,
            Setting.STS_MAX_CONCURRENCY, Setting.CIRCUIT_FAILURE_RATE, Setting.CACHE_MAX_ACCOUNTS);

    @ParameterizedTest
    @ValueSource(strings = {"\u0665", "\uff15", "\u0967", "+5", "-5", "5.0", "1e3", "0x10", "1_0", "5 5", "\u00B2",
        "99999999999999999999", "2147483648"})
    void numericSettings_nonAsciiDigitsOrNotAWholeNumber_refusedNamingSetting(String value) {
        for (Setting s : NUMBERS) {
            Throwable t = buildFailure(builder(Map.of(s.environmentVariable(), value)));
            assertThat(t.getMessage()).as("%s=%s", s, value).startsWith(s.label() + " must be a whole number");
        }
    }

    @Test
    void sessionDuration_arabicIndicDigits_refused() {
        Throwable t = buildFailure(builder(Map.of("OCEAN_AWS_SESSION_DURATION", "\u0663\u0666\u0660\u0660")));
        assertThat(t.getMessage()).startsWith("OCEAN_AWS_SESSION_DURATION (ocean.aws.sessionDuration) must be a"
                + " duration such as");
        for (Setting s : DURATIONS) {
            assertThat(catchThrowable(() -> builder(Map.of(s.environmentVariable(), "\u0663\u0660s")).build()))
                    .as("%s", s).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(s.label());
        }
    }

    @Test
    void sessionDuration_asciiForms_accepted() {
        for (String v : List.of("3600", "3600s", "60m", "1h", "PT1H", " 3600 ", "0003600")) {
            try (ReadRoleBroker broker = builder(Map.of("OCEAN_AWS_SESSION_DURATION", v)).build()) {
                assertThat(broker.sessionDuration()).as(v).isEqualTo(Duration.ofHours(1));
            }
        }
    }

    // 10. Role ARNs

    private static final List<String> BAD_ROLE_ARNS = List.of(
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::111122223333:role/a/",
            "arn:aws:iam::111122223333:role/" + "n".repeat(65),
            "arn:aws:iam::111122223333:role/a?b",
            "arn:aws:iam::111122223333:role//x",
            "arn:aws:iam::111122223333:role/p*/x",
            "arn:aws:iam::111122223333:role/" + "p".repeat(512) + "/x",
            "arn:aws:iam::111122223333:role/a b",
            "arn:aws:iam::111122223333:role/",
            "arn:aws:iam::111122223333:role/r\u00f4le");

    @Test
    void forRole_roleNameOrPathIamRefuses_refusedNamingRule() {
        try (ReadRoleBroker broker = builder(Map.of()).build()) {
            for (String arn : BAD_ROLE_ARNS) {
                assertThatThrownBy(() -> broker.forRole(arn)).as(arn).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("roleArn must be an IAM role ARN")
                        .hasMessageContaining("the name 1-64 characters");
                assertThatThrownBy(() -> AccountTarget.parse(arn)).as(arn)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role ARN");
            }
        }
    }

    @Test
    void accountsSetting_roleArnIamRefuses_refusedNamingSetting() {
        try (ReadRoleBroker broker = builder(Map.of()).build()) {
            for (String arn : BAD_ROLE_ARNS) {
                RuntimeEnvironment env = RuntimeEnvironment.of(Map.of("OCEAN_AWS_ACCOUNTS", arn), Map.of());
                Throwable t = catchThrowable(() -> AccountSource.fromEnvironment(broker, env).accounts());
                assertThat(t).as(arn).isInstanceOf(IllegalArgumentException.class);
                assertThat(t.getMessage()).as(arn).contains("OCEAN_AWS_ACCOUNTS").contains("role ARN");
            }
        }
    }

    @Test
    void forRole_validIamRoleArns_accepted() {
        try (ReadRoleBroker broker = builder(Map.of()).build()) {
            for (String arn : List.of("arn:aws:iam::111122223333:role/PortOceanReadRole",
                    "arn:aws:iam::111122223333:role/team/ocean/Read+Role=,.@_-1",
                    "arn:aws:iam::111122223333:role/" + "n".repeat(64),
                    "arn:aws:iam::111122223333:role/" + "p".repeat(510) + "/x")) {
                assertThat(broker.forRole(arn).roleArn()).isEqualTo(arn);
            }
        }
    }

    // 11. The STS endpoint's form

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:0", "http://127.0.0.1:99999", "http://127.0.0.1:65536",
        "https://sts.amazonaws.com/path", "https://sts.amazonaws.com?x=1", "https://sts.amazonaws.com#f",
        "https://u@sts.amazonaws.com", "file:///etc/passwd", "https://", "http://[::1", "https://sts.amazonaws.com:-1"})
    void stsEndpoint_notHostAndPort_refusedNamingSettingAndRule(String url) {
        Throwable t = buildFailure(builder(Map.of("OCEAN_AWS_STS_ENDPOINT", url)));
        assertThat(t.getMessage()).startsWith("OCEAN_AWS_STS_ENDPOINT (ocean.aws.stsEndpoint) must be"
                + " http(s)://host[:port]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:1", "http://127.0.0.1:65535", "https://sts.us-east-1.amazonaws.com",
        "https://sts.us-east-1.amazonaws.com/", "http://[::1]:4566"})
    void stsEndpoint_hostAndPort_accepted(String url) {
        try (ReadRoleBroker broker = builder(Map.of("OCEAN_AWS_STS_ENDPOINT", url), Map.of())
                .region(Region.US_EAST_1).build()) {
            assertThat(broker.stsEndpoint()).isNotNull();
        }
    }
}
