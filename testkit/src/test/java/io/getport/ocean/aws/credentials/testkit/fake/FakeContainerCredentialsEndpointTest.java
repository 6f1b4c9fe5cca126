package io.getport.ocean.aws.credentials.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

class FakeContainerCredentialsEndpointTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-11-28T15:00:00Z"));
    private FakeContainerCredentialsEndpoint agent;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void get_ecsAgent_servesCredentialsJson() throws Exception {
        agent = FakeContainerCredentialsEndpoint.builder().clock(clock)
                .roleArn(FakeContainerCredentialsEndpoint.DEFAULT_ROLE_ARN).start();
        IssuedCredentials served = agent.currentCredentials();

        HttpResponse<String> response = get(agent.credentialsUri(), null);

        assertThat(agent.path()).startsWith("/v2/credentials/");
        assertThat(agent.credentialsUri().toString()).startsWith("http://127.0.0.1:");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body()).isEqualTo("{\"AccessKeyId\":\"" + served.accessKeyId() + "\",\"SecretAccessKey\":\""
                + served.secretAccessKey() + "\",\"Token\":\"" + served.sessionToken()
                + "\",\"Expiration\":\"2026-11-28T16:00:00Z\",\"RoleArn\":\""
                + FakeContainerCredentialsEndpoint.DEFAULT_ROLE_ARN + "\"}");
        assertThat(agent.issuedSecrets()).contains(served.secretAccessKey(), served.sessionToken());
    }

    @Test
    void sdkProvider_fullUriWithToken_resolvesServedCredentials() {
        agent = FakeContainerCredentialsEndpoint.podIdentity("pod-token-1");
        AwsSessionCredentials given = AwsSessionCredentials.builder().accessKeyId("ASIAGIVEN00000000001")
                .secretAccessKey("given-secret").sessionToken("given-token")
                .expirationTime(Instant.now().plus(Duration.ofHours(2))).build();
        agent.credentials(given);

        AwsCredentials resolved = withProperties(Map.of(
                "aws.containerCredentialsFullUri", agent.credentialsUri().toString(),
                "aws.containerAuthorizationToken", "pod-token-1"),
                () -> resolveWithSdk());

        assertThat(resolved.accessKeyId()).isEqualTo("ASIAGIVEN00000000001");
        assertThat(resolved.secretAccessKey()).isEqualTo("given-secret");
        assertThat(((AwsSessionCredentials) resolved).sessionToken()).isEqualTo("given-token");
        assertThat(agent.path()).isEqualTo("/v1/credentials");
        assertThat(agent.lastRequest()).get().satisfies(r -> {
            assertThat(r.header("Authorization")).contains("pod-token-1");
            assertThat(r.method()).isEqualTo("GET");
        });
    }

    @Test
    void sdkProvider_serverErrorOnce_retriedBySdk() {
        agent = FakeContainerCredentialsEndpoint.ecs();
        agent.enqueue(Fault.status(500, "text/plain", "agent restarting"));

        AwsCredentials resolved = withProperties(Map.of(
                "aws.containerCredentialsFullUri", agent.credentialsUri().toString()), () -> resolveWithSdk());

        assertThat(resolved.accessKeyId()).isEqualTo(agent.currentCredentials().accessKeyId());
        assertThat(agent.requestCount()).isEqualTo(2);
    }

    @Test
    void authorization_missingWrongOrRotated_unauthorized() throws Exception {
        agent = FakeContainerCredentialsEndpoint.podIdentity("token-a");

        assertThat(get(agent.credentialsUri(), null).statusCode()).isEqualTo(401);
        assertThat(get(agent.credentialsUri(), "token-b").statusCode()).isEqualTo(401);
        assertThat(get(agent.credentialsUri(), "token-a").body()).contains("\"AccountId\":\"111111111111\"");

        agent.expectAuthorization("token-b");
        assertThat(get(agent.credentialsUri(), "token-a").statusCode()).isEqualTo(401);
        assertThat(get(agent.credentialsUri(), "token-b").statusCode()).isEqualTo(200);

        assertThatThrownBy(() -> withProperties(Map.of(
                "aws.containerCredentialsFullUri", agent.credentialsUri().toString(),
                "aws.containerAuthorizationToken", "token-a"), () -> resolveWithSdk()))
                .isInstanceOf(SdkClientException.class);
    }

    @Test
    void rotateCredentials_newKeysAndExpiry() throws Exception {
        agent = FakeContainerCredentialsEndpoint.builder().clock(clock).start();
        IssuedCredentials before = agent.currentCredentials();
        clock.advance(Duration.ofMinutes(50));

        IssuedCredentials after = agent.rotateCredentials(Duration.ofMinutes(30));

        assertThat(after.accessKeyId()).isNotEqualTo(before.accessKeyId());
        assertThat(after.expiration()).isEqualTo(Instant.parse("2026-11-28T16:20:00Z"));
        assertThat(get(agent.credentialsUri(), null).body()).contains(after.accessKeyId())
                .doesNotContain("RoleArn");
        assertThat(agent.issuedSecrets()).contains(before.secretAccessKey(), after.secretAccessKey());
    }

    @Test
    void taskMetadata_get_servesTaskArnClusterAndZone() throws Exception {
        agent = FakeContainerCredentialsEndpoint.ecs()
                .taskMetadata("arn:aws:ecs:eu-west-1:111111111111:task/c1/abc", "c1", "eu-west-1b");

        HttpResponse<String> task = get(URI.create(agent.taskMetadataUri() + "/task"), null);

        assertThat(task.statusCode()).isEqualTo(200);
        assertThat(task.body()).contains("\"TaskARN\":\"arn:aws:ecs:eu-west-1:111111111111:task/c1/abc\"")
                .contains("\"Cluster\":\"c1\"").contains("\"AvailabilityZone\":\"eu-west-1b\"");
    }

    @Test
    void otherPathsAndMethods_agentErrors() throws Exception {
        agent = FakeContainerCredentialsEndpoint.ecs();

        HttpResponse<String> otherId = get(agent.endpoint().resolve("/v2/credentials/someone-else"), null);
        assertThat(otherId.statusCode()).isEqualTo(400);
        assertThat(otherId.body()).contains("InvalidIdInRequest");
        assertThat(get(agent.endpoint().resolve("/nothing"), null).statusCode()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(agent.credentialsUri())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void onRequestHang_clientTimesOut_otherRequestsStillServed() throws Exception {
        agent = FakeContainerCredentialsEndpoint.ecs();
        agent.onRequest(r -> r.path().endsWith("/task") ? Fault.hang() : Fault.none());

        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create(agent.taskMetadataUri() + "/task"))
                .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(agent.hanging()).isEqualTo(1);
        assertThat(get(agent.credentialsUri(), null).statusCode()).isEqualTo(200);

        agent.clearFaults();
        agent.releaseHangs();
        assertThat(agent.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(agent.peakInFlight()).isEqualTo(2);
        assertThat(agent.awaitRequests(3, Duration.ofSeconds(1))).isFalse();
    }

    private static AwsCredentials resolveWithSdk() {
        try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            return provider.resolveCredentials();
        }
    }

    private static HttpResponse<String> get(URI uri, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The SDK reads these system properties on each resolve; set them only around it. */
    static <T> T withProperties(Map<String, String> properties, Supplier<T> action) {
        Map<String, String> saved = new HashMap<>();
        properties.keySet().forEach(key -> saved.put(key, System.getProperty(key)));
        try {
            properties.forEach(System::setProperty);
            return action.get();
        } finally {
            saved.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }
}
