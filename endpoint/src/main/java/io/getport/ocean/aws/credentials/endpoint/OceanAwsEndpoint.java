package io.getport.ocean.aws.credentials.endpoint;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar ocean-aws-endpoint.jar serve | credential-process | profiles}: the read role's credentials for
 * processes that are not this JVM (the AWS CLI, boto3, Go and JS SDKs), from one broker per task, pod or instance.
 *
 * <p>Exit codes (all commands): {@value #OK} success; {@value #USAGE} bad arguments (including a malformed account
 * ID); {@value #DENIED} the read role was denied, or the account is not allowed; {@value #UNAVAILABLE} STS or the
 * endpoint is unavailable, retry later; {@value #CONFIGURATION} the endpoint or broker is misconfigured (no
 * identity, a refused token or token file, a non-loopback bind address); {@value #PORT_IN_USE} {@code serve}: the
 * port is taken.
 */
@Command(name = "ocean-aws-endpoint", mixinStandardHelpOptions = true, versionProvider = OceanAwsEndpoint.Version.class,
        subcommands = {ServeCommand.class, CredentialProcessCommand.class, ProfilesCommand.class},
        description = {"Serves the Ocean read role's credentials to other processes on this host.", "",
            "Exit codes: 0 OK; 2 bad arguments; 3 denied; 4 unavailable (retry later); 5 misconfigured;"
                    + " 6 port in use."})
public final class OceanAwsEndpoint implements Runnable {
    /** Success. */
    public static final int OK = 0;
    /** Bad arguments, including a malformed account ID. */
    public static final int USAGE = 2;
    /** The read role was denied (trust policy, permissions, ExternalId), or the account is not allowed. */
    public static final int DENIED = 3;
    /** STS or the endpoint is unavailable and nothing valid is cached: retry later. */
    public static final int UNAVAILABLE = 4;
    /** Misconfigured: no identity, an invalid base identity, a refused token or token file, a refused bind. */
    public static final int CONFIGURATION = 5;
    /** {@code serve}: the port is taken by another process. */
    public static final int PORT_IN_USE = 6;

    /** Where commands read settings, print, and how they build brokers; tests replace it. */
    record Context(RuntimeEnvironment environment, PrintStream out, PrintStream err, Clock clock,
            UnaryOperator<ReadRoleBroker.Builder> brokerCustomizer) {
        Context {
            Objects.requireNonNull(environment, "environment");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(err, "err");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(brokerCustomizer, "brokerCustomizer");
        }

        static Context system() {
            return new Context(RuntimeEnvironment.system(), System.out, System.err, Clock.systemUTC(), b -> b);
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs a command and exits with its code. */
    public static void main(String[] args) {
        // The JDK HttpServer reads its bounds once, when it first loads: set them before anything else runs.
        for (Map.Entry<String, String> bound : CredentialsEndpoint.BOUNDS.entrySet()) {
            if (System.getProperty(bound.getKey()) == null) {
                System.setProperty(bound.getKey(), bound.getValue());
            }
        }
        System.exit(execute(args, Context.system()));
    }

    /** Runs a command with {@code context} and returns its exit code without exiting. */
    static int execute(String[] args, Context context) {
        CommandLine cmd = new CommandLine(new OceanAwsEndpoint(), new Factory(context));
        cmd.setOut(new PrintWriter(context.out(), true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(context.err(), true, StandardCharsets.UTF_8));
        cmd.setExitCodeExceptionMapper(e -> USAGE);
        cmd.setParameterExceptionHandler((e, args2) -> {
            e.getCommandLine().getErr().println("ocean-aws-endpoint: " + e.getMessage());
            e.getCommandLine().getErr().println("Run with --help for usage.");
            e.getCommandLine().getErr().flush();
            return USAGE;
        });
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // The type and message only (the library keeps them free of secrets), no stack trace.
            commandLine.getErr().println("ocean-aws-endpoint failed: " + e);
            commandLine.getErr().flush();
            return e instanceof IllegalArgumentException ? USAGE : CONFIGURATION;
        });
        return cmd.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: serve, credential-process or profiles");
    }

    /** Gives every command the context. */
    private static final class Factory implements CommandLine.IFactory {
        private final Context context;

        Factory(Context context) {
            this.context = context;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ServeCommand.class) {
                return type.cast(new ServeCommand(context));
            }
            if (type == CredentialProcessCommand.class) {
                return type.cast(new CredentialProcessCommand(context));
            }
            if (type == ProfilesCommand.class) {
                return type.cast(new ProfilesCommand(context));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = OceanAwsEndpoint.class.getPackage().getImplementationVersion();
            return new String[] {"ocean-aws-endpoint " + (v == null ? "dev" : v)};
        }
    }
}
