package io.getport.ocean.aws.credentials.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.IdentityDetection;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.IdentitySourceEndToEnd;
import io.getport.ocean.aws.credentials.testkit.fake.FakeImds;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.regions.Region;

/**
 * EC2 end to end: the IMDSv2 fake serves a session of moto's instance role (whose only permission is
 * {@code sts:AssumeRole} on the read role), IAM enforcement is on, and the broker, with only the IMDS endpoint in its
 * environment, detects EC2 and reads S3 in two accounts through {@code PortOceanReadRole}.
 */
@WithMoto
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Ec2MotoEndToEndTest {
    private SeedArchitecture seed;

    @BeforeAll
    void provision(MotoServer moto) {
        seed = SeedArchitecture.provision(moto);
    }

    @Test
    void forAccount_onlyImdsAnswers_detectsEc2AndReadsTwoAccountsThroughTheReadRole() {
        try (FakeImds imds = FakeImds.builder().region("us-west-2").instanceId("i-0aaaabbbbccccdddd").start()) {
            imds.credentials(seed.taskRoleSessionCredentials());
            RuntimeEnvironment env = RuntimeEnvironment.of(Map.of(), Map.of(
                    "aws.ec2MetadataServiceEndpoint", imds.endpoint().toString(),
                    "aws.ec2MetadataServiceTimeout", "5"));
            List<String> accounts = seed.targetAccountIds().subList(0, 2);

            try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(env).stsEndpoint(seed.endpoint())
                    .build()) {
                IdentityDetection identity = broker.identity();
                assertThat(identity.source()).isEqualTo("ec2");
                assertThat(identity.reason()).contains("issued an IMDSv2 token");
                assertThat(identity.checked()).first().asString().startsWith("ec2: the instance metadata service");
                assertThat(identity.region()).isEqualTo(Region.US_WEST_2);
                assertThat(identity.regionSource()).isEqualTo("runtime");
                assertThat(identity.roleChaining()).isTrue();
                assertThat(identity.facts()).containsEntry("instanceId", "i-0aaaabbbbccccdddd")
                        .containsEntry("instanceRole", FakeImds.DEFAULT_ROLE_NAME)
                        .containsEntry("imdsVersion", "v2");

                IdentitySourceEndToEnd.readsOwnBucketThroughReadRole(broker, seed, accounts);
                IdentitySourceEndToEnd.cannotWrite(broker, seed, accounts.get(0));

                assertThat(broker.verifyIdentity().basePrincipal()).hasValueSatisfying(arn -> assertThat(arn)
                        .startsWith("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/"));
                assertThat(imds.requests()).allSatisfy(r -> assertThat(r.method().equals("PUT")
                        || r.hasHeader("X-aws-ec2-metadata-token")).as("IMDSv2 only: %s", r).isTrue());
            }
        }
    }
}
