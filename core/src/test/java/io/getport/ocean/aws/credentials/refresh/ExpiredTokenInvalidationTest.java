package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.START;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.account;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.broker;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An AWS service rejects the session's credentials as expired (they were revoked, or the clock is off): the SDK client
 * configured through the session invalidates them, and the next call refreshes instead of failing until the
 * scheduled refresh.
 */
class ExpiredTokenInvalidationTest {
    private final MutableClock clock = MutableClock.at(START);
    private final FakeSts sts = RefreshTesting.sts(clock);
    private final FakeS3 s3 = new FakeS3();

    @AfterEach
    void close() {
        s3.close();
        sts.close();
    }

    private S3Client s3Client(AwsReadSession session) {
        return session.configure(S3Client.builder())
                .endpointOverride(s3.endpoint())
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
                .build();
    }

    @Test
    void listBuckets_serviceAnswersExpiredToken_nextCallRefreshesAndSucceeds() {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(1));
            try (S3Client client = s3Client(session)) {
                client.listBuckets();
                String first = s3.keysSeen.get(0);
                s3.expired.add(first);

                Throwable thrown = catchThrowable(client::listBuckets);

                assertThat(thrown).isInstanceOf(S3Exception.class);
                assertThat(((S3Exception) thrown).awsErrorDetails().errorCode()).isEqualTo("ExpiredToken");
                assertThat(sts.count("AssumeRole")).isEqualTo(1);

                client.listBuckets();

                assertThat(sts.count("AssumeRole")).isEqualTo(2);
                String second = s3.keysSeen.get(s3.keysSeen.size() - 1);
                assertThat(second).isNotEqualTo(first).isEqualTo(sts.issued().get(1).accessKeyId());
                // Still fresh credentials (an hour from now): the scheduled refresh did not do this.
                assertThat(session.expiration()).contains(sts.issued().get(1).expiration());
            }
        }
    }

    @Test
    void listBuckets_lateExpiredTokenForAlreadyReplacedCredentials_freshCredentialsKept() {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(2));
            AwsSessionCredentials old = resolve(session);
            session.invalidate();
            AwsSessionCredentials fresh = resolve(session);
            assertThat(sts.count("AssumeRole")).isEqualTo(2);
            s3.expired.add(old.accessKeyId());

            // A request signed with the old credentials (in flight when they were replaced) fails late.
            try (S3Client late = session.configure(S3Client.builder())
                    .credentialsProvider(StaticCredentialsProvider.create(old))
                    .endpointOverride(s3.endpoint())
                    .forcePathStyle(true)
                    .build()) {
                assertThat(catchThrowable(late::listBuckets)).isInstanceOf(S3Exception.class);
            }

            assertThat(resolve(session)).isSameAs(fresh);
            assertThat(sts.count("AssumeRole")).isEqualTo(2);
        }
    }

    @Test
    void invalidate_explicitly_nextResolutionCallsSts() {
        try (ReadRoleBroker broker = broker(sts, clock).build()) {
            AwsReadSession session = broker.forAccount(account(3));
            AwsSessionCredentials first = resolve(session);

            session.invalidate();
            AwsSessionCredentials second = resolve(session);

            assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
            assertThat(sts.count("AssumeRole")).isEqualTo(2);
            assertThat(resolve(session)).isSameAs(second);
        }
    }

    /**
     * Answers S3 {@code ListBuckets} (path-style {@code GET /}) as S3 does, or with S3's {@code ExpiredToken} error
     * (HTTP 400) for requests signed with an access key in {@link #expired}. Records every request's access key.
     */
    static final class FakeS3 implements AutoCloseable {
        private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Z0-9]+)/");
        final Set<String> expired = ConcurrentHashMap.newKeySet();
        final List<String> keysSeen = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        FakeS3() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server.createContext("/", this::serve);
            server.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        private void serve(HttpExchange exchange) throws IOException {
            exchange.getRequestBody().readAllBytes();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher m = CREDENTIAL.matcher(authorization == null ? "" : authorization);
            String key = m.find() ? m.group(1) : "";
            keysSeen.add(key);
            String body;
            int status;
            if (expired.contains(key)) {
                status = 400;
                body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>ExpiredToken</Code>"
                        + "<Message>The provided token has expired.</Message><RequestId>4442587FB7D0A2F9</RequestId>"
                        + "<HostId>fake</HostId></Error>";
            } else {
                status = 200;
                body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult"
                        + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>owner</ID></Owner>"
                        + "<Buckets><Bucket><Name>ocean-demo</Name><CreationDate>2026-01-01T00:00:00.000Z"
                        + "</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/xml");
            exchange.getResponseHeaders().set("x-amz-request-id", "4442587FB7D0A2F9");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
