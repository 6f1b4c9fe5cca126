package io.getport.ocean.aws.credentials.benchmarks;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * One way of getting per-account credentials, as the simulations drive it: {@link #resolve(String)} for any account,
 * from any thread, creating whatever per-account state it needs on first use.
 */
abstract class Contender implements AutoCloseable {

    /** The three contenders; {@link #label} is what the command line and the report use. */
    enum Kind {
        OURS("ours"),
        SDK_SHARED_CLIENT("sdk-shared-client"),
        SDK_CLIENT_PER_ACCOUNT("sdk-client-per-account");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown contender " + label + "; use ours, sdk-shared-client or"
                    + " sdk-client-per-account");
        }
    }

    abstract Kind kind();

    /** Credentials for {@code accountId}: from the cache, or from STS on first use. */
    abstract AwsCredentials resolve(String accountId);

    @Override
    public abstract void close();

    /**
     * @param sts the fake STS
     * @param ours customises the broker builder (the knobs a simulation changes, e.g. the rate limit); the identity
     *     for the SDK contenders
     */
    static Contender create(Kind kind, URI sts, UnaryOperator<ReadRoleBroker.Builder> ours) {
        switch (kind) {
            case OURS:
                return new Ours(ours.apply(Fixtures.broker(sts)).build());
            case SDK_SHARED_CLIENT:
                return new SdkSharedClient(sts);
            case SDK_CLIENT_PER_ACCOUNT:
                return new SdkClientPerAccount(sts);
            default:
                throw new IllegalArgumentException(kind.label);
        }
    }

    static final class Ours extends Contender {
        final ReadRoleBroker broker;

        Ours(ReadRoleBroker broker) {
            this.broker = broker;
        }

        @Override
        Kind kind() {
            return Kind.OURS;
        }

        @Override
        AwsCredentials resolve(String accountId) {
            return broker.forAccount(accountId).credentialsProvider().resolveCredentials();
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    /** One SDK provider per account in a map, all on one client: what a careful user writes. */
    static final class SdkSharedClient extends Contender {
        private final StsClient client;
        private final Map<String, StsAssumeRoleCredentialsProvider> providers = new ConcurrentHashMap<>();

        SdkSharedClient(URI sts) {
            this.client = Fixtures.sdkClient(sts);
        }

        @Override
        Kind kind() {
            return Kind.SDK_SHARED_CLIENT;
        }

        @Override
        AwsCredentials resolve(String accountId) {
            return providers.computeIfAbsent(accountId, id -> Fixtures.sdkProvider(client, id)).resolveCredentials();
        }

        @Override
        public void close() {
            providers.values().forEach(StsAssumeRoleCredentialsProvider::close);
            client.close();
        }
    }

    /** One SDK provider per account, each with its own STS client: the single-account example, once per account. */
    static final class SdkClientPerAccount extends Contender {
        private final URI sts;
        private final Map<String, PerAccount> providers = new ConcurrentHashMap<>();

        SdkClientPerAccount(URI sts) {
            this.sts = sts;
        }

        private static final class PerAccount {
            final StsClient client;
            final StsAssumeRoleCredentialsProvider provider;

            PerAccount(StsClient client, StsAssumeRoleCredentialsProvider provider) {
                this.client = client;
                this.provider = provider;
            }
        }

        @Override
        Kind kind() {
            return Kind.SDK_CLIENT_PER_ACCOUNT;
        }

        @Override
        AwsCredentials resolve(String accountId) {
            return providers.computeIfAbsent(accountId, id -> {
                StsClient client = Fixtures.sdkClient(sts);
                return new PerAccount(client, Fixtures.sdkProvider(client, id));
            }).provider.resolveCredentials();
        }

        @Override
        public void close() {
            providers.values().forEach(p -> {
                p.provider.close();
                p.client.close();
            });
        }
    }
}
