package io.getport.ocean.aws.credentials.testkit.moto;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A {@code moto_server} process (the moto AWS emulator) on a free loopback port, owned by this object.
 *
 * <pre>{@code
 * try (MotoServer moto = MotoServer.start()) {
 *     StsClient sts = moto.stsClient(credentialsProvider);
 * }
 * }</pre>
 *
 * <p>The process is started as {@code moto_server -H 127.0.0.1 -p <port>} with
 * {@code MOTO_IAM_LOAD_MANAGED_POLICIES=true} (so {@code arn:aws:iam::aws:policy/ReadOnlyAccess} exists) and
 * {@code INITIAL_NO_AUTH_ACTION_COUNT} removed from its environment, so IAM enforcement starts off. Its output goes to
 * a temporary log file ({@link #logFile()}), never to this JVM's stdout. {@link #start()} returns once
 * {@code GET /moto-api/} answers; it gives up after 30 seconds.
 *
 * <p>The executable is {@code moto_server} found on {@code PATH}, unless the system property
 * {@value #EXECUTABLE_PROPERTY} names another file.
 *
 * <p><b>IAM enforcement</b> ({@link #authEnforcement(boolean)}): moto's {@code POST /moto-api/reset-auth} takes a number
 * N, the count of further requests it lets through unauthenticated; then it checks every request's SigV4 signature and
 * the caller's IAM policies. {@code inf} therefore turns enforcement off and {@code 0} turns it on at once. A
 * {@code POST /moto-api/reset} clears all resources but leaves this setting as it was ({@link #reset()} also turns
 * enforcement off, so that a reset server is as fresh as a new one).
 *
 * <p>Thread safety: all methods may be called from any thread. Lifecycle: {@link #stop()} (or {@link #close()}) kills
 * the process and its children; a shutdown hook does the same if the JVM exits first.
 */
public final class MotoServer implements AutoCloseable {

    /** System property that names the moto_server executable instead of looking it up on {@code PATH}. */
    public static final String EXECUTABLE_PROPERTY = "moto.server.executable";

    private static final String EXECUTABLE_NAME = "moto_server";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final URI endpoint;
    private final Path logFile;
    private final HttpClient http;
    private final Thread shutdownHook;
    private boolean authEnforced;
    private boolean stopped;

    private MotoServer(Process process, int port, Path logFile, HttpClient http) {
        this.process = process;
        this.port = port;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.logFile = logFile;
        this.http = http;
        this.shutdownHook = new Thread(this::destroyProcessTree, "moto-server-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** An attached server: no process of ours, nothing to stop. */
    private MotoServer(URI endpoint, HttpClient http) {
        this.process = null;
        this.port = endpoint.getPort();
        this.endpoint = endpoint;
        this.logFile = null;
        this.http = http;
        this.shutdownHook = null;
    }

    /**
     * A handle on a moto_server that someone else started at {@code endpoint} (for example the local demo's
     * {@code --endpoint}): every method works as usual, except that {@link #stop()} leaves that server running and
     * {@link #logFile()} is null. Enforcement is assumed off until set through this object. Only loopback endpoints
     * are accepted: the kit never sends its reset and set-up calls anywhere else.
     *
     * @throws IllegalArgumentException if {@code endpoint} is not an {@code http} URI of a loopback host
     * @throws IllegalStateException if {@code GET /moto-api/} does not answer 200 there
     */
    public static MotoServer attach(URI endpoint) {
        requireLoopback(endpoint);
        String base = endpoint.toString().replaceAll("/+$", "");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        MotoServer server = new MotoServer(URI.create(base), http);
        HttpRequest probe = HttpRequest.newBuilder(URI.create(base + "/moto-api/")).timeout(Duration.ofSeconds(5))
                .GET().build();
        try {
            int status = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 200) {
                throw new IllegalStateException("no moto_server at " + base + ": GET /moto-api/ answered HTTP " + status);
            }
        } catch (IOException e) {
            throw new IllegalStateException("no moto_server at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing " + base, e);
        }
        return server;
    }

    /** Whether a moto_server executable can be found (on {@code PATH}, or at {@value #EXECUTABLE_PROPERTY}). */
    public static boolean available() {
        return executable().isPresent();
    }

    /** The moto_server executable that {@link #start()} would run, if one is found. */
    public static Optional<Path> executable() {
        String override = System.getProperty(EXECUTABLE_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String searchPath = System.getenv("PATH");
        if (searchPath == null) {
            return Optional.empty();
        }
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, EXECUTABLE_NAME);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts a new moto_server and waits until it answers.
     *
     * @throws IllegalStateException if moto_server is not found, exits early or does not answer within 30 seconds
     *     (the message includes the tail of its log)
     */
    public static MotoServer start() {
        Path executable = executable().orElseThrow(() -> new IllegalStateException(
                "moto_server not found on PATH (nor at -D" + EXECUTABLE_PROPERTY + ")"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        // A free port can be taken by someone else between our probe and moto's bind: moto then exits at once,
        // and another port is tried.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(executable, http);
            } catch (ExitedEarly e) {
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static MotoServer startOnce(Path executable, HttpClient http) {
        int port = freeLoopbackPort();
        Path log = createLogFile();
        ProcessBuilder builder = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("MOTO_IAM_LOAD_MANAGED_POLICIES", "true");
        env.put("PYTHONUNBUFFERED", "1");
        env.remove("INITIAL_NO_AUTH_ACTION_COUNT");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + executable + ": " + e.getMessage(), e);
        }
        MotoServer server = new MotoServer(process, port, log, http);
        try {
            server.awaitReady();
            return server;
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new ExitedEarly("moto_server exited with code " + process.exitValue()
                        + " before answering on port " + port + "; log " + logFile + ":\n" + logTail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto_server", e);
            }
            waitForExit(POLL_INTERVAL);
        }
        throw new IllegalStateException("moto_server did not answer GET /moto-api/ on port " + port + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s; log " + logFile + ":\n" + logTail());
    }

    /** The base URI, {@code http://127.0.0.1:<port>}, to use as every client's endpoint override. */
    public URI endpoint() {
        return endpoint;
    }

    /** The loopback port moto listens on. */
    public int port() {
        return port;
    }

    /** The file that receives moto_server's stdout and stderr (kept after {@link #stop()} until the JVM exits). */
    public Path logFile() {
        return logFile;
    }

    /** Whether the process is still running. */
    public boolean isRunning() {
        return process == null || process.isAlive();
    }

    /** Deletes every resource in every account ({@code POST /moto-api/reset}) and turns IAM enforcement off. */
    public synchronized void reset() {
        post("/moto-api/reset", "");
        authEnforcement(false);
    }

    /**
     * Turns IAM enforcement on (signatures and IAM policies are checked on every request) or off (everything is
     * allowed, any access key works).
     */
    public synchronized void authEnforcement(boolean enforced) {
        post("/moto-api/reset-auth", enforced ? "0" : "inf");
        authEnforced = enforced;
    }

    /** Whether IAM enforcement is on, as last set through this object. */
    public synchronized boolean authEnforced() {
        return authEnforced;
    }

    /**
     * Runs {@code action} with IAM enforcement off, then restores the previous setting (also when it throws). Holds this
     * server's lock meanwhile, so that two set-up blocks do not interleave their enforcement switches.
     */
    public synchronized void withoutAuthEnforcement(Runnable action) {
        boolean previous = authEnforced;
        authEnforcement(false);
        try {
            action.run();
        } finally {
            authEnforcement(previous);
        }
    }

    /**
     * Points a client builder at this server: endpoint override, region {@code us-east-1}, and the
     * {@link #errorFormatFix()} interceptor. Replaces the builder's override configuration.
     */
    public <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        return builder.endpointOverride(endpoint).region(Region.US_EAST_1)
                .overrideConfiguration(o -> o.addExecutionInterceptor(errorFormatFix()));
    }

    /**
     * An interceptor that makes moto's STS and IAM error responses readable by the AWS SDK for Java v2. moto 5.2 wraps
     * them as {@code <ErrorResponse><Errors><Error>}, where AWS sends {@code <ErrorResponse><Error>}; the SDK then
     * reports the right HTTP status but a null {@code awsErrorDetails().errorCode()} (for example for
     * {@code AccessDenied}). Add it to any client pointed at moto that was not built through {@link #configure}:
     * {@code .overrideConfiguration(o -> o.addExecutionInterceptor(MotoServer.errorFormatFix()))}.
     */
    public static ExecutionInterceptor errorFormatFix() {
        return MotoErrorFormatFix.INSTANCE;
    }

    /** A new STS client against this server. The caller closes it. */
    public StsClient stsClient(AwsCredentialsProvider credentials) {
        return configure(StsClient.builder()).credentialsProvider(credentials).build();
    }

    /** A new IAM client against this server. The caller closes it. */
    public IamClient iamClient(AwsCredentialsProvider credentials) {
        return configure(IamClient.builder()).credentialsProvider(credentials).build();
    }

    /** A new S3 client against this server, with path-style addressing (bucket names are not resolvable hosts). */
    public S3Client s3Client(AwsCredentialsProvider credentials) {
        return configure(S3Client.builder()).forcePathStyle(true).credentialsProvider(credentials).build();
    }

    /** Kills the process and its children and waits (bounded) for them to exit. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (process == null) {
            return; // attached: not ours to stop
        }
        destroyProcessTree();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs (or ran) anyway
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "MotoServer[" + endpoint + (process == null ? ", attached" : process.isAlive() ? "" : ", stopped") + "]";
    }

    private void destroyProcessTree() {
        // Collect the children first: once the parent is gone they are re-parented and can no longer be found.
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ProcessHandle handle : tree) {
            long remaining = deadline - System.nanoTime();
            if (!awaitExit(handle, Math.max(remaining, 0))) {
                handle.destroyForcibly();
                awaitExit(handle, TimeUnit.SECONDS.toNanos(2));
            }
        }
    }

    private static boolean awaitExit(ProcessHandle handle, long nanos) {
        try {
            handle.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    private void waitForExit(Duration duration) {
        // Waiting on the process doubles as the poll interval and returns early if moto dies.
        awaitExit(process.toHandle(), duration.toNanos());
    }

    private void post(String path, String body) {
        // A reset of a server holding many accounts (moto loads every managed policy into each) can take long on a
        // loaded 2-core machine; a slow answer is not a failure.
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(Duration.ofSeconds(180))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("moto_server answered POST " + path + " with HTTP "
                        + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + endpoint.resolve(path) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during POST " + path, e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static void requireLoopback(URI endpoint) {
        boolean loopback;
        try {
            loopback = "http".equals(endpoint.getScheme()) && endpoint.getHost() != null
                    && InetAddress.getByName(endpoint.getHost()).isLoopbackAddress();
        } catch (IOException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalArgumentException("endpoint must be http on a loopback host (127.0.0.1, localhost, [::1]), "
                    + "was " + endpoint);
        }
    }

    /** moto_server ended before it answered (typically: the port was taken meanwhile). */
    private static final class ExitedEarly extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ExitedEarly(String message) {
            super(message);
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static Path createLogFile() {
        try {
            Path log = Files.createTempFile("moto-server-", ".log");
            log.toFile().deleteOnExit();
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the moto_server log file", e);
        }
    }
}
