package io.getport.ocean.aws.credentials.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generic machinery of {@link FakeServer}, exercised through the smallest fake. */
class FaultAndRecordingTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void fault_invalidValues_rejected() {
        assertThatThrownBy(() -> Fault.status(99)).hasMessage("status must be between 100 and 599, was 99");
        assertThatThrownBy(() -> Fault.delay(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Fault.none().isNone()).isTrue();
        assertThat(Fault.delay(Duration.ofMillis(5), Fault.status(500)).toString())
                .isEqualTo("Fault[delay PT0.005S then Fault[status 500]]");
        assertThat(Fault.hang()).hasToString("Fault[hang]");
    }

    @Test
    void enqueueAndRule_appliedInOrder_thenNormal() throws Exception {
        try (FakeContainerCredentialsEndpoint fake = FakeContainerCredentialsEndpoint.ecs()) {
            fake.enqueue(Fault.status(502, "text/plain", "bad gateway"));
            fake.onRequest(r -> r.header("X-Test").isPresent() ? Fault.status(418) : Fault.none());

            HttpResponse<String> queued = get(fake, null);
            assertThat(queued.statusCode()).isEqualTo(502);
            assertThat(queued.body()).isEqualTo("bad gateway");
            assertThat(get(fake, "1").statusCode()).isEqualTo(418);
            assertThat(get(fake, null).statusCode()).isEqualTo(200);

            fake.clearFaults();
            assertThat(get(fake, "1").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void closeConnection_rawClient_ioError() {
        try (FakeContainerCredentialsEndpoint fake = FakeContainerCredentialsEndpoint.ecs()) {
            // The JDK client retries an idempotent GET once on a dropped connection, so drop both attempts.
            fake.enqueue(Fault.closeConnection(), Fault.closeConnection());
            assertThatThrownBy(() -> get(fake, null)).isInstanceOf(IOException.class);
            assertThat(fake.requestCount()).isBetween(1, 2);
        }
    }

    @Test
    void recording_headersCaseInsensitive_toStringHidesValues() throws Exception {
        try (FakeContainerCredentialsEndpoint fake = FakeContainerCredentialsEndpoint.ecs()) {
            get(fake, "header-value-1");
            get(fake, null);

            assertThat(fake.awaitRequests(2, Duration.ofSeconds(5))).isTrue();
            RecordedRequest first = fake.requests().get(0);
            assertThat(first.sequence()).isEqualTo(1);
            assertThat(first.header("x-test")).contains("header-value-1");
            assertThat(first.header("X-TEST")).contains("header-value-1");
            assertThat(first.toString()).contains("GET").doesNotContain("header-value-1");
            assertThat(fake.lastRequest()).get().extracting(RecordedRequest::sequence).isEqualTo(2L);

            fake.clearRequests();
            assertThat(fake.requestCount()).isZero();
        }
    }

    @Test
    void recordedRequest_formBodyAndQuery_parsedAsParams() {
        RecordedRequest request = new RecordedRequest(1, Instant.EPOCH, "POST", "/", "a=1",
                Map.of("Content-Type", List.of("application/x-www-form-urlencoded")),
                Texts.parseForm("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&Empty",
                        Texts.parseForm("a=1", Texts.newParams())), "Action=AssumeRole");

        assertThat(request.action()).contains("AssumeRole");
        assertThat(request.param("RoleArn")).contains("arn:aws:iam::1:role/r");
        assertThat(request.param("a")).contains("1");
        assertThat(request.param("Empty")).contains("");
        assertThat(request.signed()).isFalse();
    }

    @Test
    void delay_perRequest_holdsOnlyThatRequest() throws Exception {
        try (FakeImds imds = FakeImds.builder().threads(2).start()) {
            imds.onRequest(r -> r.path().endsWith("region") ? Fault.delay(Duration.ofMillis(400)) : Fault.none());
            long start = System.nanoTime();
            var slow = HTTP.sendAsync(HttpRequest.newBuilder(imds.endpoint().resolve("/latest/meta-data/placement/region"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> fast = HTTP.send(HttpRequest.newBuilder(imds.endpoint().resolve("/latest/api/token"))
                    .header("X-aws-ec2-metadata-token-ttl-seconds", "60")
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(fast.statusCode()).isEqualTo(200);
            assertThat(slow.get().statusCode()).isEqualTo(401);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    private static HttpResponse<String> get(FakeContainerCredentialsEndpoint fake, String testHeader)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(fake.credentialsUri()).timeout(Duration.ofSeconds(10));
        if (testHeader != null) {
            request.header("X-Test", testHeader);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
