package io.getport.ocean.aws.credentials.refresh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on a fixed loopback port in front of a server (a fake STS, moto), that can be switched off and on:
 * off closes the listening socket and every open connection, so clients see exactly what a stopped server gives
 * (connection refused, connection reset); on listens on the same port again. This is how a test stops "STS" and
 * brings it back while the broker keeps its endpoint.
 *
 * <p>Thread safe. Threads are daemons named {@code tcp-switch-*}.
 */
final class TcpSwitch implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threads = new AtomicInteger();
    private volatile ServerSocket listener;

    TcpSwitch(URI target) {
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        up();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Listens again on the same port. */
    synchronized void up() {
        if (listener != null) {
            return;
        }
        ServerSocket s = null;
        IOException last = null;
        for (int attempt = 0; attempt < 50 && s == null; attempt++) {
            try {
                s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            } catch (IOException e) {
                last = e;
                closeQuietly(s);
                s = null;
                Thread.onSpinWait();
            }
        }
        if (s == null) {
            throw new UncheckedIOException("could not listen on port " + port + " again", last);
        }
        ServerSocket server = s;
        listener = server;
        start(() -> accept(server));
    }

    /** Stops listening and drops every open connection. */
    synchronized void down() {
        ServerSocket s = listener;
        listener = null;
        closeQuietly(s);
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    boolean isUp() {
        return listener != null;
    }

    @Override
    public void close() {
        down();
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 2_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            open.add(client);
            open.add(upstream);
            if (listener != server) {
                // switched off while connecting
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            start(() -> pump(client, upstream));
            start(() -> pump(upstream, client));
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            // closed by down() or the peer
        } catch (IOException e) {
            // the peer went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private void start(Runnable r) {
        Thread t = new Thread(r, "tcp-switch-" + threads.incrementAndGet());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
