package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.account;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;

/**
 * Fresh credentials are served without allocating: counted with the JVM's per-thread allocation counter over many
 * calls (an allocation per call would show as megabytes), not timed.
 */
class HotPathTest {
    private static final int CALLS = 200_000;

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);

    @AfterEach
    void close() {
        sts.close();
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter on this JVM");
        com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(counter.isThreadAllocatedMemorySupported() && counter.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counting is off");
        return counter;
    }

    @Test
    void resolveCredentials_freshCredentials_allocatesNothing() {
        com.sun.management.ThreadMXBean counter = allocationCounter();
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(1));
            AwsSessionCredentials cached = resolve(session);
            AwsCredentialsProvider provider = session.credentialsProvider();
            long thread = Thread.currentThread().getId();
            Object sink = null;
            for (int i = 0; i < CALLS; i++) {
                sink = provider.resolveCredentials(); // warm up
            }

            long before = counter.getThreadAllocatedBytes(thread);
            for (int i = 0; i < CALLS; i++) {
                sink = provider.resolveCredentials();
            }
            long allocated = counter.getThreadAllocatedBytes(thread) - before;

            assertThat(sink).isSameAs(cached);
            // One allocation per call would be at least 16 bytes x 200,000 = 3.2 MB; allow the counter's own noise.
            assertThat(allocated).isLessThan(64 * 1024);
            assertThat(sts.count("AssumeRole")).isEqualTo(1);
        }
    }

    @Test
    void resolveIdentity_freshCredentials_allocatesNothingAndReturnsACompletedFuture() {
        com.sun.management.ThreadMXBean counter = allocationCounter();
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(2));
            AwsSessionCredentials cached = resolve(session);
            AwsCredentialsProvider provider = session.credentialsProvider();
            // What an SDK client passes; the no-argument resolveIdentity() would build one per call itself.
            ResolveIdentityRequest request = ResolveIdentityRequest.builder().build();
            long thread = Thread.currentThread().getId();
            Object sink = null;
            for (int i = 0; i < CALLS; i++) {
                sink = provider.resolveIdentity(request);
            }

            long before = counter.getThreadAllocatedBytes(thread);
            for (int i = 0; i < CALLS; i++) {
                sink = provider.resolveIdentity(request);
            }
            long allocated = counter.getThreadAllocatedBytes(thread) - before;

            assertThat(sink).isInstanceOf(java.util.concurrent.CompletableFuture.class);
            AwsCredentials identity = (AwsCredentials) ((java.util.concurrent.CompletableFuture<?>) sink).join();
            assertThat(identity).isSameAs(cached);
            assertThat(allocated).isLessThan(64 * 1024);
        }
    }
}
