package io.getport.ocean.aws.credentials;

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
import io.getport.ocean.aws.credentials.internal.WriteGuard;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
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
 * <p><b>Identity.</b> {@link Builder#build()} detects the runtime identity (see
 * {@link IdentityConfiguration.Builder#identitySource}) and
 * fails closed with a {@link ReadRoleException} listing every source checked when there is none. It makes no STS call.
 * Detection itself calls nothing but, in {@code auto} mode on a host that is neither EKS nor ECS, one short IMDSv2
 * token request; opening the detected source may read local runtime metadata once (ECS task metadata, the EC2 role
 * name and instance identity document), best effort.
 *
 * <p><b>Resources.</b> One shared {@link StsClient}, one small pool of daemon threads (at most
 * {@code min(stsMaxConcurrency, 10)}, idle ones exit; callers waiting for a refresh run further calls on their own
 * threads) plus one scheduler thread, and a bounded cache of per-account
 * credentials. Nothing grows with the number of accounts except the cache entries.
 *
 * <p><b>Thread safety and lifecycle.</b> Thread safe. {@link #close()} releases the STS client and the threads; later
 * calls fail with {@link ReadRoleException.Reason#CLOSED}. The {@linkplain #defaultBroker() default broker} lives as
 * long as the process; closing it does nothing.
 */
public final class ReadRoleBroker implements SdkAutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadRoleBroker.class);
    /**
     * Guards the creation of {@link #defaultBroker()}, which detects the identity (local calls to the ECS agent,
     * IMDS, ...): a {@link ReentrantLock}, not a monitor, so a virtual thread that builds it, or waits for another that
     * does, never pins its carrier (Java 21 to 23 pin a virtual thread that blocks while holding a monitor).
     */
    private static final ReentrantLock DEFAULT_LOCK = new ReentrantLock();
    private static volatile ReadRoleBroker defaultBroker;

    private final Settings settings;
    private final BrokerCore core;
    private final SessionCache sessions;
    private final boolean shared;
    private final Function<String, AwsReadSession> newSession;

    private ReadRoleBroker(Settings settings, Events events, boolean shared) {
        io.getport.ocean.aws.credentials.internal.SdkVersionCheck.require();
        this.settings = settings;
        this.shared = shared;
        ResolvedIdentity identity = IdentityResolver.resolve(settings, events);
        this.core = new BrokerCore(settings, identity, events);
        this.newSession = id -> new AwsReadSession(this, new AccountCredentials(id, roleArn(id), this.core));
        this.sessions = new SessionCache(settings.clock, settings.cacheMaximumAccounts, settings.cacheIdleTime,
                events::evicted);
        core.gateway().every(sessions.sweepPeriod(), "cache sweep", sessions::sweep);
        core.registry(holder -> {
            String key = sessionKey(holder.accountId(), holder.roleArn());
            AwsReadSession current = sessions.getIfPresent(key);
            if (current != null) {
                return current.holder();
            }
            AwsReadSession winner = sessions.putIfAbsent(key, new AwsReadSession(this, holder));
            return winner == null ? holder : winner.holder();
        });
        events.identityDetected(identity.source(), identity.detection().reason(), identity.region().id(),
                roleChaining());
        events.started(this);
    }

    /** A builder with every setting unset: unset settings come from the environment, then the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The process-wide broker behind {@link AwsReadSession#forAccount(String)}, built on first use from the
     * environment (every {@code OCEAN_AWS_*} variable and {@code ocean.aws.*} property). If building fails (no
     * identity, a bad setting), the exception is thrown and the next call tries again. A broker built in code takes
     * its place with {@link AwsReadSession#installDefault(ReadRoleBroker)}.
     */
    public static ReadRoleBroker defaultBroker() {
        ReadRoleBroker b = defaultBroker;
        if (b != null) {
            return b;
        }
        DEFAULT_LOCK.lock();
        try {
            if (defaultBroker == null) {
                defaultBroker = new ReadRoleBroker(Settings.resolve(new Settings.Draft()), new Events(), true);
            }
            return defaultBroker;
        } finally {
            DEFAULT_LOCK.unlock();
        }
    }

    /** See {@link AwsReadSession#installDefault(ReadRoleBroker)}. */
    static void installDefault(ReadRoleBroker broker) {
        Objects.requireNonNull(broker, "broker");
        if (broker.core.isClosed()) {
            throw new IllegalArgumentException("installDefault(broker): the broker is closed; install an open broker");
        }
        DEFAULT_LOCK.lock();
        try {
            if (defaultBroker == broker) {
                return;
            }
            if (defaultBroker != null) {
                throw new IllegalStateException("installDefault(broker): the default ReadRoleBroker is already "
                        + (defaultBroker.shared ? "built from the environment (AwsReadSession.forAccount or "
                        + "ReadRoleBroker.defaultBroker() was called first)" : "installed")
                        + "; call installDefault once, at start-up, before the first AwsReadSession.forAccount");
            }
            defaultBroker = broker;
        } finally {
            DEFAULT_LOCK.unlock();
        }
    }

    /** Test seam: forgets the default broker (closing it when it was built from the environment). */
    static void resetDefaultForTests() {
        DEFAULT_LOCK.lock();
        try {
            ReadRoleBroker b = defaultBroker;
            defaultBroker = null;
            if (b != null && b.shared) {
                b.closeShared();
            }
        } finally {
            DEFAULT_LOCK.unlock();
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
        // One lookup, so a cold call counts one miss; a hit allocates nothing (the mapping function is a field).
        return sessions.get(accountId, newSession);
    }

    /**
     * The session for a specific role, for accounts whose role has another name or path than the read role (and for
     * the AWS Organizations management role). Same cache, refresh, ExternalId ({@code externalIdFor} its account),
     * session policy and STS protections as {@link #forAccount}; makes no STS call. For the read role's own ARN this is
     * {@code forAccount(accountId)}.
     *
     * @param roleArn an IAM role ARN in this broker's partition, e.g.
     *     {@code arn:aws:iam::111122223333:role/team/CustomReader}
     * @throws IllegalArgumentException when {@code roleArn} is not a role ARN of the STS region's partition
     * @throws ReadRoleException when its account is not in {@code allowedAccounts}, or the broker is closed
     */
    public AwsReadSession forRole(String roleArn) {
        Validation.roleArn("roleArn", roleArn);
        String[] parts = roleArn.split(":", 6);
        String accountId = parts[4];
        if (!parts[1].equals(core.gateway().partition())) {
            throw Validation.invalid("roleArn", "must be in partition " + core.gateway().partition()
                    + " (the STS region's partition, OCEAN_AWS_STS_REGION)", roleArn);
        }
        if (roleArn.equals(roleArn(accountId))) {
            return forAccount(accountId);
        }
        if (core.isClosed()) {
            throw ReadRoleException.of(Reason.CLOSED, accountId, roleArn, null,
                    "The ReadRoleBroker was closed; build a new one (or use AwsReadSession.forAccount)", null);
        }
        if (!settings.allowedAccounts.isEmpty() && !settings.allowedAccounts.contains(accountId)) {
            throw ReadRoleException.of(Reason.NOT_ALLOWED, accountId, roleArn, null,
                    "Account " + accountId + " of " + roleArn + " is not in the allowed accounts"
                            + " (OCEAN_AWS_ALLOWED_ACCOUNTS / allowedAccounts, " + settings.allowedAccounts.size()
                            + " accounts); no STS call made", null);
        }
        return sessions.get(roleArn, arn -> new AwsReadSession(this, new AccountCredentials(accountId, arn, core)));
    }

    /** The cache key of a session: the account ID for the read role, the role ARN for any other role. */
    private String sessionKey(String accountId, String roleArn) {
        return roleArn.equals(roleArn(accountId)) ? accountId : roleArn;
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

    /** Counters of the per-account cache: lookups, hits, misses, evictions. */
    public CacheStatistics cacheStatistics() {
        return sessions.statistics();
    }

    /** The number of accounts currently cached. */
    public long cachedAccounts() {
        return sessions.size();
    }

    /**
     * A health snapshot: the identity, the number of cached accounts, the accounts whose last refresh failed and why,
     * the STS circuit breaker's state and the earliest credential expiry. Makes no STS call; walks the cached accounts
     * once, so call it from a health endpoint, not per request.
     */
    public BrokerHealth health() {
        Instant now = settings.clock.instant();
        List<BrokerHealth.AccountFailure> failing = new ArrayList<>();
        Instant earliest = null;
        String earliestAccount = null;
        for (AwsReadSession session : sessions.sessions()) {
            AccountCredentials holder = session.holder();
            Instant expiry = holder.expiration();
            if (expiry != null && (earliest == null || expiry.isBefore(earliest))) {
                earliest = expiry;
                earliestAccount = holder.accountId();
            }
            ReadRoleException failure = holder.lastFailure();
            if (failure != null) {
                boolean serving = expiry != null && now.isBefore(expiry.minus(settings.mandatoryWindow));
                failing.add(new BrokerHealth.AccountFailure(holder.accountId(), holder.roleArn(), failure,
                        serving ? expiry : null));
            }
        }
        failing.sort(java.util.Comparator.comparing(BrokerHealth.AccountFailure::accountId));
        return new BrokerHealth(now, identity(), sessions.size(), failing,
                core.gateway().circuitBreaker().getState().name(), earliest, earliestAccount, core.isClosed());
    }

    /**
     * The trust policy that the read role in {@code accountId} needs so that this broker's base identity may assume
     * it, as JSON, filled in for this runtime: an AWS principal (the ECS task role, the EC2 instance role, the Pod
     * Identity role, the IRSA role when chaining) or, for EKS IRSA in direct mode, the cluster's OIDC provider with
     * the token's {@code sub} and {@code aud}. With an ExternalId configured for the account, the policy has an
     * {@code sts:ExternalId} condition with the placeholder {@code YOUR_EXTERNAL_ID} (the value is never printed).
     * The principal is exact once {@link #verifyIdentity()} ran; before, the runtime's best knowledge or a
     * placeholder.
     *
     * @param accountId exactly 12 digits
     */
    public String readRoleTrustPolicy(String accountId) {
        return trustPolicy(roleArn(accountId), accountId);
    }

    /**
     * The trust policy that the role of {@code session} (the read role, or a role of its own) needs; see
     * {@link #readRoleTrustPolicy(String)}.
     */
    public String readRoleTrustPolicy(AwsReadSession session) {
        return trustPolicy(session.roleArn(), session.accountId());
    }

    private String trustPolicy(String roleArn, String accountId) {
        return core.identity().baseIdentity().readRoleTrustPolicy(roleArn,
                java.util.Optional.ofNullable(core.knownPrincipal()), settings.externalIdFor(accountId) != null);
    }

    /**
     * The STS endpoint this broker calls: the override ({@code OCEAN_AWS_STS_ENDPOINT}), else the regional endpoint
     * of the STS region.
     */
    @SuppressWarnings("deprecation") // Endpoint.url(): endpointUrl() only exists from SDK 2.4x on, below our minimum.
    public URI stsEndpoint() {
        if (settings.stsEndpoint != null) {
            return settings.stsEndpoint;
        }
        if (settings.stsClient != null) {
            java.util.Optional<URI> override = settings.stsClient.serviceClientConfiguration().endpointOverride();
            if (override.isPresent()) {
                return override.get();
            }
        }
        Region region = core.identity().region();
        try {
            return software.amazon.awssdk.services.sts.endpoints.StsEndpointProvider.defaultProvider()
                    .resolveEndpoint(p -> p.region(region).useGlobalEndpoint(false)).join().url();
        } catch (RuntimeException e) {
            return URI.create("https://sts." + region.id() + ".amazonaws.com");
        }
    }

    /**
     * Whether the write guard is on ({@code OCEAN_AWS_WRITE_GUARD} / {@link Builder#writeGuard}): SDK clients built
     * with {@link AwsReadSession#configure} refuse write operations, and {@link AwsReadSession#credentialsProvider()}
     * is not handed out.
     */
    public boolean writeGuardOn() {
        return settings.writeGuard;
    }

    List<ExecutionInterceptor> interceptorsFor(AwsReadSession session) {
        List<ExecutionInterceptor> out = new ArrayList<>();
        if (settings.writeGuard) {
            out.add(new WriteGuard(session.accountId(), session.roleArn(), settings.writeGuardAllow));
        }
        out.add(new InvalidatingInterceptor(session.holder()));
        return out;
    }

    BrokerCore core() {
        return core;
    }

    private boolean roleChaining() {
        ResolvedIdentity id = core.identity();
        if (id.baseIdentity().directWebIdentity().isPresent()) {
            return false;
        }
        String principal = core.knownPrincipal();
        return id.baseIdentity().roleSession() || (principal != null && principal.contains(":assumed-role/"));
    }

    /** Whether {@link #close()} was called: every session of this broker then fails with {@link Reason#CLOSED}. */
    public boolean isClosed() {
        return core.isClosed();
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
        closeShared();
    }

    private void closeShared() {
        if (core.isClosed()) {
            return;
        }
        core.close();
        sessions.sessions().forEach(s -> s.holder().shutdown());
        sessions.clear();
    }

    @Override
    public String toString() {
        return "ReadRoleBroker(role=" + settings.rolePath + settings.roleName + ", identity="
                + core.identity().source() + ", region=" + core.identity().region() + ", accounts="
                + sessions.size() + ")";
    }

    /**
     * Configures a {@link ReadRoleBroker}. Each setting also has an environment variable and a system property (the
     * property wins over the variable; a builder call wins over both); docs/SETTINGS.md lists them all with defaults.
     * Values are validated in {@link #build()}, with messages that name the setting and the rule.
     *
     * <p>Not thread safe; build once.
     */
    public static final class Builder {
        private final Settings.Draft d = new Settings.Draft();
        private IdentityConfiguration identity = IdentityConfiguration.builder().build();
        private RefreshConfiguration refresh = RefreshConfiguration.builder().build();
        private StsProtectionConfiguration stsProtection = StsProtectionConfiguration.builder().build();

        private Builder() {
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

        /** Refuse {@code forAccount} for any other account. Default ({@code OCEAN_AWS_ALLOWED_ACCOUNTS}): any. */
        public Builder allowedAccounts(Set<String> accountIds) {
            d.allowedAccounts = new LinkedHashSet<>(Objects.requireNonNull(accountIds, "accountIds"));
            return this;
        }

        /**
         * Runs STS calls on the caller's executor instead of the broker's own small pool (the broker does not shut it
         * down; waiting callers then do not lend their threads). Default: a pool of at most
         * {@code min(stsMaxConcurrency, 10)} daemon threads, helped by the threads of callers waiting for a refresh.
         */
        public Builder executor(Executor executor) {
            d.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Adds a listener that receives the broker's events (STS calls, refreshes, cache hits and misses, circuit
         * breaker transitions), for metrics or monitoring; see {@link BrokerListener} for the threading contract. May
         * be called more than once: listeners are called in the order added. For Micrometer, use
         * {@code io.getport.ocean.aws.credentials.micrometer.MicrometerBrokerListener}. Default: none.
         */
        public Builder listener(BrokerListener listener) {
            if (d.listeners == null) {
                d.listeners = new ArrayList<>();
            }
            d.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The identity options (identity source, base credentials, expected base account), replacing any set
         * before. Default: each option from its variable, then its default.
         */
        public Builder identity(IdentityConfiguration configuration) {
            this.identity = Objects.requireNonNull(configuration, "identity");
            return this;
        }

        /**
         * Sets identity options on a builder of the current ones, so calls add up:
         * {@code .identity(i -> i.identitySource("ecs"))}.
         */
        public Builder identity(Consumer<IdentityConfiguration.Builder> mutation) {
            this.identity = IdentityConfiguration.mutate(identity, mutation);
            return this;
        }

        /**
         * The refresh and cache options (outage buffer, mandatory window, timeouts, failure cache, cache bounds),
         * replacing any set before. Default: each option from its variable, then its default.
         */
        public Builder refresh(RefreshConfiguration configuration) {
            this.refresh = Objects.requireNonNull(configuration, "refresh");
            return this;
        }

        /**
         * Sets refresh options on a builder of the current ones, so calls add up:
         * {@code .refresh(r -> r.outageBuffer(Duration.ofMinutes(20)))}.
         */
        public Builder refresh(Consumer<RefreshConfiguration.Builder> mutation) {
            this.refresh = RefreshConfiguration.mutate(refresh, mutation);
            return this;
        }

        /**
         * The STS protection options (rate ceiling, concurrency, call timeout, retries, circuit breaker), replacing
         * any set before. Default: each option from its variable, then its default.
         */
        public Builder stsProtection(StsProtectionConfiguration configuration) {
            this.stsProtection = Objects.requireNonNull(configuration, "stsProtection");
            return this;
        }

        /**
         * Sets STS protection options on a builder of the current ones, so calls add up:
         * {@code .stsProtection(s -> s.stsRateLimit(100))}.
         */
        public Builder stsProtection(Consumer<StsProtectionConfiguration.Builder> mutation) {
            this.stsProtection = StsProtectionConfiguration.mutate(stsProtection, mutation);
            return this;
        }

        /**
         * Validates the settings, detects the runtime identity and builds the broker.
         *
         * @throws IllegalArgumentException for a bad setting, naming it, the rule and the value
         * @throws ReadRoleException with {@link Reason#NO_IDENTITY} when no identity is found
         */
        public ReadRoleBroker build() {
            Settings.Draft all = d.copy();
            identity.applyTo(all);
            refresh.applyTo(all);
            stsProtection.applyTo(all);
            Settings settings = Settings.resolve(all);
            return new ReadRoleBroker(settings, new Events(settings.listeners), false);
        }
    }
}
