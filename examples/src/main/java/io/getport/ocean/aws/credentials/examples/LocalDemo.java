package io.getport.ocean.aws.credentials.examples;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The whole flow on one machine: starts {@code moto_server} (or uses {@code --endpoint}), provisions the seed's IAM
 * architecture in three target accounts, starts a loopback stand-in for the chosen runtime's credential endpoint,
 * runs that runtime's example against it with a broker built from an injected {@link RuntimeEnvironment}, tries a
 * write that AWS (moto, enforcing IAM) refuses, and prints the next refresh. Everything it started is stopped at the
 * end, also on Ctrl-C.
 *
 * <pre>
 * java -jar examples/target/ocean-aws-demo.jar [--runtime ecs|ec2|eks-irsa|eks-pod-identity] [--endpoint URL] [--verbose]
 * </pre>
 *
 * <p>Exit status: 0 the flow worked; 1 a step failed (an account could not be read, the write was not refused);
 * 2 bad arguments or no moto_server.
 */
public final class LocalDemo {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String USAGE_TEXT = String.join("\n",
            "usage: java -jar examples/target/ocean-aws-demo.jar [--runtime RUNTIME] [--endpoint URL] [--verbose]",
            "  --runtime   ecs (default), ec2, eks-irsa or eks-pod-identity: the runtime whose identity to stand in for",
            "  --endpoint  a running moto_server to use (its state is reset) instead of starting one",
            "  --verbose   show the library's log lines (SLF4J, on stderr)");

    /** The regions the demo's examples list EC2 instances in. */
    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1");

    private LocalDemo() {
    }

    /** Runs the demo and exits with its status. */
    public static void main(String[] args) {
        for (String arg : args) {
            if (arg.equals("--verbose")) {
                // Read by slf4j-simple when the first logger is created, which has not happened yet.
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            }
        }
        System.exit(run(args, System.out, System.err, MotoSource.PROCESS));
    }

    /** Runs the demo with the given arguments; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err, MotoSource motoSource) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        if (options.help) {
            out.println(USAGE_TEXT);
            return OK;
        }
        Resources resources = new Resources();
        Thread hook = new Thread(() -> resources.closeAll(Duration.ofSeconds(10)), "ocean-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long started = System.nanoTime();
        try {
            return new Flow(options, out, err, resources).run(motoSource);
        } catch (RuntimeException e) {
            err.println("The demo failed: " + e);
            if (options.verbose) {
                e.printStackTrace(err);
            } else {
                err.println("(--verbose shows the stack trace and the library's log lines)");
            }
            return FAILED;
        } finally {
            List<String> stopped = resources.closeAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (or ran) anyway
            }
            out.println();
            out.println("Stopped " + (stopped.isEmpty() ? "nothing" : String.join(", ", stopped)) + "; demo took "
                    + seconds(started) + ".");
        }
    }

    /**
     * The variables the demo's broker and example see: the stand-in's, the region, moto as the STS endpoint and as the
     * example's service endpoint, the accounts and the regions.
     */
    static Map<String, String> environment(DemoRuntime.StandIn standIn, URI moto, List<String> accounts) {
        Map<String, String> variables = new LinkedHashMap<>(standIn.environment());
        variables.put("AWS_REGION", "us-east-1");
        variables.put("OCEAN_AWS_STS_ENDPOINT", moto.toString());
        variables.put(ExampleSettings.ACCOUNTS, String.join(",", accounts));
        variables.put(ExampleSettings.REGIONS, String.join(",", REGIONS));
        variables.put(ExampleSettings.ENDPOINT, moto.toString());
        return variables;
    }

    /** The time since {@code startNanos}, as {@code 1.2 s}. */
    static String seconds(long startNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }

    /** The steps, in order; each prints what it did. */
    private static final class Flow {
        private final Options options;
        private final PrintStream out;
        private final PrintStream err;
        private final Resources resources;

        Flow(Options options, PrintStream out, PrintStream err, Resources resources) {
            this.options = options;
            this.out = out;
            this.err = err;
            this.resources = resources;
        }

        int run(MotoSource motoSource) {
            DemoRuntime runtime = options.runtime;
            out.println("Ocean AWS credentials: local demo, runtime " + runtime.id());
            out.println();

            Moto moto;
            try {
                moto = motoSource.open(options.endpoint);
            } catch (MotoMissing e) {
                err.println(e.getMessage());
                return USAGE;
            } catch (RuntimeException e) {
                err.println("Could not use moto_server: " + e.getMessage());
                return FAILED;
            }
            if (moto.owned) {
                resources.add("moto_server", moto.server::stop);
            }
            out.println("[1/5] " + moto.description);

            MotoServer server = moto.server;
            long t0 = System.nanoTime();
            SeedArchitecture seed;
            try {
                seed = SeedArchitecture.builder()
                        .extraResources((accountId, admin) -> DemoResources.create(server, accountId, admin))
                        .provision(server);
            } catch (SdkException e) {
                err.println("Could not provision the seed in moto_server: " + e.getMessage());
                if (String.valueOf(e.getMessage()).contains("ReadOnlyAccess")) {
                    err.println("The AWS managed policies are not loaded: start moto_server with"
                            + " MOTO_IAM_LOAD_MANAGED_POLICIES=true (the demo does so when it starts moto itself).");
                }
                return FAILED;
            }
            out.println("[2/5] Seed provisioned in moto (" + seconds(t0) + "), IAM enforcement on:");
            out.println("      base account " + seed.baseAccountId() + ": " + SeedArchitecture.TASK_ROLE_NAME
                    + ", whose only permission is sts:AssumeRole on arn:aws:iam::*:role/"
                    + SeedArchitecture.READ_ROLE_NAME);
            out.println("      target accounts " + String.join(", ", seed.targetAccountIds()) + ": "
                    + SeedArchitecture.READ_ROLE_NAME + " with ReadOnlyAccess, 2 buckets, 1 EC2 instance, 1 more role");

            DemoRuntime.StandIn standIn = resources.add(runtime.endpointName() + " stand-in", runtime.start(seed));
            Map<String, String> variables = environment(standIn, server.endpoint(), seed.targetAccountIds());
            out.println("[3/5] " + standIn.description() + ", serving a session of " + seed.taskRoleArn());
            out.println("      environment given to ReadRoleBroker.builder().environment(...):");
            variables.forEach((name, value) -> out.println("        " + name + "=" + shown(name, value)));
            RuntimeEnvironment environment = RuntimeEnvironment.of(variables, Map.of());

            ReadRoleBroker broker;
            try {
                broker = resources.add("broker", ReadRoleBroker.builder().environment(environment).build());
            } catch (ReadRoleException | IllegalArgumentException e) {
                err.println("The broker could not start: " + e.getMessage());
                return FAILED;
            }
            out.println("[4/5] Running " + exampleName(runtime) + " against it:");
            runtime.beforeFirstUse(broker, seed, out);
            out.println();
            long t1 = System.nanoTime();
            int example = runtime.runExample(broker, environment, out);
            out.println("(" + exampleName(runtime) + " took " + seconds(t1) + ")");

            out.println();
            String account = seed.targetAccountIds().get(0);
            boolean refused = writeAttempt(broker.forAccount(account), server.endpoint());
            nextRefresh(broker, seed.targetAccountIds());
            if (example != ExampleRunner.OK) {
                err.println("The example could not read every account (status " + example + "): see above.");
                return FAILED;
            }
            return refused ? OK : FAILED;
        }

        private boolean writeAttempt(AwsReadSession session, URI endpoint) {
            String bucket = "ocean-demo-write-attempt-" + session.accountId();
            out.println("[5/5] Write attempt with the read role of " + session.accountId() + ": s3:CreateBucket "
                    + bucket);
            try (S3Client s3 = session.configure(S3Client.builder()).endpointOverride(endpoint).forcePathStyle(true)
                    .build()) {
                s3.createBucket(r -> r.bucket(bucket));
                out.println("      NOT refused: the bucket was created, so the read role can write. Check its policies.");
                return false;
            } catch (S3Exception e) {
                boolean denied = e.statusCode() == 403;
                out.println("      " + (denied ? "refused by AWS: " : "failed: ") + ReadOnlyInventory.errorSummary(e));
                return denied;
            } catch (SdkException e) {
                out.println("      failed before reaching AWS: " + ReadOnlyInventory.errorSummary(e));
                return false;
            }
        }

        private void nextRefresh(ReadRoleBroker broker, List<String> accounts) {
            TablePrinter printer = new TablePrinter(out, Clock.systemUTC());
            out.println();
            out.println("Next refresh (in the background, before expiry; callers keep using the current credentials):");
            for (String account : accounts) {
                AwsReadSession session = broker.forAccount(account);
                out.println("  " + account + "  " + printer.when(session.nextRefresh()) + ", expires "
                        + printer.when(session.expiration()));
            }
        }

        private static String exampleName(DemoRuntime runtime) {
            return switch (runtime) {
                case ECS -> "EcsExample";
                case EC2 -> "Ec2Example";
                case EKS_IRSA, EKS_POD_IDENTITY -> "EksExample";
            };
        }

        /** Values as printed: the ECS credentials ID (the last path segment) grants access, so it is hidden. */
        private static String shown(String name, String value) {
            if (name.equals("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
                return value.substring(0, value.lastIndexOf('/') + 1) + "\u2026";
            }
            return value;
        }
    }

    /** The parsed command line. */
    static final class Options {
        final DemoRuntime runtime;
        final URI endpoint;
        final boolean help;
        final boolean verbose;

        private Options(DemoRuntime runtime, URI endpoint, boolean help, boolean verbose) {
            this.runtime = runtime;
            this.endpoint = endpoint;
            this.help = help;
            this.verbose = verbose;
        }

        /**
         * Parses the arguments.
         *
         * @throws IllegalArgumentException naming the argument and the rule
         */
        static Options parse(String[] args) {
            DemoRuntime runtime = DemoRuntime.ECS;
            URI endpoint = null;
            boolean help = false;
            boolean verbose = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                switch (arg) {
                    case "--runtime" -> runtime = DemoRuntime.of(value != null ? value : next(args, ++i, arg));
                    case "--endpoint" -> endpoint = endpoint(value != null ? value : next(args, ++i, arg));
                    case "--verbose" -> verbose = flag(arg, value);
                    case "--help", "-h" -> help = flag(arg, value);
                    default -> throw new IllegalArgumentException("unknown argument " + shown(arg));
                }
            }
            return new Options(runtime, endpoint, help, verbose);
        }

        private static boolean flag(String name, String value) {
            if (value != null) {
                throw new IllegalArgumentException(name + " takes no value (the value is not shown)");
            }
            return true;
        }

        private static String next(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }

        private static final String ENDPOINT_RULE = "--endpoint must be http(s)://host[:port] (a port of 1-65535,"
                + " no user info, path, query or fragment), like http://127.0.0.1:5000";

        /** {@code http(s)://host[:port]}; a refused value is shown without user info, escaped and cut. */
        private static URI endpoint(String text) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(ENDPOINT_RULE + "; it is not a URL (was " + shown(text) + ")");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            String problem = null;
            if (!scheme.equals("http") && !scheme.equals("https")) {
                problem = "the scheme is not http or https";
            } else if (uri.getRawAuthority() != null && uri.getRawAuthority().indexOf('@') >= 0) {
                problem = "it has user info";
            } else if (uri.getHost() == null || uri.getHost().length() > 253) {
                problem = "it has no valid host[:port]";
            } else if (uri.getPort() == 0 || uri.getPort() > 65_535) {
                problem = "port " + uri.getPort() + " is not in 1-65535";
            } else if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
                problem = "it has a path";
            } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                problem = "it has a query or fragment";
            }
            if (problem != null) {
                throw new IllegalArgumentException(ENDPOINT_RULE + "; " + problem + " (was " + shown(text) + ")");
            }
            return uri;
        }
    }

    /**
     * An argument as a message shows it: quoted, any user info (up to the last '@') replaced, control and
     * non-printable characters escaped, cut after 200 characters.
     */
    static String shown(String text) {
        if (text == null) {
            return "null";
        }
        String v = text;
        int at = v.lastIndexOf('@');
        if (at >= 0) {
            int scheme = v.indexOf("://");
            int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
            v = v.substring(0, start) + "<user info not shown>" + v.substring(at);
        }
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < Math.min(v.length(), 200); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || Character.isSurrogate(c)
                    || (c >= '\u2028' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (v.length() > 200) {
            out.append(" (cut; ").append(v.length()).append(" characters in all)");
        }
        return out.toString();
    }

    /** A moto_server the demo uses: started by it (and then stopped by it) or given with {@code --endpoint}. */
    static final class Moto {
        final MotoServer server;
        final boolean owned;
        final String description;

        Moto(MotoServer server, boolean owned, String description) {
            this.server = Objects.requireNonNull(server, "server");
            this.owned = owned;
            this.description = Objects.requireNonNull(description, "description");
        }
    }

    /** Where the demo's moto_server comes from; tests substitute a shared one. */
    interface MotoSource {
        /** Starts moto_server as a child process, or attaches to {@code --endpoint}. */
        MotoSource PROCESS = process(MotoServer::executable);

        /** Like {@link #PROCESS}, finding the executable with {@code executable}. */
        static MotoSource process(Supplier<Optional<Path>> executable) {
            return endpoint -> {
                if (endpoint != null) {
                    MotoServer server = MotoServer.attach(endpoint);
                    return new Moto(server, false, "Using the moto_server at " + endpoint + " (its state is reset)");
                }
                Optional<Path> found = executable.get();
                if (found.isEmpty()) {
                    throw new MotoMissing();
                }
                long t0 = System.nanoTime();
                MotoServer server = MotoServer.start();
                return new Moto(server, true, "moto_server started at " + server.endpoint() + " (" + found.get()
                        + ", " + seconds(t0) + ")");
            };
        }

        /**
         * The moto_server to use.
         *
         * @param endpoint {@code --endpoint}, or null
         * @throws MotoMissing when moto_server is needed and not installed
         */
        Moto open(URI endpoint);
    }

    /** moto_server is not installed. */
    static final class MotoMissing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MotoMissing() {
            super("moto_server was not found on PATH. The demo runs against moto, the AWS emulator: install it with"
                    + " pip install 'moto[server]' (moto 5), or start one yourself and pass --endpoint"
                    + " http://127.0.0.1:5000 (its state is reset).");
        }
    }

    /**
     * What the demo started, stopped in reverse order exactly once: by the demo at its end, or by the shutdown hook
     * on Ctrl-C.
     */
    static final class Resources {
        private final Deque<Map.Entry<String, AutoCloseable>> started = new ArrayDeque<>();
        private boolean closed;

        /** Registers a resource; if everything was already stopped (Ctrl-C during start-up), stops it at once. */
        <T extends AutoCloseable> T add(String name, T resource) {
            boolean late;
            synchronized (this) {
                late = closed;
                if (!late) {
                    started.push(Map.entry(name, resource));
                }
            }
            if (late) {
                closeQuietly(resource);
                throw new IllegalStateException("the demo is stopping");
            }
            return resource;
        }

        /**
         * Like {@link #closeAll()}, but gives up waiting after {@code limit} (the stopping goes on in a daemon thread):
         * for the shutdown hook, which must not hold up the JVM's exit for ever.
         */
        void closeAll(Duration limit) {
            Thread closer = new Thread(this::closeAll, "ocean-demo-stop");
            closer.setDaemon(true);
            closer.start();
            try {
                closer.join(limit.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Stops everything registered, most recent first; returns the names of what it stopped. */
        List<String> closeAll() {
            List<Map.Entry<String, AutoCloseable>> toClose = new ArrayList<>();
            synchronized (this) {
                closed = true;
                while (!started.isEmpty()) {
                    toClose.add(started.pop());
                }
            }
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, AutoCloseable> entry : toClose) {
                closeQuietly(entry.getValue());
                names.add(entry.getKey());
            }
            return names;
        }

        private static void closeQuietly(AutoCloseable resource) {
            try {
                resource.close();
            } catch (Exception e) {
                // Stopping is best effort: one failure must not keep the others running.
            }
        }
    }
}
