package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;

/** The default role session name: {@code port-ocean-<host>}, sanitised to what STS accepts. */
final class SessionNames {
    private static final int MAX = 64;

    private SessionNames() {
    }

    static String defaultName(RuntimeEnvironment environment) {
        String host = environment.environmentVariable("HOSTNAME")
                .or(() -> environment.environmentVariable("COMPUTERNAME"))
                .orElse("host");
        return sanitise("port-ocean-" + host);
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
