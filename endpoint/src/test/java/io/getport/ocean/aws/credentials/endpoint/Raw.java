package io.getport.ocean.aws.credentials.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw HTTP/1.1 client over a loopback socket, so tests can send any Host header, bad requests and trickles. */
final class Raw {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status, lower-case headers, body. */
    record Answer(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Raw() {
    }

    static Answer get(int port, String path, String token) {
        return send(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + (token == null ? "" : "Authorization: " + token + "\r\n") + "Connection: close\r\n\r\n");
    }

    /**
     * Sends {@code request} as is and reads the answer; a connection the server resets or closes before answering is
     * status -1.
     */
    static Answer sendAllowingReset(int port, String request) {
        try {
            return send(port, request);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof java.net.SocketException) {
                return new Answer(-1, Map.of(), "reset: " + e.getCause().getMessage());
            }
            throw e;
        }
    }

    /** Sends {@code request} as is and reads the answer until the server closes (10 s read timeout). */
    static Answer send(int port, String request) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return parse(readAll(s.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            b.write(buf, 0, n);
            if (b.size() > 1 << 20) {
                throw new IOException("answer too large");
            }
        }
        return b.toByteArray();
    }

    static Answer parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Answer(-1, Map.of(), text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = new String(bytes, end + 4, bytes.length - end - 4, StandardCharsets.UTF_8);
        return new Answer(status, headers, body);
    }
}
