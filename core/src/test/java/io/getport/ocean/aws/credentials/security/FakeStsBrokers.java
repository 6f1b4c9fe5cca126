package io.getport.ocean.aws.credentials.security;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Brokers pointed at a {@link FakeSts}, with static base keys of a user in account 111111111111. */
final class FakeStsBrokers {
    static final String BASE_ACCESS_KEY = "AKIAOCEANBASE0000001";
    static final String BASE_SECRET_KEY = "base/Secret+Key0123456789abcdefghijklmnopq";

    private FakeStsBrokers() {
    }

    /** A builder with the base keys, {@code us-east-1}, the fake's endpoint, fast retries and the given environment. */
    static ReadRoleBroker.Builder builder(FakeSts sts, Map<String, String> environment) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(environment, Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(BASE_ACCESS_KEY, BASE_SECRET_KEY))))
                .region(Region.US_EAST_1)
                .stsEndpoint(sts.endpoint())
                .stsProtection(s -> s.retryBaseDelay(Duration.ofMillis(1))
                .retryMaxDelay(Duration.ofMillis(5)));
    }

    static ReadRoleBroker.Builder builder(FakeSts sts) {
        return builder(sts, Map.of());
    }

    /** The AssumeRole requests the fake received, oldest first. */
    static List<RecordedRequest> assumeRoles(FakeSts sts) {
        return sts.requests().stream().filter(r -> r.action().filter("AssumeRole"::equals).isPresent())
                .collect(Collectors.toList());
    }

    /** The parameters of a request whose name starts with {@code prefix}, sorted by name. */
    static Map<String, String> params(RecordedRequest request, String prefix) {
        return request.params().entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }
}
