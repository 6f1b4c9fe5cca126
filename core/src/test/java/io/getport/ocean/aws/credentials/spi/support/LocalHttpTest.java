package io.getport.ocean.aws.credentials.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 1: every exchange with a local endpoint has a total deadline and a size bound, enforced while
 * reading, against in-process servers on 127.0.0.1. {@code assertTimeoutPreemptively} is a hang guard only (generous);
 * no test asserts speed.
 */
class LocalHttpTest {
    private static final Duration DEADLINE = Duration.ofMillis(1500);
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    private final FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.ecs();

    @AfterEach
    void close() {
        agent.close();
    }

    private URI uri() {
        return agent.credentialsUri();
    }

    private Throwable failure() {
        return assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() -> LocalHttp.get(uri(), Map.of(),
                DEADLINE)));
    }

    @Test
    void get_normalAnswer_statusAndBody() throws IOException {
        LocalHttp.Response response = LocalHttp.get(uri(), Map.of("Accept", "application/json"), DEADLINE);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("AccessKeyId");
    }

    @Test
    void get_bodyTricklesOneByteEvery200ms_failsAtTheDeadlineNotPerRead() {
        agent.enqueue(Fault.trickle(Duration.ofMillis(200), 200, "application/json", "{\"a\":\"" + "x".repeat(4000)
                + "\"}"));

        Throwable thrown = failure();

        assertThat(thrown).isInstanceOf(LocalHttp.Timeout.class);
        assertThat(((LocalHttp.Timeout) thrown).whileConnecting()).isFalse();
        assertThat(LocalHttp.describe((IOException) thrown, DEADLINE))
                .isEqualTo("no answer within 1500 ms (the total deadline of one call, for the whole answer)");
    }

    @Test
    void get_silentAfterHeaders_failsAtTheDeadline() {
        agent.enqueue(Fault.headersThenHang(500));

        Throwable thrown = failure();

        assertThat(thrown).isInstanceOf(LocalHttp.Timeout.class);
        agent.releaseHangs();
    }

    @Test
    void get_silentBeforeHeaders_failsAtTheDeadline() {
        agent.enqueue(Fault.hang());

        Throwable thrown = failure();

        assertThat(thrown).isInstanceOf(LocalHttp.Timeout.class);
        agent.releaseHangs();
    }

    @Test
    void get_bodyLargerThanTheBound_failsWithoutReadingIt() {
        agent.enqueue(Fault.oversized(LocalHttp.MAX_BODY + 1));

        Throwable thrown = failure();

        assertThat(thrown).isInstanceOf(LocalHttp.TooLarge.class)
                .hasMessage("the answer declares " + (LocalHttp.MAX_BODY + 1) + " bytes, more than 65536");
    }

    @Test
    void get_chunkedBodyLargerThanTheBound_failsWhileReading() {
        agent.enqueue(Fault.chunked(200, "application/json", "x".repeat(LocalHttp.MAX_BODY + 10)));

        Throwable thrown = failure();

        assertThat(thrown).isInstanceOf(LocalHttp.TooLarge.class).hasMessageContaining("larger than 65536 bytes");
    }

    @Test
    void get_chunkedBody_isDecoded() throws IOException {
        agent.enqueue(Fault.chunked(200, "application/json", "{\"a\":\"b\"}"));

        assertThat(LocalHttp.get(uri(), Map.of(), DEADLINE).body()).isEqualTo("{\"a\":\"b\"}");
    }

    @Test
    void get_connectionClosedBeforeTheDeclaredLength_truncated() {
        agent.enqueue(Fault.closeEarly(200, "{\"AccessKeyId\":"));

        Throwable thrown = failure();

        assertThat(thrown).isInstanceOf(LocalHttp.Truncated.class);
        assertThat(LocalHttp.describe((IOException) thrown, DEADLINE)).contains("closed");
    }

    @Test
    void get_connectionClosedWithoutAnswer_truncated() {
        agent.enqueue(Fault.closeConnection());

        Throwable thrown = failure();

        assertThat(thrown).isInstanceOf(IOException.class);
    }

    @Test
    void get_nothingListening_connectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port + "/x");

        Throwable thrown = catchThrowable(() -> LocalHttp.get(closed, Map.of(), DEADLINE));

        assertThat(LocalHttp.describe((IOException) thrown, DEADLINE)).isEqualTo("connection refused");
    }

    @Test
    void get_headersTrickle_failsAtTheDeadline() throws Exception {
        try (RawServer server = new RawServer(out -> {
            out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 10_000; i++) {
                out.write("X: y\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(100);
            }
        })) {
            Throwable thrown = assertTimeoutPreemptively(HANG_GUARD,
                    () -> catchThrowable(() -> LocalHttp.get(server.uri(), Map.of(), DEADLINE)));

            assertThat(thrown).isInstanceOf(LocalHttp.Timeout.class);
        }
    }

    @Test
    void get_endlessHeaders_failsAtTheHeaderBound() throws Exception {
        try (RawServer server = new RawServer(out -> {
            out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] header = ("X: " + "y".repeat(1000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < 1000; i++) {
                out.write(header);
            }
            out.flush();
        })) {
            Throwable thrown = assertTimeoutPreemptively(HANG_GUARD,
                    () -> catchThrowable(() -> LocalHttp.get(server.uri(), Map.of(), Duration.ofSeconds(20))));

            assertThat(thrown).isInstanceOf(LocalHttp.TooLarge.class).hasMessageContaining("headers");
        }
    }

    @Test
    void get_notHttp_truncatedSayingSo() throws Exception {
        try (RawServer server = new RawServer(out -> out.write("SSH-2.0-OpenSSH\r\n\r\n".getBytes(
                StandardCharsets.ISO_8859_1)))) {
            Throwable thrown = catchThrowable(() -> LocalHttp.get(server.uri(), Map.of(), Duration.ofSeconds(20)));

            assertThat(thrown).isInstanceOf(LocalHttp.Truncated.class).hasMessageContaining("not HTTP");
        }
    }

    @Test
    void get_headerValueWithLineBreak_refusedWithoutTheValue() {
        Throwable thrown = catchThrowable(() -> LocalHttp.get(uri(), Map.of("Authorization", "secret\r\nX: y"),
                DEADLINE));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
        assertThat(agent.requestCount()).isZero();
    }

    @Test
    void put_sendsAnEmptyBody() throws IOException {
        LocalHttp.Response response = LocalHttp.put(uri(), Map.of(), DEADLINE);

        assertThat(response.status()).isEqualTo(405);
        assertThat(agent.lastRequest().orElseThrow().method()).isEqualTo("PUT");
    }

    /** A one-connection server on 127.0.0.1 that writes raw bytes. */
    private static final class RawServer implements AutoCloseable {
        interface Script {
            void run(OutputStream out) throws Exception;
        }

        private final ServerSocket socket;
        private final Thread thread;
        private final AtomicBoolean closed = new AtomicBoolean();

        RawServer(Script script) throws IOException {
            socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
            thread = new Thread(() -> {
                try (Socket s = socket.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    script.run(s.getOutputStream());
                } catch (Exception e) {
                    // the client went away or the test ended
                }
            }, "raw-server");
            thread.setDaemon(true);
            thread.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/x");
        }

        @Override
        public void close() throws IOException {
            if (closed.compareAndSet(false, true)) {
                socket.close();
                thread.interrupt();
            }
        }
    }
}
