package io.getport.ocean.aws.credentials.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The stand-in STS of the issue-13 scenarios: answers {@code AssumeRole} (and {@code GetCallerIdentity}) in the STS
 * query protocol's XML, and enforces a per-second request quota the way STS does, with {@code Throttling}.
 *
 * <p>Why a second fake next to the test kit's {@code FakeSts}: that one is protocol-faithful (it validates every
 * parameter and records every request, which is what the library's tests need) but keeps every request in memory and
 * issues 317-character session tokens. The scenarios here need a quota with a fixed or sliding window, another
 * process's share of that quota, 800-character session tokens (what real sessions with a session policy look like),
 * counts per account (successful and throttled) without recording requests, and calls per second of an injected
 * clock. It parses only what it answers with: the action, {@code RoleArn}, {@code RoleSessionName},
 * {@code DurationSeconds}.
 *
 * <ul>
 *   <li><b>Quota</b> ({@code quotaPerSecond}, default 600, STS's default): at most that many requests are admitted in
 *   any window of one second of real (monotonic) time, either sliding (any 1-second interval) or fixed (per calendar
 *   second of {@link System#nanoTime()}); requests beyond it are answered {@code 400 Throttling: Rate exceeded} and do
 *   not count towards the quota.</li>
 *   <li><b>Another process</b> ({@code othersPerSecond}): another user of the same account's quota, modelled as a
 *   constant share of every window: this client is admitted {@code quotaPerSecond - othersPerSecond} per window.</li>
 *   <li><b>Latency</b>: every answer (also errors) is delayed by {@code latency} on a server thread; the quota
 *   decision is taken on arrival, as STS does.</li>
 *   <li><b>Outage</b>: {@link #outage(boolean)} makes every request fail with {@code 503 ServiceUnavailable}.</li>
 *   <li><b>Counts</b>: requests, successful AssumeRole per account, throttled, failed by the outage, peak concurrent
 *   requests, AssumeRole requests per second of {@code clock} (the injected clock in S3).</li>
 * </ul>
 *
 * Thread-safe. Binds 127.0.0.1 only.
 */
final class QuotaSts implements AutoCloseable {
    static final String XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final int MAX_BODY = 64 * 1024;
    private static final char[] TOKEN_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    /**
     * @param quotaPerSecond requests admitted per window; 0 never throttles
     * @param othersPerSecond the share of the quota another process consumes
     * @param slidingWindow any 1-second interval (true) or calendar seconds of the monotonic clock (false)
     * @param latency delay of every answer
     * @param tokenChars length of each issued session token
     * @param threads server threads (more than the callers' concurrency, so the fake is not the bottleneck)
     */
    record Config(int quotaPerSecond, int othersPerSecond, boolean slidingWindow, Duration latency, int tokenChars,
                  int threads) {
        Config {
            if (quotaPerSecond < 0 || othersPerSecond < 0 || (quotaPerSecond > 0 && othersPerSecond >= quotaPerSecond)) {
                throw new IllegalArgumentException("quota must be >= 0 and others below it, was quota "
                        + quotaPerSecond + " others " + othersPerSecond);
            }
            if (tokenChars < 16 || threads < 1 || latency.isNegative()) {
                throw new IllegalArgumentException("tokenChars >= 16, threads >= 1, latency >= 0; was " + tokenChars
                        + ", " + threads + ", " + latency);
            }
        }

        /** Requests per second this client may make. */
        int available() {
            return quotaPerSecond == 0 ? Integer.MAX_VALUE : quotaPerSecond - othersPerSecond;
        }

        static Config of(int quota, int others, Duration latency) {
            return new Config(quota, others, true, latency, 800, 256);
        }

        String[] toArgs() {
            return new String[] {"--quota", Integer.toString(quotaPerSecond), "--others", Integer.toString(othersPerSecond),
                "--window", slidingWindow ? "sliding" : "fixed", "--latency-ms", Long.toString(latency.toMillis()),
                "--token-chars", Integer.toString(tokenChars), "--threads", Integer.toString(threads)};
        }

        static Config fromArgs(Args a) {
            String window = a.string("window", "sliding");
            if (!window.equals("sliding") && !window.equals("fixed")) {
                throw new IllegalArgumentException("option --window must be sliding or fixed, was " + window);
            }
            return new Config(a.intValue("quota", ScaleSimulation.STS_QUOTA_PER_SECOND), a.intValue("others", 0),
                    window.equals("sliding"), Duration.ofMillis(a.longValue("latency-ms", 20)),
                    a.intValue("token-chars", 800), a.intValue("threads", 256));
        }
    }

    /**
     * What the fake saw. {@code accountsExactlyOnce}: accounts with exactly one successful AssumeRole;
     * {@code maxOkPerAccount}: the most successful AssumeRole calls for one account.
     */
    record Stats(long requests, long ok, long throttled, long unavailable, int accounts, int accountsExactlyOnce,
                 int maxOkPerAccount, int peakInFlight) {

        double throttledShare() {
            return requests == 0 ? 0 : (double) throttled / requests;
        }

        String line() {
            return "stats " + requests + " " + ok + " " + throttled + " " + unavailable + " " + accounts + " "
                    + accountsExactlyOnce + " " + maxOkPerAccount + " " + peakInFlight;
        }

        static Stats parse(String line) {
            String[] p = line.trim().split("\\s+");
            if (p.length != 9 || !p[0].equals("stats")) {
                throw new IllegalStateException("unexpected stats line from the stand-in STS: " + line);
            }
            return new Stats(Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]), Long.parseLong(p[4]),
                    Integer.parseInt(p[5]), Integer.parseInt(p[6]), Integer.parseInt(p[7]), Integer.parseInt(p[8]));
        }
    }

    private final Config config;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService pool;
    private final Object quotaLock = new Object();
    private final ArrayDeque<Long> admitted = new ArrayDeque<>();
    private long fixedWindowSecond = Long.MIN_VALUE;
    private int fixedWindowCount;
    private volatile boolean outage;
    private final LongAdder requests = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> okByAccount = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> assumeRolePerSecond = new ConcurrentHashMap<>();

    private QuotaSts(Config config, Clock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "quota-sts-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    static QuotaSts start(Config config, Clock clock) {
        try {
            return new QuotaSts(config, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the stand-in STS", e);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    Config config() {
        return config;
    }

    /** While on, every request is answered {@code 503 ServiceUnavailable}. */
    void outage(boolean on) {
        this.outage = on;
    }

    Stats stats() {
        int exactlyOnce = 0;
        int max = 0;
        for (AtomicInteger c : okByAccount.values()) {
            int v = c.get();
            if (v == 1) {
                exactlyOnce++;
            }
            max = Math.max(max, v);
        }
        return new Stats(requests.sum(), ok.sum(), throttled.sum(), unavailable.sum(), okByAccount.size(), exactlyOnce,
                max, peakInFlight.get());
    }

    /** Successful AssumeRole answers so far (cheap; {@link #stats()} walks every account). */
    long okCount() {
        return ok.sum();
    }

    /** Requests in progress at the server right now. */
    int inFlight() {
        return inFlight.get();
    }

    /** Successful AssumeRole answers for one account. */
    int okFor(String accountId) {
        AtomicInteger c = okByAccount.get(accountId);
        return c == null ? 0 : c.get();
    }

    /** AssumeRole requests (any answer) by epoch second of the fake's clock, in order. */
    Map<Long, Integer> assumeRolePerSecond() {
        Map<Long, Integer> out = new TreeMap<>();
        assumeRolePerSecond.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private boolean admit() {
        int limit = config.available();
        if (config.quotaPerSecond() == 0) {
            return true;
        }
        long now = System.nanoTime();
        synchronized (quotaLock) {
            if (config.slidingWindow()) {
                long second = TimeUnit.SECONDS.toNanos(1);
                while (!admitted.isEmpty() && now - admitted.peekFirst() >= second) {
                    admitted.removeFirst();
                }
                if (admitted.size() >= limit) {
                    return false;
                }
                admitted.addLast(now);
                return true;
            }
            long s = Math.floorDiv(now, TimeUnit.SECONDS.toNanos(1));
            if (s != fixedWindowSecond) {
                fixedWindowSecond = s;
                fixedWindowCount = 0;
            }
            if (fixedWindowCount >= limit) {
                return false;
            }
            fixedWindowCount++;
            return true;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
        try {
            Map<String, String> form = form(exchange);
            String action = form.getOrDefault("Action", "");
            requests.increment();
            boolean assumeRole = action.equals("AssumeRole");
            if (assumeRole) {
                assumeRolePerSecond.computeIfAbsent(clock.millis() / 1000, k -> new AtomicInteger()).incrementAndGet();
            }
            int status;
            String body;
            if (outage) {
                unavailable.increment();
                status = 503;
                body = error("Receiver", "ServiceUnavailable", "Service is unavailable. Please try again later.");
            } else if (!admit()) {
                throttled.increment();
                status = 400;
                body = error("Sender", "Throttling", "Rate exceeded");
            } else if (assumeRole) {
                String roleArn = form.get("RoleArn");
                String session = form.getOrDefault("RoleSessionName", "session");
                String account = accountOf(roleArn);
                if (account == null) {
                    status = 400;
                    body = error("Sender", "ValidationError", "Request ARN is invalid");
                } else {
                    long duration = Long.parseLong(form.getOrDefault("DurationSeconds", "3600"));
                    status = 200;
                    body = assumeRole(account, roleArn, session, duration);
                    ok.increment();
                    okByAccount.computeIfAbsent(account, k -> new AtomicInteger()).incrementAndGet();
                }
            } else if (action.equals("GetCallerIdentity")) {
                status = 200;
                body = "<GetCallerIdentityResponse xmlns=\"" + XMLNS + "\"><GetCallerIdentityResult>"
                        + "<Arn>arn:aws:iam::111111111111:user/port-ocean-base</Arn><UserId>AIDABENCHMARK</UserId>"
                        + "<Account>111111111111</Account></GetCallerIdentityResult>" + metadata()
                        + "</GetCallerIdentityResponse>";
            } else {
                status = 400;
                body = error("Sender", "InvalidAction", "Could not find operation " + action);
            }
            Duration latency = config.latency();
            if (!latency.isZero()) {
                try {
                    Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new IOException("request body over " + MAX_BODY + " bytes");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null && !query.isEmpty()) {
            text = text.isEmpty() ? query : text + "&" + query;
        }
        Map<String, String> out = new HashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    /** The 12-digit account of {@code arn:aws:iam::<account>:role/...}, or null. */
    static String accountOf(String roleArn) {
        if (roleArn == null || !roleArn.startsWith("arn:aws:iam::") || roleArn.length() < 26
                || roleArn.charAt(25) != ':') {
            return null;
        }
        String account = roleArn.substring(13, 25);
        for (int i = 0; i < 12; i++) {
            if (account.charAt(i) < '0' || account.charAt(i) > '9') {
                return null;
            }
        }
        return account;
    }

    private String assumeRole(String account, String roleArn, String session, long durationSeconds) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        Instant expiration = clock.instant().plusSeconds(durationSeconds).truncatedTo(ChronoUnit.SECONDS);
        return "<AssumeRoleResponse xmlns=\"" + XMLNS + "\"><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::"
                + account + ":assumed-role/" + roleName + "/" + session + "</Arn><AssumedRoleId>AROA"
                + random(r, 17, true) + ":" + session + "</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIA"
                + random(r, 16, true) + "</AccessKeyId><SecretAccessKey>" + random(r, 40, false)
                + "</SecretAccessKey><SessionToken>" + random(r, config.tokenChars(), false)
                + "</SessionToken><Expiration>" + expiration + "</Expiration></Credentials></AssumeRoleResult>"
                + metadata() + "</AssumeRoleResponse>";
    }

    private static String random(ThreadLocalRandom r, int n, boolean upperAlnum) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = upperAlnum ? TOKEN_ALPHABET[r.nextInt(26)] : TOKEN_ALPHABET[r.nextInt(TOKEN_ALPHABET.length)];
        }
        return new String(c);
    }

    private static String metadata() {
        return "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>";
    }

    private static String error(String type, String code, String message) {
        return "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>" + type + "</Type><Code>" + code
                + "</Code><Message>" + message + "</Message></Error><RequestId>" + UUID.randomUUID()
                + "</RequestId></ErrorResponse>";
    }
}
