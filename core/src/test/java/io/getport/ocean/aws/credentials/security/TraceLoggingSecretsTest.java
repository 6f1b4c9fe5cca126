package io.getport.ocean.aws.credentials.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import io.getport.ocean.aws.credentials.accounts.AccessCheck;
import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.accounts.AccountTarget;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Issue 14, item 13: the complete list of loggers that print a secret, proved. Every Logback logger (the root and each
 * configured one) is turned to TRACE for a full scenario (several accounts, base session credentials, a global and a
 * per-account ExternalId, GetCallerIdentity, a throttled call and its retry, AccessDenied, the access check, a
 * blocking refresh, and an SDK client that uses an issued session), every event is captured, and the loggers whose
 * events carry a secret must be exactly the ones SECURITY.md and docs/USAGE.md list. No logger of this library, of
 * or Resilience4j, and no other logger of the SDK may carry one.
 */
class TraceLoggingSecretsTest {
    /**
     * The documented list (SECURITY.md, "Loggers that print secrets"): logger name to the kinds of secrets it was seen
     * to print at TRACE, for the HTTP client the SDK picks: Apache HttpClient 5 from SDK 2.4x on, Apache HttpClient 4
     * below (the sdk-min profile; its commons-logging reaches Logback through jcl-over-slf4j in the test class path).
     */
    static final Map<String, Set<String>> DOCUMENTED = documented(apache5IsTheDefaultClient());

    static Map<String, Set<String>> documented(boolean apache5) {
        String client = apache5 ? "org.apache.hc.client5.http." : "org.apache.http.";
        return new TreeMap<>(Map.of(
                client + "headers", Set.of(Kind.BASE_SESSION_TOKEN, Kind.ISSUED),
                // Apache 4's wire logger prints the outgoing bytes too (headers and the form body); 5's only incoming.
                client + "wire", apache5 ? Set.of(Kind.ISSUED)
                        : Set.of(Kind.ISSUED, Kind.BASE_SESSION_TOKEN, Kind.EXTERNAL_ID),
                "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner",
                        Set.of(Kind.BASE_SESSION_TOKEN, Kind.ISSUED)));
    }

    /** Whether the SDK's default sync client is the Apache 5 one (the only Apache client on this class path). */
    private static boolean apache5IsTheDefaultClient() {
        try {
            Class.forName("software.amazon.awssdk.http.apache5.Apache5HttpClient");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The kinds of secrets looked for. */
    static final class Kind {
        static final String BASE_SECRET_KEY = "base secret key";
        static final String BASE_SESSION_TOKEN = "base session token";
        static final String ISSUED = "issued secret key or session token";
        static final String EXTERNAL_ID = "ExternalId";

        private Kind() {
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String A1 = "222222222222";
    private static final String A2 = "333333333333";
    private static final String A3 = "444444444444";
    private static final String DENIED = "555555555555";

    private static String random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).replace('-', 'x').replace('_', 'y')
                .substring(0, length);
    }

    @Test
    void everyLoggerAtTrace_fullScenario_exactlyTheDocumentedLoggersCarrySecrets() {
        String baseSecret = random(40);
        String baseToken = random(160);
        String globalExternalId = random(20) + ",global=" + random(20);
        String ownExternalId = random(20) + "=own," + random(20);
        MutableClock clock = MutableClock.at(Instant.parse("2026-11-28T12:00:00Z"));
        Map<String, List<String>> secrets = new LinkedHashMap<>();
        Map<String, Set<String>> seen;
        try (FakeSts sts = FakeSts.builder().clock(clock).start(); AllLoggersAtTrace trace = new AllLoggersAtTrace()) {
            sts.denyAssumeRole("arn:aws:iam::" + DENIED + ":role/PortOceanReadRole");
            try (ReadRoleBroker broker = ReadRoleBroker.builder()
                    .environment(RuntimeEnvironment.of(Map.of("HOSTNAME", "trace-host"), Map.of()))
                    .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(
                            AwsSessionCredentials.create("ASIAOCEANTRACE000001", baseSecret, baseToken))))
                    .region(Region.US_EAST_1)
                    .stsEndpoint(sts.endpoint())
                    .clock(clock)
                    .externalId(globalExternalId)
                    .externalIds(Map.of(A2, ownExternalId))
                    .stsProtection(s -> s.retryBaseDelay(Duration.ofMillis(1))
                    .retryMaxDelay(Duration.ofMillis(5)))
                    .build()) {
                broker.verifyIdentity();
                sts.failNext(1, StsError.THROTTLING);
                broker.forAccount(A1).credentialsProvider().resolveCredentials();
                broker.forAccount(A2).credentialsProvider().resolveCredentials();
                assertThat(catchThrowable(() -> broker.forAccount(DENIED).credentialsProvider().resolveCredentials()))
                        .isInstanceOf(ReadRoleException.class);
                AccessCheck.create().run(broker, List.of(AccountTarget.account(A1), AccountTarget.account(A2),
                        AccountTarget.account(A3), AccountTarget.account(DENIED)));
                // Into the mandatory window: the next caller waits for a new session.
                clock.advance(Duration.ofMinutes(59).plusSeconds(30));
                AwsReadSession session = broker.forAccount(A1);
                session.credentialsProvider().resolveCredentials();
                // An SDK client that uses the issued session (signed with its session token).
                try (StsClient client = session.configure(StsClient.builder().region(Region.US_EAST_1)
                        .endpointOverride(sts.endpoint())).build()) {
                    client.getCallerIdentity();
                }
            }
            secrets.put(Kind.BASE_SECRET_KEY, List.of(baseSecret));
            secrets.put(Kind.BASE_SESSION_TOKEN, List.of(baseToken));
            secrets.put(Kind.ISSUED, new ArrayList<>(sts.issuedSecrets()));
            secrets.put(Kind.EXTERNAL_ID, List.of(globalExternalId, ownExternalId));
            assertThat(sts.issued()).as("sessions issued").hasSizeGreaterThanOrEqualTo(4);
            seen = carriers(trace.capture.events(), secrets);
            assertThat(trace.capture.events().size()).as("TRACE events captured").isGreaterThan(100);
        }

        assertThat(seen).as("loggers whose events carried a secret, and which kinds").isEqualTo(DOCUMENTED);
    }

    /** Logger name to the kinds of secrets its events carried (message, MDC, key-values, throwable text). */
    private static Map<String, Set<String>> carriers(List<ILoggingEvent> events, Map<String, List<String>> secrets) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (ILoggingEvent event : events) {
            String text = text(event);
            for (Map.Entry<String, List<String>> kind : secrets.entrySet()) {
                for (String secret : kind.getValue()) {
                    for (String fragment : fragments(secret)) {
                        if (text.contains(fragment)) {
                            out.computeIfAbsent(event.getLoggerName(), k -> new TreeSet<>()).add(kind.getKey());
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * What betrays a secret: the value, its URL encoding (request bodies are form-encoded), and its first and last 16
     * characters (a wire logger may split a value across events; the values are random, so 16 characters cannot
     * match by chance).
     */
    private static Set<String> fragments(String secret) {
        Set<String> out = new TreeSet<>();
        out.add(secret);
        out.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        if (secret.length() >= 24) {
            out.add(secret.substring(secret.length() - 16));
            out.add(secret.substring(0, 16));
        }
        return out;
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

    /**
     * Every logger at TRACE while open: the root and every logger with a level of its own (the test configuration sets
     * the SDK's and Apache's to WARN); the root's appenders are detached meanwhile so the flood stays out of the
     * build's output, and everything goes to a {@link LogCapture}. Restores it all on close.
     */
    static final class AllLoggersAtTrace implements AutoCloseable {
        private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        private final Map<Logger, Level> levels = new HashMap<>();
        private final List<Appender<ILoggingEvent>> rootAppenders = new ArrayList<>();
        private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final LogCapture capture;

        AllLoggersAtTrace() {
            for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
                rootAppenders.add(it.next());
            }
            rootAppenders.forEach(root::detachAppender);
            for (Logger logger : context.getLoggerList()) {
                if (logger.getLevel() != null && logger != root) {
                    levels.put(logger, logger.getLevel());
                    logger.setLevel(Level.TRACE);
                }
            }
            capture = LogCapture.attach(Level.TRACE);
        }

        @Override
        public void close() {
            capture.close();
            levels.forEach(Logger::setLevel);
            rootAppenders.forEach(root::addAppender);
        }
    }
}
