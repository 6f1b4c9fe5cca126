package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The default role session name: {@code port-ocean-<host>}, sanitised to what STS accepts. The host is
 * {@code HOSTNAME}, else {@code COMPUTERNAME}, else the first line of {@code /etc/hostname} (shells often do not export
 * {@code HOSTNAME} to services), else {@code host}. No DNS lookup: it can stall on hosts whose name does not resolve.
 */
final class SessionNames {
    private static final int MAX = 64;
    private static final Path ETC_HOSTNAME = Path.of("/etc/hostname");

    private SessionNames() {
    }

    static String defaultName(RuntimeEnvironment environment) {
        String host = environment.environmentVariable("HOSTNAME")
                .or(() -> environment.environmentVariable("COMPUTERNAME"))
                .or(() -> etcHostname(environment))
                .orElse("host");
        return sanitise("port-ocean-" + host);
    }

    private static Optional<String> etcHostname(RuntimeEnvironment environment) {
        try {
            if (!environment.isReadableFile(ETC_HOSTNAME)) {
                return Optional.empty();
            }
            String first = environment.readFile(ETC_HOSTNAME).strip().lines().findFirst().orElse("").strip();
            return first.isEmpty() ? Optional.empty() : Optional.of(first);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Replaces characters outside {@code [\w+=,.@-]} with '-', and cuts to 64 characters. */
    static String sanitise(String raw) {
        StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX));
        for (int i = 0; i < raw.length() && out.length() < MAX; i++) {
            char c = raw.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "_+=,.@-".indexOf(c) >= 0;
            out.append(ok ? c : '-');
        }
        return out.length() >= 2 ? out.toString() : "port-ocean";
    }
}
