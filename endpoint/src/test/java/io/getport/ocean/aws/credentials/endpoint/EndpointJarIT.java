package io.getport.ocean.aws.credentials.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The built {@code target/ocean-aws-endpoint.jar} as real processes ({@code java -jar}), against moto_server with IAM
 * enforced, the base identity from static keys ({@code OCEAN_AWS_IDENTITY_SOURCE=environment}) and STS at moto
 * ({@code OCEAN_AWS_STS_ENDPOINT}): {@code serve} answers the real AWS CLI through the container credentials variables,
 * logs through the jar's own slf4j-simple to stderr without a secret, refuses a second {@code serve} on its port, and
 * shuts down gracefully on SIGTERM (exit 143, the JVM's code for SIGTERM; the shutdown lines logged; the port free);
 * {@code credential-process} prints exactly the credential_process JSON on stdout, and a denied account exits 3
 * naming the role. Help and bad arguments: {@link EndpointJarArgumentsIT}. Output of every child is in
 * {@code target/endpoint-jar-it/}.
 */
@WithMoto
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointJarIT {
    private static final String A = "222222222222";
    private static final String B = "333333333333";
    /** What the JVM exits with after SIGTERM once the shutdown hooks ran (128 + 15); see ServeCommand. */
    private static final int SIGTERM_EXIT = 143;

    private SeedArchitecture seed;
    private JarProcesses children;

    @BeforeAll
    void provision(MotoServer moto) throws IOException {
        seed = SeedArchitecture.builder().targetAccountIds(A, B).provision(moto);
        Path out = Paths.get(System.getProperty("endpoint.log.dir", "target"), "endpoint-jar-it");
        Files.createDirectories(out);
        children = new JarProcesses(Files.createTempDirectory(out, "EndpointJarIT-"), seed.endpoint().toString());
    }

    /** The broker's settings as an operator gives them to the jar: static keys, STS at moto. */
    private Map<String, String> brokerVariables() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OCEAN_AWS_IDENTITY_SOURCE", "environment");
        env.put("AWS_ACCESS_KEY_ID", seed.baseUserCredentials().accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", seed.baseUserCredentials().secretAccessKey());
        env.put("OCEAN_AWS_STS_ENDPOINT", seed.endpoint().toString());
        env.put("AWS_REGION", "us-east-1");
        return env;
    }

    /** Parses a credential_process answer and checks it is exactly the five fields, Version 1, an ISO instant. */
    private static JsonNode credentialProcessJson(JarProcesses.Result r) throws IOException {
        assertThat(r.code()).as(r.err()).isZero();
        // Exactly one JSON document and a newline on stdout: nothing else (no log line) goes there.
        assertThat(r.out()).endsWith("}" + System.lineSeparator());
        assertThat(r.out().strip()).doesNotContain("\n");
        JsonNode j = r.json();
        List<String> fields = new ArrayList<>();
        j.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration");
        assertThat(j.get("Version").isInt()).isTrue();
        assertThat(j.get("Version").asInt()).isEqualTo(1);
        for (String f : List.of("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")) {
            assertThat(j.get(f).isTextual()).as(f).isTrue();
            assertThat(j.get(f).asText()).as(f).isNotBlank();
        }
        // ISO-8601 instant, as botocore and the SDKs parse it.
        assertThat(Instant.parse(j.get("Expiration").asText())).isNotNull();
        return j;
    }

    private static void assertNoSecret(String log, String... secrets) {
        for (String secret : secrets) {
            assertThat(secret).isNotBlank();
            assertThat(log).as("a secret in the log").doesNotContain(secret);
        }
    }

    @Test
    void credentialProcess_jarAssumingItself_stdoutIsExactlyTheJsonAndDeniedExitsThree() throws Exception {
        JarProcesses.Result ok = children.run("credential-process-self", brokerVariables(),
                JarProcesses.javaJar("credential-process", "--account", A));
        JsonNode j = credentialProcessJson(ok);
        assertNoSecret(ok.err(), seed.baseUserCredentials().secretAccessKey(), j.get("SecretAccessKey").asText(),
                j.get("SessionToken").asText());

        seed.revoke(B);
        try {
            JarProcesses.Result denied = children.run("credential-process-denied", brokerVariables(),
                    JarProcesses.javaJar("credential-process", "--account", B));
            assertThat(denied.code()).isEqualTo(OceanAwsEndpoint.DENIED);
            assertThat(denied.out()).isEmpty();
            assertThat(denied.err()).contains("arn:aws:iam::" + B + ":role/PortOceanReadRole");
            assertNoSecret(denied.err(), seed.baseUserCredentials().secretAccessKey());
        } finally {
            seed.grant(B);
        }
    }

    @Test
    void serve_jarAnswersTheAwsCli_thenSigterm_shutsDownGracefullyAndFreesThePort() throws Exception {
        Path tokenFile = children.dir().resolve("run/token");
        JarProcesses.Started serve = children.start("serve", brokerVariables(),
                JarProcesses.javaJar("serve", "--port", "0", "--token-file", tokenFile.toString()));
        boolean stopped = false;
        try {
            int port = serve.awaitServingPort();
            String token = Files.readString(tokenFile);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            String base = "http://127.0.0.1:" + port;

            // The real AWS CLI through the container credentials variables.
            JarProcesses.Result identity = children.run("aws-sts-container", Map.of(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", base + "/v1/accounts/" + A + "/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString()),
                    JarProcesses.aws("sts", "get-caller-identity", "--output", "json"));
            assertThat(identity.code()).as(identity.err()).isZero();
            assertThat(identity.json().get("Account").asText()).isEqualTo(A);
            assertThat(identity.json().get("Arn").asText())
                    .startsWith("arn:aws:sts::" + A + ":assumed-role/PortOceanReadRole/");

            // The jar's credential-process through this serve: the same cached session, exactly the JSON on stdout.
            JarProcesses.Result viaServe = children.run("credential-process-via-serve", Map.of(), JarProcesses.javaJar(
                    "credential-process", "--account", A, "--endpoint", base, "--token-file", tokenFile.toString()));
            JsonNode served = credentialProcessJson(viaServe);
            assertNoSecret(viaServe.err(), token, served.get("SecretAccessKey").asText(),
                    served.get("SessionToken").asText());

            // The container format straight from the server, with the token.
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .proxy(HttpClient.Builder.NO_PROXY).build();
            HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/accounts/" + A
                    + "/credentials")).header("Authorization", token).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(direct.statusCode()).isEqualTo(200);
            JsonNode container = JarProcesses.JSON.readTree(direct.body());
            assertThat(container.get("RoleArn").asText()).isEqualTo("arn:aws:iam::" + A + ":role/PortOceanReadRole");
            assertThat(container.get("AccessKeyId").asText()).isEqualTo(served.get("AccessKeyId").asText());

            // A second serve on the same port: the documented exit code and reason, the first keeps serving.
            JarProcesses.Result second = children.run("serve-port-taken", brokerVariables(), JarProcesses.javaJar(
                    "serve", "--port", Integer.toString(port), "--token-file", tokenFile.toString()));
            assertThat(second.code()).as(second.err()).isEqualTo(OceanAwsEndpoint.PORT_IN_USE);
            assertThat(second.err()).contains(Integer.toString(port));
            assertThat(second.out()).isEmpty();
            assertThat(serve.process().isAlive()).isTrue();

            // SIGTERM (Process.destroy() on Linux): the shutdown hook stops the server and closes the broker.
            serve.process().destroy();
            int code = serve.awaitExit("serve after SIGTERM");
            stopped = true;
            assertThat(code).as("exit code after SIGTERM").isEqualTo(SIGTERM_EXIT);

            String log = serve.stderr();
            assertThat(serve.stdout()).as("serve's stdout: the jar logs to stderr only").isEmpty();
            // slf4j-simple as the jar configures it (src/shade/simplelogger.properties): ISO date-time, level, logger.
            assertThat(log).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* INFO "
                    + "io\\.getport\\.ocean\\.aws\\.credentials\\.endpoint\\.CredentialsEndpoint - Serving read role"
                    + " credentials on http://127\\.0\\.0\\.1:" + port + "/");
            assertThat(log).containsPattern("(?m) INFO io\\.getport\\.ocean\\.aws\\.credentials\\.endpoint\\.access - "
                    + "127\\.0\\.0\\.1 GET /v1/accounts/" + A + "/credentials 200 ");
            assertThat(log).doesNotContain("SLF4J(W)", "SLF4J: ", "NOP");
            int shuttingDown = log.indexOf("INFO io.getport.ocean.aws.credentials.endpoint.ServeCommand - Shutting down");
            int stoppedServing = log.indexOf("Stopped serving on port " + port);
            int shutDown = log.indexOf("INFO io.getport.ocean.aws.credentials.endpoint.ServeCommand - Shut down");
            assertThat(shuttingDown).as(log).isNotNegative();
            assertThat(stoppedServing).as(log).isGreaterThan(shuttingDown);
            assertThat(shutDown).as(log).isGreaterThan(stoppedServing);
            assertNoSecret(log, token, seed.baseUserCredentials().secretAccessKey(),
                    served.get("SecretAccessKey").asText(), served.get("SessionToken").asText(),
                    container.get("Token").asText());

            try (ServerSocket again = new ServerSocket()) {
                again.setReuseAddress(true);
                again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                assertThat(again.getLocalPort()).isEqualTo(port);
            }
        } finally {
            if (!stopped) {
                serve.kill();
            }
        }
    }
}
