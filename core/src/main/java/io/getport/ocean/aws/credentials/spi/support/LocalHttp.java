package io.getport.ocean.aws.credentials.spi.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 exchange with a local agent (the ECS agent, the EKS Pod Identity agent, IMDS, task metadata) under a
 * <b>total deadline</b> and a <b>size bound</b>: never through a proxy, no redirects, no caching, no keep-alive, one
 * attempt.
 *
 * <p>The deadline ({@code timeout}) covers the whole exchange: connecting, the TLS handshake, sending, and reading
 * the status line, the headers and the body. Every read is given only the time left, so an agent that answers one
 * byte at a time, or goes silent after its headers, fails with {@link Timeout} at the deadline, in the calling
 * thread, with no helper thread. Answers are bounded while they are read: at most {@value #MAX_HEADER_BYTES} bytes of
 * status line and headers and {@value #MAX_BODY} bytes of body ({@link TooLarge} beyond); credentials and metadata
 * are a few hundred bytes. An answer cut short (connection closed before the declared length) is {@link Truncated}.
 *
 * <p><b>Why by hand.</b> {@code HttpURLConnection} applies its read timeout to each read only (a trickling answer
 * never times out), and closing its socket from a watchdog thread races with its keep-alive cleaner;
 * {@code java.net.http.HttpClient}'s request timeout stops at the response headers and each client starts a selector
 * thread. The exchange needed here (one request without a body, a status, a small body with a length, chunked or
 * ending at close) is small enough to speak directly over a {@link Socket}.
 *
 * <p>Stateless and thread safe. Name resolution for a host name (only https endpoints may have one) uses the system
 * resolver and its own timeout before the deadline starts counting the connection.
 */
public final class LocalHttp {
    /** The largest body read: credentials and metadata are a few hundred bytes. */
    public static final int MAX_BODY = 64 * 1024;
    /** The largest status line plus headers read. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;

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

        /** The body, UTF-8, at most {@value LocalHttp#MAX_BODY} bytes. May hold credentials: never log it. */
        public String body() {
            return body;
        }
    }

    /** The deadline passed while connecting ({@link #whileConnecting()}) or before the answer was complete. */
    public static final class Timeout extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;
        private final boolean connecting;

        Timeout(boolean connecting, String message) {
            super(message);
            this.connecting = connecting;
        }

        /** Whether no connection was made within the deadline (as opposed to no complete answer). */
        public boolean whileConnecting() {
            return connecting;
        }
    }

    /** The answer was larger than allowed; reading stopped at the bound. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    /** The connection closed before the answer was complete, or the answer is not HTTP. */
    public static final class Truncated extends EOFException {
        private static final long serialVersionUID = 1L;

        Truncated(String message) {
            super(message);
        }
    }

    /** {@code GET uri}, the whole exchange within {@code timeout}. */
    public static Response get(URI uri, Map<String, String> headers, Duration timeout) throws IOException {
        return send("GET", uri, headers, timeout);
    }

    /** {@code PUT uri} with an empty body, the whole exchange within {@code timeout}. */
    public static Response put(URI uri, Map<String, String> headers, Duration timeout) throws IOException {
        return send("PUT", uri, headers, timeout);
    }

    private static Response send(String method, URI uri, Map<String, String> headers, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + Math.max(1, timeout.toNanos());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https");
        if (!tls && !scheme.equals("http")) {
            throw new IllegalArgumentException("only http and https are supported, not " + scheme);
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("the URI has no host");
        }
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        String request = request(method, uri, host, headers);
        Socket plain = new Socket(Proxy.NO_PROXY);
        Socket socket = plain;
        try {
            try {
                plain.connect(new InetSocketAddress(bareHost, port), millisLeft(deadline, true));
            } catch (SocketTimeoutException e) {
                throw new Timeout(true, "connect timed out");
            }
            if (tls) {
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(plain, bareHost, port, true);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
                socket = ssl;
                ssl.setSoTimeout(millisLeft(deadline, false));
                try {
                    ssl.startHandshake();
                } catch (SocketTimeoutException e) {
                    throw new Timeout(false, "TLS handshake timed out");
                }
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(new DeadlineInput(socket, deadline));
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    private static String request(String method, URI uri, String host, Map<String, String> headers) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder r = new StringBuilder(256).append(method).append(' ').append(path);
        if (uri.getRawQuery() != null) {
            r.append('?').append(uri.getRawQuery());
        }
        r.append(" HTTP/1.1\r\nHost: ").append(host).append(uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                .append("\r\n");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (!safe(header.getKey()) || !safe(header.getValue())) {
                // The value may be a token: name the header only.
                throw new IllegalArgumentException("the " + header.getKey().replaceAll("[^A-Za-z0-9-]", "?")
                        + " header holds a control character or a non-ASCII character");
            }
            r.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        if (method.equals("PUT")) {
            r.append("Content-Length: 0\r\n");
        }
        return r.append("Connection: close\r\n\r\n").toString();
    }

    private static boolean safe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static Response read(DeadlineInput in) throws IOException {
        int status;
        Map<String, String> headers;
        do {
            String statusLine = in.headerLine();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[1-5][0-9][0-9]")) {
                throw new Truncated("the answer is not HTTP/1.x (no status line)");
            }
            status = Integer.parseInt(parts[1]);
            headers = new java.util.HashMap<>();
            String line;
            while (!(line = in.headerLine()).isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
        } while (status >= 100 && status < 200);
        byte[] body;
        String encoding = headers.get("transfer-encoding");
        String length = headers.get("content-length");
        if (status == 204 || status == 304) {
            body = new byte[0];
        } else if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked(in);
        } else if (length != null) {
            if (!length.matches("[0-9]{1,18}")) {
                throw new Truncated("the answer has an invalid Content-Length");
            }
            long n = Long.parseLong(length);
            if (n > MAX_BODY) {
                throw new TooLarge("the answer declares " + n + " bytes, more than " + MAX_BODY);
            }
            body = in.exactly((int) n);
        } else {
            body = in.untilEnd();
        }
        return new Response(status, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] chunked(DeadlineInput in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = in.bodyLine();
            int semicolon = line.indexOf(';');
            String size = (semicolon >= 0 ? line.substring(0, semicolon) : line).trim();
            if (!size.matches("[0-9A-Fa-f]{1,8}")) {
                throw new Truncated("the answer has an invalid chunk size");
            }
            long n = Long.parseLong(size, 16);
            if (n == 0) {
                while (!in.bodyLine().isEmpty()) {
                    // trailers: ignored
                }
                return body.toByteArray();
            }
            if (body.size() + n > MAX_BODY) {
                throw new TooLarge("the answer is larger than " + MAX_BODY + " bytes");
            }
            body.writeBytes(in.exactly((int) n));
            if (!in.bodyLine().isEmpty()) {
                throw new Truncated("the answer has a malformed chunk");
            }
        }
    }

    private static int millisLeft(long deadline, boolean connecting) throws Timeout {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new Timeout(connecting, connecting ? "connect timed out" : "deadline passed");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
    }

    /** Reads with only the time left to the deadline for each read, and counts what it read. */
    private static final class DeadlineInput {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final byte[] buffer = new byte[4096];
        private int position;
        private int limit;
        private int headerBytes;
        private int bodyBytes;

        DeadlineInput(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        /** Fills the buffer; false at the end of the stream. */
        private boolean fill() throws IOException {
            socket.setSoTimeout(millisLeft(deadline, false));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                throw new Timeout(false, "read timed out");
            }
            if (n <= 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        private int next() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xff;
        }

        String headerLine() throws IOException {
            return line(true);
        }

        String bodyLine() throws IOException {
            return line(false);
        }

        private String line(boolean header) throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                int b = next();
                if (b < 0) {
                    throw new Truncated("the connection closed before the answer was complete");
                }
                if (header && ++headerBytes > MAX_HEADER_BYTES) {
                    throw new TooLarge("the answer's status line and headers are larger than " + MAX_HEADER_BYTES
                            + " bytes");
                }
                if (!header && ++bodyBytes > MAX_BODY) {
                    throw new TooLarge("the answer is larger than " + MAX_BODY + " bytes");
                }
                if (b == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                line.append((char) b);
            }
        }

        byte[] exactly(int n) throws IOException {
            byte[] out = new byte[n];
            int done = 0;
            while (done < n) {
                if (position == limit && !fill()) {
                    throw new Truncated("the connection closed after " + done + " of " + n + " bytes of the answer");
                }
                int take = Math.min(n - done, limit - position);
                System.arraycopy(buffer, position, out, done, take);
                position += take;
                done += take;
            }
            bodyBytes += n;
            return out;
        }

        byte[] untilEnd() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (position < limit || fill()) {
                int take = limit - position;
                if (out.size() + take > MAX_BODY) {
                    throw new TooLarge("the answer is larger than " + MAX_BODY + " bytes");
                }
                out.write(buffer, position, take);
                position = limit;
            }
            return out.toByteArray();
        }
    }

    /**
     * What went wrong, in words, without the exception's own message where it may quote a URL: e.g. "no complete
     * answer within 1000 ms", "connection refused", "the answer is larger than 65536 bytes".
     */
    public static String describe(IOException e, Duration timeout) {
        if (e instanceof Timeout) {
            return ((Timeout) e).whileConnecting() ? "no connection within " + timeout.toMillis() + " ms"
                    : "no answer within " + timeout.toMillis() + " ms (the total deadline of one call, for the whole"
                            + " answer)";
        }
        if (e instanceof SocketTimeoutException) {
            return connectTimeout(e) ? "no connection within " + timeout.toMillis() + " ms"
                    : "no answer within " + timeout.toMillis() + " ms";
        }
        if (e instanceof TooLarge || e instanceof Truncated) {
            return e.getMessage();
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof SSLException) {
            return "TLS failed (" + e.getClass().getSimpleName() + ")";
        }
        if (e instanceof EOFException) {
            return "the connection closed before the answer was complete";
        }
        return e.getClass().getSimpleName() + " (the connection failed or was reset)";
    }

    /** Whether a timeout happened while connecting (as opposed to while waiting for the answer). */
    public static boolean connectTimeout(IOException e) {
        if (e instanceof Timeout) {
            return ((Timeout) e).whileConnecting();
        }
        String message = e.getMessage();
        return e instanceof SocketTimeoutException && message != null
                && message.toLowerCase(Locale.ROOT).contains("connect");
    }
}
