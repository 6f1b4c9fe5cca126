package io.getport.ocean.aws.credentials.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.testkit.MutableClock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;

class FakeImdsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-11-28T15:00:00Z"));
    private FakeImds imds;

    @BeforeEach
    void start() {
        imds = FakeImds.builder().clock(clock).start();
    }

    @AfterEach
    void stop() {
        imds.close();
    }

    @Test
    void sdkProvider_imdsV2_resolvesInstanceRoleCredentials() {
        AwsSessionCredentials given = AwsSessionCredentials.builder().accessKeyId("ASIAINSTANCE00000001")
                .secretAccessKey("instance-secret").sessionToken("instance-token")
                .expirationTime(Instant.now().plus(Duration.ofHours(6))).build();
        imds.credentials(given);

        AwsCredentials resolved = resolveWithSdk();

        assertThat(resolved.accessKeyId()).isEqualTo("ASIAINSTANCE00000001");
        assertThat(resolved.secretAccessKey()).isEqualTo("instance-secret");
        assertThat(imds.tokensIssued()).isEqualTo(1);
        assertThat(imds.requests()).first().satisfies(put -> {
            assertThat(put.method()).isEqualTo("PUT");
            assertThat(put.path()).isEqualTo("/latest/api/token");
            assertThat(put.header("X-aws-ec2-metadata-token-ttl-seconds")).isPresent();
        });
        assertThat(imds.requests()).filteredOn(r -> r.method().equals("GET"))
                .allSatisfy(r -> assertThat(r.hasHeader("X-aws-ec2-metadata-token")).isTrue())
                .extracting(RecordedRequest::path)
                .contains("/latest/meta-data/iam/security-credentials/PortOceanTaskRole");
    }

    @Test
    void tokenPut_ttlOutOfRangeOrForwarded_rejected() throws Exception {
        assertThat(putToken(null).statusCode()).isEqualTo(400);
        assertThat(putToken("0").statusCode()).isEqualTo(400);
        assertThat(putToken("21601").statusCode()).isEqualTo(400);
        assertThat(putToken("abc").statusCode()).isEqualTo(400);
        HttpResponse<String> forwarded = HTTP.send(HttpRequest.newBuilder(imds.endpoint().resolve("/latest/api/token"))
                .header("X-aws-ec2-metadata-token-ttl-seconds", "60").header("X-Forwarded-For", "10.0.0.1")
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forwarded.statusCode()).isEqualTo(403);

        HttpResponse<String> ok = putToken("21600");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-aws-ec2-metadata-token-ttl-seconds")).contains("21600");
        assertThat(ok.body()).isNotBlank();
    }

    @Test
    void get_missingInvalidOrExpiredToken_unauthorizedUnlessV1Allowed() throws Exception {
        String path = "/latest/meta-data/iam/security-credentials/";
        assertThat(get(path, null).statusCode()).isEqualTo(401);
        assertThat(get(path, "made-up").statusCode()).isEqualTo(401);

        String token = putToken("60").body();
        HttpResponse<String> roles = get(path, token);
        assertThat(roles.statusCode()).isEqualTo(200);
        assertThat(roles.body()).isEqualTo("PortOceanTaskRole");

        clock.advance(Duration.ofSeconds(61));
        assertThat(get(path, token).statusCode()).isEqualTo(401);
        String fresh = putToken("60").body();
        imds.expireTokens();
        assertThat(get(path, fresh).statusCode()).isEqualTo(401);

        imds.allowV1(true);
        assertThat(get(path, null).statusCode()).isEqualTo(200);
        assertThat(get(path, "made-up").statusCode()).isEqualTo(401);
    }

    @Test
    void metadataPaths_validToken_describeRoleCredentialsAndInstance() throws Exception {
        imds.roleName("InstanceRole").identity("555555555555", "eu-west-1", "i-0aaaabbbbccccdddd");
        IssuedCredentials served = imds.rotateCredentials(Duration.ofHours(1));
        String token = putToken("300").body();

        String credentials = get("/latest/meta-data/iam/security-credentials/InstanceRole", token).body();
        assertThat(credentials).startsWith("{\"Code\":\"Success\",\"LastUpdated\":\"2026-11-28T15:00:00Z\","
                + "\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"" + served.accessKeyId() + "\"")
                .contains("\"Token\":\"" + served.sessionToken() + "\"")
                .endsWith("\"Expiration\":\"2026-11-28T16:00:00Z\"}");
        assertThat(get("/latest/meta-data/iam/security-credentials/OtherRole", token).statusCode()).isEqualTo(404);
        assertThat(get("/latest/meta-data/placement/region", token).body()).isEqualTo("eu-west-1");
        assertThat(get("/latest/meta-data/instance-id", token).body()).isEqualTo("i-0aaaabbbbccccdddd");
        assertThat(get("/latest/dynamic/instance-identity/document", token).body())
                .contains("\"accountId\":\"555555555555\"").contains("\"region\":\"eu-west-1\"")
                .contains("\"instanceId\":\"i-0aaaabbbbccccdddd\"");

        assertThat(get("/latest/meta-data/iam/security-credentials-extended/", token).statusCode()).isEqualTo(404);
        imds.extendedCredentials(true);
        assertThat(get("/latest/meta-data/iam/security-credentials-extended/", token).body()).isEqualTo("InstanceRole");
        assertThat(get("/latest/meta-data/iam/security-credentials-extended/InstanceRole", token).body())
                .contains("\"AccountId\":\"555555555555\"");
        assertThat(imds.issuedSecrets()).contains(served.secretAccessKey());
    }

    @Test
    void tokenPutHangs_putTimesOut_sdkFallsBackToV1WhenAllowed() throws Exception {
        imds.tokenPutHangs();
        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(imds.endpoint().resolve("/latest/api/token"))
                .header("X-aws-ec2-metadata-token-ttl-seconds", "60").timeout(Duration.ofMillis(300))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(imds.awaitHanging(1, Duration.ofSeconds(5))).isTrue();

        imds.allowV1(true);
        assertThat(resolveWithSdk().accessKeyId()).isEqualTo(imds.currentCredentials().accessKeyId());
        assertThat(imds.tokensIssued()).isZero();

        imds.healthy();
        assertThat(imds.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(putToken("60").statusCode()).isEqualTo(200);
    }

    @Test
    void v1Only_tokenPutRefused_sdkUsesV1() throws Exception {
        imds.v1Only(405);
        assertThat(putToken("60").statusCode()).isEqualTo(405);

        assertThat(resolveWithSdk().accessKeyId()).isEqualTo(imds.currentCredentials().accessKeyId());
        assertThat(imds.requests()).filteredOn(r -> r.method().equals("GET"))
                .allSatisfy(r -> assertThat(r.hasHeader("X-aws-ec2-metadata-token")).isFalse());
        assertThatThrownBy(() -> imds.v1Only(500)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void enqueueServerError_rawRequest_answersStatus() throws Exception {
        imds.enqueue(Fault.status(503), Fault.delay(Duration.ofMillis(50), Fault.status(500)));
        assertThat(putToken("60").statusCode()).isEqualTo(503);
        assertThat(putToken("60").statusCode()).isEqualTo(500);
        assertThat(putToken("60").statusCode()).isEqualTo(200);
    }

    private AwsCredentials resolveWithSdk() {
        try (InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider.builder()
                .endpoint(imds.endpoint().toString()).build()) {
            return provider.resolveCredentials();
        }
    }

    private HttpResponse<String> putToken(String ttl) throws Exception {
        HttpRequest.Builder put = HttpRequest.newBuilder(imds.endpoint().resolve("/latest/api/token"))
                .timeout(Duration.ofSeconds(10)).PUT(HttpRequest.BodyPublishers.noBody());
        if (ttl != null) {
            put.header("X-aws-ec2-metadata-token-ttl-seconds", ttl);
        }
        return HTTP.send(put.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder get = HttpRequest.newBuilder(imds.endpoint().resolve(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            get.header("X-aws-ec2-metadata-token", token);
        }
        return HTTP.send(get.build(), HttpResponse.BodyHandlers.ofString());
    }
}
