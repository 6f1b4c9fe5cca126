package io.getport.ocean.aws.credentials.doctor;

import static io.getport.ocean.aws.credentials.doctor.DoctorRun.env;
import static io.getport.ocean.aws.credentials.doctor.DoctorRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The doctor with an EKS IRSA token file: the read role trust policy federates the cluster's OIDC provider. (The ECS
 * and EC2 variants run against moto, in {@link DoctorMotoTest}.)
 */
class DoctorIrsaTest {
    private static final String A = "222222222222";
    private static final String B = "333333333333";

    private static JsonNode failedAccount(DoctorRun r) {
        return r.json().field("accounts").get().asArray().stream()
                .filter(a -> "FAILED".equals(a.field("status").get().asString())).findFirst().orElseThrow();
    }

    private static JsonNode trustStatement(JsonNode failed) {
        JsonNode fix = failed.field("diagnosis").get().field("fixes").get().asArray().get(0);
        return fix.field("policy").get().field("Statement").get().asArray().get(0);
    }

    @Test
    void doctor_eksIrsaDirect_trustPolicyFederatesClusterOidcWithSubAndAud(@TempDir Path dir) throws Exception {
        Jwt token = Jwt.forServiceAccount("port", "ocean-aws").build();
        Path tokenFile = token.writeTo(dir.resolve("token"));
        try (FakeSts sts = FakeSts.start()) {
            sts.denyAssumeRole("arn:aws:iam::" + B + ":role/PortOceanReadRole");
            Map<String, String> env = env(
                    "AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                    "AWS_ROLE_ARN", "arn:aws:iam::" + A + ":role/PortOceanReadRole",
                    "OCEAN_AWS_STS_ENDPOINT", sts.endpoint().toString(),
                    "OCEAN_AWS_STS_REGION", "us-east-1",
                    "OCEAN_AWS_RETRY_MAX_ATTEMPTS", "1");

            DoctorRun r = run(env, "--json", "--accounts", A + "," + B);
            DoctorRun text = run(env, "--accounts", A + "," + B);

            assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
            assertThat(r.json().field("identity").get().field("source").get().asString()).isEqualTo("eks-irsa");
            JsonNode failed = failedAccount(r);
            assertThat(failed.field("diagnosis").get().field("probableCause").get().asString())
                    .isEqualTo("TRUST_POLICY");
            List<JsonNode> fixes = failed.field("diagnosis").get().field("fixes").get().asArray();
            assertThat(fixes).as("no sts:AssumeRole permission is needed for web identity").hasSize(1);
            JsonNode statement = trustStatement(failed);
            String issuer = "oidc.eks.us-east-1.amazonaws.com/id/0CEA4D5E1A2B3C4D5E6F7A8B9C0D1E2F";
            assertThat(statement.field("Principal").get().field("Federated").get().asString())
                    .isEqualTo("arn:aws:iam::" + B + ":oidc-provider/" + issuer);
            assertThat(statement.field("Action").get().asString()).isEqualTo("sts:AssumeRoleWithWebIdentity");
            JsonNode equals = statement.field("Condition").get().field("StringEquals").get();
            assertThat(equals.field(issuer + ":sub").get().asString()).isEqualTo("system:serviceaccount:port:ocean-aws");
            assertThat(equals.field(issuer + ":aud").get().asString()).isEqualTo("sts.amazonaws.com");
            assertThat(text.flat()).contains("\"Principal\": { \"Federated\": \"arn:aws:iam::" + B + ":oidc-provider/");
            String all = r.out + r.err + text.out + text.err;
            assertThat(all).doesNotContain(token.encoded(), Files.readString(tokenFile).trim());
            assertThat(sts.issuedSecrets()).isNotEmpty().allSatisfy(s -> assertThat(all).doesNotContain(s));
        }
    }
}
