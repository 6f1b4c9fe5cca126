package io.getport.ocean.aws.credentials.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event that reaches Logback's root logger, for assertions and secret-leak tests.
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
 *     broker.forAccount("222222222222").credentialsProvider().resolveCredentials();
 *     logs.assertNoneContain(sts.issuedSecrets());
 * }
 * }</pre>
 *
 * <p>{@link #texts()} is what a leak could hide in: the formatted message, the MDC values and key-value pairs, and the
 * full text (messages and stack traces, causes and suppressed exceptions included) of an attached throwable.
 *
 * <p>Requires Logback as the SLF4J binding: the test kit's dependency on {@code ch.qos.logback:logback-classic} is
 * optional (depending on the test kit never brings a logging provider), so a project that uses this class declares
 * Logback itself, in test scope. Thread safety: events may be logged from any thread while the capture is
 * read. Lifecycle: {@link #close()} detaches the appender and restores the root level.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Level level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext)) {
            throw new IllegalStateException("LogCapture needs Logback as the SLF4J binding, found "
                    + LoggerFactory.getILoggerFactory().getClass().getName());
        }
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        previousLevel = root.getLevel();
        appender.setName("LogCapture-" + System.identityHashCode(this));
        appender.setContext(root.getLoggerContext());
        appender.start();
        if (level != null) {
            root.setLevel(level);
        }
        root.addAppender(appender);
    }

    /** Captures at the root logger's current level. */
    public static LogCapture attach() {
        return new LogCapture(null);
    }

    /**
     * Sets the root logger to {@code level} (for example {@link Level#TRACE}, so that debug output is checked too)
     * until {@link #close()}. Other appenders then see those events as well.
     */
    public static LogCapture attach(Level level) {
        return new LogCapture(Objects.requireNonNull(level, "level"));
    }

    /** A snapshot of the captured events, oldest first. */
    public List<ILoggingEvent> events() {
        // AppenderBase.doAppend holds the appender's lock while it adds to the list.
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** The formatted message of every captured event. */
    public List<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    /** Everything of each event that could carry a secret; see the class description. */
    public List<String> texts() {
        return events().stream().map(LogCapture::text).collect(Collectors.toList());
    }

    /** Forgets the events captured so far. */
    public void clear() {
        synchronized (appender) {
            appender.list.clear();
        }
    }

    /** Whether any event's {@linkplain #texts() text} contains {@code fragment}. */
    public boolean anyContains(String fragment) {
        return texts().stream().anyMatch(t -> t.contains(fragment));
    }

    /**
     * Fails if any captured event's {@linkplain #texts() text} contains any of {@code secrets}. The failure names the
     * event (logger, level) and the secret by position and a masked form, never the secret itself.
     */
    public void assertNoneContain(Collection<String> secrets) {
        List<String> secretList = new ArrayList<>(secrets);
        List<String> leaks = new ArrayList<>();
        for (ILoggingEvent event : events()) {
            String text = text(event);
            for (int i = 0; i < secretList.size(); i++) {
                String secret = secretList.get(i);
                if (secret != null && !secret.isEmpty() && text.contains(secret)) {
                    leaks.add("secret #" + i + " (" + mask(secret) + ") in a " + event.getLevel() + " event of "
                            + event.getLoggerName());
                }
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("secrets leaked into the log:\n  " + String.join("\n  ", leaks));
        }
    }

    /** Detaches the appender and restores the root level. */
    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        root.setLevel(previousLevel);
    }

    @Override
    public String toString() {
        return "LogCapture[" + events().size() + " events]";
    }

    private static String text(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(String.valueOf(event.getFormattedMessage()));
        event.getMDCPropertyMap().forEach((k, v) -> text.append('\n').append(k).append('=').append(v));
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(kv -> text.append('\n').append(kv.key).append('=').append(kv.value));
        }
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable != null) {
            text.append('\n').append(ThrowableProxyUtil.asString(throwable));
        }
        return text.toString();
    }

    private static String mask(String secret) {
        return secret.length() <= 8 ? "****" : secret.substring(0, 4) + "…(" + secret.length() + " chars)";
    }
}
