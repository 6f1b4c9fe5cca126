package io.getport.ocean.aws.credentials.testkit.fake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The EC2 instance metadata service, IMDSv2 by default.
 *
 * <pre>{@code
 * try (FakeImds imds = FakeImds.start()) {
 *     imds.credentials(seed.taskRoleSessionCredentials());
 *     InstanceProfileCredentialsProvider.builder().endpoint(imds.endpoint().toString()).build();
 * }
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>{@code PUT /latest/api/token} with {@code X-aws-ec2-metadata-token-ttl-seconds} between 1 and 21600 answers a
 *       new token valid for that long by the clock; a missing or out-of-range TTL gets 400, an
 *       {@code X-Forwarded-For} header 403.</li>
 *   <li>Every {@code GET} needs a valid {@code X-aws-ec2-metadata-token}, else 401; without any token it is allowed
 *       only when {@link #allowV1(boolean) IMDSv1 is allowed}.</li>
 *   <li>{@code /latest/meta-data/iam/security-credentials/} lists the role ({@value #DEFAULT_ROLE_NAME} by default);
 *       {@code .../security-credentials/<role>} answers {@code Code Success}, {@code Type AWS-HMAC}, the keys,
 *       {@code Token} and {@code Expiration}. {@code /latest/meta-data/iam/security-credentials-extended/} is 404 unless
 *       {@link #extendedCredentials(boolean)} is on (then the same, plus {@code AccountId}).</li>
 *   <li>{@code /latest/meta-data/placement/region}, {@code .../placement/availability-zone},
 *       {@code .../instance-id} and {@code /latest/dynamic/instance-identity/document} describe the instance.</li>
 * </ul>
 * Token faults: {@link #tokenPutHangs()} (the symptom of a container on an instance whose hop limit is 1),
 * {@link #v1Only(int)}; any other fault through {@link FakeServer}. {@link #healthy()} clears them.
 *
 * <p>Thread safety: configure from any thread at any time.
 */
public final class FakeImds extends FakeServer {

    /** The instance profile role served by default. */
    public static final String DEFAULT_ROLE_NAME = "PortOceanTaskRole";

    private static final String TOKEN_PATH = "/latest/api/token";
    private static final String CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";
    private static final String EXTENDED_PATH = "/latest/meta-data/iam/security-credentials-extended/";
    private static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    private static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final Set<String> servedSecrets = new LinkedHashSet<>();
    private volatile IssuedCredentials credentials;
    private volatile Instant lastUpdated;
    private volatile String roleName;
    private volatile String accountId;
    private volatile String region;
    private volatile String instanceId;
    private volatile boolean allowV1;
    private volatile boolean extendedCredentials;
    private volatile Fault tokenFault = Fault.none();

    private FakeImds(Builder builder) {
        super("FakeImds", builder.clock, builder.threads);
        this.roleName = builder.roleName;
        this.accountId = builder.accountId;
        this.region = builder.region;
        this.instanceId = builder.instanceId;
        rotateCredentials(Duration.ofHours(6));
    }

    /** Starts an IMDSv2-only fake with the defaults. */
    public static FakeImds start() {
        return builder().start();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Serves these credentials from now on; without an expiration they expire six hours from now. */
    public FakeImds credentials(AwsSessionCredentials credentials) {
        return credentials(new IssuedCredentials(credentials.accessKeyId(), credentials.secretAccessKey(),
                credentials.sessionToken(), credentials.expirationTime().orElse(now().plus(Duration.ofHours(6))),
                roleArn(), "i-session"));
    }

    /** Serves these credentials from now on. */
    public FakeImds credentials(IssuedCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.lastUpdated = now();
        synchronized (servedSecrets) {
            servedSecrets.add(credentials.secretAccessKey());
            servedSecrets.add(credentials.sessionToken());
        }
        return this;
    }

    /** Serves new random credentials that expire {@code lifetime} from now. */
    public IssuedCredentials rotateCredentials(Duration lifetime) {
        IssuedCredentials next = IssuedCredentials.random(now().plus(lifetime), roleArn(), "i-session");
        credentials(next);
        return next;
    }

    /** The credentials currently served. */
    public IssuedCredentials currentCredentials() {
        return credentials;
    }

    /** Every secret key and token this fake has served or been given: for leak tests. */
    public Set<String> issuedSecrets() {
        synchronized (servedSecrets) {
            return Set.copyOf(servedSecrets);
        }
    }

    /** The role name listed under {@code security-credentials/}. */
    public FakeImds roleName(String roleName) {
        this.roleName = Objects.requireNonNull(roleName, "roleName");
        return this;
    }

    /** The account, region and instance ID of the identity document (the region also of {@code placement/region}). */
    public FakeImds identity(String accountId, String region, String instanceId) {
        this.accountId = Objects.requireNonNull(accountId, "accountId");
        this.region = Objects.requireNonNull(region, "region");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        return this;
    }

    /** Whether GETs without a token are answered (IMDSv1 optional). By default false (IMDSv2 required). */
    public FakeImds allowV1(boolean allow) {
        this.allowV1 = allow;
        return this;
    }

    /** Whether {@code security-credentials-extended/} is served. By default false (404, as on older instances). */
    public FakeImds extendedCredentials(boolean serve) {
        this.extendedCredentials = serve;
        return this;
    }

    /** The token PUT gets no answer until {@link #releaseHangs()}: the hop-limit symptom. GETs are unaffected. */
    public FakeImds tokenPutHangs() {
        this.tokenFault = Fault.hang();
        return this;
    }

    /**
     * An IMDSv1-only service: the token PUT answers {@code status} (403, 404 or 405) and GETs need no token.
     */
    public FakeImds v1Only(int status) {
        if (status != 403 && status != 404 && status != 405) {
            throw new IllegalArgumentException("status must be 403, 404 or 405, was " + status);
        }
        String reason = status == 403 ? "Forbidden" : status == 404 ? "Not Found" : "Method Not Allowed";
        this.tokenFault = Fault.status(status, "text/plain", reason);
        this.allowV1 = true;
        return this;
    }

    /** Invalidates every token issued so far: the next GET with one gets 401. */
    public FakeImds expireTokens() {
        tokens.clear();
        return this;
    }

    /** How many tokens were issued. */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    /** Back to IMDSv2 required with working tokens; clears the {@link FakeServer} faults and releases hangs. */
    public FakeImds healthy() {
        tokenFault = Fault.none();
        allowV1 = false;
        clearFaults();
        releaseHangs();
        return this;
    }

    @Override
    Fault configuredFault(RecordedRequest request) {
        return "PUT".equals(request.method()) && TOKEN_PATH.equals(request.path()) ? tokenFault : Fault.none();
    }

    @Override
    Response respond(RecordedRequest request) {
        if (TOKEN_PATH.equals(request.path())) {
            return "PUT".equals(request.method()) ? issueToken(request) : Response.text(405, "Method Not Allowed");
        }
        if (!"GET".equals(request.method())) {
            return Response.text(405, "Method Not Allowed");
        }
        String token = request.header(TOKEN_HEADER).orElse(null);
        if (token == null ? !allowV1 : !validToken(token)) {
            return Response.text(401, "Unauthorized");
        }
        String path = request.path();
        String role = roleName;
        if (path.equals(CREDENTIALS_PATH) || path.equals(CREDENTIALS_PATH.substring(0, CREDENTIALS_PATH.length() - 1))) {
            return Response.text(200, role);
        }
        if (path.equals(CREDENTIALS_PATH + role)) {
            return Response.json(200, credentialsJson(false));
        }
        if (extendedCredentials && path.equals(EXTENDED_PATH)) {
            return Response.text(200, role);
        }
        if (extendedCredentials && path.equals(EXTENDED_PATH + role)) {
            return Response.json(200, credentialsJson(true));
        }
        switch (path) {
            case "/latest/meta-data/placement/region":
                return Response.text(200, region);
            case "/latest/meta-data/placement/availability-zone":
                return Response.text(200, region + "a");
            case "/latest/meta-data/instance-id":
                return Response.text(200, instanceId);
            case "/latest/dynamic/instance-identity/document":
                return Response.json(200, identityDocument());
            default:
                return Response.text(404, "Not Found");
        }
    }

    private Response issueToken(RecordedRequest request) {
        if (request.hasHeader("X-Forwarded-For")) {
            return Response.text(403, "Forbidden");
        }
        String ttlHeader = request.header(TTL_HEADER).orElse(null);
        int ttl;
        try {
            ttl = ttlHeader == null ? -1 : Integer.parseInt(ttlHeader.trim());
        } catch (NumberFormatException e) {
            ttl = -1;
        }
        if (ttl < 1 || ttl > 21_600) {
            return Response.text(400, "Bad Request");
        }
        String token = "AQAEA" + Texts.randomSecret(51).replace('/', '_').replace('+', '-') + "==";
        tokens.put(token, now().plusSeconds(ttl));
        tokensIssued.incrementAndGet();
        return new Response(200, "text/plain", token, Map.of(TTL_HEADER, Integer.toString(ttl)));
    }

    private boolean validToken(String token) {
        Instant expiry = tokens.get(token);
        return expiry != null && now().isBefore(expiry);
    }

    private String credentialsJson(boolean extended) {
        IssuedCredentials c = credentials;
        StringBuilder json = new StringBuilder("{\"Code\":\"Success\"")
                .append(",\"LastUpdated\":").append(Texts.json(Texts.timestamp(lastUpdated)))
                .append(",\"Type\":\"AWS-HMAC\"")
                .append(",\"AccessKeyId\":").append(Texts.json(c.accessKeyId()))
                .append(",\"SecretAccessKey\":").append(Texts.json(c.secretAccessKey()))
                .append(",\"Token\":").append(Texts.json(c.sessionToken()))
                .append(",\"Expiration\":").append(Texts.json(Texts.timestamp(c.expiration())));
        if (extended) {
            json.append(",\"AccountId\":").append(Texts.json(accountId));
        }
        return json.append('}').toString();
    }

    private String identityDocument() {
        return "{\"accountId\":" + Texts.json(accountId) + ",\"architecture\":\"x86_64\",\"availabilityZone\":"
                + Texts.json(region + "a") + ",\"imageId\":\"ami-0abcdef1234567890\",\"instanceId\":"
                + Texts.json(instanceId) + ",\"instanceType\":\"t3.medium\",\"pendingTime\":"
                + Texts.json(Texts.timestamp(now().minus(Duration.ofDays(1)))) + ",\"privateIp\":\"10.0.1.23\","
                + "\"region\":" + Texts.json(region) + ",\"version\":\"2017-09-30\"}";
    }

    private String roleArn() {
        return "arn:aws:iam::" + (accountId == null ? "111111111111" : accountId) + ":role/"
                + (roleName == null ? DEFAULT_ROLE_NAME : roleName);
    }

    /** Configures a {@link FakeImds} before it starts. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int threads = DEFAULT_THREADS;
        private String roleName = DEFAULT_ROLE_NAME;
        private String accountId = "111111111111";
        private String region = "us-east-1";
        private String instanceId = "i-0123456789abcdef0";

        private Builder() {
        }

        /** The instance profile role name. By default {@value FakeImds#DEFAULT_ROLE_NAME}. */
        public Builder roleName(String roleName) {
            this.roleName = Objects.requireNonNull(roleName, "roleName");
            return this;
        }

        /** The instance's account. By default {@code 111111111111}. */
        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /** The instance's region. By default {@code us-east-1}. */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** The instance ID. By default {@code i-0123456789abcdef0}. */
        public Builder instanceId(String instanceId) {
            this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
            return this;
        }

        /** The time source for token validity and default expirations. By default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Server threads. By default 32. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Binds to a free loopback port and starts serving. */
        public FakeImds start() {
            return new FakeImds(this).startServing(FakeImds.class);
        }
    }
}
