package io.getport.ocean.aws.credentials.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * {@code credential-process}: prints the {@code credential_process} JSON for one account's read role session, for
 * a profile's {@code credential_process} line. Without {@code --endpoint} it assumes the role itself (a broker built
 * from the environment, as the library builds it); with it, it asks a running {@code serve}, sharing its cache.
 */
@Command(name = "credential-process", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints {\"Version\": 1, \"AccessKeyId\", \"SecretAccessKey\", \"SessionToken\","
                + " \"Expiration\"} for the read role in one account; on failure the reason on stderr.", "",
            "Exit codes: 0 OK; 2 bad arguments; 3 denied or not allowed; 4 STS or the endpoint unavailable (retry);"
                    + " 5 misconfigured (identity, token)."})
final class CredentialProcessCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RESPONSE = 64 * 1024;

    @Option(names = "--account", paramLabel = "ID", required = true, description = "The 12-digit account ID.")
    String account;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "A running 'serve', e.g. http://127.0.0.1:9911 (loopback only). Default: assume the role"
                    + " in this process.")
    String endpoint;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The token file of that 'serve'.")
    Path tokenFile;

    private final OceanAwsEndpoint.Context context;

    CredentialProcessCommand(OceanAwsEndpoint.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (account == null || !account.matches("\\d{12}")) {
            return fail(OceanAwsEndpoint.USAGE, "--account must be exactly 12 digits, was '"
                    + CredentialsEndpoint.printable(account, 40) + "'");
        }
        if ((endpoint == null) != (tokenFile == null)) {
            return fail(OceanAwsEndpoint.USAGE, "--endpoint and --token-file go together (the token of that"
                    + " endpoint), or neither (assume the role in this process)");
        }
        return endpoint == null ? assumeHere() : askEndpoint();
    }

    private int assumeHere() {
        try (ReadRoleBroker broker = context.brokerCustomizer()
                .apply(ReadRoleBroker.builder().environment(context.environment())).build()) {
            EndpointBroker.refuseWriteGuard(broker);
            AwsCredentials c = broker.forAccount(account).credentialsProvider().resolveCredentials();
            if (!(c instanceof AwsSessionCredentials) || ((AwsSessionCredentials) c).expirationTime().isEmpty()) {
                return fail(OceanAwsEndpoint.CONFIGURATION, "the broker returned credentials without an expiry");
            }
            AwsSessionCredentials s = (AwsSessionCredentials) c;
            return print(s.accessKeyId(), s.secretAccessKey(), s.sessionToken(),
                    s.expirationTime().get().truncatedTo(ChronoUnit.SECONDS).toString());
        } catch (ReadRoleException e) {
            return fail(exitCode(e.reason()), e.getMessage());
        } catch (IllegalArgumentException e) {
            return fail(OceanAwsEndpoint.CONFIGURATION, e.getMessage());
        }
    }

    static int exitCode(ReadRoleException.Reason reason) {
        switch (reason) {
            case ACCESS_DENIED:
            case NOT_ALLOWED:
                return OceanAwsEndpoint.DENIED;
            case STS_UNAVAILABLE:
            case REFRESH_TIMEOUT:
            case CLOSED:
                return OceanAwsEndpoint.UNAVAILABLE;
            default:
                return OceanAwsEndpoint.CONFIGURATION;
        }
    }

    private int askEndpoint() {
        URI base;
        try {
            base = URI.create(endpoint.strip());
        } catch (IllegalArgumentException e) {
            return fail(OceanAwsEndpoint.USAGE, "--endpoint is not a URL: " + e.getMessage());
        }
        String host = base.getHost();
        if (!"http".equals(base.getScheme()) || host == null
                || !(host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]"))
                || base.getPort() < 1) {
            return fail(OceanAwsEndpoint.USAGE, "--endpoint must be http://127.0.0.1:PORT, http://localhost:PORT or"
                    + " http://[::1]:PORT (the endpoint listens on loopback only), was '"
                    + CredentialsEndpoint.printable(endpoint, 100) + "'");
        }
        String token;
        try {
            token = TokenFile.load(tokenFile, false);
        } catch (TokenFile.TokenFileException e) {
            return fail(OceanAwsEndpoint.CONFIGURATION, e.getMessage());
        }
        URI uri = URI.create(base.getScheme() + "://" + host + ":" + base.getPort() + "/v1/accounts/" + account
                + "/credentials");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .header("Authorization", token).GET().build();
        int status;
        JsonNode body;
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_RESPONSE + 1);
            }
            if (bytes.length > MAX_RESPONSE) {
                return fail(OceanAwsEndpoint.UNAVAILABLE, "the endpoint at " + base + " answered more than "
                        + MAX_RESPONSE + " bytes");
            }
            body = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(OceanAwsEndpoint.UNAVAILABLE, "interrupted");
        } catch (IOException e) {
            return fail(OceanAwsEndpoint.UNAVAILABLE, "no answer from the endpoint at " + base + " ("
                    + e.getClass().getSimpleName() + "); is 'serve' running on that port?");
        }
        if (status == 200) {
            String[] fields = {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"};
            for (String f : fields) {
                if (body == null || !body.path(f).isTextual()) {
                    return fail(OceanAwsEndpoint.UNAVAILABLE, "the endpoint's answer has no " + f);
                }
            }
            return print(body.get("AccessKeyId").asText(), body.get("SecretAccessKey").asText(),
                    body.get("Token").asText(), body.get("Expiration").asText());
        }
        String code = body == null ? "" : body.path("code").asText("");
        String message = body == null ? "" : body.path("message").asText("");
        String reason = "the endpoint refused (HTTP " + status + (code.isEmpty() ? "" : " " + code) + "): " + message;
        if (status == 400) {
            return fail(OceanAwsEndpoint.USAGE, reason);
        }
        if ("AccessDenied".equals(code) || "NotAllowed".equals(code)) {
            return fail(OceanAwsEndpoint.DENIED, reason);
        }
        if (status == 503) {
            return fail(OceanAwsEndpoint.UNAVAILABLE, reason);
        }
        return fail(OceanAwsEndpoint.CONFIGURATION, reason);
    }

    private int print(String accessKeyId, String secret, String sessionToken, String expiration) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Version", 1);
        out.put("AccessKeyId", accessKeyId);
        out.put("SecretAccessKey", secret);
        out.put("SessionToken", sessionToken);
        out.put("Expiration", expiration);
        try {
            context.out().println(JSON.writeValueAsString(out));
        } catch (IOException e) {
            return fail(OceanAwsEndpoint.CONFIGURATION, "cannot write JSON: " + e.getClass().getSimpleName());
        }
        context.out().flush();
        return OceanAwsEndpoint.OK;
    }

    private int fail(int code, String message) {
        context.err().println("ocean-aws-endpoint credential-process: account " + account + ": " + message);
        context.err().flush();
        return code;
    }
}
