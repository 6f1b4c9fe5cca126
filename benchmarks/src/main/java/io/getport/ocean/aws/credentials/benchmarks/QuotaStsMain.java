package io.getport.ocean.aws.credentials.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The stand-in {@link QuotaSts} as a process of its own, so that a simulation measures only the client side.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.getport.ocean.aws.credentials.benchmarks.QuotaStsMain \
 *     [--quota 600] [--others 0] [--window sliding|fixed] [--latency-ms 20] [--token-chars 800] [--threads 256]
 * </pre>
 *
 * Prints {@code endpoint=http://127.0.0.1:<port>}, then answers commands read from standard input, one per line:
 * {@code stats} prints one {@link QuotaSts.Stats#line()}; {@code outage on|off}; {@code quit} (or the end of the
 * input) stops the fake and exits.
 */
public final class QuotaStsMain {
    private QuotaStsMain() {
    }

    public static void main(String[] args) throws IOException {
        ScaleSimulation.quietLogsAndNoDelay();
        Args a = Args.parse(args);
        QuotaSts.Config config = QuotaSts.Config.fromArgs(a);
        a.requireAllUsed();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (QuotaSts sts = QuotaSts.start(config, Clock.systemUTC())) {
            out.println("endpoint=" + sts.endpoint());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.trim();
                if (command.equals("quit")) {
                    break;
                } else if (command.equals("stats")) {
                    out.println(sts.stats().line());
                } else if (command.equals("outage on") || command.equals("outage off")) {
                    sts.outage(command.endsWith("on"));
                    out.println("ok");
                } else if (!command.isEmpty()) {
                    out.println("unknown command: " + command);
                }
            }
        }
    }
}
