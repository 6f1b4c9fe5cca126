package io.getport.ocean.aws.credentials.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.BrokerListener;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.internal.AccountCredentials;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** What the refresh tests share: a broker wired to a fake STS and a hand-moved clock, and small observers. */
final class RefreshTesting {
    static final Instant START = Instant.parse("2026-11-28T15:00:00Z");
    static final AwsBasicCredentials BASE_KEYS =
            AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    static final Duration MANDATORY = Duration.ofMinutes(1);
    static final Duration WAIT = Duration.ofSeconds(30);

    static {
        // The JDK HttpServer behind the fakes leaves Nagle's algorithm on: every answer then waits for the client's
        // delayed ACK (about 40 ms). Read once, when the first HttpServer starts in this JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private RefreshTesting() {
    }

    /**
     * A broker against {@code endpoint} on {@code clock}, isolated from the process environment, with short real-time
     * retry delays (the Resilience4j retry sleeps in real time; everything else runs on {@code clock}).
     */
    static ReadRoleBroker.Builder broker(URI endpoint, MutableClock clock) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(BASE_KEYS)))
                .region(Region.US_EAST_1)
                .stsEndpoint(endpoint)
                .sessionName("ocean-refresh-test")
                .clock(clock)
                .stsProtection(s -> s.retryBaseDelay(Duration.ofMillis(5))
                .retryMaxDelay(Duration.ofMillis(40)))
                .refresh(r -> r.refreshTimeout(WAIT));
    }

    static ReadRoleBroker.Builder broker(FakeSts sts, MutableClock clock) {
        return broker(sts.endpoint(), clock);
    }

    static FakeSts sts(MutableClock clock) {
        return sts(clock, 32);
    }

    static FakeSts sts(MutableClock clock, int threads) {
        return FakeSts.builder().clock(clock).threads(threads).start();
    }

    /** Twelve digits, distinct per {@code i}. */
    static String account(int i) {
        return String.format("%012d", 200_000_000_000L + i);
    }

    static List<String> accounts(int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(account(i));
        }
        return out;
    }

    static String roleArn(String account) {
        return "arn:aws:iam::" + account + ":role/PortOceanReadRole";
    }

    static AccountCredentials holder(AwsReadSession session) {
        return (AccountCredentials) session.credentialsProvider();
    }

    static AwsSessionCredentials resolve(AwsReadSession session) {
        AwsCredentials c = session.credentialsProvider().resolveCredentials();
        assertThat(c).isInstanceOf(AwsSessionCredentials.class);
        return (AwsSessionCredentials) c;
    }

    /** Waits (bounded, on a future) until no refresh is in flight for {@code session}. */
    static void awaitIdle(AwsReadSession session) {
        try {
            holder(session).inFlightRefresh().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("refresh of " + session.accountId() + " did not finish within " + WAIT, e);
        }
    }

    static void awaitIdle(Collection<AwsReadSession> sessions) {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        sessions.forEach(s -> pending.add(holder(s).inFlightRefresh()));
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("refreshes did not finish within " + WAIT, e);
        }
    }

    /** The credentials are handed out outside the mandatory window of {@code now}. */
    static void assertOutsideMandatoryWindow(AwsSessionCredentials c, Instant now) {
        Instant expiration = c.expirationTime().orElseThrow();
        assertThat(expiration.minus(MANDATORY))
                .as("credentials %s expiring %s handed out at %s", c.accessKeyId(), expiration, now)
                .isAfter(now);
    }

    static ReadRoleException readRoleException(Throwable t) {
        Throwable e = t;
        while (e != null && !(e instanceof ReadRoleException)) {
            e = e.getCause();
        }
        assertThat(e).as("a ReadRoleException in %s", t).isNotNull();
        return (ReadRoleException) e;
    }

    /** Counts what the broker reports through its listener. */
    static final class Counting implements BrokerListener {
        final Map<String, AtomicInteger> stsCalls = new ConcurrentHashMap<>();
        final LongAdder refreshSucceeded = new LongAdder();
        final LongAdder backgroundRefreshes = new LongAdder();
        final LongAdder refreshFailed = new LongAdder();
        final LongAdder recovered = new LongAdder();
        final List<String> circuitTransitions = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void stsCall(String action, String outcome, long latencyNanos) {
            stsCalls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void refreshSucceeded(String accountId, Instant expiration, boolean background) {
            refreshSucceeded.increment();
            if (background) {
                backgroundRefreshes.increment();
            }
        }

        @Override
        public void refreshFailed(String accountId, ReadRoleException failure) {
            refreshFailed.increment();
        }

        @Override
        public void refreshRecovered(String accountId, int failedAttempts) {
            recovered.increment();
        }

        @Override
        public void circuitStateChanged(String from, String to) {
            circuitTransitions.add(from + "->" + to);
        }

        int stsCalls(String action) {
            AtomicInteger n = stsCalls.get(action);
            return n == null ? 0 : n.get();
        }
    }
}
