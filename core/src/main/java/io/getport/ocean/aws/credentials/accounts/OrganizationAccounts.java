package io.getport.ocean.aws.credentials.accounts;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.accounts.OrganizationsClient.OrganizationsException;
import io.getport.ocean.aws.credentials.internal.Setting;
import io.getport.ocean.aws.credentials.internal.StsErrors;
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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

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
 *     AccessReport report = broker.checkAccess(accounts.accounts());
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
 * ({@link Reason#ACCESS_DENIED}) say what to configure instead; an unknown organizational unit names it; throttling
 * and 5xx are retried (3 attempts) and then reported as {@link Reason#STS_UNAVAILABLE} (retryable).
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
 *       {@code ocean.aws.organizationsEndpoint}</td><td>the role's partition's endpoint
 *       ({@code https://organizations.us-east-1.amazonaws.com} for {@code aws})</td></tr>
 * </table>
 *
 * <p><b>Thread safety and lifecycle.</b> Thread safe. Owns one daemon thread (created on the first refresh, exits
 * when idle) unless given an executor, and an HTTP client unless given one. {@link #close()} releases them; later
 * calls fail with {@link Reason#CLOSED}. It does not close the broker.
 */
public final class OrganizationAccounts implements AccountSource {
    /** The default time to live of the account list. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

    static final Pattern PARENT_ID = Pattern.compile("r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}");
    private static final long MIN_BACKOFF_MILLIS = 5_000;

    private final ReadRoleBroker broker;
    private final String roleArn;
    private final String roleAccountId;
    private final List<String> organizationalUnits;
    private final AccountFilter filter;
    private final boolean includeManagementAccount;
    private final Duration ttl;
    private final Clock clock;
    private final int pageSize;
    private final URI endpoint;
    private final OrganizationsClient client;
    private final ExecutorService ownExecutor;
    private final Executor executor;
    private final AccountEvents events = new AccountEvents();
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
                : Setting.ORGANIZATIONAL_UNITS.read(env).map(AccountFilter::split).orElse(List.of());
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
        String endpointLabel = b.endpoint != null ? "endpoint" : Setting.ORGANIZATIONS_ENDPOINT.label();
        URI configured = b.endpoint != null ? b.endpoint
                : Setting.ORGANIZATIONS_ENDPOINT.read(env).map(t -> parseEndpoint(endpointLabel, t)).orElse(null);
        if (configured != null) {
            // http(s)://host[:port], user info never shown (issue 14, item 4)
            Validation.endpoint(endpointLabel, configured);
        }
        this.endpoint = configured != null ? configured : OrganizationsClient.defaultEndpoint(partition);
        String signingRegion = OrganizationsClient.signingRegion(partition);
        if (endpoint == null || signingRegion == null) {
            throw Validation.invalid(roleLabel, "is in partition " + partition + ", whose AWS Organizations endpoint"
                    + " this library does not know; supported: aws, aws-cn, aws-us-gov", roleArn);
        }
        SdkHttpClient http = b.httpClient != null ? b.httpClient : OrganizationsClient.defaultHttpClient();
        AwsCredentialsProvider credentials = () -> broker.forRole(roleArn).credentialsProvider().resolveCredentials();
        // When Organizations rejects the role session's credentials (expired early, revoked), the client forgets them
        // through the session, so its retry assumes the role again.
        this.client = new OrganizationsClient(endpoint, signingRegion, credentials,
                () -> broker.forRole(roleArn).invalidate(), http, b.httpClient == null, b.maxAttempts,
                b.retryBaseDelay, b.sleeper);
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
            Throwable cause = StsErrors.unwrap(e);
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
            listing = list();
        } catch (Throwable t) {
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
            long backoff = Math.min(ttl.toMillis(),
                    Math.min(Duration.ofMinutes(5).toMillis(), MIN_BACKOFF_MILLIS << Math.min(10, failures - 1)));
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
        JsonNode organization = call("DescribeOrganization", Map.of()).field("Organization")
                .orElseThrow(() -> new OrganizationsException("MalformedResponse", 200,
                        "DescribeOrganization answered without an Organization", false, null));
        String organizationId = text(organization, "Id");
        String management = text(organization, "MasterAccountId");
        Counts counts = new Counts();
        Map<String, AccountTarget> found = new LinkedHashMap<>();
        if (organizationalUnits.isEmpty()) {
            counts.pages += listAll("ListAccounts", Map.of(), "Accounts", a -> consider(a, null, found, counts));
        } else {
            Deque<String> queue = new ArrayDeque<>(organizationalUnits);
            Set<String> visited = new HashSet<>();
            while (!queue.isEmpty()) {
                String parent = queue.poll();
                if (!visited.add(parent)) {
                    continue;
                }
                counts.units++;
                counts.pages += listAll("ListAccountsForParent", Map.of("ParentId", parent), "Accounts",
                        a -> consider(a, parent, found, counts));
                counts.pages += listAll("ListOrganizationalUnitsForParent", Map.of("ParentId", parent),
                        "OrganizationalUnits", ou -> {
                            String child = text(ou, "Id");
                            if (child != null) {
                                queue.add(child);
                            }
                        });
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

    private static void consider(JsonNode account, String parent, Map<String, AccountTarget> found, Counts counts) {
        counts.listed++;
        String id = text(account, "Id");
        // "State" replaces the deprecated "Status"; both say ACTIVE for a usable account.
        String status = Optional.ofNullable(text(account, "State")).orElseGet(() -> text(account, "Status"));
        if (id == null || !"ACTIVE".equals(status)) {
            counts.inactive++;
            return;
        }
        if (found.containsKey(id)) {
            counts.duplicates++;
            return;
        }
        found.put(id, AccountTarget.organizationAccount(id, text(account, "Name"), parent));
    }

    private JsonNode call(String operation, Map<String, Object> body) {
        return client.call(operation, body);
    }

    private int listAll(String operation, Map<String, String> params, String key, Consumer<JsonNode> item) {
        return client.listAll(operation, params, key, pageSize, item);
    }

    private ReadRoleException toReadRoleException(Throwable error) {
        Throwable e = StsErrors.unwrap(error);
        if (e instanceof ReadRoleException) {
            return (ReadRoleException) e;
        }
        String roles = Setting.ORGANIZATION_ROLE_ARN.environmentVariable();
        String accounts = Setting.ACCOUNTS.environmentVariable();
        if (!(e instanceof OrganizationsException)) {
            return ReadRoleException.of(Reason.STS_UNAVAILABLE, roleAccountId, roleArn, e.getClass().getSimpleName(),
                    "Listing the organization's accounts with " + roleArn + " failed unexpectedly: " + e, e);
        }
        OrganizationsException o = (OrganizationsException) e;
        String code = o.code();
        switch (code) {
            case "AWSOrganizationsNotInUseException":
                return ReadRoleException.of(Reason.INVALID_REQUEST, roleAccountId, roleArn, code,
                        "AWS Organizations is not in use: account " + roleAccountId + " of " + roleArn + " (" + roles
                                + ") is not a member of an organization (" + code + "). Point " + roles
                                + " at a role in your organization's management account (or a delegated administrator"
                                + " account), or list the target accounts with " + accounts + " and unset " + roles
                                + ". AWS said: " + o.getMessage(), o);
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
                                + " with " + accounts + " and unset " + roles + ". AWS said: " + o.getMessage(), o);
            case "ParentNotFoundException":
            case "OrganizationalUnitNotFoundException":
            case "ChildNotFoundException":
                return ReadRoleException.of(Reason.INVALID_REQUEST, roleAccountId, roleArn, code,
                        code + ": an organizational unit in "
                                + Setting.ORGANIZATIONAL_UNITS.environmentVariable() + " " + organizationalUnits
                                + " does not exist in the organization of " + roleArn
                                + "; check the IDs (ou-xxxx-xxxxxxxx, or the root r-xxxx). AWS said: "
                                + o.getMessage(), o);
            default:
                if (o.recoverable()) {
                    return ReadRoleException.of(Reason.STS_UNAVAILABLE, roleAccountId, roleArn, code,
                            "AWS Organizations at " + endpoint.getHost() + " did not answer after "
                                    + o.attemptCount() + " attempts (" + code + ": " + o.getMessage()
                                    + "); usually transient (throttling, an outage or a network problem). The last"
                                    + " good account list, if any, is still served.", o);
                }
                return ReadRoleException.of(Reason.INVALID_REQUEST, roleAccountId, roleArn, code,
                        code + ": AWS Organizations refused to list the accounts with " + roleArn + ". AWS said: "
                                + o.getMessage(), o);
        }
    }

    private static String text(JsonNode node, String field) {
        return node.field(field).filter(JsonNode::isString).map(JsonNode::asString).orElse(null);
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

    /** Stops the refresh thread and closes the HTTP client it created. Idempotent; the broker stays open. */
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
        private int pageSize = OrganizationsClient.MAX_PAGE_SIZE;
        private int maxAttempts = 3;
        private Duration retryBaseDelay = Duration.ofMillis(500);
        private OrganizationsClient.Sleeper sleeper = Thread::sleep;

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
         * The Organizations endpoint (a VPC endpoint, an emulator). Default ({@code OCEAN_AWS_ORGANIZATIONS_ENDPOINT}):
         * the endpoint of the role ARN's partition.
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
         * A caller-owned SDK HTTP client (not closed by {@link OrganizationAccounts#close()}). Default: the SDK's synchronous HTTP client
         * found on the class path, with a 5 s connect and 15 s read timeout.
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
            if (pageSize < 1 || pageSize > OrganizationsClient.MAX_PAGE_SIZE) {
                throw Validation.invalid("pageSize", "must be between 1 and 20", Integer.toString(pageSize));
            }
            this.pageSize = pageSize;
            return this;
        }

        /** Retry policy of each Organizations call (tests shorten it). */
        Builder retries(int maxAttempts, Duration baseDelay, OrganizationsClient.Sleeper sleeper) {
            this.maxAttempts = maxAttempts;
            this.retryBaseDelay = baseDelay;
            this.sleeper = sleeper;
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
