package io.getport.ocean.aws.credentials.testkit.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every fake has in common: an HTTP server on {@code 127.0.0.1} and a free port, a recording of every request,
 * counters of concurrent requests, and fault injection.
 *
 * <p>Each request is answered on a pool thread (32 by default), so a request that hangs does not hold up the others.
 * Its answer is decided in this order: the next {@link #enqueue(Fault...) queued fault}; else the
 * {@link #onRequest(Function) per-request rule}; else the fake's own configured faults (such as
 * {@link FakeSts#throttle(double, long)}); else the normal, protocol-faithful answer.
 *
 * <p>Thread safety: every method may be called from any thread while requests are served. Lifecycle: the server
 * listens from its {@code start()} until {@link #close()}, which releases hung requests (dropping their connections) and
 * stops the threads.
 */
public abstract sealed class FakeServer implements AutoCloseable
        permits FakeSts, FakeContainerCredentialsEndpoint, FakeImds {

    static final int DEFAULT_THREADS = 32;
    private static final Logger LOG = LoggerFactory.getLogger(FakeServer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI endpoint;
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final Queue<Fault> queued = new ConcurrentLinkedQueue<>();
    private volatile Function<RecordedRequest, Fault> rule = request -> Fault.none();

    // Guarded by "monitor", which also signals waiters of awaitRequests/awaitHanging and hung requests.
    private final Object monitor = new Object();
    private long sequence;
    private int inFlight;
    /** Requests received whose answer has not started to be written: what {@link #peakInFlight()} counts. */
    private int active;
    private int peakInFlight;
    private int hanging;
    private long releases;
    private boolean closed;

    FakeServer(String name, Clock clock, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.name = name;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Executors.newFixedThreadPool(threads, daemonThreads(name));
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("could not bind " + name + " to 127.0.0.1", e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /** A snapshot of every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        synchronized (monitor) {
            return List.copyOf(requests);
        }
    }

    /** How many requests were received (including faulted ones). */
    public int requestCount() {
        synchronized (monitor) {
            return requests.size();
        }
    }

    /** The newest request, if any. */
    public Optional<RecordedRequest> lastRequest() {
        synchronized (monitor) {
            return requests.isEmpty() ? Optional.empty() : Optional.of(requests.get(requests.size() - 1));
        }
    }

    /** Forgets the recorded requests and resets the peak concurrency to the current one. */
    public void clearRequests() {
        synchronized (monitor) {
            requests.clear();
            peakInFlight = active;
        }
    }

    /** Requests being served right now (hung and delayed ones included). */
    public int inFlight() {
        synchronized (monitor) {
            return inFlight;
        }
    }

    /**
     * The most requests that were served at the same time, each counted from its receipt until its answer starts to
     * be written (or the connection is dropped). So a client that holds N permits until it has read an answer is never
     * seen above N, however the threads are scheduled: the count ends before the client can have the answer.
     */
    public int peakInFlight() {
        synchronized (monitor) {
            return peakInFlight;
        }
    }

    /** Requests currently held by {@link Fault#hang()}. */
    public int hanging() {
        synchronized (monitor) {
            return hanging;
        }
    }

    /** Applies these faults, in order, to the next requests (one each), before any other rule. */
    public void enqueue(Fault... faults) {
        for (Fault fault : faults) {
            queued.add(Objects.requireNonNull(fault, "fault"));
        }
    }

    /**
     * Decides a fault for every request (return {@link Fault#none()} to answer normally). Replaces the previous rule.
     * The rule runs on server threads, possibly concurrently.
     */
    public void onRequest(Function<RecordedRequest, Fault> rule) {
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** Drops the queued faults and the per-request rule (not the fake's own settings). */
    public void clearFaults() {
        queued.clear();
        rule = request -> Fault.none();
    }

    /** Lets every currently hung request continue with a normal answer. */
    public void releaseHangs() {
        synchronized (monitor) {
            releases++;
            monitor.notifyAll();
        }
    }

    /** Waits until at least {@code count} requests were received; false on timeout. */
    public boolean awaitRequests(int count, Duration timeout) {
        return awaitCondition(() -> requests.size() >= count, timeout);
    }

    /** Waits until at least {@code count} requests are hung; false on timeout. */
    public boolean awaitHanging(int count, Duration timeout) {
        return awaitCondition(() -> hanging >= count, timeout);
    }

    /** Waits until no request is being served; false on timeout. */
    public boolean awaitIdle(Duration timeout) {
        return awaitCondition(() -> inFlight == 0, timeout);
    }

    /** Stops listening, drops hung requests' connections and stops the threads (bounded wait). Idempotent. */
    @Override
    public void close() {
        synchronized (monitor) {
            if (closed) {
                return;
            }
            closed = true;
            monitor.notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} threads did not stop within {}", name, CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "[" + endpoint + "]";
    }

    /** Starts answering; called by the subclass builders once the subclass is fully constructed. */
    final <T extends FakeServer> T startServing(Class<T> type) {
        server.start();
        return type.cast(this);
    }

    /** The current time by the injected clock. */
    Instant now() {
        return clock.instant();
    }

    Clock clock() {
        return clock;
    }

    /** The fake's own faults, applied when neither the queue nor the rule chose one. */
    Fault configuredFault(RecordedRequest request) {
        return Fault.none();
    }

    /** The protocol-faithful answer. */
    abstract Response respond(RecordedRequest request);

    /** An HTTP answer. */
    record Response(int status, String contentType, String body, Map<String, String> headers) {

        static Response of(int status, String contentType, String body) {
            return new Response(status, contentType, body, Map.of());
        }

        static Response json(int status, String body) {
            return of(status, "application/json", body);
        }

        static Response text(int status, String body) {
            return of(status, "text/plain", body);
        }
    }

    private void serve(HttpExchange exchange) {
        boolean[] counted = {true};
        synchronized (monitor) {
            inFlight++;
            active++;
            peakInFlight = Math.max(peakInFlight, active);
        }
        try {
            RecordedRequest request = record(exchange);
            Fault fault = queued.poll();
            if (fault == null) {
                fault = Objects.requireNonNullElse(rule.apply(request), Fault.none());
            }
            if (fault.isNone()) {
                fault = configuredFault(request);
            }
            apply(exchange, request, fault, counted);
        } catch (IOException e) {
            LOG.debug("{}: client went away: {}", name, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("{}: failed to answer a request", name, e);
            trySend(exchange, Response.text(500, name + " failed: " + e));
        } finally {
            // Without a response sent, this drops the connection: that is how Fault.closeConnection() works.
            answering(counted);
            exchange.close();
            synchronized (monitor) {
                inFlight--;
                monitor.notifyAll();
            }
        }
    }

    /** The answer starts (or the request ends without one): it no longer counts towards the peak. */
    private void answering(boolean[] counted) {
        if (counted[0]) {
            counted[0] = false;
            synchronized (monitor) {
                active--;
            }
        }
    }

    private void apply(HttpExchange exchange, RecordedRequest request, Fault first, boolean[] counted)
            throws IOException {
        Fault fault = first;
        while (true) {
            if (fault.isDelay()) {
                if (!pause(fault.delayDuration())) {
                    return;
                }
                fault = fault.then();
            } else if (fault.isHang()) {
                if (!hang()) {
                    return;
                }
                fault = Fault.none();
            } else if (fault.isClose()) {
                return;
            } else if (fault.isTrickle()) {
                trickle(exchange, fault);
                return;
            } else if (fault.isHeadersThenHang()) {
                exchange.getResponseHeaders().set("Content-Type", fault.contentType());
                exchange.sendResponseHeaders(200, fault.statusCode());
                exchange.getResponseBody().flush();
                hang();
                return;
            } else if (fault.isCloseEarly()) {
                exchange.getResponseHeaders().set("Content-Type", fault.contentType());
                exchange.sendResponseHeaders(200, fault.statusCode());
                OutputStream out = exchange.getResponseBody();
                out.write(fault.body().getBytes(StandardCharsets.UTF_8));
                out.flush();
                // Dropping the connection with the declared length unsent (exchange.close() in serve).
                return;
            } else if (fault.isChunked()) {
                exchange.getResponseHeaders().set("Content-Type", fault.contentType());
                exchange.sendResponseHeaders(fault.statusCode(), 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(fault.body().getBytes(StandardCharsets.UTF_8));
                }
                return;
            } else if (fault.isStatus()) {
                answering(counted);
                send(exchange, Response.of(fault.statusCode(), fault.contentType(), fault.body()));
                return;
            } else {
                Response response = respond(request);
                answering(counted);
                send(exchange, response);
                return;
            }
        }
    }

    /** Headers at once, then one byte per interval until done, the client leaves, or the server closes. */
    private void trickle(HttpExchange exchange, Fault fault) throws IOException {
        byte[] body = fault.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", fault.contentType());
        exchange.sendResponseHeaders(fault.statusCode(), body.length == 0 ? -1 : body.length);
        OutputStream out = exchange.getResponseBody();
        out.flush();
        for (byte b : body) {
            if (!pause(fault.delayDuration())) {
                return;
            }
            out.write(b);
            out.flush();
        }
        out.close();
    }

    private RecordedRequest record(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        String body = new String(bytes, StandardCharsets.UTF_8);
        URI uri = exchange.getRequestURI();
        Map<String, String> params = Texts.parseForm(uri.getRawQuery(), Texts.newParams());
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            Texts.parseForm(body, params);
        }
        synchronized (monitor) {
            RecordedRequest request = new RecordedRequest(++sequence, clock.instant(), exchange.getRequestMethod(),
                    uri.getPath(), uri.getRawQuery() == null ? "" : uri.getRawQuery(), exchange.getRequestHeaders(),
                    params, body);
            requests.add(request);
            monitor.notifyAll();
            return request;
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        response.headers().forEach((header, value) -> exchange.getResponseHeaders().set(header, value));
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void trySend(HttpExchange exchange, Response response) {
        try {
            send(exchange, response);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: could not send the error answer: {}", name, e.toString());
        }
    }

    /** Waits out a delay; false if the server closed meanwhile. */
    private boolean pause(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        synchronized (monitor) {
            long remaining;
            while (!closed && (remaining = deadline - System.nanoTime()) > 0) {
                if (!waitOnMonitor(remaining)) {
                    return false;
                }
            }
            return !closed;
        }
    }

    /** Holds the request until released; false if the server closed meanwhile. */
    private boolean hang() {
        synchronized (monitor) {
            long generation = releases;
            hanging++;
            monitor.notifyAll();
            try {
                while (!closed && releases == generation) {
                    if (!waitOnMonitor(Long.MAX_VALUE)) {
                        return false;
                    }
                }
                return !closed;
            } finally {
                hanging--;
                monitor.notifyAll();
            }
        }
    }

    private boolean awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            long remaining;
            while (!condition.getAsBoolean()) {
                remaining = deadline - System.nanoTime();
                if (remaining <= 0 || !waitOnMonitor(remaining)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Waits on the monitor (held by the caller); false if interrupted, with the interrupt flag restored. */
    private boolean waitOnMonitor(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(monitor, Math.min(nanos, TimeUnit.SECONDS.toNanos(1)));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
