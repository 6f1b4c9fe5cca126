package io.getport.ocean.aws.credentials.testkit.fake;

import io.getport.ocean.aws.credentials.testkit.Jwt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process STS speaking the query protocol: {@code AssumeRole}, {@code AssumeRoleWithWebIdentity} and
 * {@code GetCallerIdentity}, with the response and {@code <ErrorResponse>} XML of the real service.
 *
 * <pre>{@code
 * try (FakeSts sts = FakeSts.builder().clock(clock).start()) {
 *     StsClient client = StsClient.builder().endpointOverride(sts.endpoint()).region(Region.US_EAST_1)...;
 *     sts.failNext(2, StsError.THROTTLING);
 *     sts.denyAssumeRole("arn:aws:iam::222222222222:role/PortOceanReadRole");
 * }
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>Every AssumeRole* issues new random credentials ({@code ASIA...}); their expiration is the clock's now plus
 *       {@code DurationSeconds} (3600 when absent), or plus {@link #sessionLifetime(Duration)} when that is set.
 *       {@link #issued()} and {@link #issuedSecrets()} remember them all.</li>
 *   <li>Parameters are validated as STS does ({@code ValidationError}, 400): RoleArn, RoleSessionName (2-64 of
 *       {@code [\w+=,.@-]}), DurationSeconds (900-43200, and at most {@link #maxSessionDuration(Duration)}),
 *       ExternalId, SourceIdentity, at most 10 PolicyArns.</li>
 *   <li>The caller is identified by the access key in the {@code Authorization} header (signatures are not checked):
 *       a key this fake issued is that role session; a key registered with {@link #callerArn(String, String)} is that
 *       principal; anything else is {@link #callerArn(String)} (by default {@value #DEFAULT_CALLER_ARN}). A caller
 *       whose key starts with {@code ASIA} or who is a role session is role chaining: DurationSeconds above 3600 gets
 *       {@link StsError#ROLE_CHAINING_LIMIT} (unless {@link #enforceRoleChainingLimit(boolean)} is off).</li>
 *   <li>{@code AssumeRoleWithWebIdentity} needs no signature; its token must be a JWT ({@code InvalidIdentityToken}
 *       otherwise) that has not expired by the clock ({@code ExpiredTokenException}).</li>
 *   <li>{@code GetCallerIdentity} answers with the caller as described above.</li>
 *   <li>A request signed with credentials this fake issued that have expired by the clock gets
 *       {@link StsError#EXPIRED_TOKEN} (403), whatever its action.</li>
 * </ul>
 * Configured faults, checked in this order after the {@link FakeServer} queue and rule: {@link #hang()}, then
 * {@link #failNext}, then {@link #fail}, then throttling; {@link #latency(Duration)} delays whichever answer results.
 * {@link #healthy()} clears them all.
 *
 * <p>Thread safety: configure from any thread at any time; changes apply to requests that arrive afterwards.
 */
public final class FakeSts extends FakeServer {

    /** The caller ARN used for keys this fake did not issue, unless changed. */
    public static final String DEFAULT_CALLER_ARN = "arn:aws:iam::111111111111:user/port-ocean-base";

    private static final String XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final Duration DEFAULT_DURATION = Duration.ofHours(1);
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})");
    private static final Pattern PRINCIPAL_ARN = Pattern.compile("arn:aws[a-z-]*:(?:iam|sts)::(\\d{12}):.+");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern ACCESS_KEY = Pattern.compile("Credential=([A-Z0-9]+)/");
    private static final Pattern POLICY_ARN_PARAM = Pattern.compile("PolicyArns\\.member\\.\\d+\\.arn");

    private final Map<String, IssuedCredentials> issuedByAccessKey = new ConcurrentHashMap<>();
    private final List<IssuedCredentials> issued = new ArrayList<>();
    private final Map<String, String> callerArnsByAccessKey = new ConcurrentHashMap<>();
    private final Map<String, String> principalIds = new ConcurrentHashMap<>();
    private final Queue<StsError> nextErrors = new ConcurrentLinkedQueue<>();

    private volatile String callerArn = DEFAULT_CALLER_ARN;
    private volatile Duration sessionLifetime;
    private volatile Duration maxSessionDuration = Duration.ofHours(12);
    private volatile boolean roleChainingLimit = true;
    private volatile Predicate<String> deniedRoleArns = arn -> false;
    private volatile String expectedExternalId;
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean hangAll;
    private volatile StsError persistentError;
    private volatile Throttle throttle;

    private FakeSts(Clock clock, int threads) {
        super("FakeSts", clock, threads);
    }

    /** Starts a fake on the system clock. */
    public static FakeSts start() {
        return builder().start();
    }

    /** A builder for the clock and thread count. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- configuration ------------------------------------------------------------------------------------------

    /** The caller of requests signed with a key this fake did not issue nor had registered. */
    public FakeSts callerArn(String arn) {
        this.callerArn = requirePrincipalArn(arn);
        return this;
    }

    /** Registers the principal behind an access key (for example a denied user's key). */
    public FakeSts callerArn(String accessKeyId, String arn) {
        callerArnsByAccessKey.put(Objects.requireNonNull(accessKeyId, "accessKeyId"), requirePrincipalArn(arn));
        return this;
    }

    /** Issued credentials last exactly {@code lifetime}, whatever DurationSeconds asks (to test expiry quickly). */
    public FakeSts sessionLifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("sessionLifetime must be positive, was " + lifetime);
        }
        this.sessionLifetime = lifetime;
        return this;
    }

    /** Issued credentials last DurationSeconds again (the default). */
    public FakeSts honorDurationSeconds() {
        this.sessionLifetime = null;
        return this;
    }

    /** The role's MaxSessionDuration: a longer DurationSeconds is a ValidationError. By default 12 hours. */
    public FakeSts maxSessionDuration(Duration max) {
        long seconds = max.toSeconds();
        if (seconds < 3600 || seconds > 43_200) {
            throw new IllegalArgumentException("maxSessionDuration must be 3600 to 43200 seconds, was " + seconds);
        }
        this.maxSessionDuration = max;
        return this;
    }

    /** Whether role-chained AssumeRole calls are capped at one hour (default true). */
    public FakeSts enforceRoleChainingLimit(boolean enforce) {
        this.roleChainingLimit = enforce;
        return this;
    }

    /** AssumeRole* on this role ARN gets {@code AccessDenied}. Adds to earlier denials. */
    public FakeSts denyAssumeRole(String roleArn) {
        Objects.requireNonNull(roleArn, "roleArn");
        return denyAssumeRole(roleArn::equals);
    }

    /** AssumeRole* on role ARNs matching {@code roleArns} gets {@code AccessDenied}. Adds to earlier denials. */
    public FakeSts denyAssumeRole(Predicate<String> roleArns) {
        Objects.requireNonNull(roleArns, "roleArns");
        Predicate<String> previous = deniedRoleArns;
        deniedRoleArns = previous.or(roleArns);
        return this;
    }

    /** Forgets every {@link #denyAssumeRole} call. */
    public FakeSts allowAllRoles() {
        deniedRoleArns = arn -> false;
        return this;
    }

    /**
     * Every role's trust policy requires this {@code sts:ExternalId}: a missing or different one gets
     * {@code AccessDenied} (the case moto cannot show). {@code null} removes the requirement.
     */
    public FakeSts expectExternalId(String externalId) {
        this.expectedExternalId = externalId;
        return this;
    }

    /** Throttles each request with probability {@code probability}, drawn from a {@link Random} seeded with {@code seed}. */
    public FakeSts throttle(double probability, long seed) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be between 0 and 1, was " + probability);
        }
        Random random = new Random(seed);
        this.throttle = () -> {
            synchronized (random) {
                return random.nextDouble() < probability;
            }
        };
        return this;
    }

    /**
     * Throttles requests beyond {@code requestsPerSecond} in any sliding second of real (monotonic) time, as STS's
     * per-account rate limit does; throttled requests do not count towards the rate.
     */
    public FakeSts throttleAbove(int requestsPerSecond) {
        if (requestsPerSecond < 1) {
            throw new IllegalArgumentException("requestsPerSecond must be at least 1, was " + requestsPerSecond);
        }
        Deque<Long> window = new ArrayDeque<>();
        long second = Duration.ofSeconds(1).toNanos();
        this.throttle = () -> {
            synchronized (window) {
                long now = System.nanoTime();
                while (!window.isEmpty() && now - window.peekFirst() >= second) {
                    window.removeFirst();
                }
                if (window.size() >= requestsPerSecond) {
                    return true;
                }
                window.addLast(now);
                return false;
            }
        };
        return this;
    }

    /** Stops throttling. */
    public FakeSts noThrottling() {
        this.throttle = null;
        return this;
    }

    /** Every request fails with {@code error} until {@link #healthy()} or {@link #recover()}. */
    public FakeSts fail(StsError error) {
        this.persistentError = Objects.requireNonNull(error, "error");
        return this;
    }

    /** The next {@code count} requests fail with {@code error}; later ones behave as configured otherwise. */
    public FakeSts failNext(int count, StsError error) {
        Objects.requireNonNull(error, "error");
        for (int i = 0; i < count; i++) {
            nextErrors.add(error);
        }
        return this;
    }

    /** Stops failing every request ({@link #fail}); keeps the other settings. */
    public FakeSts recover() {
        this.persistentError = null;
        return this;
    }

    /** Delays every answer (also error answers) by {@code latency}. */
    public FakeSts latency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, was " + latency);
        }
        this.latency = latency;
        return this;
    }

    /**
     * Every request from now on hangs (clients see a read timeout): {@link #releaseHangs()} lets the waiting ones
     * through, {@link #healthy()} also stops hanging new ones.
     */
    public FakeSts hang() {
        this.hangAll = true;
        return this;
    }

    /**
     * Removes every configured fault (hang, errors, throttling, latency, denials, external ID), releases hung requests
     * and clears the {@link FakeServer} queue and rule. Lifetimes, caller ARNs and records stay.
     */
    public FakeSts healthy() {
        hangAll = false;
        nextErrors.clear();
        persistentError = null;
        throttle = null;
        latency = Duration.ZERO;
        deniedRoleArns = arn -> false;
        expectedExternalId = null;
        clearFaults();
        releaseHangs();
        return this;
    }

    // ---- observations -------------------------------------------------------------------------------------------

    /** Every set of credentials issued, oldest first. */
    public List<IssuedCredentials> issued() {
        synchronized (issued) {
            return List.copyOf(issued);
        }
    }

    /** Every secret access key and session token issued: what must never appear in logs or messages. */
    public Set<String> issuedSecrets() {
        Set<String> secrets = new LinkedHashSet<>();
        for (IssuedCredentials c : issued()) {
            secrets.add(c.secretAccessKey());
            secrets.add(c.sessionToken());
        }
        return secrets;
    }

    /** Requests received per {@code Action}, faulted ones included. */
    public Map<String, Integer> countsByAction() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        requests().forEach(r -> counts.merge(r.action().orElse(""), 1, Integer::sum));
        return counts;
    }

    /** Requests received with this {@code Action}. */
    public int count(String action) {
        return countsByAction().getOrDefault(action, 0);
    }

    /** AssumeRole and AssumeRoleWithWebIdentity requests received per {@code RoleArn}, faulted ones included. */
    public Map<String, Integer> countsByRoleArn() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        requests().forEach(r -> r.param("RoleArn").ifPresent(arn -> counts.merge(arn, 1, Integer::sum)));
        return counts;
    }

    /** AssumeRole* requests received for this role ARN. */
    public int assumeRoleCount(String roleArn) {
        return countsByRoleArn().getOrDefault(roleArn, 0);
    }

    // ---- protocol -----------------------------------------------------------------------------------------------

    @Override
    Fault configuredFault(RecordedRequest request) {
        Fault fault = Fault.none();
        if (hangAll) {
            fault = Fault.hang();
        } else {
            StsError error = nextErrors.poll();
            if (error == null) {
                error = persistentError;
            }
            Throttle currentThrottle = throttle;
            if (error == null && currentThrottle != null && currentThrottle.throttled()) {
                error = StsError.THROTTLING;
            }
            if (error != null) {
                Response response = error(error, renderMessage(error, request));
                fault = Fault.status(response.status(), response.contentType(), response.body());
            }
        }
        Duration delay = latency;
        return delay.isZero() ? fault : Fault.delay(delay, fault);
    }

    @Override
    Response respond(RecordedRequest request) {
        String action = request.action().orElse("");
        IssuedCredentials session = sessionOf(request);
        if (session != null && !now().isBefore(session.expiration())) {
            return error(StsError.EXPIRED_TOKEN, StsError.EXPIRED_TOKEN.messagePattern());
        }
        switch (action) {
            case "AssumeRole":
                return assumeRole(request, false);
            case "AssumeRoleWithWebIdentity":
                return assumeRole(request, true);
            case "GetCallerIdentity":
                return getCallerIdentity(request);
            case "":
                return errorResponse(400, "Sender", "MissingAction", "Missing Action");
            default:
                return errorResponse(400, "Sender", "InvalidAction",
                        "Could not find operation " + action + " for version 2011-06-15");
        }
    }

    private Response assumeRole(RecordedRequest request, boolean webIdentity) {
        String action = webIdentity ? "AssumeRoleWithWebIdentity" : "AssumeRole";
        String roleArn = request.param("RoleArn").orElse(null);
        String sessionName = request.param("RoleSessionName").orElse(null);
        if (roleArn == null) {
            return validation("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
        }
        Matcher role = ROLE_ARN.matcher(roleArn);
        if (!role.matches()) {
            return errorResponse(400, "Sender", "ValidationError", "Request ARN is invalid");
        }
        if (sessionName == null) {
            return validation("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
        }
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            return validation("Value '" + sessionName + "' at 'roleSessionName' failed to satisfy constraint: Member "
                    + "must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64");
        }
        Caller caller = caller(request);
        long duration = DEFAULT_DURATION.toSeconds();
        String durationParam = request.param("DurationSeconds").orElse(null);
        if (durationParam != null) {
            try {
                duration = Long.parseLong(durationParam);
            } catch (NumberFormatException e) {
                return validation("Value '" + durationParam + "' at 'durationSeconds' failed to satisfy constraint: "
                        + "Member must be a number");
            }
            if (duration < 900) {
                return validation("Value '" + duration + "' at 'durationSeconds' failed to satisfy constraint: Member "
                        + "must have value greater than or equal to 900");
            }
            if (duration > 43_200) {
                return validation("Value '" + duration + "' at 'durationSeconds' failed to satisfy constraint: Member "
                        + "must have value less than or equal to 43200");
            }
            if (!webIdentity && roleChainingLimit && caller.roleSession() && duration > 3600) {
                return error(StsError.ROLE_CHAINING_LIMIT, StsError.ROLE_CHAINING_LIMIT.messagePattern());
            }
            if (duration > maxSessionDuration.toSeconds()) {
                return errorResponse(400, "Sender", "ValidationError",
                        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
            }
        }
        String externalId = request.param("ExternalId").orElse(null);
        if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
            return validation("Value '" + externalId + "' at 'externalId' failed to satisfy constraint: Member must "
                    + "satisfy regular expression pattern: [\\w+=,.@:/-]* and have length between 2 and 1224");
        }
        String sourceIdentity = request.param("SourceIdentity").orElse(null);
        if (sourceIdentity != null && (!SOURCE_IDENTITY.matcher(sourceIdentity).matches()
                || sourceIdentity.startsWith("aws:"))) {
            return validation("Value '" + sourceIdentity + "' at 'sourceIdentity' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\w+=,.@-]* and not begin with aws:");
        }
        long policyArns = request.params().keySet().stream().filter(k -> POLICY_ARN_PARAM.matcher(k).matches()).count();
        if (policyArns > 10) {
            return validation("Value '[" + policyArns + " ARNs]' at 'policyArns' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 10");
        }
        Jwt token = null;
        if (webIdentity) {
            String encoded = request.param("WebIdentityToken").orElse(null);
            if (encoded == null) {
                return validation("Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be "
                        + "null");
            }
            try {
                token = Jwt.decode(encoded);
            } catch (IllegalArgumentException e) {
                return error(StsError.INVALID_IDENTITY_TOKEN, StsError.INVALID_IDENTITY_TOKEN.messagePattern());
            }
            Instant now = now();
            if (token.expiresAt().map(exp -> !exp.isAfter(now)).orElse(false)) {
                return error(StsError.EXPIRED_WEB_IDENTITY_TOKEN, String.format(
                        StsError.EXPIRED_WEB_IDENTITY_TOKEN.messagePattern(), now.getEpochSecond(),
                        token.expiresAt().orElseThrow().getEpochSecond()));
            }
        }
        boolean trusted = expectedExternalId == null || webIdentity || expectedExternalId.equals(externalId);
        if (deniedRoleArns.test(roleArn) || !trusted) {
            String message = webIdentity ? "Not authorized to perform sts:AssumeRoleWithWebIdentity"
                    : String.format(StsError.ACCESS_DENIED.messagePattern(), caller.arn(), action, roleArn);
            return error(StsError.ACCESS_DENIED, message);
        }

        Duration lifetime = sessionLifetime != null ? sessionLifetime : Duration.ofSeconds(duration);
        IssuedCredentials credentials = IssuedCredentials.random(now().plus(lifetime), roleArn, sessionName);
        issuedByAccessKey.put(credentials.accessKeyId(), credentials);
        synchronized (issued) {
            issued.add(credentials);
        }
        String assumedRoleArn = assumedRoleArn(roleArn, sessionName);
        String roleId = principalIds.computeIfAbsent(roleArn, arn -> Texts.randomId("AROA", 17));
        StringBuilder xml = new StringBuilder()
                .append('<').append(action).append("Response xmlns=\"").append(XMLNS).append("\">")
                .append('<').append(action).append("Result>");
        if (webIdentity) {
            token.subject().ifPresent(sub -> xml.append("<SubjectFromWebIdentityToken>").append(Texts.xml(sub))
                    .append("</SubjectFromWebIdentityToken>"));
            token.audience().ifPresent(aud -> xml.append("<Audience>").append(Texts.xml(aud)).append("</Audience>"));
            token.issuer().ifPresent(iss -> xml.append("<Provider>")
                    .append(Texts.xml(iss.replaceFirst("^https://", ""))).append("</Provider>"));
        }
        xml.append("<AssumedRoleUser><Arn>").append(Texts.xml(assumedRoleArn)).append("</Arn><AssumedRoleId>")
                .append(roleId).append(':').append(Texts.xml(sessionName)).append("</AssumedRoleId></AssumedRoleUser>")
                .append("<Credentials><AccessKeyId>").append(credentials.accessKeyId()).append("</AccessKeyId>")
                .append("<SecretAccessKey>").append(Texts.xml(credentials.secretAccessKey())).append("</SecretAccessKey>")
                .append("<SessionToken>").append(Texts.xml(credentials.sessionToken())).append("</SessionToken>")
                .append("<Expiration>").append(Texts.timestamp(credentials.expiration())).append("</Expiration>")
                .append("</Credentials>");
        if (sourceIdentity != null) {
            xml.append("<SourceIdentity>").append(Texts.xml(sourceIdentity)).append("</SourceIdentity>");
        }
        xml.append("</").append(action).append("Result>");
        return ok(xml, action);
    }

    private Response getCallerIdentity(RecordedRequest request) {
        Caller caller = caller(request);
        StringBuilder xml = new StringBuilder()
                .append("<GetCallerIdentityResponse xmlns=\"").append(XMLNS).append("\"><GetCallerIdentityResult>")
                .append("<Arn>").append(Texts.xml(caller.arn())).append("</Arn>")
                .append("<UserId>").append(Texts.xml(caller.userId())).append("</UserId>")
                .append("<Account>").append(caller.account()).append("</Account>")
                .append("</GetCallerIdentityResult>");
        return ok(xml, "GetCallerIdentity");
    }

    private static Response ok(StringBuilder xml, String action) {
        xml.append("<ResponseMetadata><RequestId>").append(UUID.randomUUID()).append("</RequestId></ResponseMetadata>")
                .append("</").append(action).append("Response>");
        return Response.of(200, "text/xml", xml.toString());
    }

    private static Response validation(String detail) {
        return errorResponse(400, "Sender", "ValidationError", "1 validation error detected: " + detail);
    }

    private static Response error(StsError error, String message) {
        return errorResponse(error.status(), error.type(), error.code(), message);
    }

    private static Response errorResponse(int status, String type, String code, String message) {
        String xml = "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>" + type + "</Type><Code>" + code
                + "</Code><Message>" + Texts.xml(message) + "</Message></Error><RequestId>" + UUID.randomUUID()
                + "</RequestId></ErrorResponse>";
        return Response.of(status, "text/xml", xml);
    }

    private String renderMessage(StsError error, RecordedRequest request) {
        Caller caller = caller(request);
        switch (error) {
            case ACCESS_DENIED:
                return String.format(error.messagePattern(), caller.arn(), request.action().orElse("AssumeRole"),
                        request.param("RoleArn").orElse("*"));
            case REGION_DISABLED:
                return String.format(error.messagePattern(), caller.account());
            case EXPIRED_WEB_IDENTITY_TOKEN:
                Instant now = now();
                return String.format(error.messagePattern(), now.getEpochSecond(), now.getEpochSecond() - 1);
            default:
                return error.messagePattern();
        }
    }

    private static String accessKeyOf(RecordedRequest request) {
        return request.header("Authorization").map(ACCESS_KEY::matcher)
                .filter(Matcher::find).map(m -> m.group(1)).orElse(null);
    }

    private IssuedCredentials sessionOf(RecordedRequest request) {
        String accessKey = accessKeyOf(request);
        return accessKey == null ? null : issuedByAccessKey.get(accessKey);
    }

    private Caller caller(RecordedRequest request) {
        String accessKey = accessKeyOf(request);
        IssuedCredentials session = accessKey == null ? null : issuedByAccessKey.get(accessKey);
        if (session != null) {
            String arn = assumedRoleArn(session.roleArn(), session.sessionName());
            String roleId = principalIds.computeIfAbsent(session.roleArn(), a -> Texts.randomId("AROA", 17));
            return new Caller(arn, roleId + ":" + session.sessionName(), accountOf(arn), true);
        }
        String arn = accessKey == null ? callerArn : callerArnsByAccessKey.getOrDefault(accessKey, callerArn);
        boolean roleSession = arn.contains(":assumed-role/") || (accessKey != null && accessKey.startsWith("ASIA"));
        String userId = principalIds.computeIfAbsent(arn, a -> Texts.randomId("AIDA", 17));
        return new Caller(arn, userId, accountOf(arn), roleSession);
    }

    private static String assumedRoleArn(String roleArn, String sessionName) {
        Matcher role = ROLE_ARN.matcher(roleArn);
        if (!role.matches()) {
            throw new IllegalStateException("not a role ARN: " + roleArn);
        }
        return "arn:" + role.group(1) + ":sts::" + role.group(2) + ":assumed-role/" + role.group(3) + "/" + sessionName;
    }

    private static String accountOf(String principalArn) {
        Matcher m = PRINCIPAL_ARN.matcher(principalArn);
        return m.matches() ? m.group(1) : "000000000000";
    }

    private static String requirePrincipalArn(String arn) {
        if (arn == null || !PRINCIPAL_ARN.matcher(arn).matches()) {
            throw new IllegalArgumentException(
                    "callerArn must look like arn:aws:iam::<12 digits>:<principal>, was " + arn);
        }
        return arn;
    }

    private record Caller(String arn, String userId, String account, boolean roleSession) {
    }

    @FunctionalInterface
    private interface Throttle {
        boolean throttled();
    }

    /** Configures a {@link FakeSts} before it starts. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int threads = DEFAULT_THREADS;

        private Builder() {
        }

        /** The time source for expirations and token checks. By default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Server threads, the most requests served (or hung) at once. By default 32. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Binds to a free loopback port and starts serving. */
        public FakeSts start() {
            return new FakeSts(clock, threads).startServing(FakeSts.class);
        }
    }
}
