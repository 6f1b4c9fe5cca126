package io.getport.ocean.aws.credentials.organizations;

import io.getport.ocean.aws.credentials.accounts.AccessCheck;
import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.accounts.AccountFilter;
import io.getport.ocean.aws.credentials.accounts.AccountSource;
import io.getport.ocean.aws.credentials.accounts.AccountTarget;
import io.getport.ocean.aws.credentials.internal.Backoff;
import io.getport.ocean.aws.credentials.internal.Setting;
import io.getport.ocean.aws.credentials.internal.Validation;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.OrganizationsClientBuilder;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.ListAccountsForParentResponse;
import software.amazon.awssdk.services.organizations.model.ListAccountsResponse;
import software.amazon.awssdk.services.organizations.model.ListOrganizationalUnitsForParentResponse;
import software.amazon.awssdk.services.organizations.model.Organization;
import software.amazon.awssdk.services.organizations.model.OrganizationalUnit;

/**
 * The organization's active accounts, listed with AWS Organizations through a role in the management account (or a
 * delegated administrator account), cached and kept current.
 *
 * <pre>{@code
 * try (OrganizationAccounts accounts = OrganizationAccounts.builder()
 *         .broker(broker)
 *         .roleArn("arn:aws:iam::999988887777:role/PortOceanOrganizationReadRole")
 *         .organizationalUnits(List.of("ou-ab12-11111111"))
 *         .build()) {
 *     AccessReport report = AccessCheck.create().run(broker, accounts.accounts());
 * }
 * }</pre>
 *
 * <p><b>Credentials.</b> The management role is assumed by the broker ({@link ReadRoleBroker#forRole(String)}), so it
 * gets the broker's ExternalId, session policy, rate limit, retries and refresh. The base identity must be allowed
 * {@code sts:AssumeRole} on it, and the role needs {@code organizations:DescribeOrganization},
 * {@code organizations:ListAccounts}, {@code organizations:ListAccountsForParent} and
 * {@code organizations:ListOrganizationalUnitsForParent} ({@code ReadOnlyAccess} has them).
 *
 * <p><b>Listing.</b> {@code DescribeOrganization} (for the management account's ID), then either {@code ListAccounts}
 * for the whole organization or, when organizational units are given, {@code ListAccountsForParent} for each unit and,
 * recursively, for every child unit ({@code ListOrganizationalUnitsForParent}); every page is read. Only
 * {@code ACTIVE} accounts are kept (suspended, closed and pending ones are skipped); each account once (first unit
 * wins); the management account only when {@link Builder#includeManagementAccount(boolean)}; then the
 * {@link AccountFilter}. The result is sorted by account ID.
 *
 * <p><b>Freshness.</b> The list is cached for {@link Builder#ttl(Duration)}. The first {@link #accounts()} waits for
 * the listing; later calls never wait: a call after the time to live returns the cached list and starts one background
 * refresh (single flight, on one thread of this source, whatever the number of accounts), so accounts added or
 * suspended appear or disappear within one TTL plus one listing. A failed refresh keeps the last good list, logs once
 * per failure episode, and is retried after a backoff (5 s doubling, at most the TTL).
 *
 * <p><b>Errors.</b> Thrown as {@link ReadRoleException}, never silently replaced by a smaller list:
 * {@code AWSOrganizationsNotInUseException} ({@link Reason#INVALID_REQUEST}) and {@code AccessDeniedException}
 * ({@link Reason#ACCESS_DENIED}) say what to configure instead; an unknown organizational unit names it; throttling,
 * 5xx and I/O errors are retried by the SDK's standard retry strategy (3 attempts) and then reported as
 * {@link Reason#STS_UNAVAILABLE} (retryable).
 *
 * <p><b>Client.</b> The SDK's {@code OrganizationsClient} with its paginators, retries and endpoint resolution: the
 * SDK's standard settings apply ({@code AWS_ENDPOINT_URL_ORGANIZATIONS}, {@code AWS_ENDPOINT_URL}, a profile's
 * {@code services} section, {@code AWS_USE_FIPS_ENDPOINT}); {@code OCEAN_AWS_ORGANIZATIONS_ENDPOINT} overrides them.
 * The client is configured with the management role's session ({@link AwsReadSession#configure}): its credentials,
 * the interceptor that forgets rejected credentials (the call is then retried once with a new session) and the write
 * guard when it is on.
 *
 * <p><b>Settings</b> (builder call, else system property, else environment variable, else default):
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>builder</th><th>environment / property</th><th>default</th></tr>
 *   <tr><td>{@link Builder#roleArn}</td><td>{@code OCEAN_AWS_ORGANIZATION_ROLE_ARN} /
 *       {@code ocean.aws.organizationRoleArn}</td><td>required</td></tr>
 *   <tr><td>{@link Builder#organizationalUnits}</td><td>{@code OCEAN_AWS_ORGANIZATIONAL_UNITS} /
 *       {@code ocean.aws.organizationalUnits} (comma-separated {@code ou-...} or {@code r-...} IDs)</td>
 *       <td>the whole organization</td></tr>
 *   <tr><td>{@link Builder#filter}</td><td>{@code OCEAN_AWS_ACCOUNTS_INCLUDE}, {@code OCEAN_AWS_ACCOUNTS_EXCLUDE}</td>
 *       <td>all</td></tr>
 *   <tr><td>{@link Builder#includeManagementAccount}</td><td>{@code OCEAN_AWS_INCLUDE_MANAGEMENT_ACCOUNT} /
 *       {@code ocean.aws.includeManagementAccount}</td><td>{@code false}</td></tr>
 *   <tr><td>{@link Builder#ttl}</td><td>{@code OCEAN_AWS_ACCOUNT_LIST_TTL} / {@code ocean.aws.accountListTtl}</td>
 *       <td>15 minutes</td></tr>
 *   <tr><td>{@link Builder#endpoint}</td><td>{@code OCEAN_AWS_ORGANIZATIONS_ENDPOINT} /
 *       {@code ocean.aws.organizationsEndpoint}</td><td>the SDK's endpoint resolution for the
 *       role's partition's global region ({@code https://organizations.us-east-1.amazonaws.com} for {@code aws})</td></tr>
 * </table>
 *
 * <p><b>Thread safety and lifecycle.</b> Thread safe. Owns one daemon thread (created on the first refresh, exits
 * when idle) unless given an executor, and an SDK client (and its HTTP client unless given one). {@link #close()} releases them; later
 * calls fail with {@link Reason#CLOSED}. It does not close the broker.
 */
public final class OrganizationAccounts implements AccountSource {
    /** The default time to live of the account list. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
    /** The largest page the List* operations accept. */
    static final int MAX_PAGE_SIZE = 20;

    static final Pattern PARENT_ID = Pattern.compile("r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}");
    /** After a failed listing: 5 s, doubling up to 5 minutes (and never beyond the TTL). */
    private static final Backoff LIST_BACKOFF = Backoff.exponential(Duration.ofSeconds(5), Duration.ofMinutes(5));
    /** Answers that mean the role session's credentials were rejected: forget them and try once more. */
    private static final Set<String> CREDENTIALS_REJECTED = Set.of("ExpiredToken", "ExpiredTokenException",
            "InvalidClientTokenId", "UnrecognizedClientException", "InvalidSignatureException");

    private final ReadRoleBroker broker;
    private final String roleArn;
    private final String roleAccountId;
    private final List<String> organizationalUnits;
    private final AccountFilter filter;
    private final boolean includeManagementAccount;
    private final Duration ttl;
    private final Clock clock;
    private final int pageSize;
    private final int maxAttempts;
    private final URI endpoint;
    private final OrganizationsClient client;
    private final ExecutorService ownExecutor;
    private final Executor executor;
    private final OrganizationEvents events = new OrganizationEvents();
    private final Object lock = new Object();
    private volatile State state = State.EMPTY;
    /** The refresh in flight, or null. Guarded by {@link #lock}. */
    private CompletableFuture<List<AccountTarget>> inFlight;
    private volatile CompletableFuture<List<AccountTarget>> lastRefresh;
    private volatile boolean closed;

    private OrganizationAccounts(Builder b, RuntimeEnvironment env) {
        this.broker = Objects.requireNonNull(b.broker, "broker");
        String roleLabel = b.roleArn != null ? "roleArn" : Setting.ORGANIZATION_ROLE_ARN.label();
        String role = b.roleArn != null ? b.roleArn : Setting.ORGANIZATION_ROLE_ARN.read(env).orElseThrow(() ->
                new IllegalArgumentException(Setting.ORGANIZATION_ROLE_ARN.label() + " (builder roleArn) must be set"
                        + " to a role in the organization's management account that may list its accounts"));
        this.roleArn = Validation.roleArn(roleLabel, role.trim());
        String[] arn = roleArn.split(":", 6);
        String partition = arn[1];
        this.roleAccountId = arn[4];
        String ouLabel = b.organizationalUnits != null ? "organizationalUnits"
                : Setting.ORGANIZATIONAL_UNITS.label();
        List<String> ous = b.organizationalUnits != null ? new ArrayList<>(b.organizationalUnits)
                : Setting.ORGANIZATIONAL_UNITS.read(env).map(OrganizationAccounts::split).orElse(List.of());
        Set<String> checked = new LinkedHashSet<>();
        for (String ou : ous) {
            String id = ou == null ? null : ou.trim();
            if (id == null || !PARENT_ID.matcher(id).matches()) {
                throw Validation.invalid(ouLabel, "must be organizational unit IDs (ou-xxxx-xxxxxxxx) or a root ID"
                        + " (r-xxxx), comma-separated", ou);
            }
            checked.add(id);
        }
        this.organizationalUnits = List.copyOf(checked);
        this.filter = b.filter != null ? b.filter : AccountFilter.fromEnvironment(env);
        this.includeManagementAccount = b.includeManagementAccount != null ? b.includeManagementAccount
                : Setting.INCLUDE_MANAGEMENT_ACCOUNT.readBoolean(env).orElse(false);
        this.ttl = b.ttl != null ? Validation.positive("ttl", b.ttl)
                : Setting.ACCOUNT_LIST_TTL.readDuration(env)
                        .map(v -> Validation.positive(Setting.ACCOUNT_LIST_TTL.label(), v)).orElse(DEFAULT_TTL);
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.pageSize = b.pageSize;
        this.maxAttempts = b.maxAttempts;
        String endpointLabel = b.endpoint != null ? "endpoint" : Setting.ORGANIZATIONS_ENDPOINT.label();
        URI configured = b.endpoint != null ? b.endpoint
                : Setting.ORGANIZATIONS_ENDPOINT.read(env).map(t -> parseEndpoint(endpointLabel, t)).orElse(null);
        if (configured != null) {
            // http(s)://host[:port], user info never shown (issue 14, item 4)
            Validation.endpoint(endpointLabel, configured);
        }
        this.endpoint = configured;
        Region region = globalRegion(partition);
        if (region == null) {
            throw Validation.invalid(roleLabel, "is in partition " + partition + ", where AWS Organizations has no"
                    + " global endpoint known to this library; supported: aws, aws-cn, aws-us-gov", roleArn);
        }
        // The management role's session: its credentials, the invalidating interceptor and the write guard. The
        // region comes after configure(): Organizations is a global service, signed for the partition's global region.
        AwsReadSession session = broker.forRole(roleArn);
        OrganizationsClientBuilder cb = session.configure(OrganizationsClient.builder()).region(region);
        StandardRetryStrategy.Builder retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(b.maxAttempts);
        if (b.retryBaseDelay != null) {
            BackoffStrategy backoff = BackoffStrategy.exponentialDelay(b.retryBaseDelay, b.retryBaseDelay.multipliedBy(8));
            retry.backoffStrategy(backoff).throttlingBackoffStrategy(backoff);
        }
        cb.overrideConfiguration(c -> c.retryStrategy(retry.build()));
        if (endpoint != null) {
            cb.endpointOverride(endpoint);
        }
        if (b.httpClient != null) {
            cb.httpClient(b.httpClient);
        }
        this.client = cb.build();
        if (b.executor != null) {
            this.ownExecutor = null;
            this.executor = b.executor;
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(r, "ocean-aws-accounts-refresh");
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            this.ownExecutor = pool;
            this.executor = pool;
        }
    }

    /**
     * The region of the partition's Organizations endpoint (and its signing region): Organizations is a global service
     * served from us-east-1, cn-northwest-1 and us-gov-west-1.
     */
    static Region globalRegion(String partition) {
        switch (partition) {
            case "aws":
                return Region.US_EAST_1;
            case "aws-cn":
                return Region.CN_NORTHWEST_1;
            case "aws-us-gov":
                return Region.US_GOV_WEST_1;
            default:
                return null;
        }
    }

    private static boolean credentialsRejected(Throwable t) {
        return t instanceof AwsServiceException && ((AwsServiceException) t).awsErrorDetails() != null
                && CREDENTIALS_REJECTED.contains(((AwsServiceException) t).awsErrorDetails().errorCode());
    }

    /** A builder; {@link Builder#broker} is required, and the role ARN unless the environment sets it. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The organization's active target accounts (see the class documentation for what is kept), sorted by ID. The first
     * call lists them and waits; later calls return the cached list at once and refresh it in the background after the
     * time to live.
     *
     * @throws ReadRoleException when the accounts were never listed successfully: Organizations not in use, access
     *     denied (to the role or to Organizations), an unknown organizational unit, or Organizations unavailable
     */
    @Override
    public List<AccountTarget> accounts() {
        checkOpen();
        State s = state;
        long now = clock.millis();
        if (s.accounts != null) {
            if (now >= s.staleAt && now >= s.retryAfter) {
                refresh();
            }
            return s.accounts;
        }
        if (s.failure != null && now < s.retryAfter) {
            throw s.failure.rethrown();
        }
        try {
            return refresh().join();
        } catch (CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof ReadRoleException) {
                throw ((ReadRoleException) cause).rethrown();
            }
            throw cause instanceof RuntimeException ? (RuntimeException) cause : e;
        }
    }

    /**
     * Lists the accounts now, in the background (or joins the listing in flight), whatever the time to live. The
     * future fails with a {@link ReadRoleException} when the listing fails; the cached list is then kept.
     */
    public CompletableFuture<List<AccountTarget>> refresh() {
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        CompletableFuture<List<AccountTarget>> result;
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            result = new CompletableFuture<>();
            inFlight = result;
            lastRefresh = result;
        }
        try {
            executor.execute(() -> runRefresh(result));
        } catch (RejectedExecutionException e) {
            finish(result, null, closed ? closedException() : ReadRoleException.of(Reason.STS_UNAVAILABLE,
                    roleAccountId, roleArn, "RejectedExecution", "The account list refresh could not be scheduled: "
                            + e.getMessage(), e));
        }
        return result;
    }

    /** When the account list was last listed successfully. */
    public Optional<Instant> lastRefreshed() {
        State s = state;
        return s.accounts == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(s.fetchedAt));
    }

    /** The organization's ID ({@code o-...}), once listed. */
    public Optional<String> organizationId() {
        return Optional.ofNullable(state.organizationId);
    }

    /** The management account's ID, once listed. */
    public Optional<String> managementAccountId() {
        return Optional.ofNullable(state.managementAccountId);
    }

    /** The role used to list the accounts. */
    public String roleArn() {
        return roleArn;
    }

    /** The organizational units walked; empty for the whole organization. */
    public List<String> organizationalUnits() {
        return organizationalUnits;
    }

    /** The time to live of the cached list. */
    public Duration ttl() {
        return ttl;
    }

    /** The most recently started refresh (completed or not), for tests. */
    CompletableFuture<List<AccountTarget>> lastRefresh() {
        return lastRefresh;
    }

    private void runRefresh(CompletableFuture<List<AccountTarget>> result) {
        Listing listing = null;
        Throwable error = null;
        try {
            try {
                listing = list();
            } catch (AwsServiceException e) {
                if (!credentialsRejected(e)) {
                    throw e;
                }
                // The role session's credentials were rejected (expired early, revoked): forget them and list once
                // more with a new session. The SDK resolves credentials once per call, so its own retry cannot.
                broker.forRole(roleArn).invalidate();
                listing = list();
            }
        } catch (RuntimeException | Error t) {
            error = t;
        }
        finish(result, listing, error);
    }

    private void finish(CompletableFuture<List<AccountTarget>> result, Listing listing, Throwable error) {
        State previous = state;
        long now = clock.millis();
        State next;
        ReadRoleException failure = null;
        if (listing != null) {
            if (previous.failures > 0) {
                events.recovered(previous.failures);
            }
            if (previous.accounts != null) {
                logChanges(previous.accounts, listing.accounts);
            }
            next = new State(listing.accounts, now, now + ttl.toMillis(), null, 0, Long.MIN_VALUE,
                    listing.organizationId, listing.managementAccountId);
        } else {
            failure = toReadRoleException(error);
            int failures = previous.failures + 1;
            long backoff = Math.min(ttl.toMillis(), LIST_BACKOFF.ceilingMillis(failures));
            if (failures == 1) {
                String code = failure.errorCode().orElse(failure.reason().name());
                if (previous.accounts != null) {
                    events.refreshFailedServingCached(code, previous.accounts.size(), failure.getMessage());
                } else {
                    events.listFailed(code, failure.getMessage());
                }
            }
            next = new State(previous.accounts, previous.fetchedAt, previous.staleAt, failure, failures,
                    now + backoff, previous.organizationId, previous.managementAccountId);
        }
        synchronized (lock) {
            state = next;
            inFlight = null;
        }
        if (failure == null) {
            result.complete(listing.accounts);
        } else {
            result.completeExceptionally(failure);
        }
    }

    private void logChanges(List<AccountTarget> before, List<AccountTarget> after) {
        Set<String> old = before.stream().map(AccountTarget::accountId).collect(Collectors.toSet());
        Set<String> now = after.stream().map(AccountTarget::accountId).collect(Collectors.toSet());
        List<String> added = after.stream().map(AccountTarget::accountId).filter(id -> !old.contains(id))
                .collect(Collectors.toList());
        List<String> removed = before.stream().map(AccountTarget::accountId).filter(id -> !now.contains(id))
                .collect(Collectors.toList());
        if (!added.isEmpty() || !removed.isEmpty()) {
            events.changed(added, removed);
        }
    }

    /** One full listing; runs on the refresh thread. */
    private Listing list() {
        long t0 = System.nanoTime();
        Organization organization = client.describeOrganization(r -> { }).organization();
        if (organization == null) {
            throw ReadRoleException.of(Reason.INVALID_REQUEST, roleAccountId, roleArn, "MalformedResponse",
                    "AWS Organizations answered DescribeOrganization without an Organization", null);
        }
        String organizationId = organization.id();
        String management = organization.masterAccountId();
        Counts counts = new Counts();
        Map<String, AccountTarget> found = new LinkedHashMap<>();
        if (organizationalUnits.isEmpty()) {
            for (ListAccountsResponse page : client.listAccountsPaginator(r -> r.maxResults(pageSize))) {
                counts.pages++;
                page.accounts().forEach(a -> consider(a, null, found, counts));
            }
        } else {
            Deque<String> queue = new ArrayDeque<>(organizationalUnits);
            Set<String> visited = new HashSet<>();
            while (!queue.isEmpty()) {
                String parent = queue.poll();
                if (!visited.add(parent)) {
                    continue;
                }
                counts.units++;
                for (ListAccountsForParentResponse page : client.listAccountsForParentPaginator(
                        r -> r.parentId(parent).maxResults(pageSize))) {
                    counts.pages++;
                    page.accounts().forEach(a -> consider(a, parent, found, counts));
                }
                for (ListOrganizationalUnitsForParentResponse page : client.listOrganizationalUnitsForParentPaginator(
                        r -> r.parentId(parent).maxResults(pageSize))) {
                    counts.pages++;
                    for (OrganizationalUnit ou : page.organizationalUnits()) {
                        if (ou.id() != null) {
                            queue.add(ou.id());
                        }
                    }
                }
            }
        }
        boolean managementIncluded = false;
        if (management != null && found.containsKey(management)) {
            if (includeManagementAccount) {
                managementIncluded = true;
            } else {
                found.remove(management);
            }
        }
        List<AccountTarget> kept = new ArrayList<>();
        int filtered = 0;
        for (AccountTarget t : found.values()) {
            if (filter.matches(t)) {
                kept.add(t);
            } else {
                filtered++;
            }
        }
        kept.sort(Comparator.comparing(AccountTarget::accountId));
        events.listed(organizationId, kept.size(), counts.listed, counts.inactive, counts.duplicates, filtered,
                managementIncluded, counts.units, counts.pages, (System.nanoTime() - t0) / 1_000_000);
        return new Listing(List.copyOf(kept), organizationId, management);
    }

    private static void consider(Account account, String parent, Map<String, AccountTarget> found, Counts counts) {
        counts.listed++;
        String id = account.id();
        // "State" replaces the deprecated "Status"; both say ACTIVE for a usable account.
        String status = Optional.ofNullable(account.stateAsString()).orElseGet(account::statusAsString);
        if (id == null || !"ACTIVE".equals(status)) {
            counts.inactive++;
            return;
        }
        if (found.containsKey(id)) {
            counts.duplicates++;
            return;
        }
        found.put(id, AccountTarget.organizationAccount(id, account.name(), parent));
    }

    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private ReadRoleException toReadRoleException(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof ReadRoleException) {
            return (ReadRoleException) e;
        }
        String roles = Setting.ORGANIZATION_ROLE_ARN.environmentVariable();
        String accounts = Setting.ACCOUNTS.environmentVariable();
        String where = endpoint != null ? endpoint.getHost() : "its endpoint";
        if (e instanceof SdkClientException) {
            return ReadRoleException.of(Reason.STS_UNAVAILABLE, roleAccountId, roleArn, "SdkClientException",
                    "AWS Organizations at " + where + " could not be reached after retries (" + e.getMessage()
                            + "); usually transient (a network problem or an outage). The last good account list, if"
                            + " any, is still served.", e);
        }
        if (!(e instanceof AwsServiceException)) {
            return ReadRoleException.of(Reason.STS_UNAVAILABLE, roleAccountId, roleArn, e.getClass().getSimpleName(),
                    "Listing the organization's accounts with " + roleArn + " failed unexpectedly: " + e, e);
        }
        AwsServiceException o = (AwsServiceException) e;
        String code = o.awsErrorDetails() != null && o.awsErrorDetails().errorCode() != null
                ? o.awsErrorDetails().errorCode() : (o.statusCode() == 403 ? "AccessDenied" : "HTTP" + o.statusCode());
        String said = o.awsErrorDetails() != null && o.awsErrorDetails().errorMessage() != null
                ? o.awsErrorDetails().errorMessage() : o.getMessage();
        switch (code) {
            case "AWSOrganizationsNotInUseException":
                return ReadRoleException.of(Reason.INVALID_REQUEST, roleAccountId, roleArn, code,
                        "AWS Organizations is not in use: account " + roleAccountId + " of " + roleArn + " (" + roles
                                + ") is not a member of an organization (" + code + "). Point " + roles
                                + " at a role in your organization's management account (or a delegated administrator"
                                + " account), or list the target accounts with " + accounts + " and unset " + roles
                                + ". AWS said: " + said, o);
            case "AccessDeniedException":
            case "AccessDenied":
                return ReadRoleException.of(Reason.ACCESS_DENIED, roleAccountId, roleArn, code,
                        "AccessDenied: " + roleArn + " (" + roles + ") may not list the organization's accounts. AWS"
                                + " Organizations lists accounts only for the management account or a registered"
                                + " delegated administrator: (1) point " + roles + " at a role in one of those"
                                + " accounts; (2) allow organizations:DescribeOrganization, organizations:ListAccounts,"
                                + " organizations:ListAccountsForParent and"
                                + " organizations:ListOrganizationalUnitsForParent in that role's policy (and in any"
                                + " session policy, OCEAN_AWS_SESSION_POLICY_ARNS); or (3) list the target accounts"
                                + " with " + accounts + " and unset " + roles + ". AWS said: " + said, o);
            case "ParentNotFoundException":
            case "OrganizationalUnitNotFoundException":
            case "ChildNotFoundException":
                return ReadRoleException.of(Reason.INVALID_REQUEST, roleAccountId, roleArn, code,
                        code + ": an organizational unit in "
                                + Setting.ORGANIZATIONAL_UNITS.environmentVariable() + " " + organizationalUnits
                                + " does not exist in the organization of " + roleArn
                                + "; check the IDs (ou-xxxx-xxxxxxxx, or the root r-xxxx). AWS said: " + said, o);
            default:
                if (o.isThrottlingException() || o.statusCode() >= 500) {
                    return ReadRoleException.of(Reason.STS_UNAVAILABLE, roleAccountId, roleArn, code,
                            "AWS Organizations at " + where + " did not answer after " + maxAttempts + " attempts (" + code + ": " + said
                                    + "); usually transient (throttling, an outage or a network problem). The last"
                                    + " good account list, if any, is still served.", o);
                }
                return ReadRoleException.of(Reason.INVALID_REQUEST, roleAccountId, roleArn, code,
                        code + ": AWS Organizations refused to list the accounts with " + roleArn + ". AWS said: "
                                + said, o);
        }
    }

    private static URI parseEndpoint(String setting, String text) {
        try {
            return URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw Validation.invalid(setting, "must be an absolute URL such as"
                    + " https://organizations.us-east-1.amazonaws.com", text);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private ReadRoleException closedException() {
        return ReadRoleException.of(Reason.CLOSED, roleAccountId, roleArn, null,
                "This OrganizationAccounts was closed; build a new one", null);
    }

    /** Stops the refresh thread and closes the SDK client. Idempotent; the broker stays open. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
        client.close();
    }

    @Override
    public String toString() {
        State s = state;
        return "OrganizationAccounts(role=" + roleArn + ", organizationalUnits=" + organizationalUnits + ", accounts="
                + (s.accounts == null ? "not listed" : s.accounts.size()) + ", ttl=" + ttl + ")";
    }

    private static final class Counts {
        int listed;
        int inactive;
        int duplicates;
        int units;
        int pages;
    }

    private static final class Listing {
        final List<AccountTarget> accounts;
        final String organizationId;
        final String managementAccountId;

        Listing(List<AccountTarget> accounts, String organizationId, String managementAccountId) {
            this.accounts = accounts;
            this.organizationId = organizationId;
            this.managementAccountId = managementAccountId;
        }
    }

    /** Immutable; replaced as a whole. */
    private static final class State {
        static final State EMPTY = new State(null, 0, Long.MIN_VALUE, null, 0, Long.MIN_VALUE, null, null);

        final List<AccountTarget> accounts;
        final long fetchedAt;
        /** From this instant a read starts a background refresh. */
        final long staleAt;
        final ReadRoleException failure;
        final int failures;
        /** No refresh is started before this instant (backoff after a failure). */
        final long retryAfter;
        final String organizationId;
        final String managementAccountId;

        State(List<AccountTarget> accounts, long fetchedAt, long staleAt, ReadRoleException failure, int failures,
                long retryAfter, String organizationId, String managementAccountId) {
            this.accounts = accounts;
            this.fetchedAt = fetchedAt;
            this.staleAt = staleAt;
            this.failure = failure;
            this.failures = failures;
            this.retryAfter = retryAfter;
            this.organizationId = organizationId;
            this.managementAccountId = managementAccountId;
        }
    }

    /**
     * Configures {@link OrganizationAccounts}. Unset values come from the environment (see the class documentation),
     * then the defaults. Not thread safe; build once.
     */
    public static final class Builder {
        private ReadRoleBroker broker;
        private String roleArn;
        private List<String> organizationalUnits;
        private AccountFilter filter;
        private Boolean includeManagementAccount;
        private Duration ttl;
        private URI endpoint;
        private Clock clock;
        private Executor executor;
        private SdkHttpClient httpClient;
        private RuntimeEnvironment environment;
        private int pageSize = MAX_PAGE_SIZE;
        private int maxAttempts = 3;
        private Duration retryBaseDelay;

        private Builder() {
        }

        /** The broker that assumes the management role (and, later, the read roles). Required. */
        public Builder broker(ReadRoleBroker broker) {
            this.broker = Objects.requireNonNull(broker, "broker");
            return this;
        }

        /**
         * The role to list accounts with, in the management account or a delegated administrator account; assumed
         * with the broker's ExternalId. Default ({@code OCEAN_AWS_ORGANIZATION_ROLE_ARN}): none, so required.
         */
        public Builder roleArn(String roleArn) {
            this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
            return this;
        }

        /**
         * Only the accounts under these organizational units (or roots), child units included, recursively. Default
         * ({@code OCEAN_AWS_ORGANIZATIONAL_UNITS}): the whole organization ({@code ListAccounts}).
         */
        public Builder organizationalUnits(Collection<String> unitIds) {
            this.organizationalUnits = new ArrayList<>(Objects.requireNonNull(unitIds, "unitIds"));
            return this;
        }

        /**
         * Which accounts to keep. Default ({@code OCEAN_AWS_ACCOUNTS_INCLUDE}, {@code OCEAN_AWS_ACCOUNTS_EXCLUDE}):
         * all.
         */
        public Builder filter(AccountFilter filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /**
         * Whether the management account itself is a target. Default ({@code OCEAN_AWS_INCLUDE_MANAGEMENT_ACCOUNT}):
         * {@code false}, as service-managed StackSets do not deploy the read role there.
         */
        public Builder includeManagementAccount(boolean include) {
            this.includeManagementAccount = include;
            return this;
        }

        /**
         * How long a listing is served before a read refreshes it. Default ({@code OCEAN_AWS_ACCOUNT_LIST_TTL}):
         * 15 minutes.
         */
        public Builder ttl(Duration ttl) {
            this.ttl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /**
         * The Organizations endpoint (a VPC endpoint, an emulator), over the SDK's own endpoint settings. Default
         * ({@code OCEAN_AWS_ORGANIZATIONS_ENDPOINT}): the SDK's resolution ({@code AWS_ENDPOINT_URL_ORGANIZATIONS},
         * {@code AWS_ENDPOINT_URL}, the profile's {@code services}, else the role ARN's partition's endpoint).
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** The time source for the time to live and backoff. Default: {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs listings on the caller's executor (not shut down by {@link OrganizationAccounts#close()}). Default: one daemon thread of
         * this source.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * A caller-owned SDK HTTP client (not closed by {@link OrganizationAccounts#close()}). Default: the SDK's
         * default synchronous HTTP client found on the class path.
         */
        public Builder httpClient(SdkHttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** Where unset settings are read from. Default: {@link RuntimeEnvironment#system()}. */
        public Builder environment(RuntimeEnvironment environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** Items per List* page, 1 to 20 (tests use small pages to exercise paging). */
        Builder pageSize(int pageSize) {
            if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
                throw Validation.invalid("pageSize", "must be between 1 and 20", Integer.toString(pageSize));
            }
            this.pageSize = pageSize;
            return this;
        }

        /** Attempts and backoff of each Organizations call (tests shorten the backoff). Default: the SDK's. */
        Builder retries(int maxAttempts, Duration baseDelay) {
            this.maxAttempts = maxAttempts;
            this.retryBaseDelay = baseDelay;
            return this;
        }

        /**
         * Validates the settings and builds the source. Makes no call: the first {@link OrganizationAccounts#accounts()} does.
         *
         * @throws IllegalArgumentException for a missing role ARN or a bad setting, naming it
         */
        public OrganizationAccounts build() {
            return new OrganizationAccounts(this, environment != null ? environment : RuntimeEnvironment.system());
        }
    }
}
