package io.getport.ocean.aws.credentials.testkit.fake;

import java.time.Duration;
import java.util.Objects;

/**
 * What a fake server does with one request instead of (or before) answering it normally.
 *
 * <p>Faults are immutable values; hand them to {@link FakeServer#enqueue(Fault...)} for the next requests or return
 * them from a {@link FakeServer#onRequest(java.util.function.Function) per-request rule}.
 */
public final class Fault {

    private enum Kind { NONE, STATUS, DELAY, HANG, CLOSE, TRICKLE, HEADERS_THEN_HANG, CLOSE_EARLY, CHUNKED }

    private static final Fault NONE = new Fault(Kind.NONE, 0, null, null, null, null);
    private static final Fault HANG = new Fault(Kind.HANG, 0, null, null, null, null);
    private static final Fault CLOSE = new Fault(Kind.CLOSE, 0, null, null, null, null);

    private final Kind kind;
    private final int status;
    private final String contentType;
    private final String body;
    private final Duration delay;
    private final Fault then;

    private Fault(Kind kind, int status, String contentType, String body, Duration delay, Fault then) {
        this.kind = kind;
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.delay = delay;
        this.then = then;
    }

    /** No fault: the server answers as the real service would. */
    public static Fault none() {
        return NONE;
    }

    /** Answers with {@code status} and an empty body. */
    public static Fault status(int status) {
        return status(status, "text/plain", "");
    }

    /** Answers with {@code status} and this body. */
    public static Fault status(int status, String contentType, String body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be between 100 and 599, was " + status);
        }
        return new Fault(Kind.STATUS, status, Objects.requireNonNull(contentType, "contentType"),
                Objects.requireNonNull(body, "body"), null, null);
    }

    /** Waits {@code delay}, then answers normally (latency). */
    public static Fault delay(Duration delay) {
        return delay(delay, NONE);
    }

    /** Waits {@code delay}, then applies {@code then}. */
    public static Fault delay(Duration delay, Fault then) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        return new Fault(Kind.DELAY, 0, null, null, delay, Objects.requireNonNull(then, "then"));
    }

    /**
     * Holds the request without answering until {@link FakeServer#releaseHangs()} (then answers normally) or
     * {@link FakeServer#close()} (then drops the connection). Clients see a read timeout.
     */
    public static Fault hang() {
        return HANG;
    }

    /** Closes the connection without sending a response (clients see an I/O error). */
    public static Fault closeConnection() {
        return CLOSE;
    }

    /**
     * Sends the status line and headers at once (declaring the body's length), then the body one byte every
     * {@code interval}, until it is sent, the client goes away, or the server closes: the slow answer that a per-read
     * timeout never ends.
     */
    public static Fault trickle(Duration interval, int status, String contentType, String body) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        status(status, contentType, body);
        return new Fault(Kind.TRICKLE, status, contentType, body, interval, null);
    }

    /**
     * Sends a 200 status line and headers declaring {@code declaredLength} bytes of body, then nothing until
     * {@link FakeServer#releaseHangs()} or {@link FakeServer#close()} (then drops the connection).
     */
    public static Fault headersThenHang(int declaredLength) {
        if (declaredLength < 1) {
            throw new IllegalArgumentException("declaredLength must be at least 1, was " + declaredLength);
        }
        // For this kind, "status" holds the declared length (the status sent is 200).
        return new Fault(Kind.HEADERS_THEN_HANG, declaredLength, "application/json", "", null, null);
    }

    /**
     * Sends a 200 status line and headers declaring {@code declaredLength} bytes, then {@code partialBody} (shorter),
     * then closes the connection.
     */
    public static Fault closeEarly(int declaredLength, String partialBody) {
        if (partialBody.length() >= declaredLength) {
            throw new IllegalArgumentException("partialBody must be shorter than declaredLength");
        }
        // For this kind, "status" holds the declared length (the status sent is 200).
        return new Fault(Kind.CLOSE_EARLY, declaredLength, "application/json", partialBody, null, null);
    }

    /** Answers {@code status} with this body in chunked transfer encoding (no Content-Length). */
    public static Fault chunked(int status, String contentType, String body) {
        status(status, contentType, body);
        return new Fault(Kind.CHUNKED, status, contentType, body, null, null);
    }

    /** A 200 JSON answer of {@code bytes} bytes (a JSON object with one long string), with a Content-Length. */
    public static Fault oversized(int bytes) {
        if (bytes < 16) {
            throw new IllegalArgumentException("bytes must be at least 16, was " + bytes);
        }
        return status(200, "application/json", "{\"Padding\":\"" + "x".repeat(bytes - 14) + "\"}");
    }

    boolean isTrickle() {
        return kind == Kind.TRICKLE;
    }

    boolean isHeadersThenHang() {
        return kind == Kind.HEADERS_THEN_HANG;
    }

    boolean isCloseEarly() {
        return kind == Kind.CLOSE_EARLY;
    }

    boolean isChunked() {
        return kind == Kind.CHUNKED;
    }

    /** Whether this is {@link #none()}. */
    public boolean isNone() {
        return kind == Kind.NONE;
    }

    boolean isStatus() {
        return kind == Kind.STATUS;
    }

    boolean isDelay() {
        return kind == Kind.DELAY;
    }

    boolean isHang() {
        return kind == Kind.HANG;
    }

    boolean isClose() {
        return kind == Kind.CLOSE;
    }

    int statusCode() {
        return status;
    }

    String contentType() {
        return contentType;
    }

    String body() {
        return body;
    }

    Duration delayDuration() {
        return delay;
    }

    Fault then() {
        return then;
    }

    @Override
    public String toString() {
        switch (kind) {
            case STATUS:
                return "Fault[status " + status + "]";
            case DELAY:
                return "Fault[delay " + delay + " then " + then + "]";
            case TRICKLE:
                return "Fault[trickle " + status + " every " + delay + "]";
            default:
                return "Fault[" + kind.name().toLowerCase(java.util.Locale.ROOT) + "]";
        }
    }
}
