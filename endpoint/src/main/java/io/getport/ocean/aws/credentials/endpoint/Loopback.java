package io.getport.ocean.aws.credentials.endpoint;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What "loopback" means for the endpoint: it binds only {@code 127.0.0.1} or {@code ::1} (the AWS SDKs accept plain
 * http only to loopback, and nothing else on the network may reach the credentials), and it answers only requests
 * whose {@code Host} names such an address or {@code localhost} with its own port (a page that rebinds a DNS name
 * to 127.0.0.1 sends its own name, and is refused).
 */
final class Loopback {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private Loopback() {
    }

    /**
     * Parses {@code --bind}: {@code 127.0.0.1}, {@code ::1} (or {@code [::1]}) or {@code localhost} (127.0.0.1).
     * No name is resolved.
     *
     * @throws IllegalArgumentException for anything else, with the reason
     */
    static InetAddress bindAddress(String value) {
        String v = value == null ? "" : value.strip();
        if (v.startsWith("[") && v.endsWith("]")) {
            v = v.substring(1, v.length() - 1);
        }
        if (v.equalsIgnoreCase("localhost")) {
            v = "127.0.0.1";
        }
        InetAddress address = null;
        if (IPV4.matcher(v).matches() || v.contains(":")) {
            try {
                address = InetAddress.getByName(v); // a literal: no lookup
            } catch (UnknownHostException e) {
                address = null;
            }
        }
        if (address == null || !(v.equals("127.0.0.1") || address.getHostAddress().equals("0:0:0:0:0:0:0:1"))) {
            throw new IllegalArgumentException("--bind must be 127.0.0.1 or ::1, was '" + value + "': the endpoint"
                    + " serves credentials over plain http, which the AWS SDKs accept only from loopback, and no"
                    + " other host may reach them. Run one endpoint per task, pod or instance, next to its clients");
        }
        return address;
    }

    /** Whether {@code host} (a {@code Host} header) names this loopback endpoint on {@code port}. */
    static boolean isOwnHost(String host, int port) {
        if (host == null || host.length() > 64) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        String name;
        int givenPort;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = h.substring(0, close + 1);
            String rest = h.substring(close + 1);
            givenPort = rest.isEmpty() ? 80 : parsePort(rest);
        } else {
            int colon = h.indexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
            givenPort = colon < 0 ? 80 : parsePort(h.substring(colon));
        }
        boolean loopbackName = name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
        return loopbackName && givenPort == port;
    }

    private static int parsePort(String colonAndPort) {
        if (colonAndPort.length() < 2 || colonAndPort.length() > 6 || colonAndPort.charAt(0) != ':') {
            return -1;
        }
        for (int i = 1; i < colonAndPort.length(); i++) {
            if (!Character.isDigit(colonAndPort.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(colonAndPort.substring(1));
    }
}
