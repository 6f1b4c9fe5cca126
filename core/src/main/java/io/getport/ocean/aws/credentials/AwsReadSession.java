package io.getport.ocean.aws.credentials;

import io.getport.ocean.aws.credentials.internal.AccountCredentials;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;

/**
 * The read role ({@code PortOceanReadRole}) in one target account: its ARN, and an SDK {@link AwsCredentialsProvider}
 * that always hands out valid temporary credentials for it.
 *
 * <pre>{@code
 * AwsReadSession session = AwsReadSession.forAccount("111122223333");
 * try (S3Client s3 = session.configure(S3Client.builder()).build()) {
 *     s3.listBuckets();
 * }
 * }</pre>
 *
 * <p>Sessions are cheap views over the broker's per-account cache: obtaining one makes no STS call; the first
 * credential resolution does. Thread safe. A session lives as long as its broker; it holds no resources of its own.
 */
public final class AwsReadSession {
    private final ReadRoleBroker broker;
    private final AccountCredentials credentials;
    /** When the broker's cache last handed this session out, in its ticks (see {@link SessionCache}). */
    volatile long lastUsed;

    AwsReadSession(ReadRoleBroker broker, AccountCredentials credentials) {
        this.broker = broker;
        this.credentials = credentials;
    }

    /**
     * The session for {@code accountId} from the process-wide default broker, configured from the environment (see
     * {@link ReadRoleBroker#defaultBroker()}).
     *
     * @param accountId the 12-digit target account ID
     * @throws IllegalArgumentException when the account ID is not exactly 12 digits
     * @throws ReadRoleException when no runtime identity is found (fail closed) or the account is not allowed
     */
    public static AwsReadSession forAccount(String accountId) {
        return ReadRoleBroker.defaultBroker().forAccount(accountId);
    }

    /**
     * Makes a broker built in code the process-wide default, so {@link #forAccount(String)} (and
     * {@link ReadRoleBroker#defaultBroker()}) use it instead of building one from the environment.
     *
     * <p>Lifecycle: call it once, at start-up, before the first {@code forAccount} / {@code defaultBroker()} call;
     * installing the same broker again does nothing. The broker stays the application's: close it when the application
     * shuts down (after that, {@code forAccount} fails with {@link ReadRoleException.Reason#CLOSED}); it is never
     * replaced. Thread safe.
     *
     * <pre>{@code
     * ReadRoleBroker broker = ReadRoleBroker.builder().allowedAccounts(accounts).build();
     * AwsReadSession.installDefault(broker);   // before any AwsReadSession.forAccount
     * ...
     * broker.close();                          // at shutdown
     * }</pre>
     *
     * @param broker an open broker from {@link ReadRoleBroker#builder()}
     * @throws IllegalStateException when a default broker was already built from the environment or another broker
     *     was installed
     * @throws IllegalArgumentException when the broker is already closed
     */
    public static void installDefault(ReadRoleBroker broker) {
        ReadRoleBroker.installDefault(broker);
    }

    /** The target account ID. */
    public String accountId() {
        return credentials.accountId();
    }

    /** The read role ARN in the target account, e.g. {@code arn:aws:iam::111122223333:role/PortOceanReadRole}. */
    public String roleArn() {
        return credentials.roleArn();
    }

    /**
     * The credentials provider for the read role. It caches, refreshes before expiry and never returns expired
     * credentials; its {@code resolveIdentity} does not block the calling thread.
     *
     * <p>To build an SDK client, use {@link #configure} (or {@link S3Crt#configure} for the CRT-based S3 client),
     * not this provider: a provider carries no interceptor, so a client wired with it by hand gets neither the write
     * guard ({@code OCEAN_AWS_WRITE_GUARD}) nor the invalidation of rejected credentials. Use this provider directly
     * only where no SDK client is built from it (inspecting the credentials, handing them to a non-SDK tool).
     *
     * <p>With the write guard on, there is no such use: this method then refuses, so that no client can be wired
     * without the guard by mistake. To make sure credentials are ready without handing them out (warming up ahead
     * of a fan-out, a health check), use {@link #warmUp()}, which works either way.
     *
     * @throws IllegalStateException when the write guard is on ({@code OCEAN_AWS_WRITE_GUARD} / {@code writeGuard})
     */
    public AwsCredentialsProvider credentialsProvider() {
        if (broker.writeGuardOn()) {
            throw new IllegalStateException("The write guard is on (OCEAN_AWS_WRITE_GUARD / writeGuard), so the read"
                    + " role's credentials provider for " + roleArn() + " is not handed out: an SDK client wired with"
                    + " it by hand would not be guarded. Build clients with session.configure(builder) (or"
                    + " S3Crt.configure for the CRT-based S3 client); use session.warmUp() to resolve credentials"
                    + " ahead of use.");
        }
        return credentials;
    }

    /**
     * Makes sure this session holds valid credentials, assuming the read role or refreshing as needed, without
     * handing them out: for warming up many accounts ahead of a fan-out, or checking that an account is reachable.
     * Does not block the calling thread; shares the refresh of any other caller of the same account (one STS call).
     * Works with the write guard on.
     *
     * @return completes with the credentials' expiration, or exceptionally with a {@link ReadRoleException}
     */
    public CompletableFuture<Instant> warmUp() {
        return credentials.resolveIdentity().thenApply(identity -> identity.expirationTime().orElse(null));
    }

    /** The STS region of the broker, also the default region {@link #configure} applies. */
    public Region region() {
        return broker.identity().region();
    }

    /**
     * Applies this session to an SDK client builder: the credentials provider, the broker's region (unless the builder
     * is given another one afterwards), an interceptor that invalidates the cached credentials when AWS rejects them
     * as expired or invalid, and the write guard when it is enabled. The interceptors are added when the client is
     * built, on top of the builder's override configuration at that time, so {@code overrideConfiguration(...)} may be
     * called before or after this method without dropping either.
     *
     * @param builder any AWS SDK v2 client builder, e.g. {@code S3Client.builder()}
     * @return the same builder, for chaining
     */
    public <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        builder.credentialsProvider(credentials).region(region());
        // A plugin, not overrideConfiguration(...): the SDK replaces the whole override configuration on every
        // overrideConfiguration call (the Consumer form too), so setting ours would drop the caller's earlier settings
        // and a later call by the caller would silently drop these interceptors, the write guard among them. Plugins
        // run in build(), on top of whatever override configuration the builder has by then.
        List<ExecutionInterceptor> interceptors = broker.interceptorsFor(this);
        return builder.addPlugin(config -> {
            ClientOverrideConfiguration current = config.overrideConfiguration();
            ClientOverrideConfiguration.Builder merged =
                    current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
            interceptors.forEach(merged::addExecutionInterceptor);
            config.overrideConfiguration(merged.build());
        });
    }

    /** Forgets the cached credentials (and any cached failure): the next resolution calls STS. */
    public void invalidate() {
        credentials.invalidate();
    }

    /** When the current credentials expire, if any were obtained yet. */
    public Optional<Instant> expiration() {
        return Optional.ofNullable(credentials.expiration());
    }

    /** When the next background refresh is due, if credentials were obtained yet. */
    public Optional<Instant> nextRefresh() {
        return Optional.ofNullable(credentials.nextRefresh());
    }

    /** The assumed-role ARN of the current credentials ({@code arn:aws:sts::...:assumed-role/...}), once assumed. */
    public Optional<String> assumedRoleArn() {
        return Optional.ofNullable(credentials.assumedRoleArn());
    }

    boolean writeGuardOn() {
        return broker.writeGuardOn();
    }

    AccountCredentials holder() {
        return credentials;
    }

    @Override
    public String toString() {
        return "AwsReadSession(account=" + accountId() + ", role=" + roleArn() + ")";
    }
}
