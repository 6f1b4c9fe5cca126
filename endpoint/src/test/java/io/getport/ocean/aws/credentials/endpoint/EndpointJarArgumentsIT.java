package io.getport.ocean.aws.credentials.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The built {@code target/ocean-aws-endpoint.jar} run with {@code java -jar}, without moto (so it runs on every
 * machine): help and version on stdout with exit 0, and bad arguments (no command, a malformed option value, an unknown
 * option, a malformed account ID) and a non-loopback bind refused with the documented exit codes and the reason on
 * stderr, nothing on stdout. None of these reaches STS: the static keys below are placeholders and STS points at a
 * closed loopback port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointJarArgumentsIT {
    private static final String A = "222222222222";
    private static final Map<String, String> STATIC_KEYS = Map.of(
            "OCEAN_AWS_IDENTITY_SOURCE", "environment",
            "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY", "placeholder-secret-never-sent-anywhere",
            "OCEAN_AWS_STS_ENDPOINT", "http://127.0.0.1:9",
            "AWS_REGION", "us-east-1");

    private JarProcesses children;

    @BeforeAll
    void directory() throws IOException {
        Path out = Paths.get(System.getProperty("endpoint.log.dir", "target"), "endpoint-jar-it");
        Files.createDirectories(out);
        children = new JarProcesses(Files.createTempDirectory(out, "EndpointJarArgumentsIT-"), "http://127.0.0.1:9");
    }

    @Test
    void jar_helpAndVersion_onStdoutExitZero() throws Exception {
        JarProcesses.Result help = children.run("help", Map.of(), JarProcesses.javaJar("--help"));
        assertThat(help.code()).as(help.err()).isZero();
        assertThat(help.out()).contains("Usage: ocean-aws-endpoint", "serve", "credential-process", "profiles",
                "Exit codes: 0 OK; 2 bad arguments; 3 denied; 4 unavailable", "6 port in use");
        assertThat(help.err()).isEmpty();

        JarProcesses.Result version = children.run("version", Map.of(), JarProcesses.javaJar("--version"));
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("ocean-aws-endpoint ");

        JarProcesses.Result serveHelp = children.run("serve-help", Map.of(), JarProcesses.javaJar("serve", "--help"));
        assertThat(serveHelp.code()).isZero();
        assertThat(serveHelp.out()).contains("--token-file", "143 stopped by SIGTERM");
    }

    @Test
    void jar_badArguments_exitTwoWithTheReasonOnStderrNothingOnStdout() throws Exception {
        JarProcesses.Result noCommand = children.run("no-command", Map.of(), JarProcesses.javaJar());
        assertThat(noCommand.code()).isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(noCommand.err()).contains("Missing command", "Run with --help for usage.");
        assertThat(noCommand.out()).isEmpty();

        JarProcesses.Result badPort = children.run("bad-port", Map.of(), JarProcesses.javaJar("serve", "--port", "nope",
                "--token-file", children.dir().resolve("unused-token").toString()));
        assertThat(badPort.code()).isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(badPort.err()).contains("--port", "nope", "Run with --help for usage.");
        assertThat(badPort.out()).isEmpty();
        assertThat(children.dir().resolve("unused-token")).doesNotExist();

        JarProcesses.Result unknown = children.run("unknown-option", Map.of(),
                JarProcesses.javaJar("credential-process", "--account", A, "--bogus"));
        assertThat(unknown.code()).isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(unknown.err()).contains("--bogus");
        assertThat(unknown.out()).isEmpty();

        JarProcesses.Result badAccount = children.run("bad-account", STATIC_KEYS,
                JarProcesses.javaJar("credential-process", "--account", "12345"));
        assertThat(badAccount.code()).isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(badAccount.err()).contains("--account must be exactly 12 digits");
        assertThat(badAccount.out()).isEmpty();
    }

    @Test
    void jar_serveOnNonLoopbackAddress_refusedWithExitFiveNamingTheAddress() throws Exception {
        JarProcesses.Result publicBind = children.run("public-bind", STATIC_KEYS, JarProcesses.javaJar("serve",
                "--port", "0", "--bind", "0.0.0.0", "--token-file", children.dir().resolve("bind-token").toString()));
        assertThat(publicBind.code()).isEqualTo(OceanAwsEndpoint.CONFIGURATION);
        assertThat(publicBind.err()).contains("--bind must be 127.0.0.1 or ::1, was '0.0.0.0'");
        assertThat(publicBind.out()).isEmpty();
        assertThat(children.dir().resolve("bind-token")).doesNotExist();
    }
}
