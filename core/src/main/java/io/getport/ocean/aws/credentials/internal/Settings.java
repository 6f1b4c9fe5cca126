package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The broker's settings after defaults and the environment were applied: immutable, validated once.
 *
 * <p>Precedence for every value: builder call, then system property, then environment variable, then default.
 */
public final class Settings {
    public static final String DEFAULT_ROLE_NAME = Setting.READ_ROLE_NAME.defaultDescription();
    public static final Duration DEFAULT_SESSION_DURATION = Setting.SESSION_DURATION.defaultDuration();
    public static final String READ_ONLY_POLICY_NAME = "ReadOnlyAccess";
    public static final int MAX_POLICY_ARNS = 10;

    public final RuntimeEnvironment environment;
    public final Clock clock;
    public final String identitySource;
    /** Explicit base credentials, or {@code null} to detect the runtime identity. */
    public final AwsCredentialsProvider baseCredentials;
    /** The explicitly configured STS region, or {@code null} to look at the environment and the runtime. */
    public final Region explicitRegion;
    public final URI stsEndpoint;
    public final StsClient stsClient;
    public final String roleName;
    public final String rolePath;
    public final String externalId;
    public final Map<String, String> externalIds;
    public final String sessionName;
    public final Duration sessionDuration;
    public final String sourceIdentity;
    public final Map<String, String> sessionTags;
    public final boolean readOnlySessionPolicy;
    public final List<String> extraPolicyArns;
    public final boolean writeGuard;
    public final Set<String> writeGuardAllow;
    public final String expectedBaseAccount;
    public final Set<String> allowedAccounts;
    public final Duration advisoryWindow;
    public final Duration mandatoryWindow;
    /** Ignored since the phase schedule (kept so existing configurations still build); see docs/REFRESH.md. */
    public final double refreshJitter;
    /** The outage buffer, or null for the default by lifetime ({@link RefreshWindows#bufferMillis}). */
    public final Duration outageBuffer;
    /** How long an STS call may wait in the broker's queue before it is failed with QUEUE_TIMEOUT. */
    public final Duration queueTimeout;
    public final Duration refreshTimeout;
    public final Duration stsCallTimeout;
    public final Duration failureCacheTime;
    public final int retryMaxAttempts;
    public final Duration retryBaseDelay;
    public final Duration retryMaxDelay;
    public final int stsRateLimit;
    public final int stsMaxConcurrency;
    public final int circuitFailureRate;
    public final Duration circuitOpenDuration;
    public final long cacheMaximumAccounts;
    public final Duration cacheIdleTime;
    public final Executor executor;
    /** Listeners for metrics and monitoring, in registration order; empty by default. */
    public final List<io.getport.ocean.aws.credentials.BrokerListener> listeners;

    private Settings(Draft d) {
        RuntimeEnvironment env = d.environment != null ? d.environment : RuntimeEnvironment.system();
        this.environment = env;
        this.clock = d.clock != null ? d.clock : Clock.systemUTC();
        this.baseCredentials = d.baseCredentials;
        this.identitySource = identitySource(label(d.identitySource, Setting.IDENTITY_SOURCE),
                pick(d.identitySource, Setting.IDENTITY_SOURCE, env)
                        .orElse(Setting.IDENTITY_SOURCE.defaultDescription()));
        this.explicitRegion = d.region != null ? Region.of(Validation.region("region", d.region.id()))
                : Setting.STS_REGION.read(env).map(t -> Region.of(Validation.region(Setting.STS_REGION.label(), t)))
                        .orElse(null);
        if (explicitRegion == null) {
            checkSdkRegion(env);
        }
        this.stsEndpoint = d.stsEndpoint != null ? Validation.endpoint("stsEndpoint", d.stsEndpoint)
                : Setting.STS_ENDPOINT.read(env).map(text -> Validation.endpoint(Setting.STS_ENDPOINT.label(), text))
                        .orElse(null);
        this.stsClient = d.stsClient;
        this.roleName = Validation.roleName(label(d.roleName, Setting.READ_ROLE_NAME),
                pick(d.roleName, Setting.READ_ROLE_NAME, env).orElse(DEFAULT_ROLE_NAME));
        this.rolePath = Validation.rolePath(label(d.rolePath, Setting.READ_ROLE_PATH),
                pick(d.rolePath, Setting.READ_ROLE_PATH, env).orElse(Setting.READ_ROLE_PATH.defaultDescription()));
        Optional<String> ext = pick(d.externalId, Setting.EXTERNAL_ID, env);
        this.externalId = ext.isPresent() ? Validation.externalId(label(d.externalId, Setting.EXTERNAL_ID), ext.get())
                : null;
        this.externalIds = d.externalIds != null ? copyExternalIds("externalIds", d.externalIds)
                : Setting.EXTERNAL_IDS.read(env)
                        .map(text -> copyExternalIds(Setting.EXTERNAL_IDS.label(),
                                parseExternalIds(Setting.EXTERNAL_IDS.label(), text)))
                        .orElse(Map.of());
        this.sessionName = Validation.sessionName(label(d.sessionName, Setting.SESSION_NAME),
                pick(d.sessionName, Setting.SESSION_NAME, env).orElseGet(() -> SessionNames.defaultName(env)));
        this.sessionDuration = duration(d.sessionDuration, Setting.SESSION_DURATION, env, DEFAULT_SESSION_DURATION);
        Optional<String> source = pick(d.sourceIdentity, Setting.SOURCE_IDENTITY, env);
        this.sourceIdentity = source.isPresent()
                ? Validation.sourceIdentity(label(d.sourceIdentity, Setting.SOURCE_IDENTITY), source.get()) : null;
        Map<String, String> tags = d.sessionTags != null ? d.sessionTags
                : Setting.SESSION_TAGS.read(env).map(t -> parseMap(Setting.SESSION_TAGS.label(), t, false))
                        .orElse(Map.of());
        this.sessionTags = copyTags(d.sessionTags != null ? "sessionTags" : Setting.SESSION_TAGS.label(), tags);
        if (d.readOnlySessionPolicy != null) {
            this.readOnlySessionPolicy = d.readOnlySessionPolicy;
        } else {
            this.readOnlySessionPolicy = Setting.SESSION_POLICY.read(env).map(text -> {
                String t = text.trim();
                if (t.equalsIgnoreCase(READ_ONLY_POLICY_NAME) || t.equalsIgnoreCase("true")) {
                    return true;
                }
                if (t.equalsIgnoreCase("none") || t.equalsIgnoreCase("false")) {
                    return false;
                }
                throw Validation.invalid(Setting.SESSION_POLICY.label(), "must be ReadOnlyAccess or none", text);
            }).orElse(true);
        }
        List<String> extra = d.sessionPolicyArns != null ? d.sessionPolicyArns
                : Setting.SESSION_POLICY_ARNS.read(env).map(Settings::splitList).orElse(List.of());
        String extraLabel = d.sessionPolicyArns != null ? "sessionPolicyArns" : Setting.SESSION_POLICY_ARNS.label();
        List<String> checked = new ArrayList<>();
        for (String arn : extra) {
            checked.add(Validation.policyArn(extraLabel, arn));
        }
        if (checked.size() + (readOnlySessionPolicy ? 1 : 0) > MAX_POLICY_ARNS) {
            throw Validation.invalid(extraLabel, "allows at most " + MAX_POLICY_ARNS
                    + " session policy ARNs in all, ReadOnlyAccess included", checked.size() + " ARNs");
        }
        this.extraPolicyArns = List.copyOf(checked);
        this.writeGuard = d.writeGuard != null ? d.writeGuard : Setting.WRITE_GUARD.readBoolean(env).orElse(false);
        String allowLabel = d.writeGuardAllow != null ? "writeGuardAllow" : Setting.WRITE_GUARD_ALLOW.label();
        Set<String> allowSet = new LinkedHashSet<>();
        for (String op : d.writeGuardAllow != null ? d.writeGuardAllow
                : Setting.WRITE_GUARD_ALLOW.read(env).map(Settings::splitList).orElse(List.of())) {
            allowSet.add(Validation.writeGuardOperation(allowLabel, op));
        }
        this.writeGuardAllow = Collections.unmodifiableSet(allowSet);
        Optional<String> expected = pick(d.expectedBaseAccount, Setting.EXPECTED_BASE_ACCOUNT, env);
        this.expectedBaseAccount = expected.isPresent()
                ? Validation.accountId(label(d.expectedBaseAccount, Setting.EXPECTED_BASE_ACCOUNT), expected.get())
                : null;
        List<String> allowed = d.allowedAccounts != null ? new ArrayList<>(d.allowedAccounts)
                : Setting.ALLOWED_ACCOUNTS.read(env).map(Settings::splitList).orElse(List.of());
        String allowedLabel = d.allowedAccounts != null ? "allowedAccounts" : Setting.ALLOWED_ACCOUNTS.label();
        Set<String> allowedSet = new LinkedHashSet<>();
        for (String a : allowed) {
            allowedSet.add(Validation.accountId(allowedLabel, a));
        }
        this.allowedAccounts = Collections.unmodifiableSet(allowedSet);

        this.advisoryWindow = duration(d.advisoryWindow, Setting.ADVISORY_WINDOW, env, null);
        this.mandatoryWindow = duration(d.mandatoryWindow, Setting.MANDATORY_WINDOW, env);
        this.refreshJitter = d.refreshJitter != null ? d.refreshJitter : 0.5;
        if (refreshJitter < 0 || refreshJitter > 1) {
            throw Validation.invalid("refreshJitter", "must be between 0 and 1", Double.toString(refreshJitter));
        }
        this.outageBuffer = duration(d.outageBuffer, Setting.OUTAGE_BUFFER, env, null);
        this.queueTimeout = duration(d.queueTimeout, Setting.QUEUE_TIMEOUT, env);
        this.refreshTimeout = duration(d.refreshTimeout, Setting.REFRESH_TIMEOUT, env);
        this.stsCallTimeout = duration(d.stsCallTimeout, Setting.STS_CALL_TIMEOUT, env);
        this.failureCacheTime = duration(d.failureCacheTime, Setting.FAILURE_CACHE_TIME, env);
        this.retryMaxAttempts = number(d.retryMaxAttempts, Setting.RETRY_MAX_ATTEMPTS, env);
        this.retryBaseDelay = duration(d.retryBaseDelay, Setting.RETRY_BASE_DELAY, env);
        this.retryMaxDelay = duration(d.retryMaxDelay, Setting.RETRY_MAX_DELAY, env);
        this.stsRateLimit = number(d.stsRateLimit, Setting.STS_RATE_LIMIT, env);
        this.stsMaxConcurrency = number(d.stsMaxConcurrency, Setting.STS_MAX_CONCURRENCY, env);
        this.circuitFailureRate = number(d.circuitFailureRate, Setting.CIRCUIT_FAILURE_RATE, env);
        this.circuitOpenDuration = duration(d.circuitOpenDuration, Setting.CIRCUIT_OPEN_DURATION, env);
        this.cacheMaximumAccounts = d.cacheMaximumAccounts != null
                ? Setting.CACHE_MAX_ACCOUNTS.checkNumber(Setting.CACHE_MAX_ACCOUNTS.builderMethod(),
                        d.cacheMaximumAccounts)
                : Setting.CACHE_MAX_ACCOUNTS.readLong(env).orElse(Setting.CACHE_MAX_ACCOUNTS.defaultLong());
        this.cacheIdleTime = duration(d.cacheIdleTime, Setting.CACHE_IDLE_TIME, env);
        this.executor = d.executor;
        this.listeners = d.listeners == null ? List.of() : List.copyOf(d.listeners);
    }

    /** The settings of {@code draft} completed from its environment. */
    public static Settings resolve(Draft draft) {
        return new Settings(draft);
    }

    /** The ExternalId for {@code accountId}: its own from {@link #externalIds}, else the global one, else null. */
    public String externalIdFor(String accountId) {
        String own = externalIds.get(accountId);
        return own != null ? own : externalId;
    }

    private static Optional<String> pick(String explicit, Setting setting, RuntimeEnvironment env) {
        return explicit != null ? Optional.of(explicit) : setting.read(env);
    }

    private static String label(Object explicit, Setting setting) {
        return explicit != null ? setting.builderMethod() : setting.label();
    }

    /** A duration setting: the builder's value or the environment's, within the setting's documented range. */
    private static Duration duration(Duration explicit, Setting setting, RuntimeEnvironment env) {
        return duration(explicit, setting, env, setting.defaultDuration());
    }

    /** The same with a default that depends on other settings ({@code null}: computed later). */
    private static Duration duration(Duration explicit, Setting setting, RuntimeEnvironment env, Duration dflt) {
        if (explicit != null) {
            return setting.checkDuration(setting.builderMethod(), explicit);
        }
        return setting.readDuration(env).orElse(dflt);
    }

    /** A whole-number setting: the builder's value or the environment's, within the setting's documented range. */
    private static int number(Integer explicit, Setting setting, RuntimeEnvironment env) {
        if (explicit != null) {
            return (int) setting.checkNumber(setting.builderMethod(), explicit);
        }
        return setting.readInt(env).orElse((int) setting.defaultLong());
    }

    /** The identity source: {@code auto}, {@code environment} or a source id such as {@code eks-irsa}. */
    private static String identitySource(String label, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (!v.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw Validation.invalid(label, "must be auto, environment or an identity source id (ecs, ec2, eks-irsa,"
                    + " eks-pod-identity): lower-case letters, digits and '-'", value);
        }
        return v;
    }

    /**
     * The SDK's region settings, which the broker uses when no STS region is set: {@code aws.region}, else
     * {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION} (the first present one is used, and checked as
     * {@code OCEAN_AWS_STS_REGION} is).
     */
    private static void checkSdkRegion(RuntimeEnvironment env) {
        Optional<String> property = env.systemProperty("aws.region");
        if (property.isPresent()) {
            Validation.region("aws.region (system property)", property.get());
            return;
        }
        for (String variable : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
            Optional<String> value = env.environmentVariable(variable);
            if (value.isPresent()) {
                Validation.region(variable, value.get());
                return;
            }
        }
    }

    static List<String> splitList(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** Parses {@code k=v,k2=v2}. When {@code secretValues}, a bad entry's value is not echoed. */
    static Map<String, String> parseMap(String setting, String text, boolean secretValues) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : splitList(text)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw Validation.invalid(setting, "must be a comma-separated list of key=value pairs",
                        secretValues ? "<an entry without '='; value not shown>" : part);
            }
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * Parses {@code OCEAN_AWS_EXTERNAL_IDS}: entries {@code <account>=<externalId>}, each split at its first
     * {@code =} (an ExternalId may contain {@code =} and {@code ,}), separated by {@code ;} or whitespace (neither
     * is an ExternalId character). The older comma-separated form ({@code 111122223333=a,444455556666=b}) is still
     * read: a comma followed by 12 digits and {@code =} (spaces allowed between) separates entries too; every other
     * comma belongs to the ExternalId. A bad entry is named by its position (and its account when that is a valid
     * account ID); its ExternalId is never shown.
     */
    public static Map<String, String> parseExternalIds(String setting, String text) {
        List<String> entries = new ArrayList<>();
        for (String part : text.split("[;\\s]+|,[ \\t]*(?=[0-9]{12}=)")) {
            if (!part.isEmpty()) {
                entries.add(part);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            int eq = entry.indexOf('=');
            String account = eq < 0 ? null : entry.substring(0, eq);
            String where = setting + " entry " + (i + 1) + " of " + entries.size();
            if (account == null || !Validation.isAccountId(account)) {
                throw new IllegalArgumentException(where + " must be <12-digit account ID>=<ExternalId>, entries"
                        + " separated by ';' or whitespace (" + (account == null ? "it has no '='"
                        : "the part before the first '=' is not a 12-digit account ID") + "; the entry is not shown:"
                        + " it may hold an ExternalId)");
            }
            if (out.containsKey(account)) {
                throw new IllegalArgumentException(where + " names account " + account + " a second time; give each"
                        + " account one ExternalId");
            }
            out.put(account, Validation.externalId(where + " (account " + account + ")", entry.substring(eq + 1)));
        }
        return out;
    }

    private static Map<String, String> copyExternalIds(String setting, Map<String, String> in) {
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((account, id) -> {
            if (!Validation.isAccountId(account)) {
                // Not echoed: a swapped key and value would put the ExternalId in the message.
                throw new IllegalArgumentException(setting + " key must be exactly 12 digits (an AWS account ID),"
                        + " with no spaces or signs (key not shown: it may be an ExternalId; length "
                        + (account == null ? 0 : account.length()) + ")");
            }
            out.put(account, Validation.externalId(setting + " value for " + account, id));
        });
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, String> copyTags(String setting, Map<String, String> in) {
        if (in.size() > 50) {
            throw Validation.invalid(setting, "allows at most 50 session tags", in.size() + " tags");
        }
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(Validation.tagKey(setting + " key", k), Validation.tagValue(setting + " value", v)));
        return Collections.unmodifiableMap(out);
    }

    /** The mutable values a builder collects; {@code null} means "not set". */
    public static final class Draft implements Cloneable {
        /** A shallow copy: the builder keeps its values when {@code build()} applies the option groups. */
        public Draft copy() {
            try {
                return (Draft) clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }

        public RuntimeEnvironment environment;
        public Clock clock;
        public String identitySource;
        public AwsCredentialsProvider baseCredentials;
        public Region region;
        public URI stsEndpoint;
        public StsClient stsClient;
        public String roleName;
        public String rolePath;
        public String externalId;
        public Map<String, String> externalIds;
        public String sessionName;
        public Duration sessionDuration;
        public String sourceIdentity;
        public Map<String, String> sessionTags;
        public Boolean readOnlySessionPolicy;
        public List<String> sessionPolicyArns;
        public Boolean writeGuard;
        public Set<String> writeGuardAllow;
        public String expectedBaseAccount;
        public Set<String> allowedAccounts;
        public Duration advisoryWindow;
        public Duration mandatoryWindow;
        public Double refreshJitter;
        public Duration outageBuffer;
        public Duration queueTimeout;
        public Duration refreshTimeout;
        public Duration stsCallTimeout;
        public Duration failureCacheTime;
        public Integer retryMaxAttempts;
        public Duration retryBaseDelay;
        public Duration retryMaxDelay;
        public Integer stsRateLimit;
        public Integer stsMaxConcurrency;
        public Integer circuitFailureRate;
        public Duration circuitOpenDuration;
        public Long cacheMaximumAccounts;
        public Duration cacheIdleTime;
        public Executor executor;
        public List<io.getport.ocean.aws.credentials.BrokerListener> listeners;
    }
}
