package io.getport.ocean.aws.credentials.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.IdentityDetection;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.regions.Region;

/** ECS detection rules, the relative URI, task metadata and the trust policy, against the ECS agent fake. */
class EcsIdentitySourceTest {
    /** A test environment with a generous call timeout, so that a loaded machine does not fail the test. */
    static RuntimeEnvironment envOf(Map<String, String> variables, Map<String, String> properties) {
        Map<String, String> props = new java.util.HashMap<>(properties);
        props.putIfAbsent("aws.ec2MetadataServiceTimeout", "5");
        return RuntimeEnvironment.of(variables, props);
    }

    private final EcsIdentitySource source = new EcsIdentitySource();
    private final MutableClock clock = MutableClock.atSystemTime();

    private static RuntimeEnvironment env(Map<String, String> variables) {
        return envOf(variables, Map.of());
    }

    private IdentityContext context() {
        return new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, null, clock);
    }

    @Test
    void serviceLoader_ecsModuleOnClassPath_findsEcsIdentitySource() {
        assertThat(StreamSupport.stream(ServiceLoader.load(io.getport.ocean.aws.credentials.spi.IdentitySource.class)
                .spliterator(), false).map(s -> s.getClass().getName()).collect(Collectors.toList()))
                .contains(EcsIdentitySource.class.getName());
    }

    @Test
    void detect_relativeUri_foundWithoutShowingTheCredentialsId() {
        Detection d = source.detect(env(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "/v2/credentials/9f0c2d35-secret-id")), false);

        assertThat(d.found()).isTrue();
        assertThat(d.reason()).contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set",
                "http://169.254.170.2/v2/credentials/\u2026").doesNotContain("9f0c2d35");
        assertThat(d.facts().toString()).doesNotContain("9f0c2d35");
    }

    @Test
    void detect_relativeAndFullUri_relativeWinsAndReasonSaysSo() {
        Detection d = source.detect(env(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds")), false);

        assertThat(d.found()).isTrue();
        assertThat(d.reason()).contains("AWS_CONTAINER_CREDENTIALS_FULL_URI is ignored: the relative URI wins");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/creds", "http://localhost/creds", "http://[::1]:80/creds",
            "http://169.254.170.2/v2/credentials/x", "https://creds.example.com/task"})
    void detect_allowedFullUri_found(String uri) {
        assertThat(source.detect(env(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri)), false).found()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.7/creds", "http://creds.example.com/task", "http://169.254.169.254/x"})
    void detect_plainHttpFullUriToAnotherHost_foundSoThatOpenFailsSayingUseHttps(String uri) {
        RuntimeEnvironment env = env(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri));
        Detection d = source.detect(env, true);

        // Fail closed: a present but malformed signal is not "not found" (that would fall through to EC2).
        assertThat(d.found()).isTrue();
        assertThat(d.reason()).contains("set but invalid", "plain http is allowed only to a loopback address",
                "use https");
        assertThatThrownBy(() -> source.open(env, d, context()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AWS_CONTAINER_CREDENTIALS_FULL_URI")
                .hasMessageContaining("use https");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials",
            "http://[fd00:ec2:0:0:0:0:0:23]/v1/credentials"})
    void detect_fullUriAtPodIdentityAgent_notFoundNamingTheEksSource(String uri) {
        Detection d = source.detect(env(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri)), false);

        assertThat(d.found()).isFalse();
        assertThat(d.reason()).contains("EKS Pod Identity agent", "eks-pod-identity", "ocean-aws-credentials-eks");
    }

    @Test
    void detect_relativeUriWithoutLeadingSlash_foundInvalidNamingTheVariableAndRule() {
        Detection d = source.detect(env(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/credentials/abc")),
                false);

        assertThat(d.found()).isTrue();
        assertThat(d.reason()).contains("set but invalid", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "must be a path starting with a single '/'").doesNotContain("abc");
    }

    @Test
    void detect_badTimeout_notFoundNamingTheSetting_openFailsWithIllegalArgument() {
        RuntimeEnvironment e = RuntimeEnvironment.of(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "/v2/credentials/x", "AWS_METADATA_SERVICE_TIMEOUT", "soon"), Map.of());

        assertThat(source.detect(e, false).reason()).contains("AWS_METADATA_SERVICE_TIMEOUT", "soon");
        assertThatThrownBy(() -> source.open(e, Detection.found("test"), context()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AWS_METADATA_SERVICE_TIMEOUT (aws.ec2MetadataServiceTimeout) must be a positive"
                        + " duration");
    }

    @Test
    void detect_tokenFileAndTokenVariable_fileWinsAndReasonSaysSo() {
        Detection d = source.detect(env(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/c",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/token",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN", "literal-secret-token")), false);

        assertThat(d.reason()).contains("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/var/run/token",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN is ignored: the file wins").doesNotContain("literal-secret-token");
    }

    @Test
    void resolveCredentials_relativeUriAndTokenVariable_sendsTheVariableAsAuthorization() {
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.builder().clock(clock)
                .authorizationToken("variable-token").start()) {
            RuntimeEnvironment e = envOf(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                    agent.path(), "AWS_CONTAINER_AUTHORIZATION_TOKEN", "variable-token"),
                    Map.of("aws.containerServiceEndpoint", agent.endpoint().toString()));
            BaseIdentity identity = source.open(e, source.detect(e, false), context());

            AwsCredentials credentials = identity.credentialsProvider().resolveCredentials();

            assertThat(credentials.accessKeyId()).isEqualTo(agent.currentCredentials().accessKeyId());
            assertThat(agent.lastRequest().orElseThrow().path()).isEqualTo(agent.path());
            assertThat(agent.lastRequest().orElseThrow().header("Authorization")).hasValue("variable-token");
        }
    }

    @Test
    void resolveCredentials_unknownCredentialsId_notRetryableErrorAboutTheTaskRole() {
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.builder().clock(clock).start()) {
            RuntimeEnvironment e = envOf(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                    "/v2/credentials/not-the-task-id"), Map.of("aws.containerServiceEndpoint",
                    agent.endpoint().toString()));
            BaseIdentity identity = source.open(e, source.detect(e, false), context());

            assertThatThrownBy(() -> identity.credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining("HTTP 400 (InvalidIdInRequest")
                    .hasMessageContaining("task role (taskRoleArn)")
                    .hasMessageNotContaining("not-the-task-id");
        }
    }

    @Test
    void resolveCredentials_answerIsNotCredentials_recoverableErrorWithoutTheBody() {
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.builder().clock(clock).start()) {
            agent.enqueue(Fault.status(200, "application/json", "{\"SecretAccessKey\":\"leaked-body-secret\"}"));
            RuntimeEnvironment e = envOf(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    agent.credentialsUri().toString()), Map.of());
            BaseIdentity identity = source.open(e, source.detect(e, false), context());

            assertThatThrownBy(() -> identity.credentialsProvider().resolveCredentials())
                    .hasMessageContaining("lacks AccessKeyId, SecretAccessKey or Token")
                    .hasMessageNotContaining("leaked-body-secret")
                    .isNotInstanceOf(ReadRoleException.class);
        }
    }

    @Test
    void resolveCredentials_tokenFileMissing_notRetryableErrorNamingTheFile() {
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.builder().clock(clock).start()) {
            RuntimeEnvironment e = envOf(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    agent.credentialsUri().toString(), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    "/nonexistent/ecs-token"), Map.of());
            BaseIdentity identity = source.open(e, source.detect(e, false), context());

            assertThatThrownBy(() -> identity.credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/nonexistent/ecs-token")
                    .hasMessageContaining("NoSuchFileException");
        }
    }

    @Test
    void open_taskMetadata_regionAndFactsFromTheTask() {
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.builder().clock(clock).start()) {
            agent.taskMetadata("arn:aws:ecs:ap-southeast-2:111111111111:task/c/abc",
                    "arn:aws:ecs:ap-southeast-2:111111111111:cluster/c", "ap-southeast-2c");
            RuntimeEnvironment e = envOf(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    agent.credentialsUri().toString(), "ECS_CONTAINER_METADATA_URI_V4",
                    agent.taskMetadataUri().toString()), Map.of());

            BaseIdentity identity = source.open(e, source.detect(e, false), context());

            assertThat(identity.region()).hasValue(Region.AP_SOUTHEAST_2);
            assertThat(identity.facts()).containsEntry("taskArn", "arn:aws:ecs:ap-southeast-2:111111111111:task/c/abc")
                    .containsEntry("cluster", "arn:aws:ecs:ap-southeast-2:111111111111:cluster/c")
                    .containsEntry("availabilityZone", "ap-southeast-2c")
                    .containsEntry("launchType", "FARGATE");
        }
    }

    @Test
    void open_taskMetadataFails_opensWithoutRegionAndSaysWhy() {
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.builder().clock(clock).start()) {
            agent.enqueue(Fault.status(503));
            RuntimeEnvironment e = envOf(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    agent.credentialsUri().toString(), "ECS_CONTAINER_METADATA_URI_V4",
                    agent.taskMetadataUri().toString()), Map.of());

            BaseIdentity identity = source.open(e, source.detect(e, false), context());

            assertThat(identity.region()).isEmpty();
            assertThat(identity.facts()).containsEntry("taskMetadata", "unavailable (HTTP 503)");
        }
    }

    @Test
    void readRoleTrustPolicy_principalUnknown_usesTheRoleArnTheAgentReported() {
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.ecs()) {
            RuntimeEnvironment e = envOf(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    agent.credentialsUri().toString()), Map.of());
            BaseIdentity identity = source.open(e, source.detect(e, false), context());
            String before = identity.readRoleTrustPolicy("arn:aws:iam::222222222222:role/PortOceanReadRole",
                    Optional.empty(), false);
            identity.credentialsProvider().resolveCredentials();

            String after = identity.readRoleTrustPolicy("arn:aws:iam::222222222222:role/PortOceanReadRole",
                    Optional.empty(), true);

            assertThat(before).contains("\"AWS\": \"TASK_ROLE_ARN\"");
            assertThat(after).contains("\"AWS\": \"" + FakeContainerCredentialsEndpoint.DEFAULT_ROLE_ARN + "\"",
                    "sts:ExternalId", "YOUR_EXTERNAL_ID");
        }
    }

    @Test
    void build_pinnedEcsWithoutSignals_failsNamingWhatIsMissing() {
        Map<String, String> variables = new HashMap<>();
        variables.put("OCEAN_AWS_IDENTITY_SOURCE", "ecs");

        assertThatThrownBy(() -> ReadRoleBroker.builder().environment(env(variables)).build())
                .isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("pins 'ecs'")
                .hasMessageContaining("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI"
                        + " are not set")
                .satisfies(t -> assertThat(((ReadRoleException) t).reason())
                        .isEqualTo(ReadRoleException.Reason.NO_IDENTITY));
    }

    @Test
    void build_pinnedEcs_detectionKeepsTheFacts() {
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.ecs()) {
            RuntimeEnvironment e = envOf(Map.of("OCEAN_AWS_IDENTITY_SOURCE", "ecs",
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", agent.path(),
                    "ECS_CONTAINER_METADATA_URI_V4", agent.taskMetadataUri().toString()),
                    Map.of("aws.containerServiceEndpoint", agent.endpoint().toString()));

            try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(e).build()) {
                IdentityDetection identity = broker.identity();

                assertThat(identity.reason()).startsWith("pinned by OCEAN_AWS_IDENTITY_SOURCE=ecs; ");
                assertThat(identity.facts()).containsEntry("credentialsVariable",
                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").containsKey("taskArn");
                assertThat(identity.region()).isEqualTo(Region.US_EAST_1);
                assertThat(identity.regionSource()).isEqualTo("runtime");
            }
        }
    }
}
