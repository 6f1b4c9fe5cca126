package io.getport.ocean.aws.credentials.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The settings reference, {@code docs/SETTINGS.md}, documents every setting the broker and the account sources read:
 * one row each with its builder method, variable and property, and the ranges and defaults the code applies.
 *
 * <p>A row is {@code | builder | environment variable | system property | default | range / rule | meaning |}.
 */
class SettingsDocTest {
    private static final Path DOC = Path.of("..", "docs", "SETTINGS.md");
    private static final Setting.DurationRange FALLBACK_DURATIONS = new Setting.DurationRange(Duration.ZERO,
            Duration.ofDays(3650));
    private static final Setting.NumberRange FALLBACK_NUMBERS = new Setting.NumberRange(0, Integer.MAX_VALUE);

    private static String text;
    private static Settings defaults;

    @BeforeAll
    static void read() throws IOException {
        text = Files.readString(DOC, StandardCharsets.UTF_8);
        Settings.Draft draft = new Settings.Draft();
        draft.environment = RuntimeEnvironment.of(Map.of(), Map.of());
        defaults = Settings.resolve(draft);
    }

    /** The cells of the one row whose variable cell is {@code `VAR`}; fails when there is none or more than one. */
    private static List<String> row(Setting setting) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (!line.startsWith("| ")) {
                continue;
            }
            List<String> cells = cells(line);
            if (cells.size() >= 2 && cells.get(1).equals("`" + setting.environmentVariable() + "`")) {
                rows.add(cells);
            }
        }
        assertThat(rows).as("rows of docs/SETTINGS.md for %s", setting.environmentVariable()).hasSize(1);
        assertThat(rows.get(0)).as("row of %s", setting.environmentVariable()).hasSize(6);
        return rows.get(0);
    }

    private static List<String> cells(String line) {
        String[] parts = line.split("(?<!\\\\)\\|", -1);
        List<String> out = new ArrayList<>();
        for (int i = 1; i < parts.length - 1; i++) {
            out.add(parts[i].trim());
        }
        return out;
    }

    /** The row whose builder cell is exactly {@code `method`} (for builder-only settings). */
    private static List<String> builderRow(String method) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("| `" + method + "` |")) {
                rows.add(cells(line));
            }
        }
        assertThat(rows).as("rows of docs/SETTINGS.md for builder method %s", method).hasSize(1);
        return rows.get(0);
    }

    @Test
    void everySetting_hasOneRow_withBuilderMethodVariableAndProperty() {
        for (Setting setting : Setting.values()) {
            List<String> row = row(setting);
            assertThat(row.get(0)).as("builder cell of %s", setting).contains("`" + setting.builderMethod() + "`");
            assertThat(row.get(2)).as("property cell of %s", setting).isEqualTo("`" + setting.systemProperty() + "`");
            assertThat(row.get(3)).as("default cell of %s", setting).isNotBlank();
            assertThat(row.get(5)).as("meaning cell of %s", setting).isNotBlank();
        }
    }

    @Test
    void everyRangedSetting_documentsTheRangeTheCodeChecks() {
        int ranged = 0;
        for (Setting setting : Setting.values()) {
            Setting.DurationRange durations = setting.durationRange();
            if (!durations.equals(FALLBACK_DURATIONS)) {
                ranged++;
                String range = Setting.human(durations.min()) + "–" + Setting.human(durations.max());
                assertThat(row(setting).get(4)).as("range cell of %s", setting).contains(range);
            }
            Setting.NumberRange numbers = setting.numberRange();
            if (!numbers.equals(FALLBACK_NUMBERS)) {
                ranged++;
                String range = String.format(Locale.ROOT, "%,d–%,d", numbers.min(), numbers.max());
                assertThat(row(setting).get(4)).as("range cell of %s", setting).contains(range);
            }
        }
        assertThat(ranged).isGreaterThanOrEqualTo(18);
    }

    @Test
    void durationDefaults_areTheOnesTheCodeApplies() {
        Map<Setting, Function<Settings, Duration>> fields = new EnumMap<>(Setting.class);
        fields.put(Setting.SESSION_DURATION, s -> s.sessionDuration);
        fields.put(Setting.MANDATORY_WINDOW, s -> s.mandatoryWindow);
        fields.put(Setting.QUEUE_TIMEOUT, s -> s.queueTimeout);
        fields.put(Setting.REFRESH_TIMEOUT, s -> s.refreshTimeout);
        fields.put(Setting.STS_CALL_TIMEOUT, s -> s.stsCallTimeout);
        fields.put(Setting.FAILURE_CACHE_TIME, s -> s.failureCacheTime);
        fields.put(Setting.RETRY_BASE_DELAY, s -> s.retryBaseDelay);
        fields.put(Setting.RETRY_MAX_DELAY, s -> s.retryMaxDelay);
        fields.put(Setting.CIRCUIT_OPEN_DURATION, s -> s.circuitOpenDuration);
        fields.put(Setting.CACHE_IDLE_TIME, s -> s.cacheIdleTime);
        Pattern literal = Pattern.compile("^`([^`]+)` \\(([^)]+)\\)");
        fields.forEach((setting, field) -> {
            Duration expected = field.apply(defaults);
            String cell = row(setting).get(3);
            Matcher m = literal.matcher(cell);
            assertThat(m.find()).as("default cell of %s starts with `value` (human): %s", setting, cell).isTrue();
            assertThat(Setting.parseDuration(setting, setting.label(), m.group(1))).as("default of %s", setting)
                    .isEqualTo(expected);
            assertThat(m.group(2)).as("default of %s in words", setting).isEqualTo(Setting.human(expected));
        });
    }

    @Test
    void numberDefaults_areTheOnesTheCodeApplies() {
        Map<Setting, Long> expected = new EnumMap<>(Setting.class);
        expected.put(Setting.RETRY_MAX_ATTEMPTS, (long) defaults.retryMaxAttempts);
        expected.put(Setting.STS_RATE_LIMIT, (long) defaults.stsRateLimit);
        expected.put(Setting.STS_MAX_CONCURRENCY, (long) defaults.stsMaxConcurrency);
        expected.put(Setting.CIRCUIT_FAILURE_RATE, (long) defaults.circuitFailureRate);
        expected.put(Setting.CACHE_MAX_ACCOUNTS, defaults.cacheMaximumAccounts);
        expected.forEach((setting, value) -> assertThat(row(setting).get(3)).as("default cell of %s", setting)
                .startsWith("`" + value + "`"));
    }

    @Test
    void otherDefaults_areTheOnesTheCodeApplies() {
        assertThat(row(Setting.IDENTITY_SOURCE).get(3)).startsWith("`" + defaults.identitySource + "`");
        assertThat(row(Setting.READ_ROLE_NAME).get(3)).isEqualTo("`" + defaults.roleName + "`");
        assertThat(row(Setting.READ_ROLE_PATH).get(3)).isEqualTo("`" + defaults.rolePath + "`");
        assertThat(defaults.writeGuard).isFalse();
        assertThat(row(Setting.WRITE_GUARD).get(3)).isEqualTo("`false`");
        assertThat(defaults.readOnlySessionPolicy).isTrue();
        assertThat(row(Setting.SESSION_POLICY).get(3)).isEqualTo("`ReadOnlyAccess`");
        assertThat(defaults.externalId).isNull();
        assertThat(row(Setting.EXTERNAL_ID).get(3)).isEqualTo("none");
        assertThat(defaults.allowedAccounts).isEmpty();
        assertThat(row(Setting.ALLOWED_ACCOUNTS).get(3)).isEqualTo("any");
        assertThat(defaults.extraPolicyArns).isEmpty();
    }

    @Test
    void outageBufferAndAdvisoryWindow_documentTheScheduleTheCodeUses() {
        assertThat(defaults.outageBuffer).isNull();
        assertThat(defaults.advisoryWindow).isNull();
        assertThat(RefreshWindows.MIN_DEFAULT_BUFFER_MILLIS).isEqualTo(Duration.ofMinutes(1).toMillis());
        assertThat(RefreshWindows.MAX_DEFAULT_BUFFER_MILLIS).isEqualTo(Duration.ofMinutes(60).toMillis());
        assertThat(RefreshWindows.defaultBufferMillis(Duration.ofHours(1).toMillis()))
                .isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(RefreshWindows.defaultBufferMillis(Duration.ofMinutes(5).toMillis()))
                .isEqualTo(Duration.ofMinutes(1).toMillis());
        assertThat(RefreshWindows.defaultBufferMillis(Duration.ofHours(12).toMillis()))
                .isEqualTo(Duration.ofMinutes(60).toMillis());
        // The cap (L - M) / 2 applies to a configured buffer too.
        assertThat(RefreshWindows.clampBuffer(Duration.ofHours(6).toMillis(), Duration.ofHours(1).toMillis(),
                Duration.ofMinutes(1).toMillis())).isEqualTo(Duration.ofMinutes(59).toMillis() / 2);
        assertThat(row(Setting.OUTAGE_BUFFER).get(3))
                .contains("`clamp(L / 6, 1 min, 60 min)`", "10 min for 1-hour credentials");
        assertThat(row(Setting.OUTAGE_BUFFER).get(4)).contains("`(L − M) / 2`");
        assertThat(row(Setting.ADVISORY_WINDOW).get(3)).startsWith("unset");
        assertThat(row(Setting.ADVISORY_WINDOW).get(5)).contains("`advisoryWindow − mandatoryWindow`");
        RefreshWindows viaAdvisory = new RefreshWindows(Duration.ofMinutes(15), null, Duration.ofMinutes(1), 0.5, null);
        assertThat(viaAdvisory.bufferMillis(Duration.ofHours(1).toMillis())).isEqualTo(Duration.ofMinutes(14).toMillis());
    }

    @Test
    void refreshJitter_isDocumentedAsDeprecatedWithItsDefault() {
        List<String> row = builderRow("refreshJitter");
        assertThat(row.get(3)).isEqualTo("`" + defaults.refreshJitter + "`");
        assertThat(row.get(5)).contains("deprecated, ignored");
    }

    @Test
    void builderOnlySettings_haveRows() {
        for (String method : List.of("baseCredentials", "environment", "clock", "stsClient", "executor", "listener")) {
            assertThat(builderRow(method).get(1)).as("variable cell of %s", method).isEqualTo("–");
        }
    }
}
