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

    private enum Kind { NONE, STATUS, DELAY, HANG, CLOSE }

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
            default:
                return "Fault[" + kind.name().toLowerCase(java.util.Locale.ROOT) + "]";
        }
    }
}
