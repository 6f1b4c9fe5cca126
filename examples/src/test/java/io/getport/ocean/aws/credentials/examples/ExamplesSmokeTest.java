package io.getport.ocean.aws.credentials.examples;

import static io.getport.ocean.aws.credentials.examples.CloudFormationTemplate.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each runtime's example against moto, through a loopback stand-in for that runtime's credential endpoint (the same
 * ones the local demo uses), with the seed's three target accounts. Also checks that the trust policy the broker (and
 * so the doctor) prints for the read role is the one the runtime's deployment template creates.
 */
@WithMoto
class ExamplesSmokeTest {
    private static SeedArchitecture seed;
    private static MotoServer moto;

    @BeforeAll
    static void provision(MotoServer server) {
        moto = server;
        seed = SeedArchitecture.builder()
                .extraResources((accountId, admin) -> DemoResources.create(server, accountId, admin))
                .provision(server);
    }

    /** The example's {@code run(broker, environment, out)}. */
    @FunctionalInterface
    interface Example {
        int run(ReadRoleBroker broker, RuntimeEnvironment environment, PrintStream out);
    }

    /** What a run printed and returned, and what the broker says the read role's trust policy must be. */
    record Run(int status, String output, Map<String, Object> trustPolicy, Set<String> secrets) {
    }

    @Test
    void ecsExample_ecsAgentStandIn_readsEveryAccount() {
        Run run = run(DemoRuntime.ECS, Map.of(), EcsExample::run);
        assertReadEveryAccount(run, "ecs");
        assertThat(run.output()).contains("cluster", "arn:aws:ecs:us-east-1:111111111111:cluster/ocean-demo");
        assertThat(run.trustPolicy()).isEqualTo(readRoleTrust(DeploymentTemplatesTest.ECS, Map.of(),
                "PortOceanReadRole"));
    }

    @Test
    void ecsExample_externalIdConfigured_trustPolicyIsTheMemberTemplates() {
        Run run = run(DemoRuntime.ECS, Map.of("OCEAN_AWS_EXTERNAL_ID", "ocean-demo-external-id"), EcsExample::run);
        assertReadEveryAccount(run, "ecs");
        assertThat(run.output()).doesNotContain("ocean-demo-external-id");
        assertThat(run.trustPolicy()).isEqualTo(readRoleTrust(DeploymentTemplatesTest.MEMBER,
                Map.of("BasePrincipalArn", seed.taskRoleArn()), "PortOceanReadRole"));
    }

    @Test
    void ec2Example_imdsStandIn_readsEveryAccount() {
        Run run = run(DemoRuntime.EC2, Map.of(), Ec2Example::run);
        assertReadEveryAccount(run, "ec2");
        assertThat(run.output()).contains("imdsVersion", "v2");
        // The seed's one base role stands for the instance role here.
        assertThat(run.trustPolicy()).isEqualTo(readRoleTrust(DeploymentTemplatesTest.EC2,
                Map.of("InstanceRoleName", SeedArchitecture.TASK_ROLE_NAME), "PortOceanReadRole"));
    }

    @Test
    void eksExample_irsaChainedStandIn_readsEveryAccount() {
        Run run = run(DemoRuntime.EKS_IRSA, Map.of(), EksExample::run);
        assertReadEveryAccount(run, "eks-irsa");
        assertThat(run.output()).contains("system:serviceaccount:port-ocean:ocean-aws");
        assertThat(run.trustPolicy()).isEqualTo(readRoleTrust(DeploymentTemplatesTest.IRSA_CHAINED,
                Map.of("OidcIssuer", issuer(), "PodRoleName", SeedArchitecture.TASK_ROLE_NAME), "PortOceanReadRole"));
    }

    @Test
    void eksExample_podIdentityStandIn_readsEveryAccount() {
        Run run = run(DemoRuntime.EKS_POD_IDENTITY, Map.of(), EksExample::run);
        assertReadEveryAccount(run, "eks-pod-identity");
        assertThat(run.trustPolicy()).isEqualTo(readRoleTrust(DeploymentTemplatesTest.POD_IDENTITY,
                Map.of("PodRoleName", SeedArchitecture.TASK_ROLE_NAME), "PortOceanReadRole"));
    }

    @Test
    void eksExample_irsaDirectMode_assumesEachReadRoleWithTheTokenAndNoChaining() throws Exception {
        // AWS_ROLE_ARN names the read role: each account's read role is assumed with AssumeRoleWithWebIdentity.
        // moto refuses those unsigned calls while it enforces IAM, so this run has enforcement off.
        Path token = Jwt.forServiceAccount("port-ocean", "ocean-aws").build().writeTempFile();
        try {
            Map<String, String> env = baseEnvironment();
            env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
            env.put("AWS_ROLE_ARN", seed.readRoleArn(seed.baseAccountId()));
            RuntimeEnvironment environment = RuntimeEnvironment.of(env, Map.of());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int[] status = new int[1];
            Map<String, Object> trust;
            try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(environment).build()) {
                moto.withoutAuthEnforcement(() -> status[0] = EksExample.run(broker, environment,
                        new PrintStream(bytes, true, StandardCharsets.UTF_8)));
                trust = PlainJson.parseObject(broker.readRoleTrustPolicy(seed.targetAccountIds().get(0)));
            }
            String output = bytes.toString(StandardCharsets.UTF_8);
            assertThat(status[0]).as(output).isZero();
            assertThat(output).containsPattern("source\\s+eks-irsa").containsPattern("role chaining\\s+no");
            for (String account : seed.targetAccountIds()) {
                assertThat(output).contains("arn:aws:sts::" + account + ":assumed-role/PortOceanReadRole/",
                        seed.bucket(account));
            }
            assertThat(output).doesNotContain(Files.readString(token));
            assertThat(trust).isEqualTo(readRoleTrust(DeploymentTemplatesTest.IRSA, Map.of("OidcIssuer", issuer(),
                    "AWS::AccountId", seed.targetAccountIds().get(0)), "PortOceanReadRole"));
        } finally {
            Files.deleteIfExists(token);
        }
    }

    @Test
    void ecsExample_oneAccountRevoked_reportsItAndReadsTheOthers() {
        String revoked = seed.targetAccountIds().get(1);
        seed.revoke(revoked);
        try {
            Run run = run(DemoRuntime.ECS, Map.of(), EcsExample::run);
            assertThat(run.status()).as(run.output()).isEqualTo(ExampleRunner.ACCOUNT_FAILED);
            assertThat(run.output()).containsPattern("Account " + revoked + " .*\\n  FAILED  ACCESS_DENIED")
                    .contains("Read 2 of 3 accounts", seed.bucket(seed.targetAccountIds().get(0)),
                            seed.bucket(seed.targetAccountIds().get(2)))
                    .doesNotContain(seed.bucket(revoked));
        } finally {
            seed.grant(revoked);
        }
    }

    @Test
    void ecsExample_noAccountsConfigured_exitsWithConfigurationError() {
        try (DemoRuntime.StandIn standIn = DemoRuntime.ECS.start(seed)) {
            Map<String, String> env = new LinkedHashMap<>(LocalDemo.environment(standIn, moto.endpoint(), List.of()));
            env.remove(ExampleSettings.ACCOUNTS);
            RuntimeEnvironment environment = RuntimeEnvironment.of(env, Map.of());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(environment).build()) {
                int status = EcsExample.run(broker, environment, new PrintStream(bytes, true, StandardCharsets.UTF_8));
                assertThat(status).isEqualTo(ExampleRunner.CONFIGURATION);
            }
            assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("OCEAN_AWS_ACCOUNTS is not set");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Run run(DemoRuntime runtime, Map<String, String> extra, Example example) {
        try (DemoRuntime.StandIn standIn = runtime.start(seed)) {
            Map<String, String> env = new LinkedHashMap<>(LocalDemo.environment(standIn, moto.endpoint(),
                    seed.targetAccountIds()));
            env.putAll(extra);
            RuntimeEnvironment environment = RuntimeEnvironment.of(env, Map.of());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(environment).build()) {
                runtime.beforeFirstUse(broker, seed, out);
                int status = example.run(broker, environment, out);
                Map<String, Object> trust = PlainJson.parseObject(
                        broker.readRoleTrustPolicy(seed.targetAccountIds().get(0)));
                return new Run(status, bytes.toString(StandardCharsets.UTF_8), trust, standIn.secrets());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertReadEveryAccount(Run run, String source) {
        String output = run.output();
        assertThat(run.status()).as(output).isEqualTo(ExampleRunner.OK);
        assertThat(output).containsPattern("source\\s+" + source + "\n")
                .containsPattern("base principal\\s+arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/")
                .containsPattern("role chaining\\s+yes")
                .contains("Read 3 of 3 accounts with " + source + " credentials");
        for (String account : seed.targetAccountIds()) {
            assertThat(output).contains("Account " + account + "  (arn:aws:iam::" + account + ":role/PortOceanReadRole)",
                    "assumed role  arn:aws:sts::" + account + ":assumed-role/PortOceanReadRole/",
                    seed.bucket(account), DemoResources.logsBucket(account), DemoResources.instanceName(account));
        }
        assertThat(output).containsPattern("expires\\s+20\\d\\d-").containsPattern("next refresh\\s+20\\d\\d-")
                .contains("| ec2     | eu-west-1 | (no instances)").contains("including PortOceanReadRole");
        assertThat(run.secrets()).isNotEmpty();
        for (String secret : run.secrets()) {
            assertThat(output).doesNotContain(secret);
        }
    }

    private static Map<String, Object> readRoleTrust(String template, Map<String, String> parameters, String role) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("AWS::AccountId", seed.baseAccountId()));
        all.putAll(parameters);
        return policy(DeploymentTemplatesTest.stack(template, all).properties(role).get("AssumeRolePolicyDocument"));
    }

    /** The demo's variables without any runtime's. */
    private static Map<String, String> baseEnvironment() {
        DemoRuntime.StandIn none = new DemoRuntime.StandIn("none", Map.of(), Set::of, () -> { });
        return new LinkedHashMap<>(LocalDemo.environment(none, moto.endpoint(), seed.targetAccountIds()));
    }

    private static String issuer() {
        return Jwt.DEFAULT_ISSUER.substring("https://".length());
    }
}
