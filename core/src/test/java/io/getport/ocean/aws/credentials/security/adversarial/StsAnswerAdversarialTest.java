package io.getport.ocean.aws.credentials.security.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.BrokerInternals;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.internal.StsGateway;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * Attack surface: STS's answers (issue 14 item 14 and "Beyond these"). A real HTTP server speaking STS's Query/XML
 * wire format ({@link FakeSts}) answers the broker's AssumeRole with each hostile or broken answer: a success that is
 * not a valid AssumeRole answer (missing elements, an impossible or unparsable expiry), a body that is not STS's XML
 * (HTML, JSON, truncated, wrong encoding, control characters, oversized, empty), an HTTP error without an STS error
 * code, throttling, server errors and a server that is silent, silent after its headers, trickling or closing early.
 *
 * <p>For each: the {@link Reason} and a message that says what was received (never a NullPointerException's text),
 * no secret (the issued secret key and session token, the ExternalId, the base secret key) in the message, the cause
 * chain, {@code toString()} or any log line (TRACE), no {@link Error} escaping, and no hang: every call returns with
 * the reason the injected settings imply (the JUnit timeout is only a hang guard and asserts nothing about speed).
 * Which failures are retried and counted by the STS circuit breaker is asserted from the breaker's own metrics.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StsAnswerAdversarialTest {
    static final String ACCOUNT = "222222222222";
    static final String ROLE = "arn:aws:iam::222222222222:role/PortOceanReadRole";
    static final String EXTERNAL_ID = "ext-Id=s3cr3t,7f1e9a";
    static final String BASE_SECRET = "base/Secret+Key0123456789abcdefghijklmnopq";
    /** The secret key and session token the hostile answers carry (as a real answer would). */
    static final String SECRET = "hostileSecretKey/0123456789+abcdefABCDEFxyz";
    static final String TOKEN = "FwoGZXIvYXdzEHostileSessionToken0123456789abcdefghijklmnopqrstuvwxyz";
    static final String KEY = "ASIAHOSTILE0000000001";
    static final Instant START = Instant.parse("2026-12-05T12:00:00Z");
    static final String XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";
    static final Duration SHORT_CALL_TIMEOUT = Duration.ofMillis(300);
    static final Duration LONG_CALL_TIMEOUT = Duration.ofSeconds(20);
    static final int ATTEMPTS = 2;

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = FakeSts.builder().clock(clock).start();

    @AfterEach
    void stop() {
        sts.close();
    }

    // ---- answers ---------------------------------------------------------------------------------------------------

    static String expiration(Duration fromStart) {
        return DateTimeFormatter.ISO_INSTANT.format(START.plus(fromStart));
    }

    /** An AssumeRole answer with these Credentials children (null leaves one out) and these extra elements. */
    static String answer(String key, String secret, String token, String expiration, String extra) {
        StringBuilder c = new StringBuilder("<Credentials>");
        if (key != null) {
            c.append("<AccessKeyId>").append(key).append("</AccessKeyId>");
        }
        if (secret != null) {
            c.append("<SecretAccessKey>").append(secret).append("</SecretAccessKey>");
        }
        if (token != null) {
            c.append("<SessionToken>").append(token).append("</SessionToken>");
        }
        if (expiration != null) {
            c.append("<Expiration>").append(expiration).append("</Expiration>");
        }
        c.append("</Credentials>");
        return "<AssumeRoleResponse xmlns=\"" + XMLNS + "\"><AssumeRoleResult><AssumedRoleUser><Arn>"
                + "arn:aws:sts::222222222222:assumed-role/PortOceanReadRole/ocean</Arn><AssumedRoleId>"
                + "AROAEXAMPLE0000000001:ocean</AssumedRoleId></AssumedRoleUser>" + c + extra
                + "</AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
                + "</ResponseMetadata></AssumeRoleResponse>";
    }

    static String valid() {
        return answer(KEY, SECRET, TOKEN, expiration(Duration.ofHours(1)), "");
    }

    static String withoutCredentials() {
        return "<AssumeRoleResponse xmlns=\"" + XMLNS + "\"><AssumeRoleResult><AssumedRoleUser><Arn>"
                + "arn:aws:sts::222222222222:assumed-role/PortOceanReadRole/ocean</Arn></AssumedRoleUser>"
                + "</AssumeRoleResult></AssumeRoleResponse>";
    }

    static String errorResponse(String code, String message) {
        return "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>"
                + message + "</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
                + "</ErrorResponse>";
    }

    static Fault xml200(String body) {
        return Fault.status(200, "text/xml", body);
    }

    /** One hostile answer to every AssumeRole, what it must give, and how it must be counted. */
    record Case(String name, Fault fault, Reason reason, List<String> expected, Duration callTimeout,
            boolean outage) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case invalid(String name, Fault fault, String... expected) {
        return new Case(name, fault, Reason.INVALID_RESPONSE, List.of(expected), LONG_CALL_TIMEOUT, false);
    }

    static Case outage(String name, Fault fault, Duration callTimeout, String... expected) {
        return new Case(name, fault, Reason.STS_UNAVAILABLE, List.of(expected), callTimeout, true);
    }

    static Stream<Arguments> hostileAnswers() {
        String hour = expiration(Duration.ofHours(1));
        String silent = "STS did not answer in 300 ms (OCEAN_AWS_STS_CALL_TIMEOUT)";
        return Stream.of(
                // A success that is not a valid AssumeRole answer.
                invalid("200 without Credentials", xml200(withoutCredentials()), "has no Credentials"),
                invalid("200 without AccessKeyId", xml200(answer(null, SECRET, TOKEN, hour, "")),
                        "has no AccessKeyId", "received: SecretAccessKey, SessionToken, Expiration"),
                invalid("200 without SecretAccessKey", xml200(answer(KEY, null, TOKEN, hour, "")),
                        "has no SecretAccessKey"),
                invalid("200 without SessionToken", xml200(answer(KEY, SECRET, null, hour, "")),
                        "has no SessionToken"),
                invalid("200 without Expiration", xml200(answer(KEY, SECRET, TOKEN, null, "")),
                        "has no Expiration"),
                invalid("200 with empty Credentials", xml200(answer(null, null, null, null, "")),
                        "has no AccessKeyId, SecretAccessKey, SessionToken, Expiration"),
                invalid("200 of another action", xml200("<GetCallerIdentityResponse xmlns=\"" + XMLNS + "\">"
                        + "<GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/x</Arn>"
                        + "</GetCallerIdentityResult></GetCallerIdentityResponse>"), "has no Credentials"),
                invalid("Expiration not a date", xml200(answer(KEY, SECRET, TOKEN, "tomorrow", "")),
                        "HTTP 200", "text/xml", "bytes"),
                invalid("Expiration in year +999999999", xml200(answer(KEY, SECRET, TOKEN,
                        "+999999999-12-31T23:59:59Z", "")), "Expiration"),
                invalid("Expiration as epoch number 1e999", xml200(answer(KEY, SECRET, TOKEN, "1e999", "")),
                        "HTTP 200", "DateTimeParseException"),
                invalid("Expiration holding the secret key (elements shifted)", xml200(answer(KEY, SECRET, TOKEN,
                        SECRET, "")), "HTTP 200", "DateTimeParseException"),
                invalid("Expiration in the past", xml200(answer(KEY, SECRET, TOKEN,
                        expiration(Duration.ofHours(-1)), "")), "Expiration", "is not between now"),
                // Not STS's XML.
                invalid("not XML (HTML)", Fault.status(200, "text/html", "<html><body>Proxy login. " + SECRET
                        + "</body></html>"), "HTTP 200", "text/html", "bytes"),
                invalid("wrong type (JSON)", Fault.status(200, "application/json", "{\"Credentials\":"
                        + "{\"AccessKeyId\":\"" + KEY + "\",\"SecretAccessKey\":\"" + SECRET + "\"}}"),
                        "HTTP 200", "application/json", "bytes"),
                invalid("truncated XML", xml200(valid().substring(0, valid().indexOf(SECRET) + 10)),
                        "HTTP 200", "text/xml", "bytes"),
                invalid("wrong encoding (declared UTF-16, sent UTF-8)", xml200(
                        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + valid()), "HTTP 200", "text/xml", "bytes"),
                invalid("control character in the body", xml200(answer(KEY, SECRET + "\u0001", TOKEN, hour, "")),
                        "HTTP 200", "text/xml", "bytes"),
                invalid("CR LF in AccessKeyId (entities)", xml200(answer(KEY + "&#13;&#10;X-Injected: 1", SECRET,
                        TOKEN, hour, "")), "AccessKeyId"),
                invalid("non-ASCII in SessionToken", xml200(answer(KEY, SECRET, TOKEN + "\u00e9\u4e2d", hour, "")),
                        "SessionToken"),
                invalid("space in SecretAccessKey", xml200(answer(KEY, SECRET + " x", TOKEN, hour, "")),
                        "SecretAccessKey"),
                invalid("oversized (2 MiB with a Content-Length)", xml200(answer(KEY, SECRET, TOKEN, hour,
                        "<Padding>" + "x".repeat(2 << 20) + "</Padding>")), "HTTP 200",
                        "declares 2097856 bytes, more than the 262144 bytes an STS answer may have", "not parsed"),
                invalid("oversized (2 MiB chunked)", Fault.chunked(200, "text/xml", answer(KEY, SECRET, TOKEN, hour,
                        "<Padding>" + "x".repeat(2 << 20) + "</Padding>")), "HTTP 200", "larger than"),
                invalid("deeply nested XML", xml200("<a>".repeat(100_000)), "HTTP 200", "text/xml", "bytes"),
                invalid("empty body", Fault.status(200, "text/xml", ""), "has no Credentials"),
                // HTTP errors that are not STS's.
                invalid("403 without an error code (HTML)", Fault.status(403, "text/html",
                        "<html>Forbidden by proxy. " + EXTERNAL_ID + " " + SECRET + "</html>"), "HTTP 403",
                        "without an STS error code", "text/html", "bytes"),
                invalid("403 without a body", Fault.status(403), "HTTP 403", "without an STS error code",
                        "0 bytes"),
                invalid("400 without an error code (JSON)", Fault.status(400, "application/json",
                        "{\"message\":\"bad\"}"), "HTTP 400", "without an STS error code", "application/json"),
                // STS does not answer in time, or the connection fails: retried, counted, STS_UNAVAILABLE.
                outage("silent", Fault.hang(), SHORT_CALL_TIMEOUT, silent),
                outage("silent after the headers", Fault.headersThenHang(2000), SHORT_CALL_TIMEOUT, silent),
                outage("trickling beyond the call timeout", Fault.trickle(Duration.ofMillis(100), 200, "text/xml",
                        valid()), SHORT_CALL_TIMEOUT, silent),
                outage("answering after the call timeout", Fault.delay(Duration.ofSeconds(30), xml200(valid())),
                        SHORT_CALL_TIMEOUT, silent),
                outage("closing without an answer", Fault.closeConnection(), LONG_CALL_TIMEOUT,
                        "STS did not answer AssumeRole", "after retries", "connectivity"),
                outage("closing early (truncated body)", Fault.closeEarly(4000, valid().substring(0, 200)),
                        LONG_CALL_TIMEOUT, "The connection to STS failed while its answer to AssumeRole was read",
                        "HTTP 200, 200 of 4000 bytes", "after retries", "connectivity"),
                outage("500 InternalFailure", Fault.status(500, "text/xml", errorResponse("InternalFailure",
                        "The request processing has failed")), LONG_CALL_TIMEOUT, "InternalFailure",
                        "after retries"),
                outage("502 from a proxy (HTML)", Fault.status(502, "text/html", "<html>Bad gateway " + SECRET
                        + "</html>"), LONG_CALL_TIMEOUT, "HTTP 502 without an STS error code", "bytes",
                        "Content-Type text/html", "after retries"),
                outage("503 without a body", Fault.status(503), LONG_CALL_TIMEOUT,
                        "HTTP 503 without an STS error code (0 bytes", "after retries"),
                // STS's own error quoting the ExternalId sent: the answer is reported, the ExternalId is not.
                new Case("400 ValidationError quoting the ExternalId", Fault.status(400, "text/xml", errorResponse(
                        "ValidationError", "1 validation error detected: Value '" + EXTERNAL_ID + "' at 'externalId'"
                        + " failed to satisfy constraint")), Reason.INVALID_REQUEST, List.of("ValidationError",
                        "Value '<ExternalId>' at 'externalId'"), LONG_CALL_TIMEOUT, false),
                new Case("403 AccessDenied quoting the ExternalId", Fault.status(403, "text/xml", errorResponse(
                        "AccessDenied", "User: arn:aws:iam::111111111111:user/port-ocean-base is not authorized to"
                        + " perform: sts:AssumeRole with ExternalId " + EXTERNAL_ID)), Reason.ACCESS_DENIED,
                        List.of("AccessDenied", "trust policy", "ExternalId <ExternalId>"), LONG_CALL_TIMEOUT, false))
                .map(c -> Arguments.of(c));
    }

    private ReadRoleBroker.Builder broker(Duration callTimeout) {
        return broker(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAOCEANBASE0000001",
                BASE_SECRET)), callTimeout);
    }

    private ReadRoleBroker.Builder broker(AwsCredentialsProvider base, Duration callTimeout) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(base))
                .region(Region.US_EAST_1)
                .stsEndpoint(sts.endpoint())
                .clock(clock)
                .sessionDuration(Duration.ofHours(1))
                .externalId(EXTERNAL_ID)
                .stsProtection(s -> s.stsCallTimeout(callTimeout))
                .refresh(r -> r.refreshTimeout(Duration.ofSeconds(60)))
                .stsProtection(s -> s.retryMaxAttempts(ATTEMPTS)
                .retryBaseDelay(Duration.ofMillis(1))
                .retryMaxDelay(Duration.ofMillis(5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileAnswers")
    void resolve_hostileAnswer_reasonSaysWhatWasReceivedWithoutSecretsOrHang(Case c) {
        sts.onRequest(r -> r.action().filter("AssumeRole"::equals).isPresent() ? c.fault() : Fault.none());
        try (LogCapture logs = LogCapture.attach(Level.TRACE);
                ReadRoleBroker broker = broker(c.callTimeout()).build()) {
            StsGateway gateway = BrokerInternals.gateway(broker);

            Throwable thrown = catchThrowable(() -> broker.forAccount(ACCOUNT).credentialsProvider()
                    .resolveCredentials());

            ReadRoleException e = readRoleException(c.name(), thrown);
            assertThat(e.reason()).as(c.name() + ": " + e.getMessage()).isEqualTo(c.reason());
            assertThat(e.getMessage()).as(c.name()).contains(ROLE).contains(c.expected())
                    .doesNotContain("NullPointerException");
            if (c.reason() != Reason.INVALID_REQUEST) {
                assertThat(e.getMessage()).doesNotContain("STS refused");
            }
            assertThat(e.roleArn()).contains(ROLE);
            int failed = gateway.circuitBreaker().getMetrics().getNumberOfFailedCalls();
            if (c.outage()) {
                assertThat(e.retryable()).isTrue();
                assertThat(failed).as("every attempt counted by the STS circuit breaker").isEqualTo(ATTEMPTS);
                assertThat(e.getMessage()).doesNotContain("ApiCallTimeoutException");
                assertThat(sts.count("AssumeRole")).as("at most retryMaxAttempts").isLessThanOrEqualTo(ATTEMPTS);
            } else {
                assertThat(e.retryable()).isFalse();
                assertThat(failed).as("an answer, not an outage: not counted by the breaker").isZero();
                assertThat(sts.count("AssumeRole")).as("not retried: retrying cannot change the answer")
                        .isEqualTo(1);
            }
            assertNoSecret(e, logs);
            // The failure is cached: the next caller gets it again without a second call to STS.
            int calls = sts.count("AssumeRole");
            if (!c.outage()) {
                ReadRoleException again = readRoleException(c.name(), catchThrowable(() ->
                        broker.forAccount(ACCOUNT).credentialsProvider().resolveCredentials()));
                assertThat(again.reason()).isEqualTo(c.reason());
                assertThat(sts.count("AssumeRole")).isEqualTo(calls);
            }
        }
    }

    /** The async path ({@code resolveIdentity}) fails the same way, through its future, with nothing thrown. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileAnswers")
    void resolveIdentity_hostileAnswer_failedFutureWithTheSameReason(Case c) throws Exception {
        sts.onRequest(r -> r.action().filter("AssumeRole"::equals).isPresent() ? c.fault() : Fault.none());
        try (LogCapture logs = LogCapture.attach(Level.TRACE);
                ReadRoleBroker broker = broker(c.callTimeout()).build()) {
            java.util.concurrent.CompletableFuture<? extends AwsCredentialsIdentity> future =
                    broker.forAccount(ACCOUNT).credentialsProvider().resolveIdentity();

            Throwable thrown = catchThrowable(() -> future.get(100, TimeUnit.SECONDS));

            assertThat(thrown).isInstanceOf(java.util.concurrent.ExecutionException.class);
            ReadRoleException e = readRoleException(c.name(), thrown.getCause());
            assertThat(e.reason()).as(c.name() + ": " + e.getMessage()).isEqualTo(c.reason());
            assertThat(e.getMessage()).contains(c.expected());
            assertNoSecret(e, logs);
        }
    }

    /** A valid answer right after hostile ones: the broker was not left in a broken state. */
    @Test
    void resolve_validAnswerAfterInvalidOnes_credentials() {
        sts.enqueue(xml200(withoutCredentials()));
        try (ReadRoleBroker broker = broker(LONG_CALL_TIMEOUT).refresh(r -> r.failureCacheTime(Duration.ZERO))
                .build()) {
            assertThat(readRoleException("first", catchThrowable(() -> broker.forAccount(ACCOUNT)
                    .credentialsProvider().resolveCredentials())).reason()).isEqualTo(Reason.INVALID_RESPONSE);

            sts.enqueue(xml200(valid()));
            clock.advance(Duration.ofSeconds(1));

            assertThat(broker.forAccount(ACCOUNT).credentialsProvider().resolveCredentials().accessKeyId())
                    .isEqualTo(KEY);
        }
    }

    /**
     * STS never answers and the caller's refresh timeout is shorter than the STS call timeout: the caller gets
     * REFRESH_TIMEOUT after the refresh timeout, saying STS did not answer, while the call goes on.
     */
    @Test
    void resolve_silentStsBeyondTheRefreshTimeout_refreshTimeoutSayingStsDidNotAnswer() {
        sts.hang();
        try (LogCapture logs = LogCapture.attach(Level.TRACE);
                ReadRoleBroker broker = broker(LONG_CALL_TIMEOUT).refresh(r -> r.refreshTimeout(Duration.ofMillis(200)))
                        .build()) {
            ReadRoleException e = readRoleException("silent", catchThrowable(() -> broker.forAccount(ACCOUNT)
                    .credentialsProvider().resolveCredentials()));

            assertThat(e.reason()).isEqualTo(Reason.REFRESH_TIMEOUT);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("200 ms (OCEAN_AWS_REFRESH_TIMEOUT)", "STS did not answer", ROLE);
            assertNoSecret(e, logs);
        }
    }

    // ---- throttling ------------------------------------------------------------------------------------------------

    static Stream<Arguments> throttlingAnswers() {
        return Stream.of(
                Arguments.of("Throttling", Fault.status(400, "text/xml", errorResponse("Throttling",
                        "Rate exceeded"))),
                Arguments.of("RequestLimitExceeded", Fault.status(400, "text/xml", errorResponse(
                        "RequestLimitExceeded", "Request limit exceeded."))),
                Arguments.of("ThrottlingException 400", Fault.status(400, "text/xml", errorResponse(
                        "ThrottlingException", "Rate exceeded"))),
                Arguments.of("HTTP 429 without a code", Fault.status(429)));
    }

    /**
     * Throttling is "not now", not "broken": the adaptive rate decreases, the call is retried (without using up
     * retryMaxAttempts) and succeeds, and the circuit breaker counts no failure, however many throttles there are.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("throttlingAnswers")
    void resolve_throttledManyTimes_rateDecreasedRetriedNotCountedByTheBreaker(String name, Fault throttle) {
        AtomicInteger throttled = new AtomicInteger();
        int perAccount = 4;
        int accounts = 3;
        // Each account's first attempts are throttled (more than retryMaxAttempts), then it is answered normally.
        Map<String, AtomicInteger> perRole = new java.util.concurrent.ConcurrentHashMap<>();
        sts.onRequest(r -> {
            String role = r.param("RoleArn").orElse("");
            if (perRole.computeIfAbsent(role, k -> new AtomicInteger()).incrementAndGet() <= perAccount) {
                throttled.incrementAndGet();
                return throttle;
            }
            return Fault.none();
        });
        try (LogCapture logs = LogCapture.attach(Level.TRACE);
                ReadRoleBroker broker = broker(LONG_CALL_TIMEOUT).stsProtection(s -> s.stsRateLimit(1000)).build()) {
            StsGateway gateway = BrokerInternals.gateway(broker);
            double before = gateway.queue().currentRate();

            for (int i = 0; i < accounts; i++) {
                String account = "33333333333" + i;
                assertThat(broker.forAccount(account).credentialsProvider().resolveCredentials().accessKeyId())
                        .startsWith("ASIA");
            }

            assertThat(throttled.get()).isEqualTo(perAccount * accounts);
            assertThat(sts.count("AssumeRole")).isEqualTo((perAccount + 1) * accounts);
            long[] throttlesAndDecreases = gateway.queue().throttlesAndDecreases();
            assertThat(throttlesAndDecreases[0]).isEqualTo(perAccount * accounts);
            assertThat(throttlesAndDecreases[1]).as("the adaptive rate decreased").isPositive();
            assertThat(gateway.queue().currentRate()).isLessThan(before);
            assertThat(gateway.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
            assertThat(broker.health().circuitState()).isEqualTo("CLOSED");
            assertThat(logs.messages()).anyMatch(m -> m.startsWith("sts throttled; adaptive rate decreased"));
            assertNoSecret(null, logs);
        }
    }

    /** Throttled on every attempt: the call ends STS_UNAVAILABLE naming the throttling, still not counted. */
    @Test
    void resolve_alwaysThrottled_stsUnavailableNamingThrottlingNotCounted() {
        sts.fail(StsError.THROTTLING);
        try (LogCapture logs = LogCapture.attach(Level.TRACE);
                ReadRoleBroker broker = broker(LONG_CALL_TIMEOUT).build()) {
            StsGateway gateway = BrokerInternals.gateway(broker);

            ReadRoleException e = readRoleException("throttled", catchThrowable(() -> broker.forAccount(ACCOUNT)
                    .credentialsProvider().resolveCredentials()));

            assertThat(e.reason()).isEqualTo(Reason.STS_UNAVAILABLE);
            assertThat(e.errorCode()).contains("Throttling");
            assertThat(e.getMessage()).contains("Throttling", "Rate exceeded", ROLE);
            assertThat(sts.count("AssumeRole")).isEqualTo(StsGateway.MAX_THROTTLED_ATTEMPTS);
            assertThat(gateway.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
            assertNoSecret(e, logs);
        }
    }

    /**
     * Where a throttled call's retry goes: the gateway resubmits it at the front of the one STS queue, so calls that
     * were queued after it do not overtake it (the queue alone, on a hand-moved clock and a hand-run executor).
     */
    @Test
    void queue_retryOfAThrottledCall_dispatchedBeforeCallsQueuedEarlier() {
        List<Runnable> executor = new ArrayList<>();
        long[] now = {0};
        io.getport.ocean.aws.credentials.internal.StsQueue queue = new io.getport.ocean.aws.credentials.internal
                .StsQueue(new io.getport.ocean.aws.credentials.internal.AdaptiveRate(1000, 0), 1,
                Duration.ofMinutes(5), () -> now[0], (task, delayNanos) -> { }, executor::add,
                new io.getport.ocean.aws.credentials.internal.Events());
        List<String> order = new ArrayList<>();
        final class Call extends io.getport.ocean.aws.credentials.internal.StsQueue.Ticket {
            private final String name;

            Call(String name) {
                this.name = name;
            }

            @Override
            protected void run() {
                order.add(name);
            }

            @Override
            protected void queueTimedOut(String message) {
                order.add(name + " timed out");
            }

            @Override
            protected void rejected(RuntimeException e) {
                order.add(name + " rejected");
            }
        }
        queue.submit(new Call("first"), false);
        queue.submit(new Call("second"), false);
        queue.submit(new Call("third"), false);
        queue.submit(new Call("throttled, retried"), true);

        for (int i = 0; i < 100 && order.size() < 4; i++) {
            now[0] += TimeUnit.MILLISECONDS.toNanos(100);
            queue.pump();
            while (!executor.isEmpty()) {
                executor.remove(0).run();
            }
        }

        assertThat(order).hasSize(4).containsSubsequence("throttled, retried", "second", "third");
    }

    // ---- the base identity fails before any STS call ---------------------------------------------------------------

    /** A base credentials provider that fails with whatever {@link #failure} holds, or gives static keys. */
    static final class FlakyBase implements AwsCredentialsProvider {
        final java.util.concurrent.atomic.AtomicReference<java.util.function.Supplier<Throwable>> failure =
                new java.util.concurrent.atomic.AtomicReference<>();

        @Override
        public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
            java.util.function.Supplier<Throwable> f = failure.get();
            if (f != null) {
                Throwable t = f.get();
                if (t == null) {
                    return null;
                }
                if (t instanceof Error) {
                    throw (Error) t;
                }
                throw (RuntimeException) t;
            }
            return AwsBasicCredentials.create("AKIAOCEANBASE0000001", BASE_SECRET);
        }
    }

    static Stream<Arguments> baseIdentityFailures() {
        return Stream.of(
                Arguments.of("SdkClientException", (java.util.function.Supplier<Throwable>) () ->
                        software.amazon.awssdk.core.exception.SdkClientException.create(
                                "Unable to load credentials from the container agent")),
                Arguments.of("BaseIdentityException (ECS agent, not JSON)", (java.util.function.Supplier<Throwable>)
                        () -> io.getport.ocean.aws.credentials.spi.BaseIdentityException.of(
                                io.getport.ocean.aws.credentials.spi.BaseIdentityException.ECS_AGENT,
                                "The ECS agent at http://127.0.0.1:1 answered HTTP 200 with a body that is not a JSON"
                                        + " object", null)),
                Arguments.of("OutOfMemoryError", (java.util.function.Supplier<Throwable>) () ->
                        new OutOfMemoryError("Java heap space")),
                Arguments.of("StackOverflowError", (java.util.function.Supplier<Throwable>) StackOverflowError::new),
                Arguments.of("ArithmeticException", (java.util.function.Supplier<Throwable>) () ->
                        new ArithmeticException("long overflow")),
                Arguments.of("no credentials (null)", (java.util.function.Supplier<Throwable>) () -> null));
    }

    /**
     * Issue 14 item 14: a failure of the local credential source is reported as such (naming it), makes no STS call,
     * and 20 of them in a row do not open STS's circuit breaker: a good base identity then resolves at once.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("baseIdentityFailures")
    void resolve_baseIdentityFails20Times_namedNoStsCallBreakerClosedThenResolvesAtOnce(String name,
            java.util.function.Supplier<Throwable> failure) {
        FlakyBase base = new FlakyBase();
        base.failure.set(failure);
        try (LogCapture logs = LogCapture.attach(Level.TRACE);
                ReadRoleBroker broker = broker(base, LONG_CALL_TIMEOUT).stsProtection(s -> s.circuitFailureRate(1))
                        .build()) {
            StsGateway gateway = BrokerInternals.gateway(broker);
            for (int i = 0; i < 20; i++) {
                String account = String.format("4444444444%02d", i);
                ReadRoleException e = readRoleException(name, catchThrowable(() -> broker.forAccount(account)
                        .credentialsProvider().resolveCredentials()));

                assertThat(e.reason()).as(name + ": " + e.getMessage()).isEqualTo(Reason.BASE_IDENTITY_UNAVAILABLE);
                assertThat(e.retryable()).isTrue();
                assertThat(e.getMessage()).contains("the base credentials provider given to the builder (FlakyBase)",
                        "did not provide the base identity's credentials", "No STS call was made")
                        .doesNotContain("STS refused").doesNotContain("STS said").doesNotContain("STS did not answer")
                        .doesNotContain("circuit");
                assertNoSecret(e, logs);
            }

            assertThat(sts.requestCount()).as("no STS call without base credentials").isZero();
            assertThat(gateway.circuitBreaker().getMetrics().getNumberOfBufferedCalls()).isZero();
            assertThat(broker.health().circuitState()).isEqualTo("CLOSED");
            assertThat(gateway.queue().throttlesAndDecreases()[1]).isZero();

            base.failure.set(null);
            assertThat(broker.forAccount("555555555555").credentialsProvider().resolveCredentials().accessKeyId())
                    .startsWith("ASIA");
            clock.advance(Duration.ofSeconds(1));
            assertThat(broker.forAccount("444444444400").credentialsProvider().resolveCredentials().accessKeyId())
                    .startsWith("ASIA");
            assertThat(sts.count("AssumeRole")).isEqualTo(2);
            assertNoSecret(null, logs);
        }
    }

    // ---- an Error (or a bug) inside the STS call --------------------------------------------------------------------

    /** Base credentials whose secret key cannot be read: the failure happens while the STS request is signed. */
    static final class SigningFails implements software.amazon.awssdk.auth.credentials.AwsCredentials {
        private final java.util.function.Supplier<RuntimeException> runtime;
        private final java.util.function.Supplier<Error> error;

        SigningFails(java.util.function.Supplier<RuntimeException> runtime, java.util.function.Supplier<Error> error) {
            this.runtime = runtime;
            this.error = error;
        }

        @Override
        public String accessKeyId() {
            return "AKIAOCEANBASE0000001";
        }

        @Override
        public String secretAccessKey() {
            if (error != null) {
                throw error.get();
            }
            throw runtime.get();
        }
    }

    static Stream<Arguments> failuresInsideTheStsCall() {
        return Stream.of(
                Arguments.of("OutOfMemoryError while signing", null,
                        (java.util.function.Supplier<Error>) () -> new OutOfMemoryError("Java heap space"),
                        "java.lang.OutOfMemoryError: Java heap space"),
                Arguments.of("StackOverflowError while signing", null,
                        (java.util.function.Supplier<Error>) StackOverflowError::new, "StackOverflowError"),
                Arguments.of("ArithmeticException while signing",
                        (java.util.function.Supplier<RuntimeException>) () -> new ArithmeticException("long overflow"),
                        null, "ArithmeticException: long overflow"));
    }

    /**
     * An {@link Error} or an unexpected exception inside the STS call is this process's failure, not STS's answer:
     * INTERNAL_ERROR, never "STS refused ... STS said: Java heap space", not retried, not counted as an outage.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("failuresInsideTheStsCall")
    void resolve_failureInsideTheStsCall_internalErrorNotStsRefused(String name,
            java.util.function.Supplier<RuntimeException> runtime, java.util.function.Supplier<Error> error,
            String expected) {
        AwsCredentialsProvider base = () -> new SigningFails(runtime, error);
        try (LogCapture logs = LogCapture.attach(Level.TRACE);
                ReadRoleBroker broker = broker(base, LONG_CALL_TIMEOUT).build()) {
            StsGateway gateway = BrokerInternals.gateway(broker);

            ReadRoleException e = readRoleException(name, catchThrowable(() -> broker.forAccount(ACCOUNT)
                    .credentialsProvider().resolveCredentials()));

            assertThat(e.reason()).as(name + ": " + e.getMessage()).isEqualTo(Reason.INTERNAL_ERROR);
            assertThat(e.getMessage()).contains(ROLE, "failed inside this process, not at STS", expected)
                    .doesNotContain("STS refused").doesNotContain("STS said");
            assertThat(gateway.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
            assertThat(sts.requestCount()).as("the request was never sent").isZero();
            assertNoSecret(e, logs);
        }
    }

    /** The same with a caller-owned STS client whose interceptor fails after STS's (valid) answer arrived. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("failuresInsideTheStsCall")
    void resolve_failureAfterTheAnswerInACallerOwnedClient_internalError(String name,
            java.util.function.Supplier<RuntimeException> runtime, java.util.function.Supplier<Error> error,
            String expected) {
        software.amazon.awssdk.core.interceptor.ExecutionInterceptor failing =
                new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                    @Override
                    public void afterUnmarshalling(software.amazon.awssdk.core.interceptor.Context.AfterUnmarshalling
                            context, software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                        if (error != null) {
                            throw error.get();
                        }
                        throw runtime.get();
                    }
                };
        try (software.amazon.awssdk.services.sts.StsClient client = software.amazon.awssdk.services.sts.StsClient
                .builder().endpointOverride(sts.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        "AKIAOCEANBASE0000001", BASE_SECRET)))
                .overrideConfiguration(o -> o.addExecutionInterceptor(failing)).build();
                LogCapture logs = LogCapture.attach(Level.TRACE);
                ReadRoleBroker broker = broker(LONG_CALL_TIMEOUT).stsClient(client).build()) {
            ReadRoleException e = readRoleException(name, catchThrowable(() -> broker.forAccount(ACCOUNT)
                    .credentialsProvider().resolveCredentials()));

            assertThat(e.reason()).as(name + ": " + e.getMessage()).isEqualTo(Reason.INTERNAL_ERROR);
            assertThat(e.getMessage()).contains(ROLE, "failed inside this process, not at STS", expected)
                    .doesNotContain("STS refused").doesNotContain("STS said");
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
            assertNoSecret(e, logs);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    static ReadRoleException readRoleException(String name, Throwable thrown) {
        assertThat(thrown).as(name + ": a ReadRoleException, no Error").isInstanceOf(ReadRoleException.class);
        return (ReadRoleException) thrown;
    }

    static String fullText(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        StringBuilder all = new StringBuilder(out.toString());
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append('\n').append(c);
        }
        return all.toString();
    }

    void assertNoSecret(Throwable thrown, LogCapture logs) {
        List<String> secrets = new ArrayList<>(sts.issuedSecrets());
        secrets.addAll(List.of(SECRET, TOKEN, EXTERNAL_ID, BASE_SECRET));
        if (thrown != null) {
            String text = fullText(thrown);
            for (int i = 0; i < secrets.size(); i++) {
                assertThat(text.contains(secrets.get(i))).as("secret #" + i + " in the failure").isFalse();
            }
        }
        logs.assertNoneContain(secrets);
    }

}
