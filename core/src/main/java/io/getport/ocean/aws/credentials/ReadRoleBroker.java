package io.getport.ocean.aws.credentials;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.internal.AccountCredentials;
import io.getport.ocean.aws.credentials.internal.BrokerCore;
import io.getport.ocean.aws.credentials.internal.Events;
import io.getport.ocean.aws.credentials.internal.IdentityResolver;
import io.getport.ocean.aws.credentials.internal.InvalidatingInterceptor;
import io.getport.ocean.aws.credentials.internal.Partitions;
import io.getport.ocean.aws.credentials.internal.ResolvedIdentity;
import io.getport.ocean.aws.credentials.internal.Settings;
import io.getport.ocean.aws.credentials.internal.Validation;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Assumes the read role ({@code PortOceanReadRole}) in target accounts and keeps each account's credentials fresh.
 *
 * <pre>{@code
 * try (ReadRoleBroker broker = ReadRoleBroker.builder().externalId("...").build()) {
 *     AwsReadSession session = broker.forAccount("111122223333");
 *     S3Client s3 = session.configure(S3Client.builder()).build();
 * }
 * }</pre>
 *
 * <p><b>Identity.</b> {@link Builder#build()} detects the runtime identity (see {@link Builder#identitySource}) and
 * fails closed with a {@link ReadRoleException} listing every source checked when there is none. It makes no network
 * call except, in {@code auto} mode on a host that is neither EKS nor ECS, one short IMDSv2 token request.
 *
 * <p><b>Resources.</b> One shared {@link StsClient}, one small pool of daemon threads (at most
 * {@code stsMaxConcurrency}, idle ones exit) plus one scheduler thread, and a bounded cache of per-account
 * credentials. Nothing grows with the number of accounts except the cache entries.
 *
 * <p><b>Thread safety and lifecycle.</b> Thread safe. {@link #close()} releases the STS client and the threads; later
 * calls fail with {@link ReadRoleException.Reason#CLOSED}. The {@linkplain #defaultBroker() default broker} lives as
 * long as the process; closing it does nothing.
 */
public final class ReadRoleBroker implements SdkAutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadRoleBroker.class);
    private static final Object DEFAULT_LOCK = new Object();
    private static volatile ReadRoleBroker defaultBroker;

    private final Settings settings;
    private final BrokerCore core;
    private final Cache<String, AwsReadSession> sessions;
    private final boolean shared;

    private ReadRoleBroker(Settings settings, Events events, boolean shared) {
        this.settings = settings;
        this.shared = shared;
        ResolvedIdentity identity = IdentityResolver.resolve(settings, events);
        this.core = new BrokerCore(settings, identity, events);
        Clock clock = settings.clock;
        this.sessions = Caffeine.newBuilder()
                .maximumSize(settings.cacheMaximumAccounts)
                .expireAfterAccess(settings.cacheIdleTime)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .recordStats()
                .removalListener((String account, AwsReadSession session, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        events.evicted(account, cause.name());
                    }
                })
                .build();
        core.registry(holder -> {
            AwsReadSession current = sessions.getIfPresent(holder.accountId());
            if (current != null) {
                return current.holder();
            }
            AwsReadSession mine = new AwsReadSession(this, holder);
            AwsReadSession winner = sessions.asMap().putIfAbsent(holder.accountId(), mine);
            return winner == null ? holder : winner.holder();
        });
        events.identityDetected(identity.source(), identity.detection().reason(), identity.region().id(),
                roleChaining());
    }

    /** A builder with every setting unset: unset settings come from the environment, then the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The process-wide broker behind {@link AwsReadSession#forAccount(String)}, built on first use from the
     * environment (every {@code OCEAN_AWS_*} variable and {@code ocean.aws.*} property). If building fails (no
     * identity, a bad setting), the exception is thrown and the next call tries again.
     */
    public static ReadRoleBroker defaultBroker() {
        ReadRoleBroker b = defaultBroker;
        if (b != null) {
            return b;
        }
        synchronized (DEFAULT_LOCK) {
            if (defaultBroker == null) {
                defaultBroker = new ReadRoleBroker(Settings.resolve(new Settings.Draft()), new Events(), true);
            }
            return defaultBroker;
        }
    }

    /**
     * The read role session for one account. Makes no STS call; the first credential resolution does.
     *
     * @param accountId exactly 12 digits
     * @throws IllegalArgumentException when {@code accountId} is not exactly 12 digits
     * @throws ReadRoleException when the account is not in {@code allowedAccounts}, or the broker is closed
     */
    public AwsReadSession forAccount(String accountId) {
        Validation.accountId("accountId", accountId);
        if (core.isClosed()) {
            throw ReadRoleException.of(Reason.CLOSED, accountId, null, null,
                    "The ReadRoleBroker was closed; build a new one (or use AwsReadSession.forAccount)", null);
        }
        if (!settings.allowedAccounts.isEmpty() && !settings.allowedAccounts.contains(accountId)) {
            throw ReadRoleException.of(Reason.NOT_ALLOWED, accountId, null, null,
                    "Account " + accountId + " is not in the allowed accounts (OCEAN_AWS_ALLOWED_ACCOUNTS /"
                            + " allowedAccounts, " + settings.allowedAccounts.size() + " accounts); no STS call made",
                    null);
        }
        return sessions.get(accountId, id -> new AwsReadSession(this,
                new AccountCredentials(id, roleArn(id), core)));
    }

    /** The read role ARN for {@code accountId} in the STS region's partition. */
    public String roleArn(String accountId) {
        return Partitions.roleArn(core.gateway().partition(), Validation.accountId("accountId", accountId),
                settings.rolePath, settings.roleName);
    }

    /** Which identity this broker uses and why; includes the base principal once known. */
    public IdentityDetection identity() {
        ResolvedIdentity id = core.identity();
        String principal = core.knownPrincipal();
        String account = principal == null ? null : principal.split(":")[4];
        Map<String, String> facts = new LinkedHashMap<>(id.detection().facts());
        return new IdentityDetection(id.source(), id.detection().reason(), id.checked(), id.region(),
                id.regionSource(), roleChaining(), principal, account, facts);
    }

    /**
     * Calls {@code GetCallerIdentity} with the base identity (once per broker; later calls return the same answer)
     * and returns the detection with the principal filled in.
     *
     * @throws ReadRoleException when STS cannot be reached or rejects the base identity
     */
    public IdentityDetection verifyIdentity() {
        try {
            GetCallerIdentityResponse r = core.baseIdentity().get(settings.refreshTimeout.toMillis() * 2,
                    TimeUnit.MILLISECONDS);
            Objects.requireNonNull(r);
            return identity();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ReadRoleException.of(Reason.STS_UNAVAILABLE, null, null, null, "Interrupted during GetCallerIdentity",
                    e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw ReadRoleException.of(Reason.STS_UNAVAILABLE, null, null, null,
                    "GetCallerIdentity did not answer in time: STS is slow or unreachable", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = io.getport.ocean.aws.credentials.internal.StsErrors.unwrap(e);
            throw io.getport.ocean.aws.credentials.internal.StsErrors.toReadRoleException(cause, null,
                    "(GetCallerIdentity)", null, false);
        }
    }

    /** The session duration assumptions ask for now (one hour when role chaining caps it). */
    public Duration sessionDuration() {
        return core.gateway().effectiveDuration();
    }

    /** The number of accounts currently cached. */
    public long cachedAccounts() {
        return sessions.estimatedSize();
    }

    List<ExecutionInterceptor> interceptorsFor(AwsReadSession session) {
        List<ExecutionInterceptor> out = new ArrayList<>();
        out.add(new InvalidatingInterceptor(session.holder()));
        return out;
    }

    BrokerCore core() {
        return core;
    }

    Cache<String, AwsReadSession> sessions() {
        return sessions;
    }

    private boolean roleChaining() {
        ResolvedIdentity id = core.identity();
        if (id.baseIdentity().directWebIdentity().isPresent()) {
            return false;
        }
        String principal = core.knownPrincipal();
        return id.baseIdentity().roleSession() || (principal != null && principal.contains(":assumed-role/"));
    }

    /**
     * Releases the STS client, the threads and the cache. Idempotent. Does nothing on the default broker, which is
     * shared by the whole process.
     */
    @Override
    public void close() {
        if (shared) {
            LOG.debug("close() on the default ReadRoleBroker ignored: it is shared by the process");
            return;
        }
        if (core.isClosed()) {
            return;
        }
        core.close();
        sessions.asMap().values().forEach(s -> s.holder().shutdown());
        sessions.invalidateAll();
    }

    @Override
    public String toString() {
        return "ReadRoleBroker(role=" + settings.rolePath + settings.roleName + ", identity="
                + core.identity().source() + ", region=" + core.identity().region() + ", accounts="
                + sessions.estimatedSize() + ")";
    }

    /**
     * Configures a {@link ReadRoleBroker}. Each setting also has an environment variable and a system property (the
     * property wins over the variable; a builder call wins over both); the README lists them all with defaults.
     * Values are validated in {@link #build()}, with messages that name the setting and the rule.
     *
     * <p>Not thread safe; build once.
     */
    public static final class Builder {
        private final Settings.Draft d = new Settings.Draft();

        private Builder() {
        }

        /**
         * Base credentials to assume the read role with, instead of detecting the runtime identity. Default: detect
         * ({@code OCEAN_AWS_IDENTITY_SOURCE}).
         */
        public Builder baseCredentials(AwsCredentialsProvider baseCredentials) {
            d.baseCredentials = Objects.requireNonNull(baseCredentials, "baseCredentials");
            return this;
        }

        /**
         * Which runtime identity to use: {@code auto} (default: EKS IRSA, EKS Pod Identity, ECS, EC2, in that order),
         * or pin one of {@code eks-irsa}, {@code eks-pod-identity}, {@code ecs}, {@code ec2}, {@code environment}.
         * Static keys from the environment are used only when pinned. {@code OCEAN_AWS_IDENTITY_SOURCE}.
         */
        public Builder identitySource(String identitySource) {
            d.identitySource = Objects.requireNonNull(identitySource, "identitySource");
            return this;
        }

        /** Where settings and runtime signals are read from. Default: {@link RuntimeEnvironment#system()}. */
        public Builder environment(RuntimeEnvironment environment) {
            d.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** The time source for expiry decisions. Default: {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            d.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The STS region; it also selects the partition of role ARNs. Default ({@code OCEAN_AWS_STS_REGION}):
         * {@code AWS_REGION} / {@code AWS_DEFAULT_REGION}, else the runtime's region, else {@code us-east-1}.
         */
        public Builder region(Region region) {
            d.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /**
         * An STS endpoint override (a VPC endpoint, a FIPS endpoint, an emulator). Default
         * ({@code OCEAN_AWS_STS_ENDPOINT}): the regional endpoint of {@link #region}.
         */
        public Builder stsEndpoint(URI stsEndpoint) {
            d.stsEndpoint = Objects.requireNonNull(stsEndpoint, "stsEndpoint");
            return this;
        }

        /**
         * A caller-owned STS client to use instead of the broker's own (the broker does not close it). Give it no
         * SDK retries, or retries multiply. Default: the broker builds one with retries off.
         */
        public Builder stsClient(StsClient stsClient) {
            d.stsClient = Objects.requireNonNull(stsClient, "stsClient");
            return this;
        }

        /** The read role's name. Default ({@code OCEAN_AWS_READ_ROLE_NAME}): {@code PortOceanReadRole}. */
        public Builder roleName(String roleName) {
            d.roleName = Objects.requireNonNull(roleName, "roleName");
            return this;
        }

        /** The read role's IAM path, {@code /a/b/}. Default ({@code OCEAN_AWS_READ_ROLE_PATH}): {@code /}. */
        public Builder rolePath(String rolePath) {
            d.rolePath = Objects.requireNonNull(rolePath, "rolePath");
            return this;
        }

        /** The ExternalId sent with every AssumeRole. Secret: never logged. Default ({@code OCEAN_AWS_EXTERNAL_ID}): none. */
        public Builder externalId(String externalId) {
            d.externalId = Objects.requireNonNull(externalId, "externalId");
            return this;
        }

        /**
         * ExternalIds per account, overriding {@link #externalId} for those accounts. Default
         * ({@code OCEAN_AWS_EXTERNAL_IDS}, {@code 111122223333=id1,444455556666=id2}): none.
         */
        public Builder externalIds(Map<String, String> externalIds) {
            d.externalIds = new LinkedHashMap<>(Objects.requireNonNull(externalIds, "externalIds"));
            return this;
        }

        /** The role session name. Default ({@code OCEAN_AWS_SESSION_NAME}): {@code port-ocean-<host>}, sanitised. */
        public Builder sessionName(String sessionName) {
            d.sessionName = Objects.requireNonNull(sessionName, "sessionName");
            return this;
        }

        /**
         * The requested session duration, 900 s to 43200 s; clamped to 3600 s when assuming is role chaining.
         * Default ({@code OCEAN_AWS_SESSION_DURATION}): 3600 s.
         */
        public Builder sessionDuration(Duration sessionDuration) {
            d.sessionDuration = Objects.requireNonNull(sessionDuration, "sessionDuration");
            return this;
        }

        /** The SourceIdentity set on every session. Default ({@code OCEAN_AWS_SOURCE_IDENTITY}): none. */
        public Builder sourceIdentity(String sourceIdentity) {
            d.sourceIdentity = Objects.requireNonNull(sourceIdentity, "sourceIdentity");
            return this;
        }

        /** Session tags ({@code sts:TagSession} needed in the trust policy). Default ({@code OCEAN_AWS_SESSION_TAGS}): none. */
        public Builder sessionTags(Map<String, String> sessionTags) {
            d.sessionTags = new LinkedHashMap<>(Objects.requireNonNull(sessionTags, "sessionTags"));
            return this;
        }

        /**
         * Whether every AssumeRole passes {@code arn:<partition>:iam::aws:policy/ReadOnlyAccess} as a session policy,
         * so the session can only read even if the role allows more. Default ({@code OCEAN_AWS_SESSION_POLICY},
         * {@code ReadOnlyAccess} or {@code none}): on.
         */
        public Builder readOnlySessionPolicy(boolean enabled) {
            d.readOnlySessionPolicy = enabled;
            return this;
        }

        /** More session policy ARNs (at most 10 in all). Default ({@code OCEAN_AWS_SESSION_POLICY_ARNS}): none. */
        public Builder sessionPolicyArns(List<String> policyArns) {
            d.sessionPolicyArns = new ArrayList<>(Objects.requireNonNull(policyArns, "policyArns"));
            return this;
        }

        /**
         * Whether clients configured through {@link AwsReadSession#configure} refuse non-read operations before they
         * leave the process. Default ({@code OCEAN_AWS_WRITE_GUARD}): off.
         */
        public Builder writeGuard(boolean enabled) {
            d.writeGuard = enabled;
            return this;
        }

        /**
         * Operations the write guard lets through although their names do not look like reads, as
         * {@code Service:Operation} or {@code Operation}. Default ({@code OCEAN_AWS_WRITE_GUARD_ALLOW}): none.
         */
        public Builder writeGuardAllow(Set<String> operations) {
            d.writeGuardAllow = new LinkedHashSet<>(Objects.requireNonNull(operations, "operations"));
            return this;
        }

        /**
         * Refuse to work when the base identity is not in this account. Default
         * ({@code OCEAN_AWS_EXPECTED_BASE_ACCOUNT}): not checked.
         */
        public Builder expectedBaseAccount(String accountId) {
            d.expectedBaseAccount = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /** Refuse {@code forAccount} for any other account. Default ({@code OCEAN_AWS_ALLOWED_ACCOUNTS}): any. */
        public Builder allowedAccounts(Set<String> accountIds) {
            d.allowedAccounts = new LinkedHashSet<>(Objects.requireNonNull(accountIds, "accountIds"));
            return this;
        }

        /**
         * The advisory refresh window before expiry. Default ({@code OCEAN_AWS_ADVISORY_WINDOW}): by lifetime, under
         * 20 min: 5 min; 20 to 90 min: 15 min; from 90 min: 60 min.
         */
        public Builder advisoryWindow(Duration window) {
            d.advisoryWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * The mandatory window before expiry, in which callers wait for the refresh and credentials are never handed
         * out. Default ({@code OCEAN_AWS_MANDATORY_WINDOW}): 1 minute.
         */
        public Builder mandatoryWindow(Duration window) {
            d.mandatoryWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * The fraction (0 to 1) of the advisory window by which each account's refresh start is randomly delayed.
         * Default: 0.5.
         */
        public Builder refreshJitter(double fraction) {
            d.refreshJitter = fraction;
            return this;
        }

        /** How long a caller waits for a refresh in flight. Default ({@code OCEAN_AWS_REFRESH_TIMEOUT}): 15 s. */
        public Builder refreshTimeout(Duration timeout) {
            d.refreshTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Timeout of one STS call. Default ({@code OCEAN_AWS_STS_CALL_TIMEOUT}): 5 s. */
        public Builder stsCallTimeout(Duration timeout) {
            d.stsCallTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How long a non-recoverable failure (AccessDenied, ...) is remembered per account, so repeated calls do not
         * reach STS. Default ({@code OCEAN_AWS_FAILURE_CACHE_TIME}): 60 s.
         */
        public Builder failureCacheTime(Duration time) {
            d.failureCacheTime = Objects.requireNonNull(time, "time");
            return this;
        }

        /** Attempts per refresh for recoverable failures, first included. Default ({@code OCEAN_AWS_RETRY_MAX_ATTEMPTS}): 3. */
        public Builder retryMaxAttempts(int attempts) {
            d.retryMaxAttempts = attempts;
            return this;
        }

        /** Base of the exponential backoff with full jitter. Default ({@code OCEAN_AWS_RETRY_BASE_DELAY}): 200 ms. */
        public Builder retryBaseDelay(Duration delay) {
            d.retryBaseDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** Cap of the backoff. Default ({@code OCEAN_AWS_RETRY_MAX_DELAY}): 20 s. */
        public Builder retryMaxDelay(Duration delay) {
            d.retryMaxDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** STS calls per second, for all accounts together. Default ({@code OCEAN_AWS_STS_RATE_LIMIT}): 50. */
        public Builder stsRateLimit(int callsPerSecond) {
            d.stsRateLimit = callsPerSecond;
            return this;
        }

        /** Concurrent STS calls, for all accounts together. Default ({@code OCEAN_AWS_STS_MAX_CONCURRENCY}): 8. */
        public Builder stsMaxConcurrency(int calls) {
            d.stsMaxConcurrency = calls;
            return this;
        }

        /**
         * Failure rate (percent of the last 20 STS calls, recoverable failures only) that opens the circuit breaker.
         * Default ({@code OCEAN_AWS_CIRCUIT_FAILURE_RATE}): 50.
         */
        public Builder circuitFailureRate(int percent) {
            d.circuitFailureRate = percent;
            return this;
        }

        /** How long an open circuit stays open. Default ({@code OCEAN_AWS_CIRCUIT_OPEN_DURATION}): 30 s. */
        public Builder circuitOpenDuration(Duration duration) {
            d.circuitOpenDuration = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /** Most accounts cached at once. Default ({@code OCEAN_AWS_CACHE_MAX_ACCOUNTS}): 50,000. */
        public Builder cacheMaximumAccounts(long accounts) {
            d.cacheMaximumAccounts = accounts;
            return this;
        }

        /** An account not resolved for this long is evicted. Default ({@code OCEAN_AWS_CACHE_IDLE_TIME}): 6 h. */
        public Builder cacheIdleTime(Duration idle) {
            d.cacheIdleTime = Objects.requireNonNull(idle, "idle");
            return this;
        }

        /**
         * Runs STS calls on the caller's executor instead of the broker's own small pool (the broker does not shut it
         * down). Default: a pool of {@code stsMaxConcurrency} daemon threads.
         */
        public Builder executor(Executor executor) {
            d.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Validates the settings, detects the runtime identity and builds the broker.
         *
         * @throws IllegalArgumentException for a bad setting, naming it, the rule and the value
         * @throws ReadRoleException with {@link Reason#NO_IDENTITY} when no identity is found
         */
        public ReadRoleBroker build() {
            return new ReadRoleBroker(Settings.resolve(d), new Events(), false);
        }
    }
}
