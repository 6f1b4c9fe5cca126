package io.getport.ocean.aws.credentials.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TrustPoliciesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void awsPrincipal_withExternalId_validPolicyWithCondition() throws Exception {
        JsonNode p = JSON.readTree(TrustPolicies.awsPrincipal("arn:aws:iam::111122223333:role/Base", true));

        assertThat(p.path("Version").asText()).isEqualTo("2012-10-17");
        JsonNode st = p.path("Statement").get(0);
        assertThat(st.path("Principal").path("AWS").asText()).isEqualTo("arn:aws:iam::111122223333:role/Base");
        assertThat(st.path("Action").asText()).isEqualTo("sts:AssumeRole");
        assertThat(st.path("Condition").path("StringEquals").path("sts:ExternalId").asText())
                .isEqualTo("YOUR_EXTERNAL_ID");
        assertThat(JSON.readTree(TrustPolicies.awsPrincipal("arn:aws:iam::1:user/u", false)).path("Statement").get(0)
                .has("Condition")).isFalse();
    }

    @Test
    void webIdentity_hostileValues_escapedNotSpliced() throws Exception {
        String subject = "system:serviceaccount:port:a\",\"Effect\":\"Deny\\";
        JsonNode p = JSON.readTree(TrustPolicies.webIdentity("arn:aws:iam::1:oidc-provider/x", "oidc.example/id/X",
                subject, "sts.amazonaws.com"));

        JsonNode st = p.path("Statement").get(0);
        assertThat(st.path("Effect").asText()).isEqualTo("Allow");
        assertThat(st.path("Condition").path("StringEquals").path("oidc.example/id/X:sub").asText()).isEqualTo(subject);
        assertThat(p.path("Statement")).hasSize(1);
    }

    @Test
    void assumeReadRolePermission_resourcePattern_onlyAssumeRole() throws Exception {
        String text = TrustPolicies.assumeReadRolePermission("arn:aws:iam::*:role/PortOceanReadRole");
        JsonNode st = JSON.readTree(text).path("Statement").get(0);

        assertThat(st.path("Action").asText()).isEqualTo("sts:AssumeRole");
        assertThat(st.path("Resource").asText()).isEqualTo("arn:aws:iam::*:role/PortOceanReadRole");
        assertThat(text).startsWith("{\n  \"Version\": \"2012-10-17\",");
    }
}
