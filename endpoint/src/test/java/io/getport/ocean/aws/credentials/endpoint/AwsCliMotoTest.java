package io.getport.ocean.aws.credentials.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The real AWS CLI (1.x) and boto3 against moto_server, with IAM enforced, getting the read role's credentials from
 * the endpoint: through the container credentials variables, and through credential_process profiles (printed by
 * 'profiles') that run this module's main from the test classpath, both through the running 'serve' and assuming the
 * role themselves. Child processes get a scrubbed environment (no real AWS settings, IMDS disabled, moto through
 * AWS_ENDPOINT_URL), a time limit, and write their output to target/endpoint-cli/.
 */
@WithMoto
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsCliMotoTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = "222222222222";
    private static final String B = "333333333333";
    private static final Path OUT = Paths.get(System.getProperty("endpoint.log.dir", "target"), "endpoint-cli");

    private SeedArchitecture seed;
    private StsClient sts;
    private EndpointBroker.Built built;
    private CredentialsEndpoint endpoint;
    private Path home;
    private Path tokenFile;
    private int runs;

    record Cli(int code, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    void start(MotoServer moto) throws IOException {
        seed = SeedArchitecture.builder().targetAccountIds(A, B).provision(moto);
        Files.createDirectories(OUT);
        // One directory per run: the children's HOME, config files and output files.
        home = Files.createTempDirectory(OUT, "run-");
        tokenFile = home.resolve("run/token");
        String token = TokenFile.loadOrCreate(tokenFile);
        sts = StsClient.builder().endpointOverride(seed.endpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(seed.baseUserCredentials()))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(MotoServer.errorFormatFix()))
                .build();
        // The broker as 'serve' builds it, from variables: the base identity from static keys, STS at moto.
        built = EndpointBroker.build(RuntimeEnvironment.of(brokerVariables(), Map.of()), b -> b.stsClient(sts));
        endpoint = CredentialsEndpoint.start(new CredentialsEndpoint.Config(built.broker(), built.marginKept(),
                InetAddress.getByName("127.0.0.1"), 0, token, Clock.systemUTC(), 8, Duration.ZERO));
    }

    @AfterAll
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
        if (built != null) {
            built.broker().close();
        }
        if (sts != null) {
            sts.close();
        }
    }

    private Map<String, String> brokerVariables() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OCEAN_AWS_IDENTITY_SOURCE", "environment");
        env.put("AWS_ACCESS_KEY_ID", seed.baseUserCredentials().accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", seed.baseUserCredentials().secretAccessKey());
        env.put("OCEAN_AWS_STS_ENDPOINT", seed.endpoint().toString());
        env.put("AWS_REGION", "us-east-1");
        return env;
    }

    private Map<String, String> containerVariables(String account) {
        return Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.baseUrl() + "/v1/accounts/" + account
                + "/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString());
    }

    /** Runs a command with a scrubbed environment plus {@code extra}, at most 120 s, output in target/endpoint-cli. */
    private Cli run(String name, Map<String, String> extra, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.clear();
        for (String keep : List.of("PATH", "PYENV_ROOT", "PYENV_VERSION", "LANG", "LC_ALL", "TMPDIR")) {
            String v = System.getenv(keep);
            if (v != null) {
                env.put(keep, v);
            }
        }
        env.putIfAbsent("PYENV_ROOT", Paths.get(System.getProperty("user.home"), ".pyenv").toString());
        env.put("HOME", home.toString());
        env.put("AWS_CONFIG_FILE", home.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", seed.endpoint().toString());
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.put("AWS_PAGER", "");
        env.putAll(extra);
        String file = String.format("%02d-%s", ++runs, name);
        Path out = home.resolve(file + ".out");
        Path err = home.resolve(file + ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(name + " did not finish in 120 s; see " + err);
        }
        return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Cli aws(String name, Map<String, String> extra, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("aws"));
        cmd.addAll(List.of(args));
        return run(name, extra, cmd.toArray(String[]::new));
    }

    private void assertReadRoleSession(Cli identity, String account) throws IOException {
        assertThat(identity.code()).as(identity.err()).isZero();
        assertThat(identity.json().get("Account").asText()).isEqualTo(account);
        assertThat(identity.json().get("Arn").asText())
                .startsWith("arn:aws:sts::" + account + ":assumed-role/PortOceanReadRole/");
    }

    @Test
    void awsCli_containerVariables_readRoleSessionListsItsBucketsAndCannotWrite() throws Exception {
        Map<String, String> vars = containerVariables(A);

        assertReadRoleSession(aws("container-sts", vars, "sts", "get-caller-identity", "--output", "json"), A);

        Cli ls = aws("container-s3-ls", vars, "s3", "ls");
        assertThat(ls.code()).as(ls.err()).isZero();
        assertThat(ls.out()).contains(seed.bucket(A)).doesNotContain(seed.bucket(B));

        Cli mb = aws("container-s3-mb", vars, "s3", "mb", "s3://ocean-endpoint-cli-new-" + A);
        assertThat(mb.code()).isNotZero();
        assertThat(mb.err()).contains("AccessDenied");
    }

    @Test
    void awsCli_containerVariables_deniedAccount_errorNamesTheRole() throws Exception {
        seed.revoke(B);
        try {
            Cli denied = aws("container-denied", containerVariables(B), "sts", "get-caller-identity");
            assertThat(denied.code()).isNotZero();
            assertThat(denied.err()).contains("arn:aws:iam::" + B + ":role/PortOceanReadRole");
        } finally {
            seed.grant(B);
            built.broker().forAccount(B).invalidate();
        }
    }

    @Test
    void boto3_containerVariables_readRoleSessionListsItsBucketsAndCannotWrite() throws Exception {
        Path script = home.resolve("probe.py");
        Files.writeString(script, String.join("\n",
                "import boto3, json",
                "s = boto3.session.Session()",
                "ident = s.client('sts').get_caller_identity()",
                "buckets = [b['Name'] for b in s.client('s3').list_buckets()['Buckets']]",
                "try:",
                "    s.client('s3').create_bucket(Bucket='ocean-endpoint-boto3-new')",
                "    mb = 'created'",
                "except Exception as e:",
                "    mb = type(e).__name__ + ': ' + str(e)",
                "print(json.dumps({'arn': ident['Arn'], 'account': ident['Account'], 'buckets': buckets, 'mb': mb}))",
                ""));
        Cli boto = run("boto3-container", containerVariables(A), "python3", script.toString());

        assertThat(boto.code()).as(boto.err()).isZero();
        JsonNode j = boto.json();
        assertThat(j.get("account").asText()).isEqualTo(A);
        assertThat(j.get("arn").asText()).startsWith("arn:aws:sts::" + A + ":assumed-role/PortOceanReadRole/");
        assertThat(j.get("buckets").toString()).contains(seed.bucket(A)).doesNotContain(seed.bucket(B));
        assertThat(j.get("mb").asText()).contains("(AccessDenied)", "CreateBucket");
    }

    private Path profiles(String name, String... extra) throws IOException {
        String launcher = ProfilesCommand.quote(Paths.get(System.getProperty("java.home"), "bin", "java").toString())
                + " -cp " + ProfilesCommand.quote(System.getProperty("java.class.path"))
                + " -Dendpoint.log.dir=" + ProfilesCommand.quote(OUT.toString())
                + " -Dendpoint.log.file=credential-process.log " + OceanAwsEndpoint.class.getName();
        List<String> args = new ArrayList<>(List.of("profiles", "--accounts", A + "," + B, "--launcher", launcher));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = OceanAwsEndpoint.execute(args.toArray(String[]::new), new OceanAwsEndpoint.Context(
                RuntimeEnvironment.of(Map.of(), Map.of()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC(), b -> b));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Path config = home.resolve(name + ".config");
        Files.writeString(config, out.toString(StandardCharsets.UTF_8));
        return config;
    }

    @Test
    void awsCli_credentialProcessThroughServe_readRoleSessionAndRefusals() throws Exception {
        Path config = profiles("through-serve", "--endpoint", endpoint.baseUrl(), "--token-file", tokenFile.toString());
        Map<String, String> vars = Map.of("AWS_CONFIG_FILE", config.toString());

        assertReadRoleSession(aws("process-serve-sts", vars, "--profile", "ocean-" + A, "sts", "get-caller-identity",
                "--output", "json"), A);
        Cli ls = aws("process-serve-s3-ls", vars, "--profile", "ocean-" + A, "s3", "ls");
        assertThat(ls.code()).as(ls.err()).isZero();
        assertThat(ls.out()).contains(seed.bucket(A)).doesNotContain(seed.bucket(B));
        Cli mb = aws("process-serve-s3-mb", vars, "--profile", "ocean-" + A, "s3", "mb", "s3://ocean-endpoint-p-" + A);
        assertThat(mb.code()).isNotZero();
        assertThat(mb.err()).contains("AccessDenied");

        seed.revoke(B);
        try {
            Cli denied = aws("process-serve-denied", vars, "--profile", "ocean-" + B, "sts", "get-caller-identity");
            assertThat(denied.code()).isNotZero();
            assertThat(denied.err()).contains("arn:aws:iam::" + B + ":role/PortOceanReadRole")
                    .contains("AccessDenied");
        } finally {
            seed.grant(B);
            built.broker().forAccount(B).invalidate();
        }
    }

    @Test
    void awsCli_credentialProcessAssumingItself_readRoleSession() throws Exception {
        Path config = profiles("assume-itself");
        Map<String, String> vars = new LinkedHashMap<>(brokerVariables());
        vars.put("AWS_CONFIG_FILE", config.toString());
        // The CLI ignores AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when --profile is given; credential-process, which
        // inherits them, uses them as its base identity (OCEAN_AWS_IDENTITY_SOURCE=environment).

        assertReadRoleSession(aws("process-self-sts", vars, "--profile", "ocean-" + B, "sts", "get-caller-identity",
                "--output", "json"), B);
        Cli ls = aws("process-self-s3-ls", vars, "--profile", "ocean-" + B, "s3", "ls");
        assertThat(ls.code()).as(ls.err()).isZero();
        assertThat(ls.out()).contains(seed.bucket(B)).doesNotContain(seed.bucket(A));
    }
}
