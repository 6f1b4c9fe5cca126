package io.getport.ocean.aws.credentials.doctor;

import static io.getport.ocean.aws.credentials.doctor.DoctorRun.env;
import static io.getport.ocean.aws.credentials.doctor.DoctorRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
import io.getport.ocean.aws.credentials.testkit.fake.FakeImds;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.iam.IamClient;

/** The doctor against moto_server with IAM enforced: the seed architecture, then broken on purpose. */
@WithMoto
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoctorMotoTest {
    private static final String A = "222222222222";
    private static final String B = "333333333333";
    private static final String C = "444444444444";
    private static final String ACCOUNTS = A + "," + B + "," + C;
    private static final String TASK_ROLE = "arn:aws:iam::111111111111:role/PortOceanTaskRole";

    private SeedArchitecture seed;

    @BeforeAll
    void provision(MotoServer moto) {
        // Provisioning loads the managed policies into every account: once per class, undone after each test.
        seed = SeedArchitecture.provision(moto);
    }

    @AfterEach
    void undo() {
        for (String account : List.of(A, B, C)) {
            seed.grant(account);
        }
    }

    static Map<String, String> motoEnv(SeedArchitecture seed, AwsBasicCredentials keys, String... more) {
        Map<String, String> env = env(
                "OCEAN_AWS_IDENTITY_SOURCE", "environment",
                "AWS_ACCESS_KEY_ID", keys.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", keys.secretAccessKey(),
                "OCEAN_AWS_STS_ENDPOINT", seed.endpoint().toString(),
                "OCEAN_AWS_STS_REGION", "us-east-1",
                "OCEAN_AWS_RETRY_MAX_ATTEMPTS", "1");
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static JsonNode failedAccount(DoctorRun r) {
        return r.json().field("accounts").get().asArray().stream()
                .filter(a -> "FAILED".equals(a.field("status").get().asString())).findFirst().orElseThrow();
    }

    private static JsonNode trustStatement(JsonNode failed) {
        JsonNode fix = failed.field("diagnosis").get().field("fixes").get().asArray().get(0);
        return fix.field("policy").get().field("Statement").get().asArray().get(0);
    }

    @Test
    void doctor_seedArchitecture_allAccountsOkExitZero() {

        DoctorRun r = run(motoEnv(seed, seed.baseUserCredentials()), "--accounts", ACCOUNTS);

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out)
                .contains("1. Identity source", "source:           environment")
                .contains("principal:        " + seed.baseUserArn(), "account:          111111111111")
                .contains("partition:        aws", "STS endpoint:     " + seed.endpoint(), "role chaining:    no")
                .contains("session duration: 3600 s")
                .contains("3. Target accounts: 3 (from --accounts)")
                .contains("OK    " + A + "  arn:aws:sts::" + A + ":assumed-role/PortOceanReadRole/")
                .contains("OK    " + B, "OK    " + C)
                .contains("Result: all 3 accounts OK (exit code 0)")
                .doesNotContain("FAIL");
        assertThat(r.err).isEmpty();
    }

    @Test
    void doctor_oneAccountDenied_exitOneWithTrustAndPermissionPolicy() {
        seed.revoke(B);

        DoctorRun r = run(motoEnv(seed, seed.baseUserCredentials()), "--accounts", ACCOUNTS);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.flat())
                .contains("OK " + A, "OK " + C)
                .contains("FAIL " + B + " AccessDenied (ACCESS_DENIED)")
                .contains("role: arn:aws:iam::" + B + ":role/PortOceanReadRole")
                .contains("Probable cause: the read role's trust policy does not trust the base identity.")
                .contains("an explicit Deny blocks sts:AssumeRole")
                .contains("Fix 1: Trust policy of the read role arn:aws:iam::" + B + ":role/PortOceanReadRole")
                .contains("\"Principal\": { \"AWS\": \"" + seed.baseUserArn() + "\" }")
                .contains("Permission policy of the base identity " + seed.baseUserArn())
                .contains("\"Resource\": \"arn:aws:iam::*:role/PortOceanReadRole\"")
                .contains("Result: 2 of 3 accounts OK, 1 failed (exit code 1)");
    }

    @Test
    void doctor_identityWithoutAnyPermission_basePermissionIsProbableCause() {

        DoctorRun r = run(motoEnv(seed, seed.deniedUserCredentials()), "--json", "--accounts", A + "," + B);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        JsonNode json = r.json();
        assertThat(json.field("status").get().asString()).isEqualTo("ACCOUNTS_FAILED");
        List<JsonNode> accounts = json.field("accounts").get().asArray();
        assertThat(accounts).hasSize(2).allSatisfy(a -> {
            assertThat(a.field("status").get().asString()).isEqualTo("FAILED");
            JsonNode diagnosis = a.field("diagnosis").get();
            assertThat(diagnosis.field("probableCause").get().asString()).isEqualTo("BASE_PERMISSION_MISSING");
            JsonNode fix = diagnosis.field("fixes").get().asArray().get(0);
            assertThat(fix.field("appliesTo").get().asString()).isEqualTo(seed.deniedUserArn());
            JsonNode statement = fix.field("policy").get().field("Statement").get().asArray().get(0);
            assertThat(statement.field("Action").get().asString()).isEqualTo("sts:AssumeRole");
            assertThat(statement.field("Resource").get().asString())
                    .isEqualTo("arn:aws:iam::*:role/PortOceanReadRole");
        });
    }

    @Test
    void doctor_json_stableShapeParsesWithEveryField() {
        seed.revoke(C);

        DoctorRun r = run(motoEnv(seed, seed.baseUserCredentials()), "--json", "--accounts", A + "," + C);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        JsonNode json = r.json();
        assertThat(json.asObject().keySet()).containsExactly("schemaVersion", "tool", "version", "checkedAt",
                "status", "exitCode", "usageError", "identity", "baseIdentity", "accountSource", "accountSourceError",
                "accounts",
                "summary");
        assertThat(json.field("schemaVersion").get().asNumber()).isEqualTo("1");
        assertThat(json.field("tool").get().asString()).isEqualTo("ocean-aws-doctor");
        assertThat(json.field("exitCode").get().asNumber()).isEqualTo("1");
        JsonNode identity = json.field("identity").get();
        assertThat(identity.field("found").get().asBoolean()).isTrue();
        assertThat(identity.field("source").get().asString()).isEqualTo("environment");
        assertThat(identity.field("checked").get().asArray()).isNotEmpty();
        JsonNode base = json.field("baseIdentity").get();
        assertThat(base.asObject().keySet()).containsExactly("verified", "arn", "account", "region", "regionSource",
                "partition", "stsEndpoint", "roleChaining", "sessionDurationSeconds", "requestedSessionDuration",
                "notes", "error");
        assertThat(base.field("arn").get().asString()).isEqualTo(seed.baseUserArn());
        assertThat(base.field("account").get().asString()).isEqualTo("111111111111");
        assertThat(base.field("region").get().asString()).isEqualTo("us-east-1");
        assertThat(base.field("partition").get().asString()).isEqualTo("aws");
        assertThat(base.field("roleChaining").get().asBoolean()).isFalse();
        assertThat(base.field("sessionDurationSeconds").get().asNumber()).isEqualTo("3600");
        assertThat(base.field("error").get().isNull()).isTrue();
        assertThat(json.field("accountSource").get().asString()).isEqualTo("--accounts");
        List<JsonNode> accounts = json.field("accounts").get().asArray();
        assertThat(accounts).hasSize(2);
        JsonNode ok = accounts.get(0);
        assertThat(ok.asObject().keySet()).containsExactly("accountId", "roleArn", "status", "latencyMs",
                "expiration", "assumedRoleArn", "error", "diagnosis", "readOnly");
        assertThat(ok.field("accountId").get().asString()).isEqualTo(A);
        assertThat(ok.field("status").get().asString()).isEqualTo("OK");
        assertThat(ok.field("assumedRoleArn").get().asString())
                .startsWith("arn:aws:sts::" + A + ":assumed-role/PortOceanReadRole/");
        assertThat(java.time.Instant.parse(ok.field("expiration").get().asString())).isAfter(java.time.Instant.now());
        assertThat(ok.field("error").get().isNull()).isTrue();
        JsonNode failed = accounts.get(1);
        assertThat(failed.field("status").get().asString()).isEqualTo("FAILED");
        JsonNode error = failed.field("error").get();
        assertThat(error.field("reason").get().asString()).isEqualTo("ACCESS_DENIED");
        assertThat(error.field("code").get().asString()).isEqualTo("AccessDenied");
        JsonNode diagnosis = failed.field("diagnosis").get();
        assertThat(diagnosis.field("probableCause").get().asString()).isEqualTo("TRUST_POLICY");
        assertThat(diagnosis.field("causes").get().asArray().stream()
                .map(c -> c.field("id").get().asString()).collect(Collectors.toList()))
                .containsExactly("TRUST_POLICY", "ROLE_MISSING", "EXTERNAL_ID_MISMATCH", "BASE_PERMISSION_MISSING",
                        "EXPLICIT_DENY");
        List<JsonNode> fixes = diagnosis.field("fixes").get().asArray();
        assertThat(fixes).hasSize(2);
        JsonNode trust = fixes.get(0).field("policy").get().field("Statement").get().asArray().get(0);
        assertThat(fixes.get(0).field("appliesTo").get().asString()).isEqualTo(seed.readRoleArn(C));
        assertThat(trust.field("Principal").get().field("AWS").get().asString()).isEqualTo(seed.baseUserArn());
        assertThat(trust.field("Action").get().asString()).isEqualTo("sts:AssumeRole");
        JsonNode summary = json.field("summary").get();
        assertThat(summary.field("ok").get().asNumber()).isEqualTo("1");
        assertThat(summary.field("failed").get().asNumber()).isEqualTo("1");
    }

    @Test
    void doctor_accountsFromEnvironment_checksThem() {

        DoctorRun r = run(motoEnv(seed, seed.baseUserCredentials(), "OCEAN_AWS_ACCOUNTS", A + ", " + C));

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("3. Target accounts: 2 (from OCEAN_AWS_ACCOUNTS)", "OK    " + A, "OK    " + C);
    }

    @Test
    void doctor_organizationRoleNotAssumable_exitOneExplainingTheAccountSource() {
        String orgRole = "arn:aws:iam::111111111111:role/PortOceanOrganizationReadRole";

        DoctorRun r = run(motoEnv(seed, seed.baseUserCredentials(),
                "OCEAN_AWS_ORGANIZATION_ROLE_ARN", orgRole,
                "OCEAN_AWS_ORGANIZATIONS_ENDPOINT", seed.endpoint().toString()), "--json");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        JsonNode json = r.json();
        assertThat(json.field("accountSource").get().asString())
                .isEqualTo("AWS Organizations (OCEAN_AWS_ORGANIZATION_ROLE_ARN)");
        assertThat(json.field("accountSourceError").get().asString()).contains(orgRole);
        assertThat(json.field("accounts").get().asArray()).isEmpty();
    }

    @Test
    void doctor_verifyReadOnly_warnsAboutPoliciesBeyondReadOnlyAccess(MotoServer moto) {
        seed.asAdmin(C, admin -> {
            try (IamClient iam = moto.iamClient(admin)) {
                iam.attachRolePolicy(q -> q.roleName("PortOceanReadRole")
                        .policyArn("arn:aws:iam::aws:policy/AdministratorAccess"));
                iam.putRolePolicy(q -> q.roleName("PortOceanReadRole").policyName("Extra")
                        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                + "\"Action\":[\"s3:GetObject\",\"s3:PutObject\",\"ec2:TerminateInstances\"],"
                                + "\"Resource\":\"*\"}]}"));
            }
        });

        DoctorRun r;
        try {
            r = run(motoEnv(seed, seed.baseUserCredentials()), "--verify-read-only", "--iam-endpoint",
                    seed.endpoint().toString(), "--accounts", A + "," + C);
        } finally {
            seed.asAdmin(C, admin -> {
                try (IamClient iam = moto.iamClient(admin)) {
                    iam.detachRolePolicy(q -> q.roleName("PortOceanReadRole")
                            .policyArn("arn:aws:iam::aws:policy/AdministratorAccess"));
                    iam.deleteRolePolicy(q -> q.roleName("PortOceanReadRole").policyName("Extra"));
                }
            });
        }

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.flat())
                .contains("4. Read-only verification (--verify-read-only)")
                .contains("OK " + A + " role PortOceanReadRole")
                .contains("attached: arn:aws:iam::aws:policy/ReadOnlyAccess")
                .contains("WARN " + C + " role PortOceanReadRole")
                .contains("attached AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess grants more than"
                        + " ReadOnlyAccess")
                .contains("inline policy Extra allows actions beyond reading: ec2:TerminateInstances, s3:PutObject")
                .contains("all 2 accounts OK, 1 with read-only warnings");
        assertThat(r.out).doesNotContain("s3:GetObject,");
    }

    @Test
    void doctor_unknownBaseKeys_exitTwoExplainingRejectedCredentials() {
        AwsBasicCredentials unknown = AwsBasicCredentials.create("AKIAUNKNOWNKEY000000", "unknown-secret-value-123");

        DoctorRun r = run(motoEnv(seed, unknown), "--accounts", A);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.flat())
                .contains("2. Base identity (GetCallerIdentity)", "unknown: GetCallerIdentity failed")
                .contains("STS rejected the base identity's credentials")
                .contains("Result: no usable identity (exit code 2)")
                .doesNotContain("3. Target accounts")
                .doesNotContain("unknown-secret-value-123");
    }

    @Test
    void doctor_ecsTaskRole_trustPolicyNamesTaskRole() {
        seed.revoke(B);
        AwsSessionCredentials taskSession = seed.taskRoleSessionCredentials();
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.ecs()) {
            agent.credentials(taskSession);
            Map<String, String> env = env(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.credentialsUri().toString(),
                    "OCEAN_AWS_STS_ENDPOINT", seed.endpoint().toString(),
                    "OCEAN_AWS_STS_REGION", "us-east-1",
                    "OCEAN_AWS_RETRY_MAX_ATTEMPTS", "1");

            DoctorRun r = run(env, "--json", "--accounts", A + "," + B);
            DoctorRun text = run(env, "--accounts", A + "," + B);

            assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
            JsonNode json = r.json();
            assertThat(json.field("identity").get().field("source").get().asString()).isEqualTo("ecs");
            JsonNode base = json.field("baseIdentity").get();
            assertThat(base.field("arn").get().asString())
                    .startsWith("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/");
            assertThat(base.field("roleChaining").get().asBoolean()).isTrue();
            assertThat(base.field("sessionDurationSeconds").get().asNumber()).isEqualTo("3600");
            JsonNode failed = failedAccount(r);
            assertThat(failed.field("accountId").get().asString()).isEqualTo(B);
            assertThat(trustStatement(failed).field("Principal").get().field("AWS").get().asString())
                    .isEqualTo(TASK_ROLE);
            assertThat(failed.field("diagnosis").get().field("fixes").get().asArray().get(1).field("appliesTo").get()
                    .asString()).isEqualTo(TASK_ROLE);
            assertThat(text.out).contains("source:           ecs", "role chaining:    yes");
            assertThat(text.flat()).contains("\"Principal\": { \"AWS\": \"" + TASK_ROLE + "\" }");
            assertThat(r.out + text.out).doesNotContain(taskSession.secretAccessKey(), taskSession.sessionToken());
        }
    }


    @Test
    void doctor_ec2InstanceRole_trustPolicyNamesInstanceRole() {
        seed.revoke(B);
        AwsSessionCredentials instanceSession = seed.taskRoleSessionCredentials();
        try (FakeImds imds = FakeImds.builder().roleName("PortOceanTaskRole").accountId("111111111111")
                .region("us-east-1").instanceId("i-0123456789abcdef0").start()) {
            imds.credentials(instanceSession);
            Map<String, String> env = env(
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint().toString(),
                    "OCEAN_AWS_STS_ENDPOINT", seed.endpoint().toString(),
                    "OCEAN_AWS_RETRY_MAX_ATTEMPTS", "1");
            env.remove("AWS_EC2_METADATA_DISABLED");

            DoctorRun r = run(env, "--json", "--accounts", A + "," + B);

            assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
            JsonNode json = r.json();
            assertThat(json.field("identity").get().field("source").get().asString()).isEqualTo("ec2");
            assertThat(json.field("baseIdentity").get().field("region").get().asString()).isEqualTo("us-east-1");
            assertThat(json.field("baseIdentity").get().field("roleChaining").get().asBoolean()).isTrue();
            assertThat(trustStatement(failedAccount(r)).field("Principal").get().field("AWS").get().asString())
                    .isEqualTo(TASK_ROLE);
            assertThat(r.out).doesNotContain(instanceSession.secretAccessKey(), instanceSession.sessionToken());
        }
    }

}
