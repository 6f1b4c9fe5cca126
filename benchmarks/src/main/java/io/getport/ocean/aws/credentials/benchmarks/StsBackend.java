package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The STS that a simulation talks to: the test kit's {@link FakeSts} (the real query protocol and XML), either in this
 * JVM or in a child JVM ({@link FakeStsMain}). The child keeps the fake's own heap (it records every request and every
 * credential it issued) and threads out of the footprint being measured.
 */
interface StsBackend extends AutoCloseable {

    /** {@code http://127.0.0.1:<port>}. */
    URI endpoint();

    /** What the fake saw so far. */
    Stats stats();

    @Override
    void close();

    /** Server-side counts. {@code throttled} is AssumeRole requests answered with {@code Throttling}. */
    record Stats(int assumeRoleRequests, int issued, int throttled, int peakInFlight) {
        static Stats of(FakeSts sts) {
            int requests = sts.count("AssumeRole");
            int issued = sts.issued().size();
            return new Stats(requests, issued, requests - issued, sts.peakInFlight());
        }

        String line() {
            return "stats assumeRole=" + assumeRoleRequests + " issued=" + issued + " throttled=" + throttled
                    + " peakInFlight=" + peakInFlight;
        }

        static Stats parse(String line) {
            String[] parts = line.trim().split("\\s+");
            int[] v = new int[4];
            for (int i = 0; i < 4; i++) {
                v[i] = Integer.parseInt(parts[i + 1].substring(parts[i + 1].indexOf('=') + 1));
            }
            return new Stats(v[0], v[1], v[2], v[3]);
        }
    }

    /**
     * Configures a fake: {@code latency} on every answer; {@code throttleAbove} requests in any sliding second of real
     * time answered, the rest get {@code Throttling} (0: never throttle); {@code threads} server threads (more than
     * the callers, so the peak concurrency is not capped by the fake).
     */
    static FakeSts configure(FakeSts sts, Duration latency, int throttleAbove) {
        sts.latency(latency);
        if (throttleAbove > 0) {
            sts.throttleAbove(throttleAbove);
        }
        return sts;
    }

    static StsBackend inProcess(Clock clock, Duration latency, int throttleAbove, int threads) {
        FakeSts sts = configure(FakeSts.builder().clock(clock).threads(threads).start(), latency, throttleAbove);
        return new StsBackend() {
            @Override
            public URI endpoint() {
                return sts.endpoint();
            }

            @Override
            public Stats stats() {
                return Stats.of(sts);
            }

            @Override
            public void close() {
                sts.close();
            }
        };
    }

    /** Starts {@link FakeStsMain} in a child JVM with this JVM's class path. */
    static StsBackend childProcess(Duration latency, int throttleAbove, int threads) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-Dsun.net.httpserver.nodelay=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FakeStsMain.class.getName());
        command.add("--latency-ms");
        command.add(Long.toString(latency.toMillis()));
        command.add("--throttle-above");
        command.add(Integer.toString(throttleAbove));
        command.add("--threads");
        command.add(Integer.toString(threads));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the FakeSts child JVM", e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String first;
        try {
            first = out.readLine();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("the FakeSts child JVM did not start", e);
        }
        if (first == null || !first.startsWith("endpoint=")) {
            process.destroyForcibly();
            throw new IllegalStateException("the FakeSts child JVM did not start; it said: " + first);
        }
        URI endpoint = URI.create(first.substring("endpoint=".length()));
        return new StsBackend() {
            @Override
            public URI endpoint() {
                return endpoint;
            }

            @Override
            public synchronized Stats stats() {
                try {
                    in.write("stats\n");
                    in.flush();
                    String line = out.readLine();
                    if (line == null) {
                        throw new IllegalStateException("the FakeSts child JVM exited");
                    }
                    return Stats.parse(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public synchronized void close() {
                try {
                    in.write("quit\n");
                    in.flush();
                    in.close();
                } catch (IOException e) {
                    // Already gone: destroy below.
                }
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        };
    }
}
