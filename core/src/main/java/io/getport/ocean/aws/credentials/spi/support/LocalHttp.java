package io.getport.ocean.aws.credentials.spi.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP exchange with a local agent (the ECS agent, the EKS Pod Identity agent, IMDS, task metadata): never through a proxy, no redirects, no
 * caching, one attempt, a bounded body. {@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: it
 * starts no selector thread and needs no closing on Java 17.
 */
public final class LocalHttp {
    /** Larger answers are cut: credentials and task metadata are a few kilobytes. */
    private static final int MAX_BODY = 1 << 20;

    private LocalHttp() {
    }

    /** A status and a body (UTF-8). Immutable. */
    public static final class Response {
        private final int status;
        private final String body;

        Response(int status, String body) {
            this.status = status;
            this.body = body;
        }

        /** The HTTP status code. */
        public int status() {
            return status;
        }

        /** The body, UTF-8, at most 1 MiB. May hold credentials: never log it. */
        public String body() {
            return body;
        }
    }

    public static Response get(URI uri, Map<String, String> headers, Duration timeout) throws IOException {
        return send("GET", uri, headers, timeout);
    }

    public static Response put(URI uri, Map<String, String> headers, Duration timeout) throws IOException {
        return send("PUT", uri, headers, timeout);
    }

    private static Response send(String method, URI uri, Map<String, String> headers, Duration timeout)
            throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        try {
            int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            connection.setConnectTimeout(millis);
            connection.setReadTimeout(millis);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setRequestMethod(method);
            headers.forEach(connection::setRequestProperty);
            if ("PUT".equals(method)) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(0);
                connection.getOutputStream().close();
            }
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            return new Response(status, in == null ? "" : read(in));
        } finally {
            connection.disconnect();
        }
    }

    private static String read(InputStream in) throws IOException {
        try (InputStream stream = in) {
            return new String(stream.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
        }
    }

    /** What went wrong, in words, without the exception's own message (which may quote a URL). */
    public static String describe(IOException e, Duration timeout) {
        if (e instanceof SocketTimeoutException) {
            return connectTimeout(e) ? "no connection within " + timeout.toMillis() + " ms"
                    : "no answer within " + timeout.toMillis() + " ms";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getClass().getSimpleName();
    }

    /** Whether a timeout happened while connecting (as opposed to while waiting for the answer). */
    public static boolean connectTimeout(IOException e) {
        String message = e.getMessage();
        return e instanceof SocketTimeoutException && message != null
                && message.toLowerCase(Locale.ROOT).contains("connect");
    }
}
