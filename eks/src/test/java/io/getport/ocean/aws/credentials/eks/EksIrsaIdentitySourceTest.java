package io.getport.ocean.aws.credentials.eks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.IdentityDetection;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.regions.Region;

/** EKS IRSA against the STS fake: the two modes, the mode setting, token rotation, claims and token errors. */
class EksIrsaIdentitySourceTest {
    private static final String READ_ROLE_222 = "arn:aws:iam::222222222222:role/PortOceanReadRole";
    private static final String READ_ROLE_333 = "arn:aws:iam::333333333333:role/PortOceanReadRole";
    private static final String POD_ROLE = "arn:aws:iam::111111111111:role/ocean-pod";

    private final MutableClock clock = MutableClock.atSystemTime();
    private final FakeSts sts = FakeSts.builder().clock(clock).start();
    private Jwt jwt = Jwt.forServiceAccount("port", "ocean-aws").clock(clock).build();
    private final Path tokenFile = jwt.writeTempFile();

    @AfterEach
    void stop() {
        sts.close();
    }

    private RuntimeEnvironment env(String roleArn, String... more) {
        Map<String, String> variables = new HashMap<>();
        variables.put("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString());
        variables.put("AWS_ROLE_ARN", roleArn);
        for (int i = 0; i < more.length; i += 2) {
            variables.put(more[i], more[i + 1]);
        }
        return RuntimeEnvironment.of(variables, Map.of());
    }

    private ReadRoleBroker broker(RuntimeEnvironment env) {
        return ReadRoleBroker.builder().environment(env).clock(clock).stsEndpoint(sts.endpoint()).build();
    }

    private List<String> actions() {
        return sts.requests().stream().map(r -> r.action().orElse("?")).collect(Collectors.toList());
    }

    @Test
    void forAccount_roleArnNamesTheReadRole_directModeAssumeRoleWithWebIdentityIntoEachReadRole() {
        try (ReadRoleBroker broker = broker(env(READ_ROLE_222))) {
            broker.forAccount("222222222222").credentialsProvider().resolveCredentials();
            broker.forAccount("333333333333").credentialsProvider().resolveCredentials();

            assertThat(actions()).containsExactly("AssumeRoleWithWebIdentity", "AssumeRoleWithWebIdentity");
            assertThat(sts.requests()).extracting(r -> r.param("RoleArn").orElse(""))
                    .containsExactly(READ_ROLE_222, READ_ROLE_333);
            assertThat(sts.requests()).allSatisfy(r -> {
                assertThat(r.param("WebIdentityToken")).hasValue(jwt.encoded());
                assertThat(r.signed()).isFalse();
            });
            IdentityDetection identity = broker.identity();
            assertThat(identity.facts()).containsEntry("irsaMode", "direct")
                    .containsEntry("irsaModeReason", "AWS_ROLE_ARN names the read role (/PortOceanReadRole)");
            assertThat(identity.roleChaining()).isFalse();
            assertThat(broker.sessionDuration()).isEqualTo(Duration.ofHours(1));
        }
    }

    @Test
    void forAccount_roleArnNamesThePodRole_chainedModeOneWebIdentityThenAssumeRolePerAccount() {
        try (ReadRoleBroker broker = broker(env(POD_ROLE))) {
            broker.forAccount("222222222222").credentialsProvider().resolveCredentials();
            broker.forAccount("333333333333").credentialsProvider().resolveCredentials();

            assertThat(actions()).containsExactly("AssumeRoleWithWebIdentity", "AssumeRole", "AssumeRole");
            RecordedRequest first = sts.requests().get(0);
            assertThat(first.param("RoleArn")).hasValue(POD_ROLE);
            assertThat(first.param("RoleSessionName")).hasValue("port-ocean-irsa");
            assertThat(sts.requests().subList(1, 3)).allSatisfy(r -> assertThat(r.signed()).isTrue());
            IdentityDetection identity = broker.identity();
            assertThat(identity.facts()).containsEntry("irsaMode", "chained");
            assertThat(identity.roleChaining()).isTrue();
        }
    }

    @Test
    void build_modeSettingOverridesAuto_chainedWithTheReadRoleAndDirectWithThePodRole() {
        try (ReadRoleBroker chained = broker(env(READ_ROLE_222, "OCEAN_AWS_EKS_IRSA_MODE", "chained"));
             ReadRoleBroker direct = broker(env(POD_ROLE, "OCEAN_AWS_EKS_IRSA_MODE", "DIRECT"))) {
            assertThat(chained.identity().facts()).containsEntry("irsaMode", "chained")
                    .containsEntry("irsaModeReason", "OCEAN_AWS_EKS_IRSA_MODE=chained");
            assertThat(direct.identity().facts()).containsEntry("irsaMode", "direct");
        }
    }

    @Test
    void build_readRoleWithAnotherName_autoComparesWithTheConfiguredReadRoleName() {
        RuntimeEnvironment e = env("arn:aws:iam::222222222222:role/ops/OceanReader",
                "OCEAN_AWS_READ_ROLE_NAME", "OceanReader", "OCEAN_AWS_READ_ROLE_PATH", "/ops/");

        try (ReadRoleBroker broker = broker(e)) {
            assertThat(broker.identity().facts()).containsEntry("irsaMode", "direct");
        }
    }

    @Test
    void build_invalidMode_illegalArgumentNamingTheSetting() {
        assertThatThrownBy(() -> broker(env(POD_ROLE, "OCEAN_AWS_EKS_IRSA_MODE", "sideways")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OCEAN_AWS_EKS_IRSA_MODE (ocean.aws.eksIrsaMode) must be auto, direct or chained"
                        + " (was 'sideways')");
    }

    @Test
    void resolveCredentials_directModeTokenRotated_nextAssumptionSendsTheNewToken() {
        try (ReadRoleBroker broker = broker(env(READ_ROLE_222))) {
            AwsReadSession session = broker.forAccount("222222222222");
            session.credentialsProvider().resolveCredentials();
            Jwt rotated = Jwt.forServiceAccount("port", "ocean-aws").clock(clock).build();
            rotated.writeTo(tokenFile);

            session.invalidate();
            session.credentialsProvider().resolveCredentials();

            assertThat(sts.lastRequest().orElseThrow().param("WebIdentityToken")).hasValue(rotated.encoded());
            assertThat(rotated.encoded()).isNotEqualTo(jwt.encoded());
        }
    }

    @Test
    void detect_tokenFile_reasonAndFactsCarryClaimsButNeverTheToken() {
        Detection d = new EksIrsaIdentitySource().detect(env(POD_ROLE), false);

        assertThat(d.found()).isTrue();
        assertThat(d.reason()).contains("iss=" + Jwt.DEFAULT_ISSUER, "sub=system:serviceaccount:port:ocean-aws",
                "aud=sts.amazonaws.com", "exp=" + jwt.expiresAt().orElseThrow());
        assertThat(d.facts()).containsEntry("tokenSubject", "system:serviceaccount:port:ocean-aws")
                .containsEntry("roleArn", POD_ROLE);
        assertThat(d.region()).hasValue(Region.US_EAST_1);
        assertThat(d.toString() + d.facts()).doesNotContain(jwt.encoded())
                .doesNotContain(jwt.encoded().split("\\.")[1]);
    }

    @Test
    void detect_onlyOneVariable_notFoundSayingBothAreNeeded() {
        Detection d = new EksIrsaIdentitySource().detect(RuntimeEnvironment.of(Map.of("AWS_ROLE_ARN", POD_ROLE),
                Map.of()), true);

        assertThat(d.found()).isFalse();
        assertThat(d.reason()).contains("AWS_WEB_IDENTITY_TOKEN_FILE is not set", "IRSA needs both");
    }

    @Test
    void detect_roleArnNotARoleArn_foundInvalidNamingTheVariable() {
        Detection d = new EksIrsaIdentitySource().detect(env("arn:aws:iam::111111111111:user/bob"), false);

        // Fail closed: found, so that opening (and build()) fails naming the variable.
        assertThat(d.found()).isTrue();
        assertThat(d.reason()).isEqualTo("the IRSA variables are set but invalid, so no other source is tried:"
                + " AWS_ROLE_ARN (aws.roleArn) must be an IAM role ARN (arn:aws:iam::123456789012:role/name, name 1"
                + " to 64 of [\\w+=,.@-]) (was 'arn:aws:iam::111111111111:user/bob')");
    }

    @Test
    void build_tokenExpired_failsNamingTheFileAndExpiryButNotTheToken() {
        clock.advance(Duration.ofHours(2));

        assertThatThrownBy(() -> broker(env(POD_ROLE)))
                .isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE=" + tokenFile)
                .hasMessageContaining("expired at " + jwt.expiresAt().orElseThrow())
                .hasMessageContaining("sub=system:serviceaccount:port:ocean-aws")
                .hasMessageNotContaining(jwt.encoded());
    }

    @Test
    void build_tokenFileMissing_failsNamingTheFile() {
        RuntimeEnvironment e = RuntimeEnvironment.of(Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token",
                "AWS_ROLE_ARN", POD_ROLE), Map.of());

        assertThat(new EksIrsaIdentitySource().detect(e, false).reason())
                .contains("the token file is unusable", "AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token",
                        "(NoSuchFileException)");
        assertThatThrownBy(() -> broker(e))
                .isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("Cannot read the web identity token:")
                .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token (NoSuchFileException)")
                .hasMessageContaining("eks.amazonaws.com/role-arn");
    }

    @Test
    void resolveCredentials_tokenExpiresLater_directModeFailsLocallyWithoutCallingSts() {
        try (ReadRoleBroker broker = broker(env(READ_ROLE_222));
             LogCapture logs = LogCapture.attach(Level.TRACE)) {
            clock.advance(Duration.ofHours(2));

            assertThatThrownBy(() -> broker.forAccount("222222222222").credentialsProvider().resolveCredentials())
                    .isInstanceOf(ReadRoleException.class)
                    .hasMessageContaining("expired at")
                    .hasMessageNotContaining(jwt.encoded());
            assertThat(sts.requestCount()).isZero();
            logs.assertNoneContain(List.of(jwt.encoded()));
        }
    }

    @Test
    void readRoleTrustPolicy_directMode_federatedOidcProviderInTheReadRolesAccountWithSubAndAud() {
        RuntimeEnvironment e = env(READ_ROLE_222);
        EksIrsaIdentitySource source = new EksIrsaIdentitySource();
        BaseIdentity identity = source.open(e, source.detect(e, false),
                new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, sts.endpoint(), clock));

        String policy = identity.readRoleTrustPolicy(READ_ROLE_333, Optional.empty(), true);

        String issuer = Jwt.DEFAULT_ISSUER.substring("https://".length());
        assertThat(policy).contains("\"Federated\": \"arn:aws:iam::333333333333:oidc-provider/" + issuer + "\"",
                "sts:AssumeRoleWithWebIdentity", "\"" + issuer + ":sub\": \"system:serviceaccount:port:ocean-aws\"",
                "\"" + issuer + ":aud\": \"sts.amazonaws.com\"");
        identity.close();
    }

    @Test
    void readRoleTrustPolicy_chainedMode_awsPrincipalIsThePodRole() {
        RuntimeEnvironment e = env(POD_ROLE);
        EksIrsaIdentitySource source = new EksIrsaIdentitySource();
        BaseIdentity identity = source.open(e, source.detect(e, false),
                new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, sts.endpoint(), clock));

        assertThat(identity.readRoleTrustPolicy(READ_ROLE_333, Optional.empty(), false))
                .contains("\"AWS\": \"" + POD_ROLE + "\"", "\"Action\": \"sts:AssumeRole\"");
        AwsCredentials base = identity.credentialsProvider().resolveCredentials();
        assertThat(base.accessKeyId()).startsWith("ASIA");
        identity.close();
    }
}
