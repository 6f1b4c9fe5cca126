package io.getport.ocean.aws.credentials.ecs;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/** Host rules for container credential endpoints, and URIs as messages may show them. */
final class Endpoints {
    /** The ECS agent's link-local address. */
    static final String ECS_AGENT_HOST = "169.254.170.2";
    /** The EKS Pod Identity agent's addresses: those belong to the {@code eks-pod-identity} source. */
    static final String POD_IDENTITY_HOST_V4 = "169.254.170.23";
    static final String POD_IDENTITY_HOST_V6 = "fd00:ec2::23";

    /** The rule for plain http, as messages state it. */
    static final String HTTP_RULE = "plain http is allowed only to a loopback address (127.0.0.0/8, ::1, localhost),"
            + " the ECS agent (169.254.170.2) or the EKS Pod Identity agent (169.254.170.23, fd00:ec2::23), so that the"
            + " authorization token and the credentials never cross a network in clear text; use https";

    private Endpoints() {
    }

    /** The host without IPv6 brackets, lower case; empty when the URI has none. */
    static String host(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return "";
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }

    /** Whether {@code host} is the EKS Pod Identity agent. */
    static boolean podIdentityHost(String host) {
        return POD_IDENTITY_HOST_V4.equals(host) || sameAddress(host, POD_IDENTITY_HOST_V6);
    }

    /**
     * Whether plain http to {@code host} is allowed: a loopback address, the ECS agent or the EKS Pod Identity agent
     * (the AWS SDKs' rule). Only IP literals and
     * {@code localhost} count; no DNS lookup is made.
     */
    static boolean httpAllowed(String host) {
        if (host.equals("localhost") || host.equals(ECS_AGENT_HOST) || podIdentityHost(host)) {
            return true;
        }
        InetAddress address = literal(host);
        return address != null && address.isLoopbackAddress();
    }

    private static boolean sameAddress(String host, String other) {
        InetAddress a = literal(host);
        InetAddress b = literal(other);
        return a != null && b != null && a.equals(b);
    }

    /** Parses an IP literal; null for anything else (names are not resolved). */
    private static InetAddress literal(String host) {
        boolean ipv4 = host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean ipv6 = host.contains(":") && host.matches("[0-9a-f:.]+");
        if (!ipv4 && !ipv6) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * The URI as messages show it: scheme, host, port and path, with the last path segment (the ECS credentials ID,
     * which grants access to the task's credentials) replaced by {@code …}, and no query or user info.
     */
    static String redacted(URI uri) {
        String path = redactedPath(uri.getRawPath() == null ? "" : uri.getRawPath());
        String host = uri.getHost() == null ? "" : uri.getHost();
        return uri.getScheme() + "://" + host + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + path;
    }

    /** A path with its last segment replaced by {@code …} (and any query dropped). */
    static String redactedPath(String path) {
        int query = path.indexOf('?');
        String p = query >= 0 ? path.substring(0, query) : path;
        int slash = p.lastIndexOf('/');
        if (slash < p.length() - 1) {
            p = p.substring(0, slash + 1) + "\u2026";
        }
        return p;
    }
}
