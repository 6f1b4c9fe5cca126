package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.BrokerListener;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.internal.AccountCredentials;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.RecordedRequest;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * S3, a day: {@code hours} hours of injected time at {@code accounts} accounts with 1-hour credentials and steady
 * callers, against the in-process fake STS on the same injected clock (so Expiration is in simulated time).
 *
 * <p>Callers: every account is resolved once every {@code callIntervalSeconds} simulated seconds, account {@code i} at
 * the seconds {@code ≡ i (mod interval)}, through the front door ({@code broker.forAccount(id).credentialsProvider()
 * .resolveCredentials()}). Time advances in steps of one simulated second; before each step, the simulation waits (in
 * real time) until every refresh the step's callers started has been published, so no STS call straddles two
 * simulated seconds.
 *
 * <p><b>The rate limiter and S3.</b> The broker's STS rate limiter paces in real time, and this simulation compresses a
 * day into minutes; at the default 50/s it would serialise the refreshes of a simulated second over real seconds
 * without changing which simulated second they belong to, only making the run take hours. So S3 raises
 * {@code stsRateLimit} (100,000/s by default). The demand it measures (AssumeRole calls per simulated second, peak and
 * mean) is what the default 50/s limit would face: when that peak stays below 50, the limiter never delays a call in
 * a real day. The circuit breaker and the refresh windows use the injected clock.
 *
 * <p>Measured: AssumeRole per account per hour (goal about 1), the most AssumeRole calls in one simulated second
 * against the mean (goal at most 2×; also shown for 10 s and 60 s bins), expired credentials handed out (goal 0),
 * and callers that waited for STS, split into cold (first use), in the mandatory window, and outside it (goal: none
 * after the cold start while STS is healthy). With {@code outageAtHour}, STS answers 503 for {@code outageMinutes}.
 */
final class S3Day {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** {@code retryMaxAttempts} 0: the broker's default. {@code outageAtHour} -1: no outage. */
    record Config(int accounts, int hours, int callIntervalSeconds, int stsRateLimit, double refreshJitter,
                  int outageAtHour, int outageMinutes, int callerThreads, int retryMaxAttempts) {
    }

    record Result(Config config, int[] perSecond, long resolutions, long expiredServed, long servedInMandatoryWindow,
                  long coldWaits, long waitsInMandatoryWindow, long waitsOutsideMandatoryWindow, long failedResolutions,
                  long refreshFailures, long wallMillis) {

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
    }

    private S3Day() {
    }

    static Result run(Config c, Report report) throws Exception {
        int seconds = c.hours() * 3600;
        int[] perSecond = new int[seconds];
        String[] ids = Fixtures.accountIds(c.accounts());
        AtomicIntegerArray misses = new AtomicIntegerArray(c.accounts());
        LongAdder refreshFailures = new LongAdder();
        BrokerListener listener = new BrokerListener() {
            @Override
            public void cacheMiss(String accountId) {
                misses.incrementAndGet(index(accountId));
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
        try (FakeSts sts = FakeSts.builder().clock(clock).threads(32).start();
             ReadRoleBroker broker = builder(c, sts, clock, listener).build()) {
            Duration mandatory = Duration.ofMinutes(1);
            int outageStart = c.outageAtHour() >= 0 ? c.outageAtHour() * 3600 : -1;
            int outageEnd = outageStart + c.outageMinutes() * 60;
            for (int s = 0; s < seconds; s++) {
                if (s == outageStart) {
                    sts.fail(StsError.SERVICE_UNAVAILABLE);
                } else if (s == outageEnd) {
                    sts.recover();
                }
                Instant now = clock.instant();
                int phase = s % c.callIntervalSeconds();
                List<Callable<List<CompletableFuture<Void>>>> chunks = new ArrayList<>();
                int stride = c.callIntervalSeconds();
                int workers = callers == null ? 1 : c.callerThreads();
                for (int w = 0; w < workers; w++) {
                    int first = phase + w * stride;
                    int step = stride * workers;
                    chunks.add(() -> {
                        List<CompletableFuture<Void>> pending = new ArrayList<>();
                        for (int i = first; i < ids.length; i += step) {
                            call(broker, ids[i], i, now, mandatory, misses, counters, pending);
                        }
                        return pending;
                    });
                }
                List<CompletableFuture<Void>> pending = new ArrayList<>();
                if (callers == null) {
                    pending.addAll(chunks.get(0).call());
                } else {
                    for (var f : callers.invokeAll(chunks)) {
                        pending.addAll(f.get());
                    }
                }
                for (CompletableFuture<Void> p : pending) {
                    p.get(2, TimeUnit.MINUTES);
                }
                clock.advance(Duration.ofSeconds(1));
                if ((s + 1) % 3600 == 0 || s + 1 == seconds) {
                    fold(sts, perSecond);
                    report.progress("S3 hour " + (s + 1) / 3600 + "/" + c.hours() + ": " + sts.issued().size()
                            + " credentials issued so far");
                }
            }
        } finally {
            if (callers != null) {
                callers.shutdownNow();
            }
        }
        long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        return new Result(c, perSecond, counters.resolutions.sum(), counters.expired.sum(),
                counters.inMandatory.sum(), counters.coldWaits.sum(), counters.waitsInMandatory.sum(),
                counters.waitsOutside.sum(), counters.failed.sum(), refreshFailures.sum(), wall);
    }

    private static ReadRoleBroker.Builder builder(Config c, FakeSts sts, MutableClock clock, BrokerListener l) {
        ReadRoleBroker.Builder b = Fixtures.broker(sts.endpoint())
                .clock(clock)
                .stsRateLimit(c.stsRateLimit())
                .refreshJitter(c.refreshJitter())
                .listener(l);
        return c.retryMaxAttempts() > 0 ? b.retryMaxAttempts(c.retryMaxAttempts()) : b;
    }

    private static final class Counters {
        final LongAdder resolutions = new LongAdder();
        final LongAdder expired = new LongAdder();
        final LongAdder inMandatory = new LongAdder();
        final LongAdder coldWaits = new LongAdder();
        final LongAdder waitsInMandatory = new LongAdder();
        final LongAdder waitsOutside = new LongAdder();
        final LongAdder failed = new LongAdder();
    }

    private static void call(ReadRoleBroker broker, String id, int index, Instant now, Duration mandatory,
            AtomicIntegerArray misses, Counters counters, List<CompletableFuture<Void>> pending) {
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
        // Internal on purpose: the simulation must know when a background refresh has been published before it
        // moves the clock; the public API has no such signal (nor needs one).
        CompletableFuture<Void> refresh = ((AccountCredentials) session.credentialsProvider()).inFlightRefresh();
        if (!refresh.isDone()) {
            pending.add(refresh);
        }
    }

    /** Adds the AssumeRole requests the fake recorded to their simulated second, then forgets them (memory). */
    private static void fold(FakeSts sts, int[] perSecond) {
        for (RecordedRequest r : sts.requests()) {
            if (r.action().filter("AssumeRole"::equals).isPresent()) {
                int second = (int) Duration.between(START, r.receivedAt()).getSeconds();
                perSecond[Math.min(second, perSecond.length - 1)]++;
            }
        }
        sts.clearRequests();
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
