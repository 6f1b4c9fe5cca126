package io.getport.ocean.aws.credentials.eks;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.IdentityDetection;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.IdentitySourceEndToEnd;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * EKS end to end against moto, one test per way a pod gets its identity. Pod Identity runs with IAM enforcement on.
 * IRSA's {@code AssumeRoleWithWebIdentity} is unsigned, which moto refuses while enforcement is on, so the IRSA tests
 * assume with enforcement off, then turn it on and read with the cached read role sessions (ReadOnlyAccess enforced).
 */
@WithMoto
class EksMotoEndToEndTest {
    /** A test environment with a generous call timeout, so that a loaded machine does not fail the test. */
    static RuntimeEnvironment envOf(Map<String, String> variables, Map<String, String> properties) {
        Map<String, String> props = new java.util.HashMap<>(properties);
        props.putIfAbsent("aws.ec2MetadataServiceTimeout", "5");
        return RuntimeEnvironment.of(variables, props);
    }

    private MotoServer moto;
    private SeedArchitecture seed;
    private List<String> accounts;

    @BeforeEach
    void provision(MotoServer moto) {
        this.moto = moto;
        this.seed = SeedArchitecture.provision(moto);
        this.accounts = seed.targetAccountIds().subList(0, 2);
    }

    @AfterEach
    void enforcementOff() {
        moto.authEnforcement(false);
    }

    @Test
    void forAccount_onlyPodIdentitySignals_detectsPodIdentityAndReadsTwoAccountsThroughTheReadRole()
            throws IOException {
        String token = "eks-pod-identity-token-" + System.nanoTime();
        Path tokenFile = Files.createTempFile("eks-pod-identity-token", "");
        Files.writeString(tokenFile, token);
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.podIdentity(token)) {
            agent.credentials(seed.taskRoleSessionCredentials());
            RuntimeEnvironment env = envOf(Map.of(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString(),
                    "AWS_REGION", "us-east-1"),
                    Map.of("ocean.aws.eksPodIdentityEndpoint", agent.endpoint().toString()));

            try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(env).stsEndpoint(seed.endpoint())
                    .build()) {
                IdentityDetection identity = broker.identity();
                assertThat(identity.source()).isEqualTo("eks-pod-identity");
                assertThat(identity.reason()).contains("AWS_CONTAINER_CREDENTIALS_FULL_URI is the EKS Pod Identity"
                        + " agent (http://169.254.170.23/v1/credentials)", tokenFile.toString());
                assertThat(identity.regionSource()).isEqualTo("AWS_REGION");
                assertThat(identity.roleChaining()).isTrue();

                IdentitySourceEndToEnd.readsOwnBucketThroughReadRole(broker, seed, accounts);
                IdentitySourceEndToEnd.cannotWrite(broker, seed, accounts.get(0));
                assertThat(agent.requests()).allSatisfy(r ->
                        assertThat(r.header("Authorization")).hasValue(token));
            }
        } finally {
            Files.deleteIfExists(tokenFile);
        }
    }

    @Test
    void forAccount_irsaRoleArnNamesTheReadRole_directModeAssumesEachReadRoleWithTheToken() {
        Path tokenFile = Jwt.forServiceAccount("port", "ocean-aws").build().writeTempFile();
        RuntimeEnvironment env = envOf(Map.of(
                "AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                "AWS_ROLE_ARN", seed.readRoleArn(accounts.get(0))), Map.of());
        moto.authEnforcement(false);

        try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(env).stsEndpoint(seed.endpoint())
                .build()) {
            IdentityDetection identity = broker.identity();
            assertThat(identity.source()).isEqualTo("eks-irsa");
            assertThat(identity.reason()).contains("AWS_WEB_IDENTITY_TOKEN_FILE=" + tokenFile,
                    "sub=system:serviceaccount:port:ocean-aws");
            assertThat(identity.facts()).containsEntry("irsaMode", "direct")
                    .containsEntry("tokenSubject", "system:serviceaccount:port:ocean-aws");
            assertThat(identity.roleChaining()).isFalse();
            assertThat(identity.region()).isEqualTo(Region.US_EAST_1);
            assertThat(identity.regionSource()).isEqualTo("runtime");

            assumeAllThenEnforce(broker);
            IdentitySourceEndToEnd.readsOwnBucketThroughReadRole(broker, seed, accounts);
            IdentitySourceEndToEnd.cannotWrite(broker, seed, accounts.get(0));
        }
    }

    @Test
    void forAccount_irsaRoleArnNamesThePodRole_chainedModeAssumesTheReadRoleFromThePodRole() {
        Path tokenFile = Jwt.forServiceAccount("port", "ocean-aws").build().writeTempFile();
        RuntimeEnvironment env = envOf(Map.of(
                "AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                "AWS_ROLE_ARN", seed.taskRoleArn()), Map.of());
        moto.authEnforcement(false);

        try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(env).stsEndpoint(seed.endpoint())
                .build()) {
            IdentityDetection identity = broker.identity();
            assertThat(identity.source()).isEqualTo("eks-irsa");
            assertThat(identity.facts()).containsEntry("irsaMode", "chained");
            assertThat(identity.roleChaining()).isTrue();

            assumeAllThenEnforce(broker);
            IdentitySourceEndToEnd.readsOwnBucketThroughReadRole(broker, seed, accounts);
            IdentitySourceEndToEnd.cannotWrite(broker, seed, accounts.get(0));
            assertThat(broker.verifyIdentity().basePrincipal()).hasValueSatisfying(arn -> assertThat(arn)
                    .startsWith("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/port-ocean-irsa"));
        }
    }

    /** Resolves every account's read role session with enforcement off (unsigned web identity), then turns it on. */
    private void assumeAllThenEnforce(ReadRoleBroker broker) {
        for (String account : accounts) {
            broker.forAccount(account).credentialsProvider().resolveCredentials();
        }
        moto.authEnforcement(true);
    }
}
