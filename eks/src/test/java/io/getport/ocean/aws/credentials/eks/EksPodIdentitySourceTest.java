package io.getport.ocean.aws.credentials.eks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.regions.Region;

/** EKS Pod Identity: the agent address rule, the strict test override, the token file, agent answers. */
class EksPodIdentitySourceTest {
    /** A test environment with a generous call timeout, so that a loaded machine does not fail the test. */
    static RuntimeEnvironment envOf(Map<String, String> variables, Map<String, String> properties) {
        Map<String, String> props = new java.util.HashMap<>(properties);
        props.putIfAbsent("aws.ec2MetadataServiceTimeout", "5");
        return RuntimeEnvironment.of(variables, props);
    }

    private final EksPodIdentitySource source = new EksPodIdentitySource();
    private final MutableClock clock = MutableClock.atSystemTime();

    private IdentityContext context() {
        return new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, null, clock);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials"})
    void detect_fullUriAtTheAgent_found(String uri) {
        Detection d = source.detect(envOf(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/"
                        + "eks-pod-identity-token"), Map.of()), false);

        assertThat(d.found()).isTrue();
        assertThat(d.reason()).contains("is the EKS Pod Identity agent (" + uri + ")",
                "token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/var/run/secrets/pods.eks.amazonaws.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/v1/credentials", "http://169.254.170.2/v2/credentials/x",
            "https://169.254.170.23/v1/credentials", "http://169.254.170.24/v1/credentials"})
    void detect_fullUriElsewhere_notFoundNamingTheAgentAddresses(String uri) {
        Detection d = source.detect(envOf(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri),
                Map.of()), true);

        assertThat(d.found()).isFalse();
        assertThat(d.reason()).contains("not the EKS Pod Identity agent (http://169.254.170.23 or"
                + " http://[fd00:ec2::23])");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.5:8080", "https://127.0.0.1:8080", "http://127.0.0.1:8080/v1",
            "http://agent.internal"})
    void open_overrideNotPlainHttpLoopback_illegalArgumentNamingTheSetting(String override) {
        RuntimeEnvironment e = envOf(Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/tmp/t"),
                Map.of("ocean.aws.eksPodIdentityEndpoint", override));

        assertThatThrownBy(() -> source.open(e, source.detect(e, false), context()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("OCEAN_AWS_EKS_POD_IDENTITY_ENDPOINT (ocean.aws.eksPodIdentityEndpoint) must"
                        + " be http://<loopback address>[:port] with no user info, path or query");
    }

    @Test
    void build_agentButNoTokenFile_failsClosedSayingTheTokenFileIsMissing() {
        RuntimeEnvironment e = envOf(Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"), Map.of());

        assertThat(source.detect(e, false).reason()).contains("but AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is not set");
        assertThatThrownBy(() -> ReadRoleBroker.builder().environment(e).build())
                .isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("'eks-pod-identity' was detected")
                .hasMessageContaining("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is not set")
                .satisfies(t -> assertThat(((ReadRoleException) t).reason())
                        .isEqualTo(ReadRoleException.Reason.NO_IDENTITY));
    }

    @Test
    void resolveCredentials_noAssociation_notRetryableErrorAboutTheAssociation() throws IOException {
        Path token = Files.createTempFile("pod-token", "");
        Files.writeString(token, "pod-token-value");
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.builder().clock(clock)
                .path("/v1/credentials").start()) {
            agent.enqueue(Fault.status(400, "application/json",
                    "{\"code\":\"ResourceNotFoundException\",\"message\":\"no association\"}"));
            RuntimeEnvironment e = envOf(Map.of(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token.toString()),
                    Map.of("ocean.aws.eksPodIdentityEndpoint", agent.endpoint().toString()));
            BaseIdentity identity = source.open(e, source.detect(e, false), context());

            assertThatThrownBy(() -> identity.credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining("HTTP 400 (ResourceNotFoundException: no association)")
                    .hasMessageContaining("Pod Identity association")
                    .hasMessageNotContaining("pod-token-value");
            assertThat(agent.lastRequest().orElseThrow().path()).isEqualTo("/v1/credentials");
        } finally {
            Files.deleteIfExists(token);
        }
    }

    @Test
    void readRoleTrustPolicy_principalKnownOrNot_rolePrincipalOrPlaceholder() {
        RuntimeEnvironment e = envOf(Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN", "t"), Map.of());
        BaseIdentity identity = source.open(e, source.detect(e, false), context());

        assertThat(identity.readRoleTrustPolicy("arn:aws:iam::2:role/R", java.util.Optional.empty(), false))
                .contains("\"AWS\": \"POD_IDENTITY_ROLE_ARN\"");
        assertThat(identity.readRoleTrustPolicy("arn:aws:iam::2:role/R",
                java.util.Optional.of("arn:aws:sts::111111111111:assumed-role/ocean-pod/eks-port-ocean-abc"), false))
                .contains("\"AWS\": \"arn:aws:iam::111111111111:role/ocean-pod\"");
        assertThat(identity.roleSession()).isTrue();
    }
}
