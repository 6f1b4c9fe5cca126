package io.getport.ocean.aws.credentials.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeImds;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** EC2 detection (IMDSv2 probe, hop limit, IMDSv1 fallback, switches), identity document and trust policy. */
class Ec2IdentitySourceTest {
    private final Ec2IdentitySource source = new Ec2IdentitySource();
    private final MutableClock clock = MutableClock.atSystemTime();
    private final FakeImds imds = FakeImds.builder().clock(clock).start();

    @AfterEach
    void stop() {
        imds.close();
    }

    private RuntimeEnvironment env(String... more) {
        Map<String, String> variables = new HashMap<>();
        variables.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint().toString());
        variables.put("AWS_METADATA_SERVICE_TIMEOUT", "5");
        for (int i = 0; i < more.length; i += 2) {
            variables.put(more[i], more[i + 1]);
        }
        return RuntimeEnvironment.of(variables, Map.of());
    }

    private IdentityContext context() {
        return new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, null, clock);
    }

    @Test
    void detect_imdsv2Answers_foundWithOneTokenRequest() {
        Detection d = source.detect(env(), false);

        assertThat(d.found()).isTrue();
        assertThat(d.reason()).contains("issued an IMDSv2 token");
        assertThat(d.facts()).containsEntry("imdsVersion", "v2");
        assertThat(imds.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("PUT");
            assertThat(r.header("X-aws-ec2-metadata-token-ttl-seconds")).hasValue("21600");
        });
    }

    @Test
    void detect_metadataDisabled_notFoundWithoutAnyRequest() {
        Detection d = source.detect(env("AWS_EC2_METADATA_DISABLED", "true"), true);

        assertThat(d.found()).isFalse();
        assertThat(d.reason()).contains("AWS_EC2_METADATA_DISABLED=true");
        assertThat(imds.requestCount()).isZero();
    }

    @Test
    void detect_tokenRequestHangs_notFoundExplainingTheHopLimitAndTheFix() {
        imds.tokenPutHangs();

        Detection d = source.detect(env("AWS_METADATA_SERVICE_TIMEOUT", "2"), true);

        assertThat(d.found()).isFalse();
        assertThat(d.reason()).contains("no answer within 2000 ms", "HttpPutResponseHopLimit is 1",
                "--http-put-response-hop-limit 2", "IMDSv1 fallback is off (OCEAN_AWS_EC2_IMDS_V1_FALLBACK");
    }

    @Test
    void detect_imdsv1OnlyAndFallbackOff_notFoundNamingTheFallbackSetting() {
        imds.v1Only(403);

        Detection d = source.detect(env(), false);

        assertThat(d.found()).isFalse();
        assertThat(d.reason()).contains("HTTP 403", "IMDSv1 fallback is off", "OCEAN_AWS_EC2_IMDS_V1_FALLBACK");
        assertThat(imds.requests()).noneSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
    }

    @Test
    void resolveCredentials_imdsv1OnlyAndFallbackOn_usesImdsv1() {
        imds.v1Only(405);
        RuntimeEnvironment e = env("OCEAN_AWS_EC2_IMDS_V1_FALLBACK", "true");

        Detection d = source.detect(e, false);
        BaseIdentity identity = source.open(e, d, context());

        assertThat(d.found()).isTrue();
        assertThat(d.facts()).containsEntry("imdsVersion", "v1");
        assertThat(d.reason()).contains("IMDSv1", "OCEAN_AWS_EC2_IMDS_V1_FALLBACK=true");
        assertThat(identity.credentialsProvider().resolveCredentials().accessKeyId())
                .isEqualTo(imds.currentCredentials().accessKeyId());
    }

    @Test
    void detect_fallbackOnButV1DisabledBySdkSetting_notFound() {
        imds.v1Only(404);

        Detection d = source.detect(env("OCEAN_AWS_EC2_IMDS_V1_FALLBACK", "true", "AWS_EC2_METADATA_V1_DISABLED",
                "true"), false);

        assertThat(d.found()).isFalse();
        assertThat(d.reason()).contains("HTTP 404");
    }

    @Test
    void detect_invalidSetting_throwsNamingIt_openThrowsIllegalArgument() {
        RuntimeEnvironment e = env("OCEAN_AWS_EC2_IMDS_V1_FALLBACK", "maybe");

        // Fail closed: a malformed setting is invalid configuration, not "not on EC2".
        assertThatThrownBy(() -> source.detect(e, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OCEAN_AWS_EC2_IMDS_V1_FALLBACK (ocean.aws.ec2ImdsV1Fallback) must be true or false"
                        + " (was 'maybe')");
        assertThatThrownBy(() -> source.open(e, Detection.found("test"), context()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OCEAN_AWS_EC2_IMDS_V1_FALLBACK");
    }

    @Test
    void settings_ipv6Mode_usesTheIpv6Endpoint_badModeNamesTheSetting() {
        assertThat(ImdsSettings.read(RuntimeEnvironment.of(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"),
                Map.of())).endpoint.toString()).isEqualTo("http://[fd00:ec2::254]");
        assertThat(ImdsSettings.read(RuntimeEnvironment.of(Map.of(), Map.of())).endpoint.toString())
                .isEqualTo("http://169.254.169.254");
        assertThatThrownBy(() -> ImdsSettings.read(RuntimeEnvironment.of(
                Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"), Map.of())))
                .hasMessage("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (aws.ec2MetadataServiceEndpointMode) must be IPv4"
                        + " or IPv6 (was 'IPv5')");
    }

    @Test
    void open_identityDocument_regionAndFacts() {
        imds.identity("123456789012", "eu-central-1", "i-0fedcba9876543210");
        RuntimeEnvironment e = env();

        BaseIdentity identity = source.open(e, source.detect(e, false), context());

        assertThat(identity.region()).hasValue(Region.EU_CENTRAL_1);
        assertThat(identity.facts()).containsEntry("instanceId", "i-0fedcba9876543210")
                .containsEntry("instanceAccount", "123456789012")
                .containsEntry("instanceRole", FakeImds.DEFAULT_ROLE_NAME)
                .containsEntry("availabilityZone", "eu-central-1a");
        assertThat(identity.roleSession()).isTrue();
    }

    @Test
    void readRoleTrustPolicy_principalUnknown_usesTheInstanceRoleArn() {
        imds.identity("123456789012", "cn-north-1", "i-1");
        RuntimeEnvironment e = env();
        BaseIdentity identity = source.open(e, source.detect(e, false), context());

        String policy = identity.readRoleTrustPolicy("arn:aws-cn:iam::222222222222:role/PortOceanReadRole",
                Optional.empty(), false);

        assertThat(policy).contains("\"AWS\": \"arn:aws-cn:iam::123456789012:role/PortOceanTaskRole\"");
    }

    @Test
    void resolveCredentials_noRoleAttached_notRetryableErrorSayingAttachAnInstanceProfile() {
        imds.roleName("");
        RuntimeEnvironment e = env();
        BaseIdentity identity = source.open(e, source.detect(e, false), context());

        assertThatThrownBy(() -> identity.credentialsProvider().resolveCredentials())
                .isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("no IAM role is attached to this instance")
                .hasMessageContaining("attach an instance profile");
    }

    @Test
    void resolveCredentials_tokenExpiresOnTheServer_fetchesANewTokenAndSucceeds() {
        RuntimeEnvironment e = env();
        BaseIdentity identity = source.open(e, source.detect(e, false), context());
        int before = imds.tokensIssued();
        imds.expireTokens();

        assertThat(identity.credentialsProvider().resolveCredentials().accessKeyId())
                .isEqualTo(imds.currentCredentials().accessKeyId());
        assertThat(imds.tokensIssued()).isEqualTo(before + 1);
    }

    @Test
    void build_pinnedEc2AndHopLimit_failsWithTheHopLimitFix() {
        imds.tokenPutHangs();

        assertThatThrownBy(() -> ReadRoleBroker.builder()
                .environment(env("OCEAN_AWS_IDENTITY_SOURCE", "ec2", "AWS_METADATA_SERVICE_TIMEOUT", "2")).build())
                .isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("pins 'ec2'")
                .hasMessageContaining("HttpPutResponseHopLimit");
    }
}
