package io.getport.ocean.aws.credentials.observability;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** A broker wired to a fake STS and a hand-moved clock, for the observability tests. */
final class ObservabilityTesting {
    static final Instant START = Instant.parse("2026-11-28T15:00:00Z");
    static final String BASE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final AwsBasicCredentials BASE_KEYS = AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", BASE_SECRET);
    static final String OK_ACCOUNT = "222222222222";
    static final String DENIED_ACCOUNT = "333333333333";
    static final Duration WAIT = Duration.ofSeconds(30);

    private ObservabilityTesting() {
    }

    static ReadRoleBroker.Builder broker(FakeSts sts, MutableClock clock) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(BASE_KEYS)))
                .region(Region.US_EAST_1)
                .stsEndpoint(sts.endpoint())
                .sessionName("ocean-observability-test")
                .clock(clock)
                .stsProtection(s -> s.retryMaxAttempts(1)
                .retryBaseDelay(Duration.ofMillis(5))
                .retryMaxDelay(Duration.ofMillis(20)))
                .refresh(r -> r.refreshTimeout(WAIT));
    }

    static String roleArn(String account) {
        return "arn:aws:iam::" + account + ":role/PortOceanReadRole";
    }
}
