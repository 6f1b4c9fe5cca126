package io.getport.ocean.aws.credentials.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The scale simulation: S1 cold start, S2 footprint, S3 a day, and the refresh schedule model, against the test
 * kit's fake STS (the real query protocol and XML), ours side by side with the AWS SDK's
 * {@code StsAssumeRoleCredentialsProvider}. Results are printed as Markdown tables; progress goes to stderr.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.getport.ocean.aws.credentials.benchmarks.ScaleSimulation \
 *     s1|s2|s3|model|all [options]
 * </pre>
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><td>{@code --accounts N}</td><td>accounts (all scenarios); default 10,000</td></tr>
 *   <tr><td>{@code --contenders a,b}</td><td>S1/S2: {@code ours}, {@code sdk-shared-client},
 *       {@code sdk-client-per-account}; default all three</td></tr>
 *   <tr><td>{@code --per-client-accounts N}</td><td>S1/S2: accounts for {@code sdk-client-per-account} (one SDK client
 *       each); default the same as {@code --accounts}</td></tr>
 *   <tr><td>{@code --fake process|in-process}</td><td>S1/S2: where the fake STS runs; default {@code process} (a
 *       child JVM, so its memory and threads are not measured)</td></tr>
 *   <tr><td>{@code --threads N}</td><td>S1: caller threads; default 64</td></tr>
 *   <tr><td>{@code --requests-per-account N}</td><td>S1: requests per account; default 1</td></tr>
 *   <tr><td>{@code --order grouped|rounds}</td><td>S1: an account's requests next to each other (concurrent, single
 *       flight), or all accounts once, then again; default {@code rounds}</td></tr>
 *   <tr><td>{@code --latency-ms N}</td><td>S1: fake STS latency per answer; default 20</td></tr>
 *   <tr><td>{@code --throttle-above N}</td><td>S1: the fake answers {@code Throttling} beyond N requests in any
 *       sliding second; default {@value #STS_QUOTA_PER_SECOND} (STS's default quota per account and Region); 0 never
 *       throttles</td></tr>
 *   <tr><td>{@code --rate-limit N}</td><td>S1: our {@code stsRateLimit}; default 0 = the broker's default, 50/s</td></tr>
 *   <tr><td>{@code --hours N}</td><td>S3/model: injected hours; default 24</td></tr>
 *   <tr><td>{@code --call-interval S}</td><td>S3/model: each account is resolved every S simulated seconds; default
 *       60</td></tr>
 *   <tr><td>{@code --jitter F}</td><td>S3/model: {@code refreshJitter}; default 0.5 (the broker's default)</td></tr>
 *   <tr><td>{@code --s3-rate-limit N}</td><td>S3: our {@code stsRateLimit} (real-time pacing; see {@link S3Day});
 *       default 100,000</td></tr>
 *   <tr><td>{@code --outage-at-hour H}, {@code --outage-minutes M}</td><td>S3: STS answers 503 from hour H for M
 *       minutes; default no outage, 20 minutes</td></tr>
 *   <tr><td>{@code --retry-max-attempts N}</td><td>S3: our {@code retryMaxAttempts} (retry delays are real
 *       time); default 0 = the broker's default, 3</td></tr>
 *   <tr><td>{@code --caller-threads N}</td><td>S3: threads that run one simulated second's callers; default 2</td></tr>
 * </table>
 */
public final class ScaleSimulation {
    /**
     * STS's default request quota: 600 requests per second per account per Region (the combined rate of AssumeRole*,
     * GetCallerIdentity and the other STS actions, adjustable through Service Quotas). The quota is shared by every
     * caller in the base identity's account, so a broker that keeps well below it leaves room for the rest.
     */
    static final int STS_QUOTA_PER_SECOND = 600;

    private ScaleSimulation() {
    }

    public static void main(String[] args) throws Exception {
        quietLogsAndNoDelay();
        Args a = Args.parse(args);
        if (a.positional().size() != 1) {
            throw new IllegalArgumentException("usage: ScaleSimulation s1|s2|s3|model|all [--option value ...]"
                    + " (see the class Javadoc or docs/PERFORMANCE.md)");
        }
        String what = a.positional().get(0);
        Report report = Report.console();
        int accounts = a.intValue("accounts", 10_000);
        List<Contender.Kind> contenders = new ArrayList<>();
        for (String s : a.string("contenders", "ours,sdk-shared-client,sdk-client-per-account").split(",")) {
            contenders.add(Contender.Kind.of(s));
        }
        int perClient = a.intValue("per-client-accounts", accounts);
        String fake = a.string("fake", "process");
        if (!fake.equals("process") && !fake.equals("in-process")) {
            throw new IllegalArgumentException("option --fake must be process or in-process, was " + fake);
        }
        boolean child = fake.equals("process");
        S1ColdStart.Config s1 = new S1ColdStart.Config(accounts, a.intValue("threads", 64),
                a.intValue("requests-per-account", 1), grouped(a.string("order", "rounds")), Duration.ofMillis(a.longValue("latency-ms", 20)),
                a.intValue("throttle-above", STS_QUOTA_PER_SECOND), child, contenders, perClient,
                a.intValue("rate-limit", 0));
        S3Day.Config s3 = new S3Day.Config(accounts, a.intValue("hours", 24), a.intValue("call-interval", 60),
                a.intValue("s3-rate-limit", 100_000), a.doubleValue("jitter", 0.5),
                a.intValue("outage-at-hour", -1), a.intValue("outage-minutes", 20), a.intValue("caller-threads", 2),
                a.intValue("retry-max-attempts", 0));
        a.requireAllUsed();
        report.line("Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB, " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.runtime.version") + ", args " + String.join(" ", args));
        switch (what) {
            case "s1":
                report.s1(s1, S1ColdStart.run(s1, report));
                break;
            case "s2":
                report.s2(S2Footprint.run(new S2Footprint.Config(accounts, child, contenders, perClient), report));
                break;
            case "s3":
                report.s3(S3Day.run(s3, report));
                break;
            case "model":
                model(s3, report);
                break;
            case "all":
                report.s1(s1, S1ColdStart.run(s1, report));
                report.s2(S2Footprint.run(new S2Footprint.Config(accounts, child, contenders, perClient), report));
                report.s3(S3Day.run(s3, report));
                model(s3, report);
                break;
            default:
                throw new IllegalArgumentException("unknown scenario " + what + "; use s1, s2, s3, model or all");
        }
        // The SDK's and the fakes' non-daemon threads must not keep the JVM alive.
        System.exit(0);
    }

    /**
     * Before any logger or HTTP server exists: WARN logs only, and {@code TCP_NODELAY} on the JDK HTTP server behind the
     * fakes. Without it, the server's separate header and body writes meet the client's delayed ACK and each answer
     * takes about 40 ms more (Nagle), an artefact real STS does not have; {@code --latency-ms} models the real latency.
     */
    static void quietLogsAndNoDelay() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static boolean grouped(String order) {
        if (!order.equals("grouped") && !order.equals("rounds")) {
            throw new IllegalArgumentException("option --order must be grouped or rounds, was " + order);
        }
        return order.equals("grouped");
    }

    static int[][] model(S3Day.Config c, Report report) {
        RefreshScheduleModel.Policy[] policies = RefreshScheduleModel.Policy.values();
        int[][] runs = new int[policies.length][];
        for (int i = 0; i < policies.length; i++) {
            runs[i] = RefreshScheduleModel.simulate(policies[i], c.accounts(), c.hours(), c.callIntervalSeconds(),
                    c.refreshJitter(), 42);
        }
        report.model(c, policies, runs);
        return runs;
    }
}
