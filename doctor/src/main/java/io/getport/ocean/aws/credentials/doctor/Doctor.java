package io.getport.ocean.aws.credentials.doctor;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import io.getport.ocean.aws.credentials.internal.Setting;
import io.getport.ocean.aws.credentials.internal.Validation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code ocean-aws-doctor} command: run it where the integration runs, with the same environment, to see which
 * identity the broker detects, whether STS accepts it, and whether each target account's read role can be assumed;
 * every failure comes with its probable cause and the policy JSON that fixes it.
 *
 * <pre>
 * java -jar doctor/target/ocean-aws-doctor.jar --accounts 111122223333,444455556666 [--json] [--verify-read-only]
 * </pre>
 *
 * <p>Exit codes: {@value Report#OK} all is well; {@value Report#ACCOUNTS_FAILED} some accounts failed;
 * {@value Report#NO_IDENTITY} no usable identity (none detected, or STS rejected or could not verify it);
 * {@value Report#USAGE} invalid options or configuration.
 *
 * <p>It reads the same environment variables and system properties as the library ({@code OCEAN_AWS_*},
 * {@code AWS_*}), including the account source ({@code OCEAN_AWS_ACCOUNTS}, {@code OCEAN_AWS_ORGANIZATION_ROLE_ARN})
 * when {@code --accounts} is not given, and {@code AWS_ENDPOINT_URL_IAM} for {@code --verify-read-only}. It never
 * prints a secret key, session token, web identity token or ExternalId.
 */
@Command(name = "ocean-aws-doctor", mixinStandardHelpOptions = true, versionProvider = Doctor.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        exitCodeOnInvalidInput = Report.USAGE, exitCodeOnExecutionException = Report.USAGE,
        description = {
            "Checks the runtime identity and the read role in each target account, explains every failure and prints"
                    + " the policy JSON that fixes it.",
            "",
            "Exit codes: 0 all OK; 1 some accounts failed; 2 no usable identity; 3 invalid usage or configuration."})
public final class Doctor implements Callable<Integer> {

    @Option(names = "--accounts", split = ",", paramLabel = "ACCOUNT",
            description = "Target account IDs (12 digits) or role ARNs, comma separated. Default: the configured"
                    + " account source (OCEAN_AWS_ACCOUNTS, or AWS Organizations with"
                    + " OCEAN_AWS_ORGANIZATION_ROLE_ARN); with neither, the identity only.")
    List<String> accounts;

    @Option(names = "--json", description = "Print one JSON document (a stable shape, see the README) instead of"
            + " text.")
    boolean json;

    @Option(names = "--verify-read-only", description = "With each read role session, list the role's attached and"
            + " inline policies and warn about anything beyond ReadOnlyAccess.")
    boolean verifyReadOnly;

    @Option(names = "--iam-endpoint", paramLabel = "URL", description = "IAM endpoint for --verify-read-only (a VPC"
            + " endpoint, an emulator), as http(s)://host[:port]. Default: AWS_ENDPOINT_URL_IAM, else the partition's"
            + " global IAM endpoint.")
    String iamEndpointText;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "8",
            description = "Accounts checked at once, 1-" + MAX_PARALLELISM + ". Default: ${DEFAULT-VALUE}.")
    String parallelismText;

    /** The most accounts checked at once. */
    static final int MAX_PARALLELISM = 64;

    /** {@code --iam-endpoint}, checked; null when not given. */
    URI iamEndpoint;
    /** {@code --parallelism}, checked. */
    int parallelism;

    @Option(names = {"-v", "--verbose"}, description = "Also print the library's log lines (DEBUG) to stderr.")
    boolean verbose;

    private final RuntimeEnvironment environment;
    private final PrintStream out;

    Doctor(RuntimeEnvironment environment, PrintStream out) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Runs the doctor on this process's environment and exits with its exit code. */
    public static void main(String[] args) {
        for (String a : args) {
            if ("-v".equals(a) || "--verbose".equals(a)) {
                // slf4j-simple in the jar: off by default (the report explains failures), DEBUG when asked.
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
                System.setProperty("org.slf4j.simpleLogger.log.software.amazon.awssdk", "warn");
                System.setProperty("org.slf4j.simpleLogger.log.org.apache", "warn");
            }
        }
        System.exit(execute(args, RuntimeEnvironment.system(), System.out, System.err));
    }

    /**
     * Runs the doctor and returns its exit code, without exiting: the entry point for tests and for embedding.
     *
     * @param args the command line
     * @param environment where the settings and runtime signals are read from
     * @param out where the report (and help) is printed
     * @param err where usage errors are printed
     */
    public static int execute(String[] args, RuntimeEnvironment environment, PrintStream out, PrintStream err) {
        CommandLine cmd = new CommandLine(new Doctor(environment, out));
        cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Not the stack trace: only the type and message, which the library keeps free of secrets.
            commandLine.getErr().println("ocean-aws-doctor failed: " + e.getClass().getName() + ": "
                    + Validation.shown(e.getMessage()));
            commandLine.getErr().flush();
            return Report.USAGE;
        });
        cmd.setParameterExceptionHandler((e, args2) -> {
            // picocli's message quotes the argument: shown without a URL's user info, escaped and cut.
            PrintWriter w = cmd.getErr();
            String message = e.getMessage();
            if (e instanceof CommandLine.UnmatchedArgumentException) {
                // An unknown argument may be a mistyped secret (--token=...): name options only, never values.
                List<String> names = new java.util.ArrayList<>();
                int positional = 0;
                for (String arg : ((CommandLine.UnmatchedArgumentException) e).getUnmatched()) {
                    if (arg.startsWith("-")) {
                        int eq = arg.indexOf('=');
                        names.add(eq > 0 ? arg.substring(0, eq) + "=<value not shown>" : arg);
                    } else {
                        positional++;
                    }
                }
                message = "unknown option(s) " + names + (positional == 0 ? ""
                        : " and " + positional + " unexpected argument(s) (not shown)");
            }
            w.println("ocean-aws-doctor: " + Validation.shown(message));
            w.println("Run ocean-aws-doctor --help for the options.");
            w.flush();
            return Report.USAGE;
        });
        return cmd.execute(args);
    }

    @Override
    public Integer call() {
        Report report;
        try {
            parallelism = (int) Setting.parseWholeNumber("--parallelism", parallelismText,
                    new Setting.NumberRange(1, MAX_PARALLELISM));
            iamEndpoint = iamEndpointText == null ? null : Validation.endpoint("--iam-endpoint", iamEndpointText);
            report = new Checkup(environment, this).run();
        } catch (IllegalArgumentException e) {
            report = Report.usage(e.getMessage());
        }
        if (json) {
            out.println(JsonReport.render(report));
        } else {
            TextReport.render(report, out);
        }
        out.flush();
        return report.exitCode;
    }

    /** The version from the jar's resources. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ocean-aws-doctor " + version()};
        }
    }

    static String version() {
        try (InputStream in = Doctor.class.getResourceAsStream("doctor.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
