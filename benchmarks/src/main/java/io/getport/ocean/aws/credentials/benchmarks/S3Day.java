package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.BrokerListener;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * S3, a day: {@code hours} hours of injected time at {@code accounts} accounts with 1-hour credentials and steady
 * callers, against the stand-in {@link QuotaSts} in this JVM on the same injected clock (so Expiration is in simulated
 * time; no quota, no latency: real time is compressed, the demand per simulated second is what is measured).
 *
 * <p>Callers: every account is resolved once every {@code callIntervalSeconds} simulated seconds, account {@code i} at
 * the seconds {@code ≡ i (mod interval)}, through the front door ({@code broker.forAccount(id).credentialsProvider()
 * .resolveCredentials()}). Time advances in steps of one simulated second; before each step, the simulation waits (in
 * real time) until every refresh the step's callers started has been published (see {@link #quiesce}), so no STS call
 * straddles two simulated seconds.
 *
 * <p><b>The rate limit and S3.</b> The broker paces STS calls in real time, and this simulation compresses a day into
 * minutes; so S3 raises {@code stsRateLimit} (100,000/s by default). The demand it measures (AssumeRole calls per
 * simulated second, peak and mean) is what the rate limit would face in a real day.
 *
 * <p>Measured: AssumeRole per account per hour against {@code L / (L - buffer - mandatory)}, the most AssumeRole
 * calls in one simulated second against the mean (also per 10 s and 60 s), expired credentials handed out, and callers
 * that waited for STS, split into cold (first use), in the mandatory window, and outside it. With
 * {@code outageAtHour}, STS answers 503 for {@code outageMinutes}; then also the most calls in one simulated second
 * in the hour after the outage (the recovery).
 *
 * <p>Only the public API drives the broker, with one exception that is optional: if the provider has a public
 * {@code inFlightRefresh()} method (the engine of November 2026 does), {@link #quiesce} also waits for the futures it
 * returns, which covers retries that are scheduled in real time; without it, the simulation waits for the broker's
 * executor (a counting executor given through {@code Builder.executor}) to be idle, for the fake to have no request
 * in flight, and for every successful STS answer to have been reported through {@code BrokerListener.refreshSucceeded}.
 */
final class S3Day {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * {@code retryMaxAttempts} 0: the broker's default. {@code outageAtHour} -1: no outage. {@code refreshJitter} is
     * used by the model's legacy policy only (the broker runs with its defaults). {@code bufferMinutes} and
     * {@code mandatoryMinutes} give the target {@code L / (L - buffer - mandatory)}; the broker runs with its own.
     */
    record Config(int accounts, int hours, int callIntervalSeconds, int stsRateLimit, double refreshJitter,
                  int outageAtHour, int outageMinutes, int callerThreads, int retryMaxAttempts, int bufferMinutes,
                  int mandatoryMinutes) {

        /** AssumeRole per account per hour that the outage buffer costs, for 1-hour credentials. */
        double targetPerHour() {
            return 60.0 / (60 - bufferMinutes - mandatoryMinutes);
        }
    }

    record Result(Config config, int[] perSecond, long resolutions, long expiredServed, long servedInMandatoryWindow,
                  long coldWaits, long waitsInMandatoryWindow, long waitsOutsideMandatoryWindow, long failedResolutions,
                  long refreshFailures, long quiesceTimeouts, long wallMillis) {

        int totalCalls() {
            return sum(0, perSecond.length);
        }

        int sum(int from, int to) {
            int s = 0;
            for (int i = from; i < to; i++) {
                s += perSecond[i];
            }
            return s;
        }

        double perAccountPerHour(int fromHour) {
            int from = fromHour * 3600;
            return (double) sum(from, perSecond.length) / config.accounts() / (config.hours() - fromHour);
        }

        int[] hourly() {
            int[] h = new int[config.hours()];
            for (int i = 0; i < h.length; i++) {
                h[i] = sum(i * 3600, (i + 1) * 3600);
            }
            return h;
        }

        /** The most calls in one simulated second in the hour after the outage ended; -1 without an outage. */
        int recoveryPeakPerSecond() {
            if (config.outageAtHour() < 0) {
                return -1;
            }
            int end = config.outageAtHour() * 3600 + config.outageMinutes() * 60;
            return peak(perSecond, Math.min(end, perSecond.length), Math.min(end + 3600, perSecond.length), 1);
        }

        /** Busiest second / mean over hours 2 to the end. */
        double peakToMeanSteady() {
            int from = Math.min(3600, perSecond.length);
            return peak(perSecond, from, perSecond.length, 1) / mean(perSecond, from, perSecond.length, 1);
        }
    }

    private S3Day() {
    }

    static Result run(Config c, Report report) throws Exception {
        int seconds = c.hours() * 3600;
        String[] ids = Fixtures.accountIds(c.accounts());
        AtomicIntegerArray misses = new AtomicIntegerArray(c.accounts());
        LongAdder refreshFailures = new LongAdder();
        LongAdder refreshSucceeded = new LongAdder();
        BrokerListener listener = new BrokerListener() {
            @Override
            public void cacheMiss(String accountId) {
                misses.incrementAndGet(index(accountId));
            }

            @Override
            public void refreshSucceeded(String accountId, Instant expiration, boolean background) {
                refreshSucceeded.increment();
            }

            @Override
            public void refreshFailed(String accountId, ReadRoleException failure) {
                refreshFailures.increment();
            }
        };
        MutableClock clock = MutableClock.at(START);
        Counters counters = new Counters();
        long t0 = System.nanoTime();
        ExecutorService callers = c.callerThreads() > 1 ? Executors.newFixedThreadPool(c.callerThreads()) : null;
        CountingExecutor stsExecutor = new CountingExecutor(8);
        try (QuotaSts sts = QuotaSts.start(new QuotaSts.Config(0, 0, true, Duration.ZERO, 800, 32), clock);
             ReadRoleBroker broker = builder(c, sts, clock, listener, stsExecutor).build()) {
            Duration mandatory = Duration.ofMinutes(1);
            int outageStart = c.outageAtHour() >= 0 ? c.outageAtHour() * 3600 : -1;
            int outageEnd = outageStart + c.outageMinutes() * 60;
            for (int s = 0; s < seconds; s++) {
                if (s == outageStart) {
                    sts.outage(true);
                } else if (s == outageEnd) {
                    sts.outage(false);
                }
                Instant now = clock.instant();
                int phase = s % c.callIntervalSeconds();
                List<Callable<List<CompletableFuture<?>>>> chunks = new ArrayList<>();
                int stride = c.callIntervalSeconds();
                int workers = callers == null ? 1 : c.callerThreads();
                for (int w = 0; w < workers; w++) {
                    int first = phase + w * stride;
                    int step = stride * workers;
                    chunks.add(() -> {
                        List<CompletableFuture<?>> pending = new ArrayList<>();
                        for (int i = first; i < ids.length; i += step) {
                            call(broker, ids[i], i, now, mandatory, misses, counters, pending);
                        }
                        return pending;
                    });
                }
                List<CompletableFuture<?>> pending = new ArrayList<>();
                if (callers == null) {
                    pending.addAll(chunks.get(0).call());
                } else {
                    for (var f : callers.invokeAll(chunks)) {
                        pending.addAll(f.get());
                    }
                }
                if (!quiesce(pending, stsExecutor, sts, refreshSucceeded)) {
                    counters.quiesceTimeouts.increment();
                }
                clock.advance(Duration.ofSeconds(1));
                if ((s + 1) % 3600 == 0 || s + 1 == seconds) {
                    report.progress("S3 hour " + (s + 1) / 3600 + "/" + c.hours() + ": " + sts.stats().ok()
                            + " credentials issued so far");
                }
            }
            int[] perSecond = perSecond(sts.assumeRolePerSecond(), seconds);
            long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            return new Result(c, perSecond, counters.resolutions.sum(), counters.expired.sum(),
                    counters.inMandatory.sum(), counters.coldWaits.sum(), counters.waitsInMandatory.sum(),
                    counters.waitsOutside.sum(), counters.failed.sum(), refreshFailures.sum(),
                    counters.quiesceTimeouts.sum(), wall);
        } finally {
            if (callers != null) {
                callers.shutdownNow();
            }
            stsExecutor.shutdownNow();
        }
    }

    private static int[] perSecond(Map<Long, Integer> byEpochSecond, int seconds) {
        int[] out = new int[seconds];
        long start = START.getEpochSecond();
        byEpochSecond.forEach((epoch, n) -> out[(int) Math.max(0, Math.min(seconds - 1, epoch - start))] += n);
        return out;
    }

    private static ReadRoleBroker.Builder builder(Config c, QuotaSts sts, MutableClock clock, BrokerListener l,
            CountingExecutor executor) {
        ReadRoleBroker.Builder b = Fixtures.broker(sts.endpoint())
                .clock(clock)
                .stsProtection(s -> s.stsRateLimit(c.stsRateLimit()))
                .executor(executor)
                .listener(l);
        return c.retryMaxAttempts() > 0 ? b.stsProtection(s -> s.retryMaxAttempts(c.retryMaxAttempts())) : b;
    }

    /**
     * Waits (real time, at most 2 minutes) until the refreshes started by this second's callers are published: the
     * providers' in-flight futures (when the engine exposes them), then the STS executor idle, no request at the fake,
     * and every successful answer reported to the listener. False if that did not happen in time.
     */
    static boolean quiesce(List<CompletableFuture<?>> pending, CountingExecutor executor, QuotaSts sts,
            LongAdder refreshSucceeded) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        for (CompletableFuture<?> p : pending) {
            p.get(2, TimeUnit.MINUTES);
        }
        while (System.nanoTime() < deadline) {
            if (executor.pending() == 0 && sts.inFlight() == 0 && refreshSucceeded.sum() >= sts.okCount()
                    && executor.pending() == 0) {
                return true;
            }
            LockSupport.parkNanos(20_000);
        }
        return false;
    }

    private static final class Counters {
        final LongAdder resolutions = new LongAdder();
        final LongAdder expired = new LongAdder();
        final LongAdder inMandatory = new LongAdder();
        final LongAdder coldWaits = new LongAdder();
        final LongAdder waitsInMandatory = new LongAdder();
        final LongAdder waitsOutside = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder quiesceTimeouts = new LongAdder();
    }

    private static void call(ReadRoleBroker broker, String id, int index, Instant now, Duration mandatory,
            AtomicIntegerArray misses, Counters counters, List<CompletableFuture<?>> pending) {
        AwsReadSession session = broker.forAccount(id);
        Instant previousExpiry = session.expiration().orElse(null);
        int missesBefore = misses.get(index);
        try {
            AwsCredentials c = session.credentialsProvider().resolveCredentials();
            counters.resolutions.increment();
            Instant expiry = ((AwsSessionCredentials) c).expirationTime().orElseThrow();
            if (!expiry.isAfter(now)) {
                counters.expired.increment();
            } else if (expiry.isBefore(now.plus(mandatory))) {
                counters.inMandatory.increment();
            }
        } catch (ReadRoleException e) {
            counters.failed.increment();
        }
        if (misses.get(index) > missesBefore) {
            if (previousExpiry == null) {
                counters.coldWaits.increment();
            } else if (!now.isBefore(previousExpiry.minus(mandatory))) {
                counters.waitsInMandatory.increment();
            } else {
                counters.waitsOutside.increment();
            }
        }
        CompletableFuture<?> refresh = inFlightRefresh(session.credentialsProvider());
        if (refresh != null && !refresh.isDone()) {
            pending.add(refresh);
        }
    }

    private static volatile Method inFlightRefresh;
    private static volatile boolean inFlightRefreshLookedUp;

    /** The provider's {@code inFlightRefresh()} future if the engine has that public method; else null. */
    static CompletableFuture<?> inFlightRefresh(Object provider) {
        if (!inFlightRefreshLookedUp) {
            try {
                Method m = provider.getClass().getMethod("inFlightRefresh");
                inFlightRefresh = CompletableFuture.class.isAssignableFrom(m.getReturnType()) ? m : null;
            } catch (NoSuchMethodException e) {
                inFlightRefresh = null;
            }
            inFlightRefreshLookedUp = true;
        }
        Method m = inFlightRefresh;
        if (m == null) {
            return null;
        }
        try {
            return (CompletableFuture<?>) m.invoke(provider);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("inFlightRefresh() failed", e);
        }
    }

    static int index(String accountId) {
        return (int) (Long.parseLong(accountId) - 100_000_000_000L);
    }

    /** The most calls in one bin of {@code width} seconds, over {@code [from, to)}, bins aligned at {@code from}. */
    static int peak(int[] perSecond, int from, int to, int width) {
        int peak = 0;
        for (int b = from; b + width <= to; b += width) {
            int s = 0;
            for (int i = b; i < b + width; i++) {
                s += perSecond[i];
            }
            peak = Math.max(peak, s);
        }
        return peak;
    }

    /** Mean calls per bin of {@code width} seconds over {@code [from, to)}. */
    static double mean(int[] perSecond, int from, int to, int width) {
        long s = 0;
        for (int i = from; i < to; i++) {
            s += perSecond[i];
        }
        return (double) s / (to - from) * width;
    }
}
