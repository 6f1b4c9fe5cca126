package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.account;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.assertOutsideMandatoryWindow;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * STS answers {@code ValidationError} ("exceeds the 1 hour session limit for roles assumed by role chaining") when a
 * role session asks for more than an hour: one retry at 3600 s, success, and a single WARN that says why.
 *
 * <p>The base identity here is a session ({@code ASIA...} key) that {@code GetCallerIdentity} reports as an IAM user,
 * so the broker cannot know up front that assuming is role chaining and asks for the configured two hours.
 */
class RoleChainingLimitTest {
    private static final String SESSION_KEY = "ASIAQEXAMPLEBASEKEY7";

    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock)
            .callerArn(SESSION_KEY, "arn:aws:iam::111111111111:user/port-ocean-base");

    @AfterEach
    void close() {
        sts.close();
    }

    private ReadRoleBroker chainingBroker() {
        return broker(sts, clock)
                .identity(i -> i.baseCredentials(
                        StaticCredentialsProvider.create(AwsSessionCredentials.create(SESSION_KEY,
                        "bPxRfiCYEXAMPLEKEYwJalrXUtnFEMIK7MDENG", "IQoJb3JpZ2luX2VjEXAMPLETOKEN"))))
                .sessionDuration(Duration.ofHours(2))
                .build();
    }

    private List<String> assumeRoleDurations() {
        List<String> out = new ArrayList<>();
        for (RecordedRequest r : sts.requests()) {
            if (r.action().filter("AssumeRole"::equals).isPresent()) {
                out.add(r.param("DurationSeconds").orElse("none"));
            }
        }
        return out;
    }

    @Test
    void resolveCredentials_roleChainingValidationError_retriesOnceAt3600AndWarnsOnce() {
        try (LogCapture logs = LogCapture.attach(Level.INFO); ReadRoleBroker broker = chainingBroker()) {
            AwsSessionCredentials c = resolve(broker.forAccount(account(1)));

            assertOutsideMandatoryWindow(c, clock.instant());
            assertThat(c.expirationTime()).contains(START.plus(Duration.ofHours(1)));
            assertThat(assumeRoleDurations()).containsExactly("7200", "3600");
            assertThat(broker.sessionDuration()).isEqualTo(Duration.ofHours(1));
            assertThat(logs.events()).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("session duration clamped",
                            "requested=7200s", "used=3600s", "role chaining", "1 hour"));

            // Later accounts ask for 3600 s at once, without another WARN.
            resolve(broker.forAccount(account(2)));
            resolve(broker.forAccount(account(3)));
            assertThat(assumeRoleDurations()).containsExactly("7200", "3600", "3600", "3600");
            assertThat(logs.events()).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);
        }
    }

    @Test
    void resolveCredentials_manyAccountsHitTheLimitTogether_eachRetriesOnceAndOneWarnInAll() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try (LogCapture logs = LogCapture.attach(Level.INFO); ReadRoleBroker broker = chainingBroker()) {
            List<Future<AwsSessionCredentials>> done = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String account = account(i);
                done.add(callers.submit(() -> resolve(broker.forAccount(account))));
            }
            for (Future<AwsSessionCredentials> f : done) {
                assertOutsideMandatoryWindow(f.get(60, TimeUnit.SECONDS), clock.instant());
            }

            List<String> durations = assumeRoleDurations();
            long asked7200 = durations.stream().filter("7200"::equals).count();
            // Every account that asked for 2 h got the ValidationError and retried once at 1 h; no account more.
            assertThat(durations).filteredOn("3600"::equals).hasSize(32);
            assertThat(durations).hasSize(32 + (int) asked7200);
            assertThat(sts.countsByRoleArn().values()).allSatisfy(n -> assertThat(n).isBetween(1, 2));
            assertThat(logs.events()).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);
        } finally {
            callers.shutdownNow();
        }
    }
}
