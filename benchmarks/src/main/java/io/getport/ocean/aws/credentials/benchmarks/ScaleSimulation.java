package io.getport.ocean.aws.credentials.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The scale simulation, against the stand-in STS {@link QuotaSts} (a per-second quota with {@code Throttling}, a
 * latency, 800-character session tokens), ours side by side with the AWS SDK's {@code StsAssumeRoleCredentialsProvider}
 * on one shared client. Results print as Markdown tables; progress goes to stderr. Drives the broker through its public
 * API only (see {@link S3Day} for the one optional exception).
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.getport.ocean.aws.credentials.benchmarks.ScaleSimulation \
 *     cold|shared|burst|footprint|day|outage|model|model-vs-engine|s1|s2|s3|all [options]
 * </pre>
 *
 * <table>
 *   <caption>Scenarios</caption>
 *   <tr><td>{@code cold} ({@code s1})</td><td>{@link S1ColdStart}: N accounts × 64 platform threads, quota 600/s,
 *       20 ms</td></tr>
 *   <tr><td>{@code shared}</td><td>the same with another process using 450/s of the quota (150/s left)</td></tr>
 *   <tr><td>{@code burst}</td><td>{@link S4Burst}: one virtual thread per cold account (Java 21+), 5 ms, sizes
 *       {@code --sizes}, default 2000,10000</td></tr>
 *   <tr><td>{@code footprint} ({@code s2})</td><td>{@link S2Footprint}: heap per cached account and threads added, at
 *       each of {@code --sizes} (default 100,1000,10000; {@code s2}: {@code --accounts})</td></tr>
 *   <tr><td>{@code day} ({@code s3})</td><td>{@link S3Day}: 24 h of injected time, STS healthy</td></tr>
 *   <tr><td>{@code outage}</td><td>{@link S3Day} with an outage of {@code buffer - 2} minutes at hour 12</td></tr>
 *   <tr><td>{@code model}</td><td>{@link RefreshScheduleModel}, both policies</td></tr>
 *   <tr><td>{@code model-vs-engine}</td><td>the model ({@code --policy legacy|phases}, default phases) and
 *       {@code day} with the same settings, side by side</td></tr>
 *   <tr><td>{@code all}</td><td>cold, shared, footprint, day, outage, model (not burst: it may need another JVM)</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><td>{@code --accounts N}</td><td>accounts; default 10,000</td></tr>
 *   <tr><td>{@code --sizes a,b}</td><td>burst, footprint: account counts</td></tr>
 *   <tr><td>{@code --contenders a,b}</td><td>{@code ours}, {@code sdk-shared-client}, {@code sdk-client-per-account};
 *       default ours,sdk-shared-client</td></tr>
 *   <tr><td>{@code --per-client-accounts N}</td><td>accounts for {@code sdk-client-per-account}</td></tr>
 *   <tr><td>{@code --fake process|in-process}</td><td>where the stand-in STS runs; default {@code process} (a child
 *       JVM)</td></tr>
 *   <tr><td>{@code --jvm per-contender|shared}</td><td>cold/shared: each contender in a fresh JVM with this JVM's
 *       options (default: a cold start is a JVM start, and the JIT's work is most of its CPU), or all in this
 *       one</td></tr>
 *   <tr><td>{@code --threads N}</td><td>cold/shared: caller threads; default 64</td></tr>
 *   <tr><td>{@code --requests-per-account N}, {@code --order grouped|rounds}</td><td>cold/shared; default 1,
 *       rounds</td></tr>
 *   <tr><td>{@code --latency-ms N}</td><td>STS latency; default 20 (burst: 5)</td></tr>
 *   <tr><td>{@code --quota N}</td><td>STS quota per second; default {@value #STS_QUOTA_PER_SECOND}; 0 never
 *       throttles</td></tr>
 *   <tr><td>{@code --others N}</td><td>the part of the quota another process uses; default 0 (shared: 450)</td></tr>
 *   <tr><td>{@code --window sliding|fixed}</td><td>the quota's 1-second window; default sliding</td></tr>
 *   <tr><td>{@code --token-chars N}</td><td>session token length; default 800</td></tr>
 *   <tr><td>{@code --rate-limit N}</td><td>cold/shared/burst: our {@code stsRateLimit}; default 0 = the broker's
 *       default</td></tr>
 *   <tr><td>{@code --max-concurrency N}</td><td>cold/shared: our {@code stsMaxConcurrency}; default 0 = the
 *       broker's default (16)</td></tr>
 *   <tr><td>{@code --hours N}, {@code --call-interval S}</td><td>day/outage/model: injected hours (24), each account
 *       resolved every S simulated seconds (60)</td></tr>
 *   <tr><td>{@code --buffer-minutes B}, {@code --mandatory-minutes M}</td><td>the outage buffer (10) and mandatory
 *       window (1): the target {@code L/(L-B-M)}, the model's phases, the outage's length</td></tr>
 *   <tr><td>{@code --jitter F}</td><td>model: the legacy policy's jitter; default 0.5</td></tr>
 *   <tr><td>{@code --s3-rate-limit N}</td><td>day/outage: our {@code stsRateLimit} (real-time pacing; see
 *       {@link S3Day}); default 100,000</td></tr>
 *   <tr><td>{@code --outage-at-hour H}, {@code --outage-minutes M}</td><td>day: STS answers 503 from hour H for M
 *       minutes; default none; outage: 12 and buffer - 2</td></tr>
 *   <tr><td>{@code --retry-max-attempts N}</td><td>day/outage: our {@code retryMaxAttempts}; 0 = default</td></tr>
 *   <tr><td>{@code --caller-threads N}</td><td>day/outage: threads running one simulated second's callers; 2</td></tr>
 *   <tr><td>{@code --policy legacy|phases}</td><td>model-vs-engine: the model policy; default phases</td></tr>
 * </table>
 */
public final class ScaleSimulation {
    /**
     * STS's default request quota: 600 requests per second per account per Region (the combined rate of AssumeRole*,
     * GetCallerIdentity and the other STS actions, adjustable through Service Quotas). The quota is shared by every
     * caller in the base identity's account.
     */
    static final int STS_QUOTA_PER_SECOND = 600;

    private ScaleSimulation() {
    }

    public static void main(String[] args) throws Exception {
        quietLogsAndNoDelay();
        Args a = Args.parse(args);
        if (a.positional().size() != 1) {
            throw new IllegalArgumentException("usage: ScaleSimulation cold|shared|burst|footprint|day|outage|model|"
                    + "model-vs-engine|s1|s2|s3|all [--option value ...] (see the class Javadoc or docs/PERFORMANCE.md)");
        }
        String what = a.positional().get(0);
        Report report = Report.console();
        int accounts = a.intValue("accounts", 10_000);
        List<Contender.Kind> contenders = new ArrayList<>();
        for (String s : a.string("contenders", "ours,sdk-shared-client").split(",")) {
            contenders.add(Contender.Kind.of(s));
        }
        int perClient = a.intValue("per-client-accounts", accounts);
        String fake = a.string("fake", "process");
        if (!fake.equals("process") && !fake.equals("in-process")) {
            throw new IllegalArgumentException("option --fake must be process or in-process, was " + fake);
        }
        boolean child = fake.equals("process");
        boolean burst = what.equals("burst");
        boolean shared = what.equals("shared");
        String window = a.string("window", "sliding");
        if (!window.equals("sliding") && !window.equals("fixed")) {
            throw new IllegalArgumentException("option --window must be sliding or fixed, was " + window);
        }
        int tokenChars = a.intValue("token-chars", 800);
        QuotaSts.Config sts = new QuotaSts.Config(a.intValue("quota", STS_QUOTA_PER_SECOND),
                a.intValue("others", shared ? 450 : 0), window.equals("sliding"),
                Duration.ofMillis(a.longValue("latency-ms", burst ? 5 : 20)), tokenChars, 256);
        String jvm = a.string("jvm", "per-contender");
        if (!jvm.equals("per-contender") && !jvm.equals("shared")) {
            throw new IllegalArgumentException("option --jvm must be per-contender or shared, was " + jvm);
        }
        boolean freshJvm = jvm.equals("per-contender");
        int rateLimit = a.intValue("rate-limit", 0);
        int maxConcurrency = a.intValue("max-concurrency", 0);
        S1ColdStart.Config s1 = new S1ColdStart.Config(accounts, a.intValue("threads", 64),
                a.intValue("requests-per-account", 1), grouped(a.string("order", "rounds")), sts, child, contenders,
                perClient, rateLimit, maxConcurrency);
        QuotaSts.Config shareSts = new QuotaSts.Config(sts.quotaPerSecond(), a.intValue("others", 450),
                sts.slidingWindow(), sts.latency(), tokenChars, 256);
        S1ColdStart.Config s1Shared = new S1ColdStart.Config(s1.accounts(), s1.threads(), s1.requestsPerAccount(),
                s1.grouped(), shareSts, child, contenders, perClient, rateLimit, maxConcurrency);
        List<Integer> sizes = sizes(a.string("sizes", what.equals("footprint") ? "100,1000,10000"
                : burst ? "2000,10000" : Integer.toString(accounts)));
        int buffer = a.intValue("buffer-minutes", 10);
        int mandatory = a.intValue("mandatory-minutes", 1);
        int outageAt = a.intValue("outage-at-hour", what.equals("outage") ? 12 : -1);
        int outageMinutes = a.intValue("outage-minutes", buffer - 2);
        S3Day.Config s3 = new S3Day.Config(accounts, a.intValue("hours", 24), a.intValue("call-interval", 60),
                a.intValue("s3-rate-limit", 100_000), a.doubleValue("jitter", 0.5), outageAt, outageMinutes,
                a.intValue("caller-threads", 2), a.intValue("retry-max-attempts", 0), buffer, mandatory);
        S3Day.Config s3Outage = new S3Day.Config(s3.accounts(), s3.hours(), s3.callIntervalSeconds(),
                s3.stsRateLimit(), s3.refreshJitter(), outageAt >= 0 ? outageAt : 12, outageMinutes,
                s3.callerThreads(), s3.retryMaxAttempts(), buffer, mandatory);
        RefreshScheduleModel.Settings model = new RefreshScheduleModel.Settings(accounts, s3.hours(),
                s3.callIntervalSeconds(), s3.refreshJitter(), buffer, mandatory);
        RefreshScheduleModel.Policy policy = RefreshScheduleModel.Policy.of(a.string("policy", "phases"));
        S2Footprint.Config footprint = new S2Footprint.Config(sizes, child, contenders, perClient, tokenChars);
        a.requireAllUsed();
        report.line("Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB, " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.runtime.version") + ", args " + String.join(" ", args));
        switch (what) {
            case "cold":
            case "s1":
                report.s1(s1, coldStart(s1, freshJvm, report));
                break;
            case "shared":
                report.s1(s1Shared, coldStart(s1Shared, freshJvm, report));
                break;
            case "burst":
                for (int size : sizes) {
                    S4Burst.Config c = new S4Burst.Config(size, sts, child, contenders, rateLimit);
                    report.burst(c, S4Burst.run(c, report));
                }
                break;
            case "footprint":
            case "s2":
                report.s2(footprint, S2Footprint.run(footprint, report));
                break;
            case "day":
            case "s3":
                report.s3(S3Day.run(s3, report));
                break;
            case "outage":
                report.s3(S3Day.run(s3Outage, report));
                break;
            case "model":
                model(model, report);
                break;
            case "model-vs-engine":
                S3Day.Result engine = S3Day.run(s3, report);
                report.s3(engine);
                model(model, report);
                report.modelVsEngine(policy, RefreshScheduleModel.simulate(policy, model, 42), engine);
                break;
            case "all":
                report.s1(s1, coldStart(s1, freshJvm, report));
                report.s1(s1Shared, coldStart(s1Shared, freshJvm, report));
                report.s2(footprint, S2Footprint.run(footprint, report));
                report.s3(S3Day.run(s3, report));
                report.s3(S3Day.run(s3Outage, report));
                model(model, report);
                break;
            default:
                throw new IllegalArgumentException("unknown scenario " + what + "; use cold, shared, burst, footprint,"
                        + " day, outage, model, model-vs-engine, s1, s2, s3 or all");
        }
        // The SDK's and the fakes' non-daemon threads must not keep the JVM alive.
        System.exit(0);
    }

    private static List<Integer> sizes(String list) {
        List<Integer> out = new ArrayList<>();
        for (String s : list.split(",")) {
            try {
                out.add(Integer.parseInt(s.trim().replace("_", "")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option --sizes must be whole numbers separated by commas, was "
                        + list);
            }
        }
        return out;
    }

    /**
     * Before any logger or HTTP server exists: WARN logs only, and {@code TCP_NODELAY} on the JDK HTTP server behind the
     * fakes. Without it, the server's separate header and body writes meet the client's delayed ACK and each answer
     * takes about 40 ms more (Nagle), an artefact real STS does not have; {@code --latency-ms} models the real latency.
     */
    /** S1 with each contender in a fresh JVM ({@code --jvm per-contender}, the default) or all in this one. */
    private static List<S1ColdStart.Result> coldStart(S1ColdStart.Config config, boolean freshJvm, Report report)
            throws InterruptedException {
        return freshJvm ? S1ColdStartChild.runEach(config, report) : S1ColdStart.run(config, report);
    }

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

    static int[][] model(RefreshScheduleModel.Settings c, Report report) {
        RefreshScheduleModel.Policy[] policies = RefreshScheduleModel.Policy.values();
        int[][] runs = new int[policies.length][];
        for (int i = 0; i < policies.length; i++) {
            runs[i] = RefreshScheduleModel.simulate(policies[i], c, 42);
        }
        report.model(c, policies, runs);
        return runs;
    }
}
