package io.getport.ocean.aws.credentials.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The local demo (the README's run command), in-process: the whole flow, and its failure paths. */
class LocalDemoTest {

    /** What one demo run printed. */
    record Result(int status, String out, String err) {
    }

    static Result demo(LocalDemo.MotoSource source, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LocalDemo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), source);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Nested
    @WithMoto
    class AgainstMoto {
        @Test
        void run_ecsRuntimeWithEndpoint_showsIdentityResourcesRefusedWriteAndNextRefresh(MotoServer moto) {
            Result r = demo(LocalDemo.MotoSource.PROCESS, "--endpoint", moto.endpoint().toString());

            assertThat(r.status()).as(r.out() + r.err()).isEqualTo(LocalDemo.OK);
            assertThat(r.out())
                    .contains("local demo, runtime ecs", "Using the moto_server at " + moto.endpoint())
                    .containsPattern("source\\s+ecs\n")
                    .containsPattern("why\\s+AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set")
                    .contains("Read 3 of 3 accounts")
                    .containsPattern("refused by AWS: AccessDenied \\(HTTP 403\\)")
                    .contains("Next refresh")
                    .contains("Stopped broker, ECS agent stand-in; demo took");
            for (String account : SeedArchitecture.DEFAULT_TARGET_ACCOUNT_IDS) {
                assertThat(r.out()).contains("ocean-demo-" + account, DemoResources.instanceName(account))
                        .containsPattern("\n  " + account + "  20\\d\\d-.* \\(in .*\\), expires ");
            }
            // --endpoint: the demo used that moto_server and left it running.
            assertThat(moto.isRunning()).isTrue();
        }
    }

    @Test
    void run_motoMissing_exitsNonZeroWithInstallHint() {
        Result r = demo(LocalDemo.MotoSource.process(Optional::empty));

        assertThat(r.status()).isEqualTo(LocalDemo.USAGE);
        assertThat(r.err()).contains("moto_server was not found on PATH", "pip install 'moto[server]'", "--endpoint");
        assertThat(r.out()).contains("Stopped nothing");
    }

    @Test
    void run_endpointWithoutMoto_failsNamingTheEndpoint() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Result r = demo(LocalDemo.MotoSource.PROCESS, "--endpoint", "http://127.0.0.1:" + port);

        assertThat(r.status()).isEqualTo(LocalDemo.FAILED);
        assertThat(r.err()).contains("Could not use moto_server: no moto_server at http://127.0.0.1:" + port);
    }

    @Test
    void run_unknownRuntime_printsUsage() {
        Result r = demo(endpoint -> {
            throw new AssertionError("moto is not needed");
        }, "--runtime", "lambda");

        assertThat(r.status()).isEqualTo(LocalDemo.USAGE);
        assertThat(r.err()).contains("--runtime must be one of ecs, ec2, eks-irsa, eks-pod-identity, was 'lambda'",
                "usage: java -jar examples/target/ocean-aws-demo.jar");
    }

    @Test
    void run_help_printsUsageAndSucceeds() {
        Result r = demo(endpoint -> {
            throw new AssertionError("moto is not needed");
        }, "--help");

        assertThat(r.status()).isEqualTo(LocalDemo.OK);
        assertThat(r.out()).contains("--runtime", "--endpoint", "--verbose");
    }

    @Test
    void parse_badEndpointOrMissingValue_namesTheArgument() {
        assertThatThrownBy(() -> LocalDemo.Options.parse(new String[] {"--endpoint", "ftp://x"}))
                .hasMessageContaining("--endpoint must be http(s)://host[:port]");
        assertThatThrownBy(() -> LocalDemo.Options.parse(new String[] {"--runtime"}))
                .hasMessage("--runtime needs a value");
        assertThat(LocalDemo.Options.parse(new String[] {"--runtime", "EC2"}).runtime).isEqualTo(DemoRuntime.EC2);
    }

    @Test
    void closeAllWithLimit_stuckResource_returnsAfterTheLimit() {
        LocalDemo.Resources resources = new LocalDemo.Resources();
        CountDownLatch release = new CountDownLatch(1);
        List<String> closed = new ArrayList<>();
        resources.add("fast", () -> closed.add("fast"));
        resources.add("stuck", release::await);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> resources.closeAll(Duration.ofMillis(200)));
            assertThat(closed).isEmpty();
        } finally {
            release.countDown();
        }
    }

    @Test
    void closeAll_severalResources_stopsEachOnceInReverseOrderAndLateArrivalsAtOnce() {
        LocalDemo.Resources resources = new LocalDemo.Resources();
        List<String> closed = new ArrayList<>();
        resources.add("moto", () -> closed.add("moto"));
        resources.add("stand-in", () -> closed.add("stand-in"));
        resources.add("broker", () -> {
            closed.add("broker");
            throw new IllegalStateException("close failed");
        });

        assertThat(resources.closeAll()).containsExactly("broker", "stand-in", "moto");
        assertThat(resources.closeAll()).isEmpty();
        assertThat(closed).containsExactly("broker", "stand-in", "moto");
        assertThatThrownBy(() -> resources.add("late", () -> closed.add("late")))
                .hasMessageContaining("stopping");
        assertThat(closed).endsWith("late");
    }
}
