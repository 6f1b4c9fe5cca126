package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * What every benchmark and simulation shares: account IDs, the base identity, and the three things being compared,
 * built the same way each time.
 *
 * <ul>
 *   <li><b>ours</b>: a {@link ReadRoleBroker} with its defaults, except where a caller overrides a knob (and says why);
 *   </li>
 *   <li><b>SDK, shared client</b>: one {@link StsAssumeRoleCredentialsProvider} per account, all on one {@link StsClient}
 *   with the SDK's defaults (what a careful user writes without this library);</li>
 *   <li><b>SDK, client per account</b>: the same, each provider with its own {@code StsClient} (what a user writes when
 *   copying the SDK's single-account example once per account).</li>
 * </ul>
 *
 * <p>Both sides ask for the same thing: {@code PortOceanReadRole}, a 1-hour session. Ours also passes the
 * {@code ReadOnlyAccess} session policy (its default), which the SDK baseline does not.
 */
final class Fixtures {
    /** The base identity: an IAM user's long-term key, so assuming the read role is not role chaining. */
    static final AwsCredentialsProvider BASE = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIABENCHMARKBASE001", "benchmark-base-secret-key-not-a-real-one-0"));
    static final String SESSION_NAME = "port-ocean-bench";
    static final Region REGION = Region.US_EAST_1;

    private Fixtures() {
    }

    /** The {@code i}th synthetic account ID, 12 digits. */
    static String accountId(int i) {
        return String.format("%012d", 100_000_000_000L + i);
    }

    /** Account IDs 0 to {@code n - 1}. */
    static String[] accountIds(int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = accountId(i);
        }
        return ids;
    }

    static String roleArn(String accountId) {
        return "arn:aws:iam::" + accountId + ":role/PortOceanReadRole";
    }

    /** A broker builder pointed at {@code sts}, isolated from this process's environment. */
    static ReadRoleBroker.Builder broker(URI sts) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(BASE))
                .region(REGION)
                .stsEndpoint(sts)
                .sessionName(SESSION_NAME);
    }

    /** An STS client with the SDK's defaults (retries included), pointed at {@code sts}. */
    static StsClient sdkClient(URI sts) {
        return StsClient.builder()
                .endpointOverride(sts)
                .region(REGION)
                .credentialsProvider(BASE)
                .build();
    }

    /** The SDK's own provider for one account's read role, on {@code client}, with the SDK's defaults. */
    static StsAssumeRoleCredentialsProvider sdkProvider(StsClient client, String accountId) {
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(client)
                .refreshRequest(AssumeRoleRequest.builder()
                        .roleArn(roleArn(accountId))
                        .roleSessionName(SESSION_NAME)
                        .durationSeconds(3600)
                        .build())
                .build();
    }
}
