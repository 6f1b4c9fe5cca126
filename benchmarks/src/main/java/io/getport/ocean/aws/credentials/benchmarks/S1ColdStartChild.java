package io.getport.ocean.aws.credentials.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one contender of a {@link S1ColdStart} in a JVM of its own, so that each contender starts as an integration
 * starts after a deploy: with no class loaded and no method compiled. In one JVM the contender measured second inherits
 * the first one's compiled code for everything they share (the SDK's STS client, its HTTP client and XML parser):
 * nearly all the CPU of a cold start on this machine is the JIT compiler's (18.8 of 20.2 CPU seconds for ours at
 * 10,000 accounts, measured with {@code -XX:+CITime}), so the order alone moved the result.
 *
 * <p>The child runs with the parent's JVM options and class path, prints one {@code s1result} line (and one
 * {@code s1failure} line with the first failure's text, Base64) on stdout; its stderr is the parent's.
 */
final class S1ColdStartChild {
    private static final String RESULT = "s1result ";
    private static final String FAILURE = "s1failure ";

    private S1ColdStartChild() {
    }

    /** Each contender of {@code config} in a fresh JVM, one after the other. */
    static List<S1ColdStart.Result> runEach(S1ColdStart.Config config, Report report) {
        List<S1ColdStart.Result> results = new ArrayList<>();
        for (Contender.Kind kind : config.contenders()) {
            int accounts = kind == Contender.Kind.SDK_CLIENT_PER_ACCOUNT
                    ? Math.min(config.accounts(), config.perClientAccounts()) : config.accounts();
            report.progress("cold start " + kind.label + " in a fresh JVM: " + accounts + " accounts, "
                    + config.threads() + " threads, quota " + config.sts().quotaPerSecond() + "/s, others "
                    + config.sts().othersPerSecond() + "/s");
            results.add(runInChild(kind, accounts, config));
        }
        return results;
    }

    private static S1ColdStart.Result runInChild(Contender.Kind kind, int accounts, S1ColdStart.Config c) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(S1ColdStartChild.class.getName());
        command.addAll(List.of(kind.label, Integer.toString(accounts), Integer.toString(c.threads()),
                Integer.toString(c.requestsPerAccount()), Boolean.toString(c.grouped()),
                Boolean.toString(c.childProcess()), Integer.toString(c.oursRateLimit()),
                Integer.toString(c.oursMaxConcurrency())));
        command.addAll(Arrays.asList(c.sts().toArgs()));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the cold-start child JVM", e);
        }
        String result = null;
        String failure = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(RESULT)) {
                    result = line.substring(RESULT.length());
                } else if (line.startsWith(FAILURE)) {
                    failure = new String(Base64.getDecoder().decode(line.substring(FAILURE.length()).trim()),
                            StandardCharsets.UTF_8);
                }
            }
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the cold-start child JVM for " + kind.label + " did not exit");
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("reading the cold-start child JVM's result", e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the cold-start child JVM ran", e);
        }
        if (process.exitValue() != 0 || result == null) {
            throw new IllegalStateException("the cold-start child JVM for " + kind.label + " exited with "
                    + process.exitValue() + " and no result line");
        }
        // "<resolutions> <failures> <wallMillis> stats ..." (QuotaSts.Stats.line())
        String[] p = result.trim().split("\\s+", 4);
        return new S1ColdStart.Result(kind, accounts, Integer.parseInt(p[0]), Integer.parseInt(p[1]), failure,
                Long.parseLong(p[2]), QuotaSts.Stats.parse(p[3]));
    }

    /**
     * {@code kind accounts threads requestsPerAccount grouped childProcess oursRateLimit oursMaxConcurrency
     * <QuotaSts options>}.
     */
    public static void main(String[] args) throws Exception {
        ScaleSimulation.quietLogsAndNoDelay();
        Contender.Kind kind = Contender.Kind.of(args[0]);
        int accounts = Integer.parseInt(args[1]);
        Args sts = Args.parse(Arrays.copyOfRange(args, 8, args.length));
        QuotaSts.Config stsConfig = QuotaSts.Config.fromArgs(sts);
        sts.requireAllUsed();
        S1ColdStart.Config config = new S1ColdStart.Config(accounts, Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Boolean.parseBoolean(args[4]), stsConfig, Boolean.parseBoolean(args[5]),
                List.of(kind), accounts, Integer.parseInt(args[6]), Integer.parseInt(args[7]));
        S1ColdStart.Result r = S1ColdStart.runOne(kind, accounts, config);
        StringBuilder out = new StringBuilder();
        out.append(RESULT).append(r.resolutions()).append(' ').append(r.failures()).append(' ')
                .append(r.wallMillis()).append(' ').append(r.sts().line()).append('\n');
        if (r.firstFailure() != null) {
            out.append(FAILURE).append(Base64.getEncoder().encodeToString(
                    r.firstFailure().getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        System.out.print(out);
        System.out.flush();
    }
}
