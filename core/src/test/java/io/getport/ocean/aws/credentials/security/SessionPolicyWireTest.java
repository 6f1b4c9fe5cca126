package io.getport.ocean.aws.credentials.security;

import static io.getport.ocean.aws.credentials.security.FakeStsBrokers.assumeRoles;
import static io.getport.ocean.aws.credentials.security.FakeStsBrokers.builder;
import static io.getport.ocean.aws.credentials.security.FakeStsBrokers.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.regions.Region;

/**
 * The session policy ARNs on the wire (moto does not enforce session policies, so the protocol-level fake records
 * what is sent): ReadOnlyAccess in the partition by default, none when disabled, extras after it.
 */
class SessionPolicyWireTest {
    private static final String ACCOUNT = "222222222222";
    private FakeSts sts;

    @BeforeEach
    void start() {
        sts = FakeSts.start();
    }

    @AfterEach
    void stop() {
        sts.close();
    }

    private RecordedRequest assumeOnce(ReadRoleBroker.Builder b) {
        try (ReadRoleBroker broker = b.build()) {
            broker.forAccount(ACCOUNT).credentialsProvider().resolveCredentials();
        }
        List<RecordedRequest> assumes = assumeRoles(sts);
        assertThat(assumes).hasSize(1);
        return assumes.get(0);
    }

    @Test
    void assumeRole_default_sendsReadOnlyAccessAsOnlySessionPolicy() {
        RecordedRequest request = assumeOnce(builder(sts));
        assertThat(params(request, "PolicyArns."))
                .containsExactly(entry("PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assertThat(request.params()).doesNotContainKey("Policy");
    }

    @Test
    void assumeRole_sessionPolicyDisabledByBuilder_sendsNoPolicyArns() {
        RecordedRequest request = assumeOnce(builder(sts).readOnlySessionPolicy(false));
        assertThat(params(request, "PolicyArns")).isEmpty();
        assertThat(request.param("RoleArn")).hasValue("arn:aws:iam::222222222222:role/PortOceanReadRole");
    }

    @Test
    void assumeRole_sessionPolicyNoneFromEnvironment_sendsNoPolicyArns() {
        RecordedRequest request = assumeOnce(builder(sts, Map.of("OCEAN_AWS_SESSION_POLICY", "none")));
        assertThat(params(request, "PolicyArns")).isEmpty();
    }

    @Test
    void assumeRole_extraPolicies_followReadOnlyAccessInOrder() {
        RecordedRequest request = assumeOnce(builder(sts).sessionPolicyArns(List.of(
                "arn:aws:iam::123456789012:policy/ocean/DenyS3Objects", "arn:aws:iam::aws:policy/SecurityAudit")));
        assertThat(params(request, "PolicyArns.")).containsExactly(
                entry("PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
                entry("PolicyArns.member.2.arn", "arn:aws:iam::123456789012:policy/ocean/DenyS3Objects"),
                entry("PolicyArns.member.3.arn", "arn:aws:iam::aws:policy/SecurityAudit"));
    }

    @Test
    void assumeRole_extraPoliciesFromEnvironmentWithReadOnlyDisabled_sendsOnlyTheExtras() {
        RecordedRequest request = assumeOnce(builder(sts, Map.of(
                "OCEAN_AWS_SESSION_POLICY", "none",
                "OCEAN_AWS_SESSION_POLICY_ARNS", " arn:aws:iam::aws:policy/SecurityAudit ,"
                        + "arn:aws:iam::123456789012:policy/Extra")));
        assertThat(params(request, "PolicyArns.")).containsExactly(
                entry("PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/SecurityAudit"),
                entry("PolicyArns.member.2.arn", "arn:aws:iam::123456789012:policy/Extra"));
    }

    @Test
    void assumeRole_nineExtras_sendsTenPoliciesWhichStsAccepts() {
        List<String> nine = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            nine.add("arn:aws:iam::123456789012:policy/p" + i);
        }
        RecordedRequest request = assumeOnce(builder(sts).sessionPolicyArns(nine));
        assertThat(params(request, "PolicyArns.")).hasSize(10)
                .containsEntry("PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
                .containsEntry("PolicyArns.member.10.arn", "arn:aws:iam::123456789012:policy/p9");
        assertThat(sts.issued()).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource({
            "us-east-1,aws", "eu-central-1,aws", "cn-north-1,aws-cn", "cn-northwest-1,aws-cn",
            "us-gov-west-1,aws-us-gov", "us-gov-east-1,aws-us-gov"})
    void assumeRole_perPartition_roleArnPolicyArnAndSigningRegionMatch(String region, String partition) {
        RecordedRequest request = assumeOnce(builder(sts).region(Region.of(region)).rolePath("/ocean/"));
        assertThat(request.param("RoleArn"))
                .hasValue("arn:" + partition + ":iam::222222222222:role/ocean/PortOceanReadRole");
        assertThat(request.param("PolicyArns.member.1.arn"))
                .hasValue("arn:" + partition + ":iam::aws:policy/ReadOnlyAccess");
        assertThat(request.header("Authorization")).hasValueSatisfying(
                auth -> assertThat(auth).contains("/" + region + "/sts/aws4_request"));
    }
}
