package io.getport.ocean.aws.credentials.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogCaptureTest {

    private static final Logger LOG = LoggerFactory.getLogger(LogCaptureTest.class);
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @Test
    void attach_atDebug_capturesFormattedMessagesAndRestoresLevel() {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        try (LogCapture logs = LogCapture.attach(Level.DEBUG)) {
            LOG.debug("assumed {} for account {}", "PortOceanReadRole", "222222222222");
            LOG.info("plain");

            assertThat(logs.messages()).containsExactly("assumed PortOceanReadRole for account 222222222222", "plain");
            assertThat(logs.events()).extracting(e -> e.getLevel()).containsExactly(Level.DEBUG, Level.INFO);
            assertThat(logs.toString()).isEqualTo("LogCapture[2 events]");
            logs.clear();
            assertThat(logs.events()).isEmpty();
        }
        assertThat(root.getLevel()).isEqualTo(before);
    }

    @Test
    void assertNoneContain_secretInCauseMessage_failsWithoutPrintingIt() {
        try (LogCapture logs = LogCapture.attach(Level.DEBUG)) {
            LOG.warn("refresh failed", new IllegalStateException("outer",
                    new RuntimeException("inner with " + SECRET)));

            assertThat(logs.anyContains(SECRET)).isTrue();
            assertThatThrownBy(() -> logs.assertNoneContain(List.of("other-secret-value", SECRET)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("secret #1")
                    .hasMessageContaining("WARN event of " + LogCaptureTest.class.getName())
                    .hasMessageNotContaining(SECRET);
        }
    }

    @Test
    void assertNoneContain_secretInMdcOrKeyValue_detected() {
        try (LogCapture logs = LogCapture.attach(Level.DEBUG)) {
            MDC.put("token", SECRET);
            try {
                LOG.info("with mdc");
            } finally {
                MDC.remove("token");
            }
            assertThatThrownBy(() -> logs.assertNoneContain(List.of(SECRET))).isInstanceOf(AssertionError.class);
            logs.clear();

            LOG.atInfo().addKeyValue("secret", SECRET).log("with key-value");
            assertThatThrownBy(() -> logs.assertNoneContain(List.of(SECRET))).isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void assertNoneContain_cleanLog_passes() {
        try (LogCapture logs = LogCapture.attach()) {
            LOG.warn("credentials for ASIA****EXAMPLE refreshed");
            logs.assertNoneContain(List.of(SECRET, ""));
            assertThat(logs.texts()).hasSize(1);
        }
    }

    @Test
    void close_detaches_laterEventsNotCaptured() {
        LogCapture logs = LogCapture.attach(Level.DEBUG);
        logs.close();
        LOG.error("after close");
        assertThat(logs.events()).isEmpty();
    }
}
