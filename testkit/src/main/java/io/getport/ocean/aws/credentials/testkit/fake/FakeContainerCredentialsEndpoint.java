package io.getport.ocean.aws.credentials.testkit.fake;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The ECS agent's (and the EKS Pod Identity agent's) container credentials endpoint, plus ECS task metadata v4.
 *
 * <pre>{@code
 * try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.ecs()) {
 *     agent.credentials(seed.taskRoleSessionCredentials());
 *     System.setProperty("aws.containerCredentialsFullUri", agent.credentialsUri().toString());
 * }
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>{@code GET <path>} answers {@code {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}} plus
 *       {@code "RoleArn"} and {@code "AccountId"} when configured. By default it serves random credentials of
 *       {@value #DEFAULT_ROLE_ARN} that expire one hour after start; {@link #credentials} and
 *       {@link #rotateCredentials(Duration)} change them.</li>
 *   <li>When an authorization token is expected ({@link #expectAuthorization(String)}), a request whose
 *       {@code Authorization} header is missing or different gets 401. The token can be rotated at any time.</li>
 *   <li>{@code GET <taskMetadataUri>/task} answers ECS task metadata v4 ({@code TaskARN}, {@code Cluster},
 *       {@code AvailabilityZone}, ...).</li>
 *   <li>Other methods get 405; another {@code /v2/credentials/} ID gets the agent's 400; anything else 404.</li>
 * </ul>
 * Faults come from {@link FakeServer}: {@code enqueue(Fault.status(500))}, {@code onRequest(...)}.
 *
 * <p>Thread safety: configure from any thread at any time.
 */
public final class FakeContainerCredentialsEndpoint extends FakeServer {

    /** The role of the default credentials. */
    public static final String DEFAULT_ROLE_ARN = "arn:aws:iam::111111111111:role/PortOceanTaskRole";
    /** The path of the EKS Pod Identity agent. */
    public static final String POD_IDENTITY_PATH = "/v1/credentials";

    private final String path;
    private final String metadataPath;
    private final Set<String> servedSecrets = new LinkedHashSet<>();
    private volatile IssuedCredentials credentials;
    private volatile String expectedAuthorization;
    private volatile String roleArn;
    private volatile String accountId;
    private volatile String taskArn = "arn:aws:ecs:us-east-1:111111111111:task/ocean/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private volatile String cluster = "arn:aws:ecs:us-east-1:111111111111:cluster/ocean";
    private volatile String availabilityZone = "us-east-1a";

    private FakeContainerCredentialsEndpoint(Builder builder) {
        super("FakeContainerCredentialsEndpoint", builder.clock, builder.threads);
        this.path = builder.path;
        this.metadataPath = "/v4/" + UUID.randomUUID();
        this.expectedAuthorization = builder.authorizationToken;
        this.roleArn = builder.roleArn;
        this.accountId = builder.accountId;
        credentials(IssuedCredentials.random(now().plus(Duration.ofHours(1)), DEFAULT_ROLE_ARN, "ecs-task"));
    }

    /** The ECS agent: path {@code /v2/credentials/<uuid>}, no authorization, {@code RoleArn} in the answer. */
    public static FakeContainerCredentialsEndpoint ecs() {
        return builder().roleArn(DEFAULT_ROLE_ARN).start();
    }

    /**
     * The EKS Pod Identity agent: path {@value #POD_IDENTITY_PATH}, the {@code Authorization} header must equal
     * {@code authorizationToken}, {@code AccountId} in the answer.
     */
    public static FakeContainerCredentialsEndpoint podIdentity(String authorizationToken) {
        return builder().path(POD_IDENTITY_PATH).authorizationToken(authorizationToken).accountId("111111111111")
                .start();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The credentials URI: the value for {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. */
    public URI credentialsUri() {
        return endpoint().resolve(path);
    }

    /** The credentials path: the value for {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}. */
    public String path() {
        return path;
    }

    /** The value for {@code ECS_CONTAINER_METADATA_URI_V4}; the task metadata is at {@code <this>/task}. */
    public URI taskMetadataUri() {
        return endpoint().resolve(metadataPath);
    }

    /** Serves these credentials from now on; without an expiration they expire one hour from now. */
    public FakeContainerCredentialsEndpoint credentials(AwsSessionCredentials credentials) {
        return credentials(new IssuedCredentials(credentials.accessKeyId(), credentials.secretAccessKey(),
                credentials.sessionToken(), credentials.expirationTime().orElse(now().plus(Duration.ofHours(1))),
                roleArn == null ? DEFAULT_ROLE_ARN : roleArn, "ecs-task"));
    }

    /** Serves these credentials from now on. */
    public FakeContainerCredentialsEndpoint credentials(IssuedCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        synchronized (servedSecrets) {
            servedSecrets.add(credentials.secretAccessKey());
            servedSecrets.add(credentials.sessionToken());
        }
        return this;
    }

    /** Serves new random credentials that expire {@code lifetime} from now, as the agent does before expiry. */
    public IssuedCredentials rotateCredentials(Duration lifetime) {
        IssuedCredentials next = IssuedCredentials.random(now().plus(lifetime),
                roleArn == null ? DEFAULT_ROLE_ARN : roleArn, "ecs-task");
        credentials(next);
        return next;
    }

    /** The credentials currently served. */
    public IssuedCredentials currentCredentials() {
        return credentials;
    }

    /** Every secret key and token this endpoint has served or been given: for leak tests. */
    public Set<String> issuedSecrets() {
        synchronized (servedSecrets) {
            return Set.copyOf(servedSecrets);
        }
    }

    /** Requires this exact {@code Authorization} header from now on (token rotation); {@code null} requires none. */
    public FakeContainerCredentialsEndpoint expectAuthorization(String token) {
        this.expectedAuthorization = token;
        return this;
    }

    /** Adds {@code "RoleArn"} to the answer; {@code null} leaves it out. */
    public FakeContainerCredentialsEndpoint roleArn(String roleArn) {
        this.roleArn = roleArn;
        return this;
    }

    /** Adds {@code "AccountId"} to the answer; {@code null} leaves it out. */
    public FakeContainerCredentialsEndpoint accountId(String accountId) {
        this.accountId = accountId;
        return this;
    }

    /** The task metadata values. */
    public FakeContainerCredentialsEndpoint taskMetadata(String taskArn, String cluster, String availabilityZone) {
        this.taskArn = Objects.requireNonNull(taskArn, "taskArn");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.availabilityZone = Objects.requireNonNull(availabilityZone, "availabilityZone");
        return this;
    }

    @Override
    Response respond(RecordedRequest request) {
        if (!"GET".equals(request.method())) {
            return Response.json(405, "{\"code\":\"MethodNotAllowed\",\"message\":\"Only GET is supported\"}");
        }
        if (request.path().equals(metadataPath + "/task")) {
            return Response.json(200, taskMetadataJson());
        }
        if (!request.path().equals(path)) {
            if (request.path().startsWith("/v2/credentials/")) {
                return Response.json(400, "{\"code\":\"InvalidIdInRequest\",\"message\":\"CredentialsV2Request: "
                        + "Credentials not found\",\"HTTPErrorCode\":400}");
            }
            return Response.json(404, "{\"code\":\"NotFound\",\"message\":\"No such resource\"}");
        }
        String expected = expectedAuthorization;
        if (expected != null && !expected.equals(request.header("Authorization").orElse(null))) {
            return Response.json(401, "{\"code\":\"AccessDenied\",\"message\":\"Authorization header is missing "
                    + "or does not match\"}");
        }
        IssuedCredentials c = credentials;
        StringBuilder json = new StringBuilder("{")
                .append("\"AccessKeyId\":").append(Texts.json(c.accessKeyId()))
                .append(",\"SecretAccessKey\":").append(Texts.json(c.secretAccessKey()))
                .append(",\"Token\":").append(Texts.json(c.sessionToken()))
                .append(",\"Expiration\":").append(Texts.json(Texts.timestamp(c.expiration())));
        String role = roleArn;
        if (role != null) {
            json.append(",\"RoleArn\":").append(Texts.json(role));
        }
        String account = accountId;
        if (account != null) {
            json.append(",\"AccountId\":").append(Texts.json(account));
        }
        return Response.json(200, json.append('}').toString());
    }

    private String taskMetadataJson() {
        return "{\"Cluster\":" + Texts.json(cluster) + ",\"TaskARN\":" + Texts.json(taskArn)
                + ",\"Family\":\"port-ocean\",\"Revision\":\"1\",\"DesiredStatus\":\"RUNNING\",\"KnownStatus\":\"RUNNING\""
                + ",\"AvailabilityZone\":" + Texts.json(availabilityZone) + ",\"LaunchType\":\"FARGATE\",\"Containers\":[]}";
    }

    /** Configures a {@link FakeContainerCredentialsEndpoint} before it starts. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int threads = DEFAULT_THREADS;
        private String path = "/v2/credentials/" + UUID.randomUUID();
        private String authorizationToken;
        private String roleArn;
        private String accountId;

        private Builder() {
        }

        /** The credentials path. By default {@code /v2/credentials/<random uuid>}. */
        public Builder path(String path) {
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/', was " + path);
            }
            this.path = path;
            return this;
        }

        /** The expected {@code Authorization} header. By default none is required. */
        public Builder authorizationToken(String token) {
            this.authorizationToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Includes {@code "RoleArn"} in the answer. By default it is left out. */
        public Builder roleArn(String roleArn) {
            this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
            return this;
        }

        /** Includes {@code "AccountId"} in the answer. By default it is left out. */
        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /** The time source for default expirations. By default the system clock. */
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
        public FakeContainerCredentialsEndpoint start() {
            return new FakeContainerCredentialsEndpoint(this).startServing(FakeContainerCredentialsEndpoint.class);
        }
    }
}
