package io.getport.ocean.aws.credentials.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.IdentityDetection;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.IdentitySourceEndToEnd;
import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
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
 * ECS end to end: the ECS agent fake serves a session of moto's task role (whose only permission is
 * {@code sts:AssumeRole} on the read role), IAM enforcement is on, and the broker, with only ECS signals in its
 * environment, reads S3 in two accounts through {@code PortOceanReadRole}.
 */
@WithMoto
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EcsMotoEndToEndTest {
    /** A test environment with a generous call timeout, so that a loaded machine does not fail the test. */
    static RuntimeEnvironment envOf(Map<String, String> variables, Map<String, String> properties) {
        Map<String, String> props = new java.util.HashMap<>(properties);
        props.putIfAbsent("aws.ec2MetadataServiceTimeout", "5");
        return RuntimeEnvironment.of(variables, props);
    }

    private SeedArchitecture seed;

    @BeforeAll
    void provision(MotoServer moto) {
        seed = SeedArchitecture.provision(moto);
    }

    @Test
    void forAccount_onlyEcsSignals_detectsEcsAndReadsTwoAccountsThroughTheReadRole() {
        try (FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.ecs()) {
            agent.credentials(seed.taskRoleSessionCredentials());
            agent.taskMetadata("arn:aws:ecs:eu-west-1:111111111111:task/ocean/0123456789abcdef",
                    "arn:aws:ecs:eu-west-1:111111111111:cluster/ocean", "eu-west-1b");
            RuntimeEnvironment env = envOf(Map.of(
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", agent.path(),
                    "ECS_CONTAINER_METADATA_URI_V4", agent.taskMetadataUri().toString()),
                    Map.of("aws.containerServiceEndpoint", agent.endpoint().toString()));
            List<String> accounts = seed.targetAccountIds().subList(0, 2);

            try (ReadRoleBroker broker = ReadRoleBroker.builder().environment(env).stsEndpoint(seed.endpoint())
                    .build()) {
                IdentityDetection identity = broker.identity();
                assertThat(identity.source()).isEqualTo("ecs");
                assertThat(identity.reason()).contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set",
                        "/v2/credentials/\u2026").doesNotContain(agent.path());
                assertThat(identity.region()).isEqualTo(Region.EU_WEST_1);
                assertThat(identity.regionSource()).isEqualTo("runtime");
                assertThat(identity.roleChaining()).isTrue();
                assertThat(identity.facts())
                        .containsEntry("cluster", "arn:aws:ecs:eu-west-1:111111111111:cluster/ocean")
                        .containsEntry("availabilityZone", "eu-west-1b")
                        .containsKey("taskArn");

                IdentitySourceEndToEnd.readsOwnBucketThroughReadRole(broker, seed, accounts);
                IdentitySourceEndToEnd.cannotWrite(broker, seed, accounts.get(0));

                assertThat(broker.verifyIdentity().basePrincipal()).hasValueSatisfying(arn -> assertThat(arn)
                        .startsWith("arn:aws:sts::111111111111:assumed-role/PortOceanTaskRole/"));
                assertThat(agent.requests()).anySatisfy(r -> assertThat(r.path()).isEqualTo(agent.path()));
            }
        }
    }
}
