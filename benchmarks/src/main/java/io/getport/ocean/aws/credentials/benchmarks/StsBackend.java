package io.getport.ocean.aws.credentials.benchmarks;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The STS that a simulation talks to: the stand-in {@link QuotaSts}, either in this JVM or in a child JVM
 * ({@link QuotaStsMain}). The child keeps the fake's heap and threads out of the footprint being measured (the CPU is
 * shared either way).
 */
interface StsBackend extends AutoCloseable {

    /** {@code http://127.0.0.1:<port>}. */
    URI endpoint();

    /** What the fake saw so far. */
    QuotaSts.Stats stats();

    @Override
    void close();

    static StsBackend start(QuotaSts.Config config, boolean childProcess) {
        return childProcess ? childProcess(config) : inProcess(config, Clock.systemUTC());
    }

    static StsBackend inProcess(QuotaSts.Config config, Clock clock) {
        QuotaSts sts = QuotaSts.start(config, clock);
        return new StsBackend() {
            @Override
            public URI endpoint() {
                return sts.endpoint();
            }

            @Override
            public QuotaSts.Stats stats() {
                return sts.stats();
            }

            @Override
            public void close() {
                sts.close();
            }
        };
    }

    /** Starts {@link QuotaStsMain} in a child JVM with this JVM's class path. */
    static StsBackend childProcess(QuotaSts.Config config) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-Dsun.net.httpserver.nodelay=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(QuotaStsMain.class.getName());
        command.addAll(Arrays.asList(config.toArgs()));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the stand-in STS child JVM", e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String first;
        try {
            first = out.readLine();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("the stand-in STS child JVM did not start", e);
        }
        if (first == null || !first.startsWith("endpoint=")) {
            process.destroyForcibly();
            throw new IllegalStateException("the stand-in STS child JVM did not start; it said: " + first);
        }
        URI endpoint = URI.create(first.substring("endpoint=".length()));
        return new StsBackend() {
            @Override
            public URI endpoint() {
                return endpoint;
            }

            @Override
            public synchronized QuotaSts.Stats stats() {
                try {
                    in.write("stats\n");
                    in.flush();
                    String line = out.readLine();
                    if (line == null) {
                        throw new IllegalStateException("the stand-in STS child JVM exited");
                    }
                    return QuotaSts.Stats.parse(line);
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
