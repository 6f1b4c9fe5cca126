package io.getport.ocean.aws.credentials.examples;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.IdentityDetection;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** The flow the three runtime examples share: show the identity, read every account, print a table per account. */
final class ExampleRunner {
    /** Every account was read. */
    static final int OK = 0;
    /** At least one account could not be read (the others were). */
    static final int ACCOUNT_FAILED = 1;
    /** Nothing was read: a setting is missing or wrong, or no runtime identity was found. */
    static final int CONFIGURATION = 2;

    /**
     * What differs between the runtime examples.
     *
     * @param title e.g. {@code ECS task}
     * @param sources the identity sources this runtime yields, e.g. {@code ecs}
     * @param setupHint what to check when no identity is found, naming the deployment template
     */
    record Runtime(String title, Set<String> sources, String setupHint) {
        Runtime {
            Objects.requireNonNull(title, "title");
            sources = Set.copyOf(sources);
            Objects.requireNonNull(setupHint, "setupHint");
        }
    }

    private ExampleRunner() {
    }

    /**
     * The examples' {@code main}: settings from the process environment, sessions from
     * {@link AwsReadSession#forAccount(String)} (the process-wide default broker).
     */
    static int runWithDefaultBroker(Runtime runtime, PrintStream out, PrintStream err) {
        RuntimeEnvironment environment = RuntimeEnvironment.system();
        ExampleSettings settings;
        ReadRoleBroker broker;
        try {
            settings = ExampleSettings.from(environment);
            broker = ReadRoleBroker.defaultBroker();
        } catch (IllegalArgumentException e) {
            err.println("Configuration error: " + e.getMessage());
            return CONFIGURATION;
        } catch (ReadRoleException e) {
            err.println("No usable runtime identity (" + e.reason() + "): " + e.getMessage());
            err.println(runtime.setupHint());
            return CONFIGURATION;
        }
        return run(runtime, broker, AwsReadSession::forAccount, settings, out, Clock.systemUTC());
    }

    /**
     * The examples' {@code run(broker, environment, out)}: settings from {@code environment}, sessions from
     * {@code broker.forAccount}.
     */
    static int runWithBroker(Runtime runtime, ReadRoleBroker broker, RuntimeEnvironment environment,
            PrintStream out) {
        Objects.requireNonNull(broker, "broker");
        ExampleSettings settings;
        try {
            settings = ExampleSettings.from(environment);
        } catch (IllegalArgumentException e) {
            out.println("Configuration error: " + e.getMessage());
            return CONFIGURATION;
        }
        return run(runtime, broker, broker::forAccount, settings, out, Clock.systemUTC());
    }

    /**
     * Prints the identity, then reads each account with the session {@code sessions} returns for it.
     *
     * @return {@link #OK}, or {@link #ACCOUNT_FAILED} when an account could not be read
     */
    static int run(Runtime runtime, ReadRoleBroker broker, Function<String, AwsReadSession> sessions,
            ExampleSettings settings, PrintStream out, Clock clock) {
        TablePrinter printer = new TablePrinter(out, clock);
        IdentityDetection identity = identity(runtime, broker, printer, out);
        List<AccountInventory> accounts = new ArrayList<>();
        for (String accountId : settings.accounts()) {
            AccountInventory inventory;
            try {
                AwsReadSession session = sessions.apply(accountId);
                inventory = ReadOnlyInventory.collect(session, settings.regionsOr(identity.region()),
                        settings.endpoint());
            } catch (ReadRoleException e) {
                inventory = new AccountInventory(accountId, broker.roleArn(accountId), null, null, null, List.of(),
                        e.reason() + ": " + e.getMessage());
            }
            accounts.add(inventory);
            printer.account(inventory);
        }
        long ok = accounts.stream().filter(AccountInventory::ok).count();
        out.println();
        out.println("Read " + ok + " of " + accounts.size() + " accounts with " + identity.source()
                + " credentials; sessions last " + TablePrinter.relative(broker.sessionDuration())
                + " and are refreshed in the background before they expire.");
        return ok == accounts.size() ? OK : ACCOUNT_FAILED;
    }

    private static IdentityDetection identity(Runtime runtime, ReadRoleBroker broker, TablePrinter printer,
            PrintStream out) {
        IdentityDetection identity = broker.identity();
        String principal;
        try {
            // One GetCallerIdentity call with the base credentials: proves they work before any AssumeRole.
            identity = broker.verifyIdentity();
            principal = identity.basePrincipal().orElse("unknown");
        } catch (ReadRoleException e) {
            principal = "unknown: " + e.reason() + ": " + e.getMessage();
        }
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("source", identity.source());
        lines.put("why", identity.reason());
        lines.put("base principal", principal);
        lines.put("region", identity.region().id() + " (from " + identity.regionSource() + ")");
        lines.put("role chaining", identity.roleChaining()
                ? "yes: read role sessions are capped at one hour" : "no");
        // Facts in name order, so the output reads the same on every run.
        new TreeMap<>(identity.facts()).forEach(lines::put);
        printer.keyValues("Identity (" + runtime.title() + " example)", lines);
        out.println("  checked:");
        identity.checked().forEach(line -> out.println("    - " + line));
        if (!runtime.sources().contains(identity.source())) {
            out.println("  note: the " + runtime.title() + " example expects " + String.join(" or ",
                    runtime.sources().stream().sorted().toList()) + ", but the identity came from "
                    + identity.source() + ". " + runtime.setupHint());
        }
        return identity;
    }
}
