package io.getport.ocean.aws.credentials.accounts;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.accounts.AccessResult.Status;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Scale simulation (not a unit test): the access check over many accounts against the in-process STS
 * ({@link FakeSts}) with a fixed latency per call, against the serial approach (one
 * {@code resolveCredentials()} after the other). Reports wall time, the peak number of STS calls in flight at the
 * fake, and the outcome counts. Figures are recorded in the project notes (PERF-accounts.md); nothing asserts on them.
 *
 * <p>Run from the repository root (after {@code mvn -o -pl core -am install -DskipTests} or a test-compile):
 * <pre>
 * mvn -B -q -o -pl core dependency:build-classpath -Dmdep.outputFile=/tmp/core-cp.txt -Dmdep.includeScope=test
 * java -cp core/target/test-classes:core/target/classes:$(cat /tmp/core-cp.txt) \
 *     io.getport.ocean.aws.credentials.accounts.AccessCheckBenchmark [accounts=1000] [latencyMs=20]
 * </pre>
 */
public final class AccessCheckBenchmark {
    private AccessCheckBenchmark() {
    }

    public static void main(String[] args) {
        // The JDK HttpServer behind FakeSts leaves Nagle's algorithm on unless told otherwise; with the client's
        // delayed ACKs that adds about 40 ms to every answer, which would swamp the simulated STS latency.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long latencyMs = args.length > 1 ? Long.parseLong(args[1]) : 20;
        System.out.printf(Locale.ROOT, "accounts=%d latencyMs=%d cpus=%d java=%s%n", accounts, latencyMs,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        try (FakeSts sts = FakeSts.builder().threads(96).start()) {
            sts.latency(Duration.ofMillis(latencyMs));
            // Warm-up (JIT, connection pool) on other account IDs, not measured.
            run(sts, "warm-up", targets(7, 200), b -> b.stsProtection(s -> s.stsRateLimit(1000).stsMaxConcurrency(16)),
                    false);
            run(sts, "serial resolveCredentials, defaults (rate 50/s, cap 8)", targets(1, accounts), b -> { }, true);
            run(sts, "checkAccess, defaults (rate 50/s, cap 8)", targets(2, accounts), b -> { }, false);
            run(sts, "no window: all at once, defaults (rate 50/s, cap 8)", targets(5, accounts), b -> { }, null);
            run(sts, "checkAccess, rate 500/s, cap 8", targets(3, accounts), b -> b.stsProtection(s -> s
                    .stsRateLimit(500)), false);
            run(sts, "checkAccess, rate 1000/s, cap 32", targets(4, accounts),
                    b -> b.stsProtection(s -> s.stsRateLimit(1000).stsMaxConcurrency(32)), false);
        }
    }

    private static List<AccountTarget> targets(int prefix, int count) {
        List<AccountTarget> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(AccountTarget.account(String.format(Locale.ROOT, "%d%011d", prefix, i)));
        }
        return out;
    }

    private static void run(FakeSts sts, String name, List<AccountTarget> targets,
            Consumer<ReadRoleBroker.Builder> settings, Boolean serial) {
        ReadRoleBroker.Builder b = ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAFAKEBENCH000001", "bench-secret"))))
                .region(Region.US_EAST_1)
                .stsEndpoint(sts.endpoint());
        settings.accept(b);
        try (ReadRoleBroker broker = b.build()) {
            sts.clearRequests();
            long t0 = System.nanoTime();
            int ok = 0;
            int failed = 0;
            int peakWindow = 0;
            if (serial == null) {
                // Every account's resolution started at once (window = number of accounts): what the sliding
                // window prevents; late resolutions wait for a rate-limit permit past the refresh timeout.
                AccessReport report = AccessCheck.withParallelism(targets.size()).run(broker, targets);
                ok = report.count(Status.OK);
                failed = report.total() - ok;
                peakWindow = report.peakInFlight();
            } else if (serial) {
                for (AccountTarget t : targets) {
                    try {
                        t.session(broker).credentialsProvider().resolveCredentials();
                        ok++;
                    } catch (RuntimeException e) {
                        failed++;
                    }
                }
            } else {
                AccessReport report = AccessCheck.create().run(broker, targets);
                ok = report.count(Status.OK);
                failed = report.total() - ok;
                peakWindow = report.peakInFlight();
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf(Locale.ROOT,
                    "%-55s wall=%6d ms  ok=%d notOk=%d  stsCalls=%d  peakConcurrentSts=%d  peakResolutions=%s"
                            + "  throughput=%.0f/s%n",
                    name, millis, ok, failed, sts.count("AssumeRole"), sts.peakInFlight(),
                    Boolean.TRUE.equals(serial) ? "1" : Integer.toString(peakWindow), targets.size() * 1000.0 / Math.max(1, millis));
        }
    }
}
