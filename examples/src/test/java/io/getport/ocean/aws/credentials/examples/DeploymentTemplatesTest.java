package io.getport.ocean.aws.credentials.examples;

import static io.getport.ocean.aws.credentials.examples.CloudFormationTemplate.map;
import static io.getport.ocean.aws.credentials.examples.CloudFormationTemplate.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.spi.TrustPolicies;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parses every deployment template and checks its policies against the ones the library prints
 * ({@link TrustPolicies}, the source of the doctor's output): principals, actions, conditions, managed policies.
 */
class DeploymentTemplatesTest {
    static final String ECS = "deploy/ecs/ocean-aws-ecs.json";
    static final String EC2 = "deploy/ec2/ocean-aws-ec2.json";
    static final String IRSA = "deploy/eks/ocean-aws-eks-irsa.json";
    static final String IRSA_CHAINED = "deploy/eks/ocean-aws-eks-irsa-chained.json";
    static final String POD_IDENTITY = "deploy/eks/ocean-aws-eks-pod-identity.json";
    static final String MEMBER = "deploy/multi-account/ocean-aws-member-read-role.json";
    static final String STACKSET = "deploy/multi-account/ocean-aws-stackset.json";

    static final String ACCOUNT = "111111111111";
    static final String ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    static final String BASE_PRINCIPAL = "arn:aws:iam::111111111111:role/PortOceanTaskRole";
    static final String READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    static final String READ_ROLE_PATTERN = "arn:aws:iam::*:role/PortOceanReadRole";

    /** The parameters without default of each template. */
    static final Map<String, Map<String, String>> REQUIRED = Map.of(
            ECS, Map.of("ContainerImage", "registry.example/port-ocean-aws-examples:1"),
            EC2, Map.of("ContainerImage", "registry.example/port-ocean-aws-examples:1"),
            IRSA, Map.of("OidcIssuer", ISSUER),
            IRSA_CHAINED, Map.of("OidcIssuer", ISSUER),
            POD_IDENTITY, Map.of("ClusterName", "ocean"),
            MEMBER, Map.of("BasePrincipalArn", BASE_PRINCIPAL, "ExternalId", "YOUR_EXTERNAL_ID"),
            STACKSET, Map.of("MemberTemplateUrl", "https://bucket.s3.amazonaws.com/member.json",
                    "OrganizationalUnitIds", "ou-abcd-11111111,ou-abcd-22222222",
                    "BasePrincipalArn", BASE_PRINCIPAL, "ExternalId", "YOUR_EXTERNAL_ID"));

    static CloudFormationTemplate.Stack stack(String template, Map<String, String> extra) {
        Map<String, String> parameters = new HashMap<>(REQUIRED.get(template));
        parameters.putAll(extra);
        return Repository.template(template).evaluate(parameters);
    }

    static Map<String, Object> expected(String policyJson) {
        return PlainJson.parseObject(policyJson);
    }

    @Test
    void deployDirectory_everyJsonTemplate_isCoveredAndEvaluates() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Repository.file("deploy"))) {
            files.filter(f -> f.toString().endsWith(".json"))
                    .map(f -> Repository.root().relativize(f).toString().replace('\\', '/'))
                    // Not CloudFormation: the endpoint's ECS task definition, checked by the test below.
                    .filter(f -> !f.equals(ENDPOINT_TASK))
                    .forEach(found::add);
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(REQUIRED.keySet());
        for (String template : found) {
            CloudFormationTemplate t = Repository.template(template);
            assertThat(t.raw()).containsEntry("AWSTemplateFormatVersion", "2010-09-09");
            CloudFormationTemplate.Stack stack = stack(template, Map.of());
            for (String id : t.resources().keySet()) {
                if (stack.exists(id)) {
                    assertThat(stack.properties(id)).as(template + " " + id).isNotNull();
                }
            }
            map(t.raw().getOrDefault("Outputs", Map.of())).keySet().forEach(stack::output);
        }
    }

    static final String ENDPOINT_TASK = "deploy/endpoint/ecs-task-definition.json";

    @Test
    @SuppressWarnings("unchecked")
    void endpointTaskDefinition_sidecarOnSharedLoopback_readerUsesTheContainerVariables() throws IOException {
        Map<String, Object> task = PlainJson.parseObject(Files.readString(Repository.file(ENDPOINT_TASK)));
        // awsvpc: the task's containers share one network namespace, so 127.0.0.1 reaches the sidecar.
        assertThat(task).containsEntry("networkMode", "awsvpc");
        List<Map<String, Object>> containers = (List<Map<String, Object>>) task.get("containerDefinitions");
        Map<String, Object> endpoint = containers.stream().filter(c -> "ocean-aws-endpoint".equals(c.get("name")))
                .findFirst().orElseThrow();
        assertThat(String.valueOf(endpoint.get("command"))).contains("serve", "127.0.0.1", "--token-file");
        Map<String, Object> reader = containers.stream().filter(c -> !"ocean-aws-endpoint".equals(c.get("name")))
                .findFirst().orElseThrow();
        Map<String, String> env = new java.util.HashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) reader.get("environment")) {
            env.put((String) e.get("name"), (String) e.get("value"));
        }
        assertThat(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")).startsWith("http://127.0.0.1:")
                .contains("/v1/accounts/");
        assertThat(env).containsKey("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    }

    @Test
    void ecsTemplate_readRole_trustsOnlyTheTaskRoleAndReadsOnly() {
        CloudFormationTemplate.Stack stack = stack(ECS, Map.of());
        Map<String, Object> readRole = stack.properties("PortOceanReadRole");
        assertThat(policy(readRole.get("AssumeRolePolicyDocument")))
                .isEqualTo(expected(TrustPolicies.awsPrincipal(BASE_PRINCIPAL, false)));
        assertThat(readRole.get("ManagedPolicyArns")).isEqualTo(List.of(READ_ONLY));
        assertThat(readRole).doesNotContainKey("Policies").containsEntry("RoleName", "PortOceanReadRole");
    }

    @Test
    void ecsTemplate_taskRole_mayOnlyAssumeTheReadRole() {
        Map<String, Object> taskRole = stack(ECS, Map.of()).properties("PortOceanTaskRole");
        assertOnlyAssumeReadRolePermission(taskRole, READ_ROLE_PATTERN);
        Map<String, Object> statement = onlyStatement(taskRole.get("AssumeRolePolicyDocument"));
        assertThat(statement).containsEntry("Effect", "Allow").containsEntry("Action", "sts:AssumeRole")
                .containsEntry("Principal", Map.of("Service", "ecs-tasks.amazonaws.com"));
        assertThat(map(statement.get("Condition"))).isEqualTo(Map.of(
                "ArnLike", Map.of("aws:SourceArn", "arn:aws:ecs:us-east-1:" + ACCOUNT + ":*"),
                "StringEquals", Map.of("aws:SourceAccount", ACCOUNT)));
    }

    @Test
    void ecsTemplate_otherPartitionAndRoleName_followTheLibrarysPolicies() {
        CloudFormationTemplate.Stack stack = stack(ECS, Map.of("AWS::Partition", "aws-cn",
                "ReadRoleName", "OceanReader", "TaskRoleName", "OceanTask"));
        assertOnlyAssumeReadRolePermission(stack.properties("PortOceanTaskRole"), "arn:aws-cn:iam::*:role/OceanReader");
        Map<String, Object> readRole = stack.properties("PortOceanReadRole");
        assertThat(policy(readRole.get("AssumeRolePolicyDocument"))).isEqualTo(
                expected(TrustPolicies.awsPrincipal("arn:aws-cn:iam::" + ACCOUNT + ":role/OceanTask", false)));
        assertThat(readRole.get("ManagedPolicyArns")).isEqualTo(List.of("arn:aws-cn:iam::aws:policy/ReadOnlyAccess"));
    }

    @Test
    void ecsTemplate_taskDefinition_runsTheEcsExampleWithTheTaskRole() {
        CloudFormationTemplate.Stack stack = stack(ECS, Map.of());
        Map<String, Object> task = stack.properties("EcsExampleTaskDefinition");
        assertThat(task.get("TaskRoleArn")).isEqualTo(BASE_PRINCIPAL);
        Map<String, Object> container = map(((List<?>) task.get("ContainerDefinitions")).get(0));
        assertThat(container.get("EntryPoint")).isEqualTo(List.of("java", "-cp", "/app/ocean-aws-demo.jar"));
        assertMainClass(((List<?>) container.get("Command")).get(0).toString(), EcsExample.class);
        assertThat(environment(container)).containsEntry("OCEAN_AWS_ACCOUNTS", ACCOUNT)
                .containsEntry("OCEAN_AWS_IDENTITY_SOURCE", "ecs").containsEntry("OCEAN_AWS_READ_ROLE_NAME",
                        "PortOceanReadRole").containsEntry(ExampleSettings.REGIONS, "us-east-1");
        assertThat(container).doesNotContainKey("Secrets");

        String secret = "arn:aws:secretsmanager:us-east-1:111111111111:secret:ocean-external-id-AbCdEf";
        CloudFormationTemplate.Stack withId = stack(ECS, Map.of("ExternalIdSecretArn", secret,
                "TargetAccounts", "222222222222,333333333333"));
        Map<String, Object> c2 = map(((List<?>) withId.properties("EcsExampleTaskDefinition")
                .get("ContainerDefinitions")).get(0));
        assertThat(c2.get("Secrets")).isEqualTo(List.of(Map.of("Name", "OCEAN_AWS_EXTERNAL_ID", "ValueFrom", secret)));
        assertThat(environment(c2)).containsEntry("OCEAN_AWS_ACCOUNTS", "222222222222,333333333333");
        Map<String, Object> execution = withId.properties("TaskExecutionRole");
        Map<String, Object> readSecret = map(((List<?>) execution.get("Policies")).get(0));
        assertThat(onlyStatement(readSecret.get("PolicyDocument"))).containsEntry("Resource", secret)
                .containsEntry("Action", "secretsmanager:GetSecretValue");
    }

    @Test
    void ec2Template_instanceRoleAndProfile_mayOnlyAssumeTheReadRole() {
        CloudFormationTemplate.Stack stack = stack(EC2, Map.of());
        Map<String, Object> role = stack.properties("PortOceanInstanceRole");
        assertOnlyAssumeReadRolePermission(role, READ_ROLE_PATTERN);
        assertThat(onlyStatement(role.get("AssumeRolePolicyDocument"))).containsEntry("Action", "sts:AssumeRole")
                .containsEntry("Principal", Map.of("Service", "ec2.amazonaws.com"));
        assertThat(stack.properties("PortOceanInstanceProfile").get("Roles")).isEqualTo(List.of("PortOceanInstanceRole"));

        Map<String, Object> readRole = stack.properties("PortOceanReadRole");
        assertThat(policy(readRole.get("AssumeRolePolicyDocument"))).isEqualTo(
                expected(TrustPolicies.awsPrincipal("arn:aws:iam::" + ACCOUNT + ":role/PortOceanInstanceRole", false)));
        assertThat(readRole.get("ManagedPolicyArns")).isEqualTo(List.of(READ_ONLY));
    }

    @Test
    void ec2Template_launchTemplate_requiresImdsV2ReachableFromContainersAndRunsTheEc2Example() {
        CloudFormationTemplate.Stack stack = stack(EC2, Map.of());
        Map<String, Object> data = map(stack.properties("Ec2ExampleLaunchTemplate").get("LaunchTemplateData"));
        assertThat(map(data.get("MetadataOptions"))).containsEntry("HttpTokens", "required")
                .containsEntry("HttpPutResponseHopLimit", new java.math.BigDecimal(2));
        assertThat(map(data.get("IamInstanceProfile")).get("Arn"))
                .isEqualTo("arn:aws:iam::" + ACCOUNT + ":instance-profile/PortOceanInstanceRole");
        String userData = (String) data.get("UserData");
        assertThat(userData).contains("OCEAN_AWS_ACCOUNTS=" + ACCOUNT, "OCEAN_AWS_IDENTITY_SOURCE=ec2",
                "registry.example/port-ocean-aws-examples:1 " + Ec2Example.class.getName());
        assertMainClass(Ec2Example.class.getName(), Ec2Example.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "false"})
    void irsaTemplate_readRole_trustsTheServiceAccountThroughTheOidcProvider(String createProvider) {
        CloudFormationTemplate.Stack stack = stack(IRSA, Map.of("CreateOidcProvider", createProvider));
        String provider = "arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + ISSUER;
        Map<String, Object> readRole = stack.properties("PortOceanReadRole");
        assertThat(policy(readRole.get("AssumeRolePolicyDocument"))).isEqualTo(expected(TrustPolicies.webIdentity(
                provider, ISSUER, "system:serviceaccount:port-ocean:ocean-aws", "sts.amazonaws.com")));
        assertThat(readRole.get("ManagedPolicyArns")).isEqualTo(List.of(READ_ONLY));
        assertThat(readRole).doesNotContainKey("Policies");
        assertThat(stack.exists("ClusterOidcProvider")).isEqualTo(Boolean.parseBoolean(createProvider));
        if (stack.exists("ClusterOidcProvider")) {
            assertThat(stack.properties("ClusterOidcProvider")).containsEntry("Url", "https://" + ISSUER)
                    .containsEntry("ClientIdList", List.of("sts.amazonaws.com"));
        }
        assertThat(stack.output("OidcProviderArn")).isEqualTo(provider);
    }

    @Test
    void irsaChainedTemplate_roles_podRoleTrustsTheServiceAccountAndReadRoleTrustsThePodRole() {
        CloudFormationTemplate.Stack stack = stack(IRSA_CHAINED, Map.of("Namespace", "ocean", "ServiceAccountName",
                "aws-reader"));
        Map<String, Object> podRole = stack.properties("PortOceanPodRole");
        assertThat(policy(podRole.get("AssumeRolePolicyDocument"))).isEqualTo(expected(TrustPolicies.webIdentity(
                "arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + ISSUER, ISSUER, "system:serviceaccount:ocean:aws-reader",
                "sts.amazonaws.com")));
        assertOnlyAssumeReadRolePermission(podRole, READ_ROLE_PATTERN);
        Map<String, Object> readRole = stack.properties("PortOceanReadRole");
        assertThat(policy(readRole.get("AssumeRolePolicyDocument"))).isEqualTo(
                expected(TrustPolicies.awsPrincipal("arn:aws:iam::" + ACCOUNT + ":role/PortOceanPodRole", false)));
        assertThat(readRole.get("ManagedPolicyArns")).isEqualTo(List.of(READ_ONLY));
    }

    @Test
    void podIdentityTemplate_podRole_isAssociatedAndMayOnlyAssumeTheReadRole() {
        CloudFormationTemplate.Stack stack = stack(POD_IDENTITY, Map.of());
        Map<String, Object> podRole = stack.properties("PortOceanPodRole");
        assertThat(onlyStatement(podRole.get("AssumeRolePolicyDocument")))
                .containsEntry("Principal", Map.of("Service", "pods.eks.amazonaws.com"))
                .containsEntry("Action", List.of("sts:AssumeRole", "sts:TagSession"))
                .doesNotContainKey("Condition");
        assertOnlyAssumeReadRolePermission(podRole, READ_ROLE_PATTERN);
        String podRoleArn = "arn:aws:iam::" + ACCOUNT + ":role/PortOceanPodRole";
        assertThat(stack.properties("PodIdentityAssociation")).isEqualTo(Map.of("ClusterName", "ocean",
                "Namespace", "port-ocean", "ServiceAccount", "ocean-aws", "RoleArn", podRoleArn));
        Map<String, Object> readRole = stack.properties("PortOceanReadRole");
        assertThat(policy(readRole.get("AssumeRolePolicyDocument")))
                .isEqualTo(expected(TrustPolicies.awsPrincipal(podRoleArn, false)));
        assertThat(readRole.get("ManagedPolicyArns")).isEqualTo(List.of(READ_ONLY));
    }

    @Test
    void memberTemplate_readRole_trustsTheBaseIdentityWithTheSharedExternalId() {
        CloudFormationTemplate.Stack stack = stack(MEMBER, Map.of("AWS::AccountId", "222222222222"));
        Map<String, Object> readRole = stack.properties("PortOceanReadRole");
        // TrustPolicies prints YOUR_EXTERNAL_ID where the value goes (it never prints the real one).
        assertThat(policy(readRole.get("AssumeRolePolicyDocument")))
                .isEqualTo(expected(TrustPolicies.awsPrincipal(BASE_PRINCIPAL, true)));
        assertThat(readRole.get("ManagedPolicyArns")).isEqualTo(List.of(READ_ONLY));
        assertThat(stack.output("ReadRoleArn")).isEqualTo("arn:aws:iam::222222222222:role/PortOceanReadRole");
        Map<String, Object> externalId = map(Repository.template(MEMBER).parameters().get("ExternalId"));
        assertThat(externalId).containsEntry("NoEcho", true).containsEntry("AllowedPattern", "[\\w+=,.@:/-]+")
                .containsEntry("MinLength", new java.math.BigDecimal(2))
                .containsEntry("MaxLength", new java.math.BigDecimal(1224));
    }

    @Test
    void stackSetTemplate_stackSet_deploysTheMemberTemplateToTheOrganizationWithEveryParameter() {
        CloudFormationTemplate.Stack stack = stack(STACKSET, Map.of());
        Map<String, Object> set = stack.properties("PortOceanReadRoleStackSet");
        assertThat(set).containsEntry("PermissionModel", "SERVICE_MANAGED")
                .containsEntry("Capabilities", List.of("CAPABILITY_NAMED_IAM"))
                .containsEntry("TemplateURL", "https://bucket.s3.amazonaws.com/member.json");
        assertThat(map(set.get("AutoDeployment"))).containsEntry("Enabled", true);
        Map<String, String> passed = new HashMap<>();
        for (Object p : (List<?>) set.get("Parameters")) {
            passed.put((String) map(p).get("ParameterKey"), (String) map(p).get("ParameterValue"));
        }
        assertThat(passed.keySet()).isEqualTo(Repository.template(MEMBER).parameters().keySet());
        assertThat(passed).containsEntry("BasePrincipalArn", BASE_PRINCIPAL)
                .containsEntry("ExternalId", "YOUR_EXTERNAL_ID");
        Map<String, Object> group = map(((List<?>) set.get("StackInstancesGroup")).get(0));
        assertThat(map(group.get("DeploymentTargets")).get("OrganizationalUnitIds"))
                .isEqualTo(List.of("ou-abcd-11111111", "ou-abcd-22222222"));
        assertThat(map(Repository.template(STACKSET).parameters().get("ExternalId"))).containsEntry("NoEcho", true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy/eks/service-account-irsa.yaml", "deploy/eks/service-account-pod-identity.yaml"})
    void serviceAccountManifests_parsed_matchTheTemplatesServiceAccountAndRunTheEksExample(String manifest) {
        List<Map<String, Object>> docs = TinyYaml.parseAll(Repository.read(manifest));
        assertThat(docs).extracting(d -> d.get("kind")).containsExactly("ServiceAccount", "Job");
        boolean irsa = manifest.contains("irsa");
        Map<String, Object> templateParameters = Repository.template(irsa ? IRSA : POD_IDENTITY).parameters();
        String namespace = (String) map(templateParameters.get("Namespace")).get("Default");
        String serviceAccount = (String) map(templateParameters.get("ServiceAccountName")).get("Default");

        Map<String, Object> saMeta = map(docs.get(0).get("metadata"));
        assertThat(saMeta).containsEntry("name", serviceAccount).containsEntry("namespace", namespace);
        if (irsa) {
            String readRole = (String) map(templateParameters.get("ReadRoleName")).get("Default");
            assertThat(map(saMeta.get("annotations")))
                    .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::<ACCOUNT_ID>:role/" + readRole)
                    .containsEntry("eks.amazonaws.com/audience", "sts.amazonaws.com");
        } else {
            assertThat(saMeta).doesNotContainKey("annotations");
        }

        Map<String, Object> job = docs.get(1);
        assertThat(map(job.get("metadata"))).containsEntry("namespace", namespace);
        Map<String, Object> pod = map(map(map(job.get("spec")).get("template")).get("spec"));
        assertThat(pod).containsEntry("serviceAccountName", serviceAccount);
        Map<String, Object> container = map(((List<?>) pod.get("containers")).get(0));
        assertMainClass((String) ((List<?>) container.get("args")).get(0), EksExample.class);
        Map<String, String> env = new HashMap<>();
        for (Object e : (List<?>) container.get("env")) {
            env.put((String) map(e).get("name"), (String) map(e).get("value"));
        }
        assertThat(env).containsEntry("OCEAN_AWS_IDENTITY_SOURCE", irsa ? "eks-irsa" : "eks-pod-identity")
                .containsKey("OCEAN_AWS_ACCOUNTS");
    }

    @Test
    void irsaTemplates_defaultParameters_trustTheManifestsServiceAccount() {
        for (String template : List.of(IRSA, IRSA_CHAINED)) {
            Map<String, Object> p = Repository.template(template).parameters();
            String subject = "system:serviceaccount:" + map(p.get("Namespace")).get("Default") + ":"
                    + map(p.get("ServiceAccountName")).get("Default");
            String role = template.equals(IRSA) ? "PortOceanReadRole" : "PortOceanPodRole";
            Map<String, Object> trust = policy(stack(template, Map.of()).properties(role)
                    .get("AssumeRolePolicyDocument"));
            Map<String, Object> statement = map(((List<?>) trust.get("Statement")).get(0));
            assertThat(map(map(statement.get("Condition")).get("StringEquals")))
                    .containsEntry(ISSUER + ":sub", subject).containsEntry(ISSUER + ":aud", "sts.amazonaws.com");
        }
    }

    @Test
    void dockerfile_build_copiesTheDemoJarWhereTheTemplatesRunIt() {
        String dockerfile = Repository.read("deploy/Dockerfile");
        assertThat(dockerfile).contains("COPY examples/target/ocean-aws-demo.jar /app/ocean-aws-demo.jar")
                .contains("ENTRYPOINT [\"java\", \"-cp\", \"/app/ocean-aws-demo.jar\"]");
    }

    @Test
    void templates_cfnLint_reportsNothing() throws Exception {
        Path cfnLint = onPath("cfn-lint");
        Assumptions.assumeTrue(cfnLint != null, "cfn-lint is not on PATH; skipping the CloudFormation linter");
        List<String> command = new ArrayList<>(List.of(cfnLint.toString()));
        REQUIRED.keySet().stream().sorted().forEach(t -> command.add(Repository.file(t).toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static Path onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, executable);
            if (!dir.isEmpty() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void assertOnlyAssumeReadRolePermission(Map<String, Object> role, String readRolePattern) {
        assertThat(role).doesNotContainKey("ManagedPolicyArns");
        List<?> policies = (List<?>) role.get("Policies");
        assertThat(policies).hasSize(1);
        assertThat(policy(map(policies.get(0)).get("PolicyDocument")))
                .isEqualTo(expected(TrustPolicies.assumeReadRolePermission(readRolePattern)));
    }

    private static Map<String, Object> onlyStatement(Object document) {
        List<?> statements = (List<?>) policy(document).get("Statement");
        assertThat(statements).hasSize(1);
        return map(statements.get(0));
    }

    private static Map<String, String> environment(Map<String, Object> container) {
        Map<String, String> env = new HashMap<>();
        for (Object e : (List<?>) container.get("Environment")) {
            env.put((String) map(e).get("Name"), (String) map(e).get("Value"));
        }
        return env;
    }

    private static void assertMainClass(String className, Class<?> expected) {
        try {
            Class<?> c = Class.forName(className);
            assertThat(c).isEqualTo(expected);
            Method main = c.getMethod("main", String[].class);
            assertThat(Modifier.isStatic(main.getModifiers()) && Modifier.isPublic(main.getModifiers())).isTrue();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(className + " is not a runnable example class", e);
        }
    }
}
