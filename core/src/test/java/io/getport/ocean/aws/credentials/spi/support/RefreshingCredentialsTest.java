package io.getport.ocean.aws.credentials.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Issue 14 item 2: no lock is held across a fetch. A caller with usable cached credentials never waits behind a slow
 * fetch; a caller without waits for the one fetch at most {@code maxWait}; failures that are not SDK exceptions come
 * out as {@link BaseIdentityException}s. {@code assertTimeoutPreemptively} is a hang guard only.
 */
class RefreshingCredentialsTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    private final MutableClock clock = MutableClock.atSystemTime();

    private AwsSessionCredentials credentials(String keyId, Duration lifetime) {
        return AwsSessionCredentials.builder().accessKeyId(keyId).secretAccessKey("secret-" + keyId)
                .sessionToken("token-" + keyId).expirationTime(clock.instant().plus(lifetime)).build();
    }

    private RefreshingCredentials provider(Supplier<AwsSessionCredentials> fetch, Duration maxWait) {
        return new RefreshingCredentials(BaseIdentityException.ECS_AGENT, "TestAgent", fetch, clock, maxWait);
    }

    @Test
    void resolve_fetchBlockedAndCacheUsable_otherCallerGetsTheCacheWithoutWaiting() throws Exception {
        CountDownLatch inFetch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        RefreshingCredentials provider = provider(() -> {
            if (calls.incrementAndGet() == 2) {
                inFetch.countDown();
                await(release);
            }
            return credentials("K" + calls.get(), Duration.ofHours(1));
        }, Duration.ofMinutes(5));
        AwsCredentials first = provider.resolveCredentials();
        clock.advance(Duration.ofMinutes(56)); // inside the prefetch window, before the stale point
        CompletableFuture<AwsCredentials> slow = CompletableFuture.supplyAsync(provider::resolveCredentials);
        assertThat(inFetch.await(30, TimeUnit.SECONDS)).isTrue();

        AwsCredentials during = assertTimeoutPreemptively(HANG_GUARD, provider::resolveCredentials);

        assertThat(during.accessKeyId()).isEqualTo(first.accessKeyId());
        release.countDown();
        assertThat(slow.get(30, TimeUnit.SECONDS).accessKeyId()).isEqualTo("K2");
        assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("K2");
    }

    @Test
    void resolve_fetchBlockedAndNoCache_waiterFailsAfterMaxWaitNamingTheComponent() throws Exception {
        CountDownLatch inFetch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        RefreshingCredentials provider = provider(() -> {
            if (calls.incrementAndGet() == 1) {
                inFetch.countDown();
                await(release);
            }
            return credentials("K" + calls.get(), Duration.ofHours(1));
        }, Duration.ofMillis(200));
        CompletableFuture<AwsCredentials> slow = CompletableFuture.supplyAsync(provider::resolveCredentials);
        assertThat(inFetch.await(30, TimeUnit.SECONDS)).isTrue();

        Throwable thrown = assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(provider::resolveCredentials));

        assertThat(thrown).isInstanceOf(BaseIdentityException.class)
                .hasMessageContaining("Waited 200 ms for TestAgent");
        assertThat(((BaseIdentityException) thrown).component()).isEqualTo("ECS agent");
        assertThat(calls.get()).as("single flight: the waiter did not start a second fetch").isEqualTo(1);
        release.countDown();
        assertThat(slow.get(30, TimeUnit.SECONDS).accessKeyId()).isEqualTo("K1");
    }

    @Test
    void resolve_fetchFailsThenSucceeds_nextCallFetchesAgain() {
        AtomicInteger calls = new AtomicInteger();
        RefreshingCredentials provider = provider(() -> {
            if (calls.incrementAndGet() == 1) {
                throw BaseIdentityException.of(BaseIdentityException.ECS_AGENT, "agent slow", null);
            }
            return credentials("K" + calls.get(), Duration.ofHours(1));
        }, Duration.ofSeconds(5));

        assertThat(catchThrowable(provider::resolveCredentials)).hasMessage("agent slow");
        assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("K2");
    }

    @Test
    void resolve_fetchThrowsArithmeticException_baseIdentityExceptionNamingTheSource() {
        RefreshingCredentials provider = provider(() -> {
            throw new ArithmeticException("long overflow");
        }, Duration.ofSeconds(5));

        Throwable thrown = catchThrowable(provider::resolveCredentials);

        assertThat(thrown).isInstanceOf(BaseIdentityException.class)
                .hasMessage("TestAgent failed: ArithmeticException");
    }

    @Test
    void resolve_fetchThrowsAnError_noErrorEscapes() {
        RefreshingCredentials provider = provider(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, Duration.ofSeconds(5));

        Throwable thrown = catchThrowable(provider::resolveCredentials);

        assertThat(thrown).isInstanceOf(BaseIdentityException.class).hasMessage("TestAgent failed: OutOfMemoryError");
    }

    @Test
    void resolve_freshCredentials_noFetch() {
        AtomicInteger calls = new AtomicInteger();
        RefreshingCredentials provider = provider(() -> credentials("K" + calls.incrementAndGet(),
                Duration.ofHours(1)), Duration.ofSeconds(5));
        provider.resolveCredentials();
        clock.advance(Duration.ofMinutes(30));

        assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("K1");
        assertThat(calls.get()).isEqualTo(1);
        assertThat(provider.cachedExpiration()).isAfter(Instant.now().minusSeconds(1));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
