package io.getport.ocean.aws.credentials.ec2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Helpers for EC2 tests. */
final class Ec2Testing {
    private Ec2Testing() {
    }

    /** {@code http://127.0.0.1:<port>} where nothing listens (the port was free a moment ago). */
    static String closedEndpoint() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
