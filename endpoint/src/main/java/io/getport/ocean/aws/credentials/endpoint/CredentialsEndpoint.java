package io.getport.ocean.aws.credentials.endpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.BrokerHealth;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The HTTP server of {@code serve}: the AWS container credentials protocol over one {@link ReadRoleBroker}.
 *
 * <ul>
 *   <li>{@code GET /v1/accounts/{accountId}/credentials} with {@code Authorization: <token>}: {@code AccessKeyId},
 *       {@code SecretAccessKey}, {@code Token}, {@code Expiration}, {@code RoleArn} of the read role session.</li>
 *   <li>{@code GET /healthz} without token: identity source, accounts cached, STS circuit state, failing accounts
 *       and accounts served with less than {@link EndpointBroker#MARGIN} left; no secret.</li>
 *   <li>Refusals, as {@code {"code": ..., "message": ...}}: 400 malformed account ID, 401 no
 *       {@code Authorization}, 403 wrong token, foreign {@code Host} or denied account (naming the role ARN and the
 *       fix), 404 other paths, 405 other methods, 413 a request with a body, 503 with {@code Retry-After} when STS
 *       is unavailable and nothing valid is cached (or while shutting down), 500 when the broker itself is
 *       misconfigured.</li>
 * </ul>
 *
 * <p>Bounds: the JDK server's request header count and size, the time to read a request and to write a response, and
 * the connection count are set by the system properties in {@link #BOUNDS} (the jar's main sets them; they are read
 * once per JVM); requests run on a bounded pool. Access log lines go to the logger {@value #ACCESS_LOGGER}: client
 * address, method, path, status, time and size, never a header value.
 *
 * <p>Thread safe. {@link #close()} stops accepting, waits briefly for requests in flight and stops the pool; the
 * broker belongs to the caller.
 */
final class CredentialsEndpoint implements AutoCloseable {
    static final String ACCESS_LOGGER = "io.getport.ocean.aws.credentials.endpoint.access";
    private static final Logger LOG = LoggerFactory.getLogger(CredentialsEndpoint.class);
    private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/v1/accounts/";
    private static final String SUFFIX = "/credentials";
    private static final int RETRY_AFTER_SECONDS = 5;
    private static final long SEEN_FOR_MILLIS = Duration.ofHours(6).toMillis();

    /**
     * The JDK HttpServer's bounds, as system properties and the values the jar's main sets (unless given on the
     * command line): request headers at most 64 and 16 KiB, a request must arrive within 10 s and a response be
     * written within 10 s (slow clients are cut off), at most 512 connections, idle connections closed after 30 s.
     */
    static final Map<String, String> BOUNDS = Map.of(
            "sun.net.httpserver.maxReqHeaders", "64",
            "sun.net.httpserver.maxReqHeaderSize", "16384",
            "sun.net.httpserver.maxReqTime", "10",
            "sun.net.httpserver.maxRspTime", "10",
            "sun.net.httpserver.idleInterval", "30",
            "jdk.httpserver.maxConnections", "512",
            "sun.net.httpserver.nodelay", "true");

    /** What the endpoint serves from, and how. */
    record Config(ReadRoleBroker broker, boolean marginKept, InetAddress bindAddress, int port, String token,
            Clock clock, int threads, Duration keeperInterval) {
        Config {
            Objects.requireNonNull(broker, "broker");
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(keeperInterval, "keeperInterval");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0 to 65535, was " + port);
            }
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("--threads must be 1 to 256, was " + threads);
            }
        }
    }

    /** The port is taken by another process. */
    static final class PortInUseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Config config;
    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService keeper;
    private final byte[] token;
    private final int port;
    private final Map<String, Long> lastServed = new ConcurrentHashMap<>();
    private final Map<String, Instant> shortLived = new ConcurrentHashMap<>();

    private CredentialsEndpoint(Config config) {
        this.config = config;
        this.token = config.token().getBytes(StandardCharsets.UTF_8);
        if (!config.bindAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("bind address " + config.bindAddress().getHostAddress()
                    + " is not loopback");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 128);
        } catch (BindException e) {
            throw new PortInUseException("Port " + config.port() + " on " + config.bindAddress().getHostAddress()
                    + " is already in use (" + e.getMessage() + "): stop the other process or choose another --port",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + config.bindAddress().getHostAddress() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
        port = server.getAddress().getPort();
        pool = new ThreadPoolExecutor(config.threads(), config.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024), daemon("ocean-endpoint-http"));
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        keeper = Executors.newSingleThreadScheduledExecutor(daemon("ocean-endpoint-keeper"));
    }

    /**
     * Binds and starts serving.
     *
     * @throws PortInUseException when the port is taken
     * @throws IllegalArgumentException when the bind address is not loopback
     */
    static CredentialsEndpoint start(Config config) {
        CredentialsEndpoint endpoint = new CredentialsEndpoint(config);
        endpoint.server.start();
        if (!config.keeperInterval().isZero()) {
            long every = config.keeperInterval().toMillis();
            endpoint.keeper.scheduleWithFixedDelay(endpoint::keepFresh, every, every, TimeUnit.MILLISECONDS);
        }
        LOG.info("Serving read role credentials on http://{}:{}/v1/accounts/{{accountId}}/credentials (identity {},"
                + " {} threads, refresh margin {})", hostForUrl(config.bindAddress()), endpoint.port,
                config.broker().identity().source(), config.threads(),
                config.marginKept() ? EndpointBroker.MARGIN.toMinutes() + " min" : "the library's (short sessions)");
        return endpoint;
    }

    /** The port listened on (the chosen one when {@code --port 0}). */
    int port() {
        return port;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:9911}. */
    String baseUrl() {
        return "http://" + hostForUrl(config.bindAddress()) + ":" + port;
    }

    /** The server, for the benchmark's static comparison handler. */
    HttpServer httpServer() {
        return server;
    }

    private static String hostForUrl(InetAddress address) {
        String a = address.getHostAddress();
        return a.contains(":") ? "[::1]" : a;
    }

    // ---------------------------------------------------------------------------------------------------- requests

    private void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        int status = 500;
        int size = 0;
        try {
            Response r = route(exchange);
            status = r.status;
            size = r.body.length;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (r.retryAfter) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            }
            if (r.status == 405) {
                exchange.getResponseHeaders().set("Allow", "GET");
            }
            exchange.sendResponseHeaders(r.status, r.body.length);
            exchange.getResponseBody().write(r.body);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Request from {} ended early: {}", exchange.getRemoteAddress(), e.getClass().getSimpleName());
        } finally {
            exchange.close();
            if (ACCESS.isInfoEnabled()) {
                ACCESS.info("{} {} {} {} {}us {}B", exchange.getRemoteAddress().getAddress().getHostAddress(),
                        printable(exchange.getRequestMethod(), 16), printable(exchange.getRequestURI().getRawPath(),
                                128), status, (System.nanoTime() - started) / 1000, size);
            }
        }
    }

    private Response route(HttpExchange exchange) {
        List<String> hosts = exchange.getRequestHeaders().get("Host");
        if (hosts == null || hosts.size() != 1 || !Loopback.isOwnHost(hosts.get(0), port)) {
            return error(403, "ForbiddenHost", "The Host header must name this endpoint: 127.0.0.1:" + port
                    + ", localhost:" + port + " or [::1]:" + port + ". Requests for other names are refused"
                    + " (DNS rebinding protection); use http://127.0.0.1:" + port + " as the URL");
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (exchange.getRequestHeaders().containsKey("Transfer-Encoding")
                || (length != null && !length.strip().equals("0"))) {
            return error(413, "RequestTooLarge", "Requests to this endpoint carry no body");
        }
        String path = exchange.getRequestURI().getRawPath();
        boolean get = "GET".equals(exchange.getRequestMethod());
        if ("/healthz".equals(path)) {
            return get ? health() : methodNotAllowed();
        }
        if (path == null || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)
                || path.length() < PREFIX.length() + SUFFIX.length()) {
            return error(404, "NotFound", "No such resource; credentials are at GET /v1/accounts/{accountId}"
                    + "/credentials, health at GET /healthz");
        }
        String account = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        if (account.indexOf('/') >= 0) {
            return error(404, "NotFound", "No such resource; credentials are at GET /v1/accounts/{accountId}"
                    + "/credentials");
        }
        if (!get) {
            return methodNotAllowed();
        }
        List<String> auth = exchange.getRequestHeaders().get("Authorization");
        if (auth == null || auth.isEmpty()) {
            return error(401, "MissingAuthorization", "Send the endpoint's token in the Authorization header: set"
                    + " AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE to the file given to 'serve --token-file'");
        }
        if (auth.size() != 1 || !MessageDigest.isEqual(token, auth.get(0).strip().getBytes(StandardCharsets.UTF_8))) {
            return error(403, "InvalidToken", "The Authorization token is not this endpoint's; read it from the"
                    + " file given to 'serve --token-file' (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)");
        }
        if (!isAccountId(account)) {
            return error(400, "MalformedAccountId", "The account ID must be exactly 12 digits, was '"
                    + printable(account, 40) + "'");
        }
        return credentials(account);
    }

    private static boolean isAccountId(String s) {
        if (s.length() != 12) {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private Response credentials(String account) {
        AwsReadSession session;
        AwsCredentials credentials;
        try {
            session = config.broker().forAccount(account);
            credentials = session.credentialsProvider().resolveCredentials();
        } catch (ReadRoleException e) {
            return refusal(account, e);
        } catch (IllegalArgumentException e) {
            return error(400, "MalformedAccountId", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Credentials for account {} failed unexpectedly: {}", account, e.getClass().getName());
            return error(500, "InternalError", "The endpoint failed to get credentials for account " + account
                    + "; see its log");
        }
        if (!(credentials instanceof AwsSessionCredentials)
                || ((AwsSessionCredentials) credentials).expirationTime().isEmpty()) {
            return error(500, "InternalError", "The broker returned credentials without a session token or expiry");
        }
        AwsSessionCredentials c = (AwsSessionCredentials) credentials;
        Instant expiration = c.expirationTime().get();
        long now = config.clock().millis();
        // Written at most once a minute per account: a map write per request contends under load.
        Long seen = lastServed.get(account);
        if (seen == null || now - seen > 60_000) {
            lastServed.put(account, now);
        }
        checkMargin(account, expiration, now);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("AccessKeyId", c.accessKeyId());
        body.put("SecretAccessKey", c.secretAccessKey());
        body.put("Token", c.sessionToken());
        body.put("Expiration", expiration.truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("RoleArn", session.roleArn());
        return new Response(200, json(body), false);
    }

    private void checkMargin(String account, Instant expiration, long now) {
        if (!config.marginKept()) {
            return;
        }
        long left = expiration.toEpochMilli() - now;
        if (left >= EndpointBroker.MARGIN.toMillis()) {
            if (!shortLived.isEmpty()) {
                shortLived.remove(account);
            }
            return;
        }
        Instant previous = shortLived.put(account, expiration);
        if (!expiration.equals(previous)) {
            LOG.warn("Serving credentials for account {} that expire in {} s (at {}), less than the {} min the"
                    + " endpoint keeps: the refresh has not succeeded yet (see /healthz for STS state); clients"
                    + " refresh them on every call until it does", account, left / 1000, expiration,
                    EndpointBroker.MARGIN.toMinutes());
        }
    }

    private Response refusal(String account, ReadRoleException e) {
        String role = e.roleArn().orElseGet(() -> config.broker().roleArn(account));
        String message = e.getMessage() == null ? e.reason().name() : e.getMessage();
        if (!message.contains(role)) {
            message = message + " (read role " + role + ")";
        }
        switch (e.reason()) {
            case ACCESS_DENIED:
                return error(403, "AccessDenied", message);
            case NOT_ALLOWED:
                return error(403, "NotAllowed", message);
            case STS_UNAVAILABLE:
            case REFRESH_TIMEOUT:
                return new Response(503, json(errorBody("StsUnavailable", message)), true);
            case CLOSED:
                return new Response(503, json(errorBody("ShuttingDown", "The endpoint is shutting down")), true);
            default:
                return error(500, "EndpointMisconfigured", message);
        }
    }

    private Response health() {
        BrokerHealth h = config.broker().health();
        Map<String, Object> body = new LinkedHashMap<>();
        // Serving credentials with less than the margin left is degraded too, though the broker may not count it.
        boolean underMargin = !shortLived.isEmpty();
        body.put("status", h.status() == BrokerHealth.Status.UP && underMargin ? "DEGRADED" : h.status().name());
        body.put("identitySource", h.identity().source());
        body.put("region", h.identity().region().id());
        h.identity().basePrincipal().ifPresent(p -> body.put("basePrincipal", p));
        body.put("cachedAccounts", h.cachedAccounts());
        body.put("stsCircuit", h.circuitState());
        List<Map<String, Object>> failing = new ArrayList<>();
        for (BrokerHealth.AccountFailure f : h.failingAccounts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accountId", f.accountId());
            m.put("roleArn", f.roleArn());
            m.put("reason", f.reason().name());
            f.errorCode().ifPresent(code -> m.put("errorCode", code));
            m.put("servingCached", f.servingCached());
            failing.add(m);
        }
        body.put("failingAccounts", failing);
        h.earliestExpiry().ifPresent(t -> body.put("earliestExpiry", t.truncatedTo(ChronoUnit.SECONDS).toString()));
        body.put("refreshMarginMinutes", config.marginKept() ? EndpointBroker.MARGIN.toMinutes() : 0);
        List<Map<String, Object>> shortOnes = new ArrayList<>();
        shortLived.forEach((account, expiry) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accountId", account);
            m.put("expiration", expiry.truncatedTo(ChronoUnit.SECONDS).toString());
            shortOnes.add(m);
        });
        body.put("servedUnderMargin", shortOnes);
        int status = h.status() == BrokerHealth.Status.DOWN ? 503 : 200;
        return new Response(status, json(body), false);
    }

    /**
     * Touches every account served in the last 6 hours, so the broker's planned refresh (at the account's own phase,
     * at least the outage buffer plus the mandatory window before expiry) starts even when no client asks at that
     * time. A touch of warm credentials is a cache read; it makes no STS call itself, and a refresh it triggers runs on
     * the broker's threads. Runs every keeper interval.
     */
    void keepFresh() {
        long now = config.clock().millis();
        lastServed.entrySet().removeIf(e -> now - e.getValue() > SEEN_FOR_MILLIS);
        for (String account : lastServed.keySet()) {
            try {
                config.broker().forAccount(account).warmUp();
            } catch (RuntimeException e) {
                LOG.debug("Keeper: account {} not refreshed now: {}", account, e.getClass().getSimpleName());
            }
        }
    }

    private static Response methodNotAllowed() {
        return error(405, "MethodNotAllowed", "Only GET is supported");
    }

    private static Response error(int status, String code, String message) {
        return new Response(status, json(errorBody(code, message)), false);
    }

    private static Map<String, Object> errorBody(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        return body;
    }

    private static byte[] json(Map<String, Object> body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** At most {@code max} characters, control and non-ASCII characters replaced: safe in one log line. */
    static String printable(String s, int max) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (s.length() > max) {
            b.append("...");
        }
        return b.toString();
    }

    private record Response(int status, byte[] body, boolean retryAfter) {
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops accepting, lets requests in flight finish (up to about a second), stops the threads. Idempotent. */
    @Override
    public void close() {
        if (pool.isShutdown()) {
            return;
        }
        keeper.shutdownNow();
        server.stop(1);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
        LOG.info("Stopped serving on port {}", port);
    }

    @Override
    public String toString() {
        return "CredentialsEndpoint(" + baseUrl() + ", identity=" + config.broker().identity().source() + ")";
    }
}
