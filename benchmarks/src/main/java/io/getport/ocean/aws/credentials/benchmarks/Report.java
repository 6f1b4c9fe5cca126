package io.getport.ocean.aws.credentials.benchmarks;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Prints results as Markdown tables (stdout) and progress lines (stderr); a quiet report prints nothing. */
final class Report {
    private final PrintStream out;
    private final PrintStream progress;

    private Report(PrintStream out, PrintStream progress) {
        this.out = out;
        this.progress = progress;
    }

    static Report console() {
        return new Report(new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new PrintStream(System.err, true, StandardCharsets.UTF_8));
    }

    static Report quiet() {
        return new Report(null, null);
    }

    void progress(String line) {
        if (progress != null) {
            progress.println("[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + line);
        }
    }

    void line(String line) {
        if (out != null) {
            out.println(line);
        }
    }

    void s1(S1ColdStart.Config c, List<S1ColdStart.Result> results) {
        line("");
        line("### S1 cold start: " + c.threads() + " threads, " + c.requestsPerAccount()
                + " requests per account (" + (c.grouped() ? "grouped" : "rounds") + "), STS latency "
                + c.latency().toMillis() + " ms, fake throttles above "
                + c.throttleAbove() + "/s (sliding second), ours at stsRateLimit "
                + (c.oursRateLimit() > 0 ? c.oursRateLimit() : 50) + "/s");
        line("");
        line("| contender | accounts | resolutions ok | failed | AssumeRole requests | per account | Throttling answers"
                + " | peak concurrent STS | wall time |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (S1ColdStart.Result r : results) {
            line(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %.3f | %,d | %d | %.1f s |",
                    r.contender().label, r.accounts(), r.resolutions(), r.failures(), r.sts().assumeRoleRequests(),
                    (double) r.sts().assumeRoleRequests() / r.accounts(), r.sts().throttled(),
                    r.sts().peakInFlight(), r.wallMillis() / 1000.0));
        }
        for (S1ColdStart.Result r : results) {
            if (r.firstFailure() != null) {
                line("");
                line("First failure, " + r.contender().label + ": `" + r.firstFailure().replace('\n', ' ') + "`");
            }
        }
    }

    void s2(List<S2Footprint.Result> results) {
        line("");
        line("### S2 footprint (live heap from GC.class_histogram after full GC; threads from ThreadMXBean)");
        line("");
        line("| contender | accounts | retained heap per account | MemoryMXBean cross-check | live threads added |"
                + " AssumeRole calls |");
        line("|---|---:|---:|---:|---:|---:|");
        for (S2Footprint.Result r : results) {
            line(String.format(Locale.ROOT, "| %s | %,d | %,.0f B (%.2f KiB) | %,.0f B | %d | %,d |",
                    r.contender().label, r.accounts(), r.bytesPerAccount(), r.bytesPerAccount() / 1024,
                    r.usedAfterGcPerAccount(), r.threadsAdded(), r.stsCalls()));
        }
        line("");
        for (S2Footprint.Result r : results) {
            line("Threads added, " + r.contender().label + ": " + r.threadsAddedByName());
        }
    }

    void s3(S3Day.Result r) {
        S3Day.Config c = r.config();
        int[] ps = r.perSecond();
        int all = ps.length;
        int steady = Math.min(3600, all);
        line("");
        line("### S3 a day: " + String.format(Locale.ROOT, "%,d", c.accounts()) + " accounts, " + c.hours()
                + " h of injected time, 1-hour credentials, each account resolved every " + c.callIntervalSeconds()
                + " s, jitter " + c.refreshJitter() + ", stsRateLimit " + c.stsRateLimit() + "/s"
                + (c.outageAtHour() >= 0 ? ", STS outage (503) at hour " + c.outageAtHour() + " for "
                        + c.outageMinutes() + " min" : ", STS healthy"));
        line("");
        line("| metric | value |");
        line("|---|---:|");
        line(String.format(Locale.ROOT, "| resolutions | %,d |", r.resolutions()));
        line(String.format(Locale.ROOT, "| AssumeRole calls | %,d |", r.totalCalls()));
        line(String.format(Locale.ROOT, "| AssumeRole per account per hour, whole day | %.3f |",
                r.perAccountPerHour(0)));
        if (c.hours() > 1) {
            line(String.format(Locale.ROOT, "| AssumeRole per account per hour, hours 2-%d | %.3f |", c.hours(),
                    r.perAccountPerHour(1)));
        }
        for (int width : new int[] {1, 10, 60}) {
            line(String.format(Locale.ROOT, "| peak / mean per %d s, whole day | %d / %.2f = %.2f× |", width,
                    S3Day.peak(ps, 0, all, width), S3Day.mean(ps, 0, all, width),
                    S3Day.peak(ps, 0, all, width) / S3Day.mean(ps, 0, all, width)));
            if (c.hours() > 1) {
                line(String.format(Locale.ROOT, "| peak / mean per %d s, hours 2-%d | %d / %.2f = %.2f× |", width,
                        c.hours(), S3Day.peak(ps, steady, all, width), S3Day.mean(ps, steady, all, width),
                        S3Day.peak(ps, steady, all, width) / S3Day.mean(ps, steady, all, width)));
            }
        }
        line(String.format(Locale.ROOT, "| expired credentials handed out | %,d |", r.expiredServed()));
        line(String.format(Locale.ROOT, "| credentials handed out inside the mandatory window | %,d |",
                r.servedInMandatoryWindow()));
        line(String.format(Locale.ROOT, "| callers that waited: cold (first use) | %,d |", r.coldWaits()));
        line(String.format(Locale.ROOT, "| callers that waited: in the mandatory window (or expired) | %,d |",
                r.waitsInMandatoryWindow()));
        line(String.format(Locale.ROOT, "| callers that waited: outside the mandatory window | %,d |",
                r.waitsOutsideMandatoryWindow()));
        line(String.format(Locale.ROOT, "| resolutions that failed | %,d |", r.failedResolutions()));
        line(String.format(Locale.ROOT, "| failed refreshes (events) | %,d |", r.refreshFailures()));
        line(String.format(Locale.ROOT, "| real time | %.1f s |", r.wallMillis() / 1000.0));
        line("");
        line("AssumeRole calls per simulated hour: " + Arrays.toString(r.hourly()));
    }

    void model(S3Day.Config c, RefreshScheduleModel.Policy[] policies, int[][] runs) {
        int all = c.hours() * 3600;
        int steady = Math.min(3600, all);
        line("");
        line("### Refresh schedule model (no HTTP; same callers as S3): " + String.format(Locale.ROOT, "%,d",
                c.accounts()) + " accounts, " + c.hours() + " h, callers every " + c.callIntervalSeconds() + " s");
        line("");
        line("| policy | AssumeRole/account/hour, h2+ | peak calls in 1 s, h2+ | peak/mean 1 s, h2+ | 10 s, h2+ |"
                + " 60 s, h2+ | 60 s, whole day |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < policies.length; i++) {
            int[] ps = runs[i];
            long steadyCalls = 0;
            for (int s = steady; s < all; s++) {
                steadyCalls += ps[s];
            }
            double perHour = c.hours() > 1 ? (double) steadyCalls / c.accounts() / (c.hours() - 1) : Double.NaN;
            line(String.format(Locale.ROOT, "| %s | %.3f | %d | %.2f× | %.2f× | %.2f× | %.2f× |",
                    policies[i].label, perHour, S3Day.peak(ps, steady, all, 1), ratio(ps, steady, all, 1), ratio(ps, steady, all, 10), ratio(ps, steady, all, 60),
                    ratio(ps, 0, all, 60)));
        }
    }

    private static double ratio(int[] ps, int from, int to, int width) {
        if (to - from < width) {
            return Double.NaN;
        }
        return S3Day.peak(ps, from, to, width) / S3Day.mean(ps, from, to, width);
    }
}
