package io.getport.ocean.aws.credentials.eks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.IdentityDetection;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
import io.getport.ocean.aws.credentials.testkit.fake.FakeImds;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With every identity source on the class path (eks, ecs and ec2): the documented {@code auto} order (EKS IRSA, EKS
 * Pod Identity, ECS, EC2), the reason naming the sources also present, and failing closed with every check listed.
 */
class RuntimePrecedenceTest {
    private FakeImds imds;
    private FakeContainerCredentialsEndpoint ecsAgent;
    private Path tokenFile;

    @BeforeEach
    void start() {
        imds = FakeImds.start();
        ecsAgent = FakeContainerCredentialsEndpoint.ecs();
        tokenFile = Jwt.forServiceAccount("port", "ocean-aws").build().writeTempFile();
    }

    @AfterEach
    void stop() {
        imds.close();
        ecsAgent.close();
    }

    private Map<String, String> irsa() {
        return Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/ocean-pod");
    }

    private Map<String, String> podIdentity() {
        return Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString());
    }

    private Map<String, String> ecs() {
        return Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", ecsAgent.path(),
                "AWS_CONTAINER_SERVICE_ENDPOINT", ecsAgent.endpoint().toString());
    }

    private Map<String, String> ec2() {
        return Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint().toString(),
                "AWS_METADATA_SERVICE_TIMEOUT", "5");
    }

    @SafeVarargs
    private static ReadRoleBroker broker(Map<String, String>... parts) {
        Map<String, String> variables = new HashMap<>();
        for (Map<String, String> part : parts) {
            variables.putAll(part);
        }
        return ReadRoleBroker.builder().environment(RuntimeEnvironment.of(variables, Map.of())).build();
    }

    @Test
    void build_allFourRuntimes_eksIrsaWinsAndTheReasonNamesTheOthersFound() {
        try (ReadRoleBroker broker = broker(irsa(), podIdentity(), ecs(), ec2())) {
            IdentityDetection identity = broker.identity();

            assertThat(identity.source()).isEqualTo("eks-irsa");
            assertThat(identity.reason()).endsWith("(also present, lower precedence: eks-pod-identity, ecs)");
            assertThat(identity.checked()).extracting(line -> line.substring(0, line.indexOf(':')))
                    .containsExactly("eks-irsa", "eks-pod-identity", "ecs", "ec2", "environment");
            assertThat(identity.checked().get(2)).contains("AWS_CONTAINER_CREDENTIALS_FULL_URI is ignored");
            assertThat(identity.checked().get(3)).contains("not checked (a source with higher precedence");
            assertThat(imds.requestCount()).as("the EC2 probe is skipped once a source is found").isZero();
        }
    }

    @Test
    void build_podIdentityAndEcs_podIdentityWinsAndTheReasonSaysEcsWasAlsoPresent() {
        Map<String, String> pod = new HashMap<>(podIdentity());
        pod.remove("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        try (ReadRoleBroker broker = broker(ecs(), Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://169.254.170.23/v1/credentials"), pod)) {
            IdentityDetection identity = broker.identity();

            assertThat(identity.source()).isEqualTo("eks-pod-identity");
            assertThat(identity.reason()).endsWith("(also present, lower precedence: ecs)");
        }
    }

    @Test
    void build_ecsAndEc2_ecsWinsWithoutAskingImds() {
        try (ReadRoleBroker broker = broker(ecs(), ec2())) {
            IdentityDetection identity = broker.identity();

            assertThat(identity.source()).isEqualTo("ecs");
            assertThat(identity.checked()).anySatisfy(line -> assertThat(line)
                    .isEqualTo("ec2: not checked (a source with higher precedence was found first)"));
            assertThat(imds.requestCount()).isZero();
        }
    }

    @Test
    void build_onlyEc2_ec2IsFoundAfterEveryOtherSourceSaidWhyNot() {
        try (ReadRoleBroker broker = broker(ec2())) {
            IdentityDetection identity = broker.identity();

            assertThat(identity.source()).isEqualTo("ec2");
            assertThat(identity.checked()).hasSize(5);
        }
    }

    @Test
    void build_noSignalsButStaticKeys_failsClosedListingEverySourceChecked() throws IOException {
        Map<String, String> keys = Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY000000",
                "AWS_SECRET_ACCESS_KEY", "static-secret-never-used", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                closedEndpoint(), "AWS_METADATA_SERVICE_TIMEOUT", "1");

        assertThatThrownBy(() -> broker(keys))
                .isInstanceOf(ReadRoleException.class)
                .satisfies(t -> assertThat(((ReadRoleException) t).reason())
                        .isEqualTo(ReadRoleException.Reason.NO_IDENTITY))
                .hasMessageContaining("fail closed")
                .hasMessageContaining("eks-irsa: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set")
                .hasMessageContaining("eks-pod-identity: AWS_CONTAINER_CREDENTIALS_FULL_URI is not set")
                .hasMessageContaining("ecs: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and"
                        + " AWS_CONTAINER_CREDENTIALS_FULL_URI are not set")
                .hasMessageContaining("ec2: The IMDSv2 token request")
                .hasMessageContaining("environment: not checked in auto mode")
                .hasMessageNotContaining("static-secret-never-used");
    }

    @Test
    void build_pinnedEc2WhileEcsSignalsExist_usesEc2() {
        try (ReadRoleBroker broker = broker(ecs(), ec2(), Map.of("OCEAN_AWS_IDENTITY_SOURCE", "ec2"))) {
            assertThat(broker.identity().source()).isEqualTo("ec2");
            assertThat(broker.identity().reason()).startsWith("pinned by OCEAN_AWS_IDENTITY_SOURCE=ec2; ");
        }
    }

    @Test
    void build_pinnedEksIrsaWithOnlyEcsSignals_failsNamingWhatIsMissing() {
        assertThatThrownBy(() -> broker(ecs(), Map.of("OCEAN_AWS_IDENTITY_SOURCE", "eks-irsa")))
                .isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("pins 'eks-irsa', but it is not usable here: AWS_WEB_IDENTITY_TOKEN_FILE and"
                        + " AWS_ROLE_ARN are not set");
    }

    private static String closedEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
