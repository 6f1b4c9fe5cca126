package io.getport.ocean.aws.credentials.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.IssuedCredentials;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three commands in this JVM: arguments, exit codes, refusals at start, token files, printed formats. */
class CommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private MutableClock clock;
    private FakeSts sts;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void start() {
        clock = MutableClock.at(Instant.parse("2026-12-05T08:00:00Z"));
        sts = FakeSts.builder().clock(clock).start();
    }

    @AfterEach
    void stop() {
        sts.close();
    }

    private Run run(String... args) {
        return runWith(Map.of(), args);
    }

    private Run runWith(Map<String, String> variables, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OceanAwsEndpoint.Context context = new OceanAwsEndpoint.Context(RuntimeEnvironment.of(variables, Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                clock, FakeStsFixture.brokerFor(sts, clock));
        int code = OceanAwsEndpoint.execute(args, context);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------------------------- serve

    @Test
    void serve_nonLoopbackBind_refusedAtStartWithTheReason() {
        for (String bind : new String[] {"0.0.0.0", "10.0.0.1", "::", "example.com", "127.0.0.2"}) {
            Run r = run("serve", "--bind", bind, "--port", "0", "--token-file", dir.resolve("t").toString());
            assertThat(r.code()).as(bind).isEqualTo(OceanAwsEndpoint.CONFIGURATION);
            assertThat(r.err()).contains("--bind must be 127.0.0.1 or ::1, was '" + bind + "'")
                    .contains("plain http, which the AWS SDKs accept only from loopback");
        }
        assertThat(dir.resolve("t")).doesNotExist();
    }

    @Test
    void serveAndCredentialProcess_writeGuardOn_refusedNamingTheSettingAndWhy() {
        Map<String, String> guard = Map.of("OCEAN_AWS_WRITE_GUARD", "true");

        Run serve = runWith(guard, "serve", "--port", "0", "--token-file", dir.resolve("t").toString());
        Run process = runWith(guard, "credential-process", "--account", "222222222222");

        for (Run r : List.of(serve, process)) {
            assertThat(r.code()).isEqualTo(OceanAwsEndpoint.CONFIGURATION);
            assertThat(r.err()).contains("OCEAN_AWS_WRITE_GUARD", "other processes", "OCEAN_AWS_SESSION_POLICY");
            assertThat(r.out()).isEmpty();
        }
        assertThat(sts.count("AssumeRole")).isZero();
    }

    @Test
    void serve_portTaken_exitsWithPortInUseAndSaysSo() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Run r = run("serve", "--port", Integer.toString(taken.getLocalPort()), "--token-file",
                    dir.resolve("t").toString());
            assertThat(r.code()).isEqualTo(OceanAwsEndpoint.PORT_IN_USE);
            assertThat(r.err()).contains("Port " + taken.getLocalPort() + " on 127.0.0.1 is already in use")
                    .contains("choose another --port");
        }
    }

    @Test
    void serve_tokenFileWithWiderPermissions_refused() throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, TokenFile.generate());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        Run r = run("serve", "--port", "0", "--token-file", file.toString());

        assertThat(r.code()).isEqualTo(OceanAwsEndpoint.CONFIGURATION);
        assertThat(r.err()).contains("has mode rw-r--r--", "chmod 600");
        assertThat(r.err()).doesNotContain(Files.readString(file).strip());
    }

    @Test
    void tokenFile_otherOwner_refused() throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, TokenFile.generate());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        String me = System.getProperty("user.name");
        String other = "root".equals(me) ? "nobody" : null;
        org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "changing a file's owner needs root");
        Files.setOwner(file, file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(other));

        Run r = run("serve", "--port", "0", "--token-file", file.toString());

        assertThat(r.code()).isEqualTo(OceanAwsEndpoint.CONFIGURATION);
        assertThat(r.err()).contains("is owned by nobody, not by " + me);
    }

    @Test
    void tokenFile_missing_createdWith0600And256RandomBits_thenReused() throws IOException {
        Path file = dir.resolve("sub/token");
        String token = TokenFile.loadOrCreate(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]{43}");
        assertThat(Files.readString(file)).isEqualTo(token);
        assertThat(TokenFile.loadOrCreate(file)).isEqualTo(token);
        assertThat(TokenFile.generate()).isNotEqualTo(token);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void tokenFile_shortOrSymlink_refused() throws IOException {
        Path shortOne = dir.resolve("short");
        Files.writeString(shortOne, "abc");
        Files.setPosixFilePermissions(shortOne, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), shortOne);

        assertThat(run("serve", "--port", "0", "--token-file", shortOne.toString()).err())
                .contains("does not hold a token of at least 256 bits");
        assertThat(run("serve", "--port", "0", "--token-file", link.toString()).err())
                .contains("is a symbolic link");
    }

    // ------------------------------------------------------------------------------------------ credential-process

    @Test
    void credentialProcess_assumesItself_printsVersion1Json() throws IOException {
        Run r = run("credential-process", "--account", "222222222222");

        assertThat(r.code()).as(r.err()).isEqualTo(OceanAwsEndpoint.OK);
        JsonNode json = JSON.readTree(r.out());
        IssuedCredentials issued = sts.issued().get(0);
        assertThat(json.get("Version").asInt()).isEqualTo(1);
        assertThat(json.get("AccessKeyId").asText()).isEqualTo(issued.accessKeyId());
        assertThat(json.get("SecretAccessKey").asText()).isEqualTo(issued.secretAccessKey());
        assertThat(json.get("SessionToken").asText()).isEqualTo(issued.sessionToken());
        assertThat(json.get("Expiration").asText()).isEqualTo("2026-12-05T09:00:00Z");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void credentialProcess_exitCodes_deniedUnavailableBadArguments() {
        sts.denyAssumeRole("arn:aws:iam::333333333333:role/PortOceanReadRole");
        Run denied = run("credential-process", "--account", "333333333333");
        assertThat(denied.code()).isEqualTo(OceanAwsEndpoint.DENIED);
        assertThat(denied.err()).contains("arn:aws:iam::333333333333:role/PortOceanReadRole");
        assertThat(denied.out()).isEmpty();

        Run bad = run("credential-process", "--account", "12");
        assertThat(bad.code()).isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(bad.err()).contains("--account must be exactly 12 digits, was '12'");
        assertThat(run("credential-process").code()).isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(run("credential-process", "--account", "222222222222", "--endpoint", "http://127.0.0.1:1").code())
                .isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(run("nonsense").code()).isEqualTo(OceanAwsEndpoint.USAGE);

        sts.fail(StsError.SERVICE_UNAVAILABLE);
        Run unavailable = run("credential-process", "--account", "444444444444");
        assertThat(unavailable.code()).isEqualTo(OceanAwsEndpoint.UNAVAILABLE);
        assertThat(unavailable.out()).isEmpty();
    }

    @Test
    void credentialProcess_throughRunningServe_sharesItsCacheAndMapsRefusals() throws IOException {
        try (FakeStsFixture f = FakeStsFixture.start()) {
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, FakeStsFixture.TOKEN + "\n");
            String url = "http://127.0.0.1:" + f.port();
            Raw.Answer served = f.credentials("222222222222");

            Run r = run("credential-process", "--account", "222222222222", "--endpoint", url, "--token-file",
                    tokenFile.toString());

            assertThat(r.code()).as(r.err()).isEqualTo(OceanAwsEndpoint.OK);
            JsonNode json = JSON.readTree(r.out());
            assertThat(json.get("Version").asInt()).isEqualTo(1);
            assertThat(json.get("AccessKeyId").asText()).isEqualTo(served.json().get("AccessKeyId").asText());
            assertThat(json.get("SessionToken").asText()).isEqualTo(served.json().get("Token").asText());
            assertThat(f.sts.count("AssumeRole")).isEqualTo(1);

            f.sts.denyAssumeRole("arn:aws:iam::333333333333:role/PortOceanReadRole");
            Run denied = run("credential-process", "--account", "333333333333", "--endpoint", url, "--token-file",
                    tokenFile.toString());
            assertThat(denied.code()).isEqualTo(OceanAwsEndpoint.DENIED);
            assertThat(denied.err()).contains("HTTP 403 AccessDenied", "arn:aws:iam::333333333333:role/PortOceanReadRole");

            Path wrong = dir.resolve("wrong");
            Files.writeString(wrong, TokenFile.generate());
            Run refused = run("credential-process", "--account", "222222222222", "--endpoint", url, "--token-file",
                    wrong.toString());
            assertThat(refused.code()).isEqualTo(OceanAwsEndpoint.CONFIGURATION);
            assertThat(refused.err()).contains("HTTP 403 InvalidToken");

            f.sts.fail(StsError.SERVICE_UNAVAILABLE);
            Run unavailable = run("credential-process", "--account", "555555555555", "--endpoint", url,
                    "--token-file", tokenFile.toString());
            assertThat(unavailable.code()).isEqualTo(OceanAwsEndpoint.UNAVAILABLE);
            assertThat(unavailable.err()).contains("HTTP 503 StsUnavailable");
        }
    }

    @Test
    void credentialProcess_noServeOnThatPort_unavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TokenFile.generate());
        Run r = run("credential-process", "--account", "222222222222", "--endpoint", "http://127.0.0.1:" + port,
                "--token-file", tokenFile.toString());
        assertThat(r.code()).isEqualTo(OceanAwsEndpoint.UNAVAILABLE);
        assertThat(r.err()).contains("is 'serve' running on that port?");
        Run foreign = run("credential-process", "--account", "222222222222", "--endpoint", "http://10.1.2.3:9911",
                "--token-file", tokenFile.toString());
        assertThat(foreign.code()).isEqualTo(OceanAwsEndpoint.USAGE);
    }

    // ---------------------------------------------------------------------------------------------------- profiles

    @Test
    void profiles_accounts_printsOneCredentialProcessProfileEach() {
        Run r = run("profiles", "--accounts", "222222222222,333333333333", "--launcher", "java -jar /opt/ocean aws/e.jar",
                "--endpoint", "http://127.0.0.1:9911", "--token-file", "/run/ocean/token", "--region", "eu-west-1");

        assertThat(r.code()).as(r.err()).isEqualTo(OceanAwsEndpoint.OK);
        assertThat(r.out()).contains("[profile ocean-222222222222]\ncredential_process = java -jar /opt/ocean aws/e.jar"
                + " credential-process --account 222222222222 --endpoint http://127.0.0.1:9911 --token-file"
                + " /run/ocean/token\nregion = eu-west-1\n")
                .contains("[profile ocean-333333333333]")
                .contains("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9911/v1/accounts/<account id>/credentials");
        assertThat(sts.requestCount()).isZero();
    }

    @Test
    void profiles_badArguments_refused() {
        assertThat(run("profiles", "--accounts", "1234", "--launcher", "x").code()).isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(run("profiles", "--launcher", "x").code()).isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(run("profiles", "--accounts", "222222222222", "--organization",
                "arn:aws:iam::111111111111:role/OrgReader", "--launcher", "x").code()).isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(run("profiles", "--accounts", "222222222222", "--launcher", "x", "--endpoint", "http://127.0.0.1:1")
                .code()).isEqualTo(OceanAwsEndpoint.USAGE);
        // Not started from the jar and no --launcher: says what to give.
        Run noJar = run("profiles", "--accounts", "222222222222");
        assertThat(noJar.code()).isEqualTo(OceanAwsEndpoint.USAGE);
        assertThat(noJar.err()).contains("give --launcher");
    }

    @Test
    void quote_pathsWithSpacesOrQuotes_shellQuoted() {
        assertThat(ProfilesCommand.quote("/run/ocean/token")).isEqualTo("/run/ocean/token");
        assertThat(ProfilesCommand.quote("/a b/it's")).isEqualTo("'/a b/it'\"'\"'s'");
    }
}
