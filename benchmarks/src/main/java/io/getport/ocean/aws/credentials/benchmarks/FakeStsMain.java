package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * The test kit's {@link FakeSts} as a process of its own, so that a simulation measures only the client side.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.getport.ocean.aws.credentials.benchmarks.FakeStsMain \
 *     [--latency-ms 20] [--throttle-above 600] [--threads 128]
 * </pre>
 *
 * Prints {@code endpoint=http://127.0.0.1:<port>}, then answers commands read from standard input, one per line:
 * {@code stats} prints {@code stats assumeRole=N issued=N throttled=N peakInFlight=N}; {@code quit} (or the end of the
 * input) stops the fake and exits.
 */
public final class FakeStsMain {
    private FakeStsMain() {
    }

    public static void main(String[] args) throws IOException {
        ScaleSimulation.quietLogsAndNoDelay();
        Args a = Args.parse(args);
        long latencyMs = a.longValue("latency-ms", 20);
        int throttleAbove = a.intValue("throttle-above", ScaleSimulation.STS_QUOTA_PER_SECOND);
        int threads = a.intValue("threads", 128);
        a.requireAllUsed();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (FakeSts sts = StsBackend.configure(FakeSts.builder().clock(Clock.systemUTC()).threads(threads).start(),
                Duration.ofMillis(latencyMs), throttleAbove)) {
            out.println("endpoint=" + sts.endpoint());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.trim();
                if (command.equals("quit")) {
                    break;
                }
                if (command.equals("stats")) {
                    out.println(StsBackend.Stats.of(sts).line());
                } else if (!command.isEmpty()) {
                    out.println("unknown command: " + command);
                }
            }
        }
    }
}
