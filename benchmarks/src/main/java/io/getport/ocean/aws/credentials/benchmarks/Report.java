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
        QuotaSts.Config q = c.sts();
        line("");
        line("### Cold start: " + c.threads() + " platform threads, " + c.requestsPerAccount()
                + " request(s) per account (" + (c.grouped() ? "grouped" : "rounds") + "), STS latency "
                + q.latency().toMillis() + " ms, quota " + q.quotaPerSecond() + "/s (" + (q.slidingWindow() ? "sliding"
                : "fixed") + " window)" + (q.othersPerSecond() > 0 ? ", another process uses " + q.othersPerSecond()
                + "/s: " + q.available() + "/s left" : "") + ", " + q.tokenChars() + "-char tokens, ours at "
                + (c.oursRateLimit() > 0 ? "stsRateLimit " + c.oursRateLimit() + "/s" : "its default rate"));
        line("");
        line("| contender | accounts | wall time | floor N/" + q.available() + " | wall / floor | failed | AssumeRole"
                + " calls | throttled (% of calls) | accounts with exactly 1 successful AssumeRole | max successful per"
                + " account | peak concurrent at STS |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (S1ColdStart.Result r : results) {
            double floor = c.floorSeconds(r.accounts());
            QuotaSts.Stats st = r.sts();
            line(String.format(Locale.ROOT, "| %s | %,d | %.1f s | %.1f s | %.2f× | %,d | %,d | %,d (%.2f%%) | %,d |"
                            + " %d | %d |",
                    r.contender().label, r.accounts(), r.wallMillis() / 1000.0, floor,
                    floor > 0 ? r.wallMillis() / 1000.0 / floor : Double.NaN, r.failures(), st.requests(),
                    st.throttled(), 100 * st.throttledShare(), st.accountsExactlyOnce(), st.maxOkPerAccount(),
                    st.peakInFlight()));
        }
        if (q.othersPerSecond() > 0) {
            line("");
            for (S1ColdStart.Result r : results) {
                double goal = 1.5 * r.accounts() / q.available();
                line(String.format(Locale.ROOT, "Shared quota, %s: %.1f s against 1.5 × N/%d = %.1f s (%.2f×)",
                        r.contender().label, r.wallMillis() / 1000.0, q.available(), goal,
                        r.wallMillis() / 1000.0 / goal));
            }
        }
        firstFailures(results.stream().map(r -> new String[] {r.contender().label, r.firstFailure()}).toList());
    }

    void burst(S4Burst.Config c, List<S4Burst.Result> results) {
        QuotaSts.Config q = c.sts();
        line("");
        line("### Burst: one virtual thread per cold account, STS latency " + q.latency().toMillis() + " ms, quota "
                + q.quotaPerSecond() + "/s, JVM " + (results.isEmpty() ? "?" : results.get(0).jvm()));
        line("");
        line("| contender | accounts | wall time | floor N/" + q.available() + " | failed | AssumeRole calls | calls per"
                + " account | throttled | accounts with exactly 1 successful | max successful per account | peak"
                + " concurrent at STS | pinned (any / >= 20 ms) |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (S4Burst.Result r : results) {
            line(String.format(Locale.ROOT, "| %s | %,d | %.1f s | %.1f s | %,d | %,d | %.3f | %,d | %,d | %d | %d |"
                            + " %d / %d |",
                    r.contender().label, r.accounts(), r.wallMillis() / 1000.0, (double) r.accounts() / q.available(),
                    r.failures(), r.requests(), (double) r.requests() / r.accounts(), r.throttled(),
                    r.accountsExactlyOnce(), r.maxOkPerAccount(), r.peakInFlight(), r.pinned(), r.pinnedOver20ms()));
        }
        line("");
        for (S4Burst.Result r : results) {
            line("Pinned, " + r.contender().label + ": " + r.pinnedWhere());
        }
        firstFailures(results.stream().map(r -> new String[] {r.contender().label, r.firstFailure()}).toList());
    }

    private void firstFailures(List<String[]> labelAndFailure) {
        for (String[] f : labelAndFailure) {
            if (f[1] != null) {
                line("");
                line("First failure, " + f[0] + ": `" + f[1].replace('\n', ' ') + "`");
            }
        }
    }

    void s2(S2Footprint.Config c, List<S2Footprint.Result> results) {
        line("");
        line("### Footprint: " + c.tokenChars() + "-character session tokens (live heap from GC.class_histogram after"
                + " full GC; threads from ThreadMXBean)");
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
            line("Threads added, " + r.contender().label + " at " + r.accounts() + ": " + r.threadsAddedByName());
        }
    }

    void s3(S3Day.Result r) {
        S3Day.Config c = r.config();
        int[] ps = r.perSecond();
        int all = ps.length;
        int steady = Math.min(3600, all);
        line("");
        line("### A day: " + String.format(Locale.ROOT, "%,d", c.accounts()) + " accounts, " + c.hours()
                + " h of injected time, 1-hour credentials, each account resolved every " + c.callIntervalSeconds()
                + " s, stsRateLimit " + c.stsRateLimit() + "/s, broker defaults otherwise"
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
            line(String.format(Locale.ROOT, "| AssumeRole per account per hour, hours 2-%d | %.3f (L/(L-B-M) = 60/(60"
                            + " - %d - %d) = %.3f: %+.1f%%) |", c.hours(), r.perAccountPerHour(1), c.bufferMinutes(),
                    c.mandatoryMinutes(), c.targetPerHour(), 100 * (r.perAccountPerHour(1) / c.targetPerHour() - 1)));
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
        if (c.outageAtHour() >= 0) {
            line(String.format(Locale.ROOT, "| most calls in one second in the hour after the outage (recovery) | %,d |",
                    r.recoveryPeakPerSecond()));
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
        line(String.format(Locale.ROOT, "| simulated seconds not quiescent within 2 min (should be 0) | %,d |",
                r.quiesceTimeouts()));
        line(String.format(Locale.ROOT, "| real time | %.1f s |", r.wallMillis() / 1000.0));
        line("");
        line("AssumeRole calls per simulated hour: " + Arrays.toString(r.hourly()));
    }

    void model(RefreshScheduleModel.Settings c, RefreshScheduleModel.Policy[] policies, int[][] runs) {
        int all = c.hours() * 3600;
        int steady = Math.min(3600, all);
        line("");
        line("### Refresh schedule model (no HTTP; same callers as S3): " + String.format(Locale.ROOT, "%,d",
                c.accounts()) + " accounts, " + c.hours() + " h, callers every " + c.callIntervalSeconds()
                + " s, buffer " + c.bufferMinutes() + " min, mandatory " + c.mandatoryMinutes() + " min, legacy jitter "
                + c.jitter());
        line("");
        line("| policy | AssumeRole/account/hour, h2+ | peak calls in 1 s, h2+ | peak/mean 1 s, h2+ | 10 s, h2+ |"
                + " 60 s, h2+ | 60 s, whole day |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < policies.length; i++) {
            int[] ps = runs[i];
            line(String.format(Locale.ROOT, "| %s | %.3f | %d | %.2f× | %.2f× | %.2f× | %.2f× |",
                    policies[i].label, perHourSteady(ps, c.accounts(), c.hours()), S3Day.peak(ps, steady, all, 1),
                    ratio(ps, steady, all, 1), ratio(ps, steady, all, 10), ratio(ps, steady, all, 60),
                    ratio(ps, 0, all, 60)));
        }
    }

    void modelVsEngine(RefreshScheduleModel.Policy policy, int[] model, S3Day.Result engine) {
        S3Day.Config c = engine.config();
        int all = c.hours() * 3600;
        int steady = Math.min(3600, all);
        double[][] figures = {
            {perHourSteady(model, c.accounts(), c.hours()), engine.perAccountPerHour(1)},
            {ratio(model, steady, all, 1), ratio(engine.perSecond(), steady, all, 1)},
            {ratio(model, steady, all, 60), ratio(engine.perSecond(), steady, all, 60)},
        };
        String[] names = {"AssumeRole per account per hour, h2+", "busiest second / mean, h2+",
            "busiest minute / mean, h2+"};
        line("");
        line("### Refresh model (" + policy.label + ") vs the real engine (S3), " + String.format(Locale.ROOT, "%,d",
                c.accounts()) + " accounts, " + c.hours() + " h");
        line("");
        line("| figure | model | engine | engine / model | within 10% |");
        line("|---|---:|---:|---:|---|");
        for (int i = 0; i < figures.length; i++) {
            double q = figures[i][1] / figures[i][0];
            line(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %s |", names[i], figures[i][0],
                    figures[i][1], q, Math.abs(q - 1) <= 0.10 ? "yes" : "**no**"));
        }
    }

    static double perHourSteady(int[] ps, int accounts, int hours) {
        long steadyCalls = 0;
        for (int s = Math.min(3600, ps.length); s < ps.length; s++) {
            steadyCalls += ps[s];
        }
        return hours > 1 ? (double) steadyCalls / accounts / (hours - 1) : Double.NaN;
    }

    static double ratio(int[] ps, int from, int to, int width) {
        if (to - from < width) {
            return Double.NaN;
        }
        return S3Day.peak(ps, from, to, width) / S3Day.mean(ps, from, to, width);
    }
}
