package io.getport.ocean.aws.credentials.accounts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpService;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * A minimal AWS Organizations client: the read operations this package needs, spoken as AWS JSON 1.1 ({@code POST /}
 * with {@code X-Amz-Target: AWSOrganizationsV20161128.<Operation>}), signed with SigV4 (service
 * {@code organizations}) and sent with the SDK's synchronous HTTP client. The SDK's own {@code organizations} module is
 * not a dependency of this library.
 *
 * <p>Recoverable failures (throttling, 5xx, I/O errors) are retried with jittered exponential backoff; everything else
 * is thrown at once as an {@link OrganizationsException}. Thread safe.
 */
final class OrganizationsClient implements AutoCloseable {
    static final String SERVICE = "organizations";
    static final String TARGET_PREFIX = "AWSOrganizationsV20161128.";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** The largest page the List* operations accept. */
    static final int MAX_PAGE_SIZE = 20;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

    private static final Set<String> RECOVERABLE_CODES = Set.of("TooManyRequestsException", "ThrottlingException",
            "Throttling", "ServiceException", "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure",
            "InternalError", "RequestTimeout", "RequestTimeoutException", "ConcurrentModificationException");
    private static final Set<String> CREDENTIAL_CODES = Set.of("ExpiredTokenException", "ExpiredToken",
            "InvalidClientTokenId", "UnrecognizedClientException");
    private static final Pattern XML_CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern XML_MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

    /** How retry delays are waited out; tests replace it so they never sleep. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final URI endpoint;
    private final String signingRegion;
    private final AwsCredentialsProvider credentials;
    private final Runnable onCredentialsRejected;
    private final SdkHttpClient http;
    private final boolean ownsHttp;
    private final int maxAttempts;
    private final long baseDelayMillis;
    private final long maxDelayMillis;
    private final Sleeper sleeper;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param onCredentialsRejected called when the service rejects the credentials themselves (expired, unknown key):
     *     it should make {@code credentials} hand out new ones; the call is then retried once at once
     */
    OrganizationsClient(URI endpoint, String signingRegion, AwsCredentialsProvider credentials,
            Runnable onCredentialsRejected, SdkHttpClient http, boolean ownsHttp, int maxAttempts, Duration baseDelay,
            Sleeper sleeper) {
        this.endpoint = endpoint;
        this.signingRegion = signingRegion;
        this.credentials = credentials;
        this.onCredentialsRejected = onCredentialsRejected;
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.baseDelayMillis = Math.max(1, baseDelay.toMillis());
        this.maxDelayMillis = Math.max(baseDelayMillis, 5_000);
        this.sleeper = sleeper;
    }

    /** The signing region of a partition's Organizations endpoint (the service is global, homed in one region). */
    static String signingRegion(String partition) {
        switch (partition) {
            case "aws":
                return "us-east-1";
            case "aws-cn":
                return "cn-northwest-1";
            case "aws-us-gov":
                return "us-gov-west-1";
            default:
                return null;
        }
    }

    /** The Organizations endpoint of a partition, or null when this library does not know it. */
    static URI defaultEndpoint(String partition) {
        switch (partition) {
            case "aws":
                return URI.create("https://organizations.us-east-1.amazonaws.com");
            case "aws-cn":
                return URI.create("https://organizations.cn-northwest-1.amazonaws.com.cn");
            case "aws-us-gov":
                return URI.create("https://organizations.us-gov-west-1.amazonaws.com");
            default:
                return null;
        }
    }

    /**
     * The SDK's synchronous HTTP client found on the class path (the one SDK service clients use by default: the
     * Apache 5 client, else the Apache client, else the URL connection client), with this client's timeouts.
     */
    static SdkHttpClient defaultHttpClient() {
        List<SdkHttpService> services = new ArrayList<>();
        Iterator<SdkHttpService> it = ServiceLoader
                .load(SdkHttpService.class, OrganizationsClient.class.getClassLoader()).iterator();
        while (it.hasNext()) {
            services.add(it.next());
        }
        if (services.isEmpty()) {
            throw new IllegalStateException("No synchronous AWS SDK HTTP client on the class path: add"
                    + " software.amazon.awssdk:apache5-client (or apache-client, url-connection-client)");
        }
        services.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        AttributeMap options = AttributeMap.builder()
                .put(SdkHttpConfigurationOption.CONNECTION_TIMEOUT, CONNECT_TIMEOUT)
                .put(SdkHttpConfigurationOption.READ_TIMEOUT, READ_TIMEOUT)
                .build();
        return services.get(0).createHttpClientBuilder().buildWithDefaults(options);
    }

    private static int rank(SdkHttpService service) {
        String name = service.getClass().getName().toLowerCase(Locale.ROOT);
        if (name.contains("apache5")) {
            return 0;
        }
        if (name.contains("apache")) {
            return 1;
        }
        return 2;
    }

    /**
     * Calls every page of a List* operation ({@code NextToken} paging) and hands each item of {@code resultKey} to
     * {@code item}.
     *
     * @return the number of pages fetched
     */
    int listAll(String operation, Map<String, String> parameters, String resultKey, int pageSize,
            Consumer<JsonNode> item) {
        String token = null;
        int pages = 0;
        do {
            Map<String, Object> body = new LinkedHashMap<>(parameters);
            body.put("MaxResults", pageSize);
            if (token != null) {
                body.put("NextToken", token);
            }
            JsonNode page = call(operation, body);
            pages++;
            page.field(resultKey).filter(JsonNode::isArray).ifPresent(items -> items.asArray().forEach(item));
            token = page.field("NextToken").filter(JsonNode::isString).map(JsonNode::asString)
                    .filter(t -> !t.isEmpty()).orElse(null);
        } while (token != null);
        return pages;
    }

    /** One operation, with retries for recoverable failures. */
    JsonNode call(String operation, Map<String, Object> body) {
        String json = toJson(body);
        boolean renewed = false;
        for (int attempt = 1; ; attempt++) {
            try {
                return callOnce(operation, json);
            } catch (OrganizationsException e) {
                if (!renewed && CREDENTIAL_CODES.contains(e.code())) {
                    renewed = true;
                    onCredentialsRejected.run();
                    attempt--;
                    continue;
                }
                if (!e.recoverable() || attempt >= maxAttempts) {
                    throw e.attempts(attempt);
                }
                pause(attempt);
            }
        }
    }

    private void pause(int attempt) {
        long ceiling = Math.min(maxDelayMillis, baseDelayMillis << Math.min(20, attempt - 1));
        try {
            sleeper.sleep(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrganizationsException("Interrupted", 0, "interrupted while waiting to retry", false, e);
        }
    }

    private JsonNode callOnce(String operation, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        AwsCredentialsIdentity identity = credentials.resolveCredentials();
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath(endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/"
                        : endpoint.getRawPath())
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("X-Amz-Target", TARGET_PREFIX + operation)
                .putHeader("Content-Length", Integer.toString(bytes.length))
                .build();
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion));
        HttpExecuteResponse response;
        byte[] body;
        try {
            response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            body = readBody(response);
        } catch (IOException | UncheckedIOException e) {
            throw new OrganizationsException(e.getClass().getSimpleName(), 0,
                    "no answer from " + endpoint.getHost() + ": " + e.getMessage(), true, e);
        }
        int status = response.httpResponse().statusCode();
        String text = new String(body, StandardCharsets.UTF_8);
        if (status / 100 == 2) {
            try {
                return JsonNode.parser().parse(text.isBlank() ? "{}" : text);
            } catch (RuntimeException e) {
                throw new OrganizationsException("MalformedResponse", status,
                        operation + " answered HTTP " + status + " with a body that is not JSON", false, e);
            }
        }
        throw error(operation, status, response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse(null),
                text);
    }

    private static byte[] readBody(HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return new byte[0];
        }
        try (InputStream in = response.responseBody().get()) {
            return in.readAllBytes();
        }
    }

    /** Parses a JSON 1.1 error ({@code __type}, {@code message}) or, from some front ends, a query-style XML one. */
    static OrganizationsException error(String operation, int status, String errorTypeHeader, String body) {
        String code = null;
        String message = null;
        String trimmed = body == null ? "" : body.trim();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode node = JsonNode.parser().parse(trimmed);
                code = node.field("__type").filter(JsonNode::isString).map(JsonNode::asString)
                        .orElseGet(() -> node.field("code").filter(JsonNode::isString).map(JsonNode::asString)
                                .orElse(null));
                message = node.field("message").or(() -> node.field("Message")).filter(JsonNode::isString)
                        .map(JsonNode::asString).orElse(null);
            } catch (RuntimeException e) {
                // fall through: the status code decides
            }
        } else if (trimmed.startsWith("<")) {
            Matcher c = XML_CODE.matcher(trimmed);
            code = c.find() ? c.group(1) : null;
            Matcher m = XML_MESSAGE.matcher(trimmed);
            message = m.find() ? m.group(1) : null;
        }
        if (code == null && errorTypeHeader != null) {
            code = errorTypeHeader;
        }
        code = shortCode(code);
        if (code == null) {
            code = status >= 500 ? "ServiceException" : "HTTP" + status;
        }
        boolean recoverable = status >= 500 || status == 429 || RECOVERABLE_CODES.contains(code);
        return new OrganizationsException(code, status,
                operation + " failed: " + (message != null ? message : "HTTP " + status), recoverable, null);
    }

    /** {@code aws.organizations#AccessDeniedException:http://...} to {@code AccessDeniedException}. */
    static String shortCode(String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        String c = code.trim();
        int colon = c.indexOf(':');
        if (colon >= 0) {
            c = c.substring(0, colon);
        }
        int hash = c.lastIndexOf('#');
        if (hash >= 0) {
            c = c.substring(hash + 1);
        }
        return c.isEmpty() ? null : c;
    }

    /** A JSON object of strings and numbers (all this client ever sends). */
    static String toJson(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(out, e.getKey());
            out.append(':');
            if (e.getValue() instanceof Number) {
                out.append(e.getValue());
            } else {
                quote(out, String.valueOf(e.getValue()));
            }
        }
        return out.append('}').toString();
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                out.append('\\').append(ch);
            } else if (ch < 0x20) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        out.append('"');
    }

    @Override
    public void close() {
        if (ownsHttp) {
            http.close();
        }
    }

    /** A failed Organizations call: the error code ({@code AccessDeniedException}, ...), status and message. */
    static final class OrganizationsException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String code;
        private final int status;
        private final boolean recoverable;
        private final int attempts;

        OrganizationsException(String code, int status, String message, boolean recoverable, Throwable cause) {
            this(code, status, message, recoverable, cause, 1);
        }

        private OrganizationsException(String code, int status, String message, boolean recoverable, Throwable cause,
                int attempts) {
            super(message, cause);
            this.code = code;
            this.status = status;
            this.recoverable = recoverable;
            this.attempts = attempts;
        }

        OrganizationsException attempts(int n) {
            return n == attempts ? this
                    : new OrganizationsException(code, status, getMessage(), recoverable, getCause() != null
                            ? getCause() : null, n);
        }

        String code() {
            return code;
        }

        int status() {
            return status;
        }

        boolean recoverable() {
            return recoverable;
        }

        int attemptCount() {
            return attempts;
        }
    }
}
