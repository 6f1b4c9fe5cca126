package io.getport.ocean.aws.credentials.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.spi.TrustPolicies;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The policies in docs/iam-role-architecture.md are the library's, and its links lead somewhere. */
class ArchitectureDocTest {
    private static final String DOC = "docs/iam-role-architecture.md";
    private static final String ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

    @Test
    void jsonBlocks_inTheDoc_areExactlyThePoliciesTrustPoliciesPrints() {
        List<Map<String, Object>> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```json\n(.*?)```", Pattern.DOTALL).matcher(Repository.read(DOC));
        while (m.find()) {
            blocks.add(PlainJson.parseObject(m.group(1)));
        }

        assertThat(blocks).containsExactly(
                PlainJson.parseObject(TrustPolicies.assumeReadRolePermission("arn:aws:iam::*:role/PortOceanReadRole")),
                PlainJson.parseObject(TrustPolicies.awsPrincipal("arn:aws:iam::111122223333:role/PortOceanTaskRole",
                        false)),
                PlainJson.parseObject(TrustPolicies.awsPrincipal("arn:aws:iam::111122223333:role/PortOceanTaskRole",
                        true)),
                PlainJson.parseObject(TrustPolicies.webIdentity("arn:aws:iam::444455556666:oidc-provider/" + ISSUER,
                        ISSUER, "system:serviceaccount:port-ocean:ocean-aws", "sts.amazonaws.com")));
    }

    @Test
    void relativeLinks_inTheDoc_pointAtExistingFiles() {
        Matcher m = Pattern.compile("\\]\\((\\.\\./[^)#]+)\\)").matcher(Repository.read(DOC));
        int links = 0;
        while (m.find()) {
            links++;
            assertThat(Files.exists(Repository.file("docs").resolve(m.group(1)).normalize())).as(m.group(1)).isTrue();
        }
        assertThat(links).isGreaterThanOrEqualTo(6);
    }
}
