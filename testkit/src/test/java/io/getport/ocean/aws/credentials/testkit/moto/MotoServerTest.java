package io.getport.ocean.aws.credentials.testkit.moto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

@WithMoto
class MotoServerTest {

    private static final AwsCredentialsProvider ANY_KEY =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

    @Test
    void available_motoOnPath_true() {
        assertThat(MotoServer.available()).isTrue();
        assertThat(MotoServer.executable()).get().satisfies(path -> assertThat(Files.isExecutable(path)).isTrue());
    }

    @Test
    void resolveParameter_twice_sameRunningServerOnLoopback(MotoServer first, MotoServer second) throws Exception {
        assertThat(first).isSameAs(second);
        assertThat(first.isRunning()).isTrue();
        assertThat(first.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(first.endpoint().getPort()).isEqualTo(first.port());
        HttpResponse<String> api = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(first.endpoint().resolve("/moto-api/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(first.logFile()).exists();
    }

    @Test
    void authEnforcement_onThenOff_rejectsThenAcceptsAnyKey(MotoServer moto) {
        moto.reset();
        try (StsClient sts = moto.stsClient(ANY_KEY)) {
            assertThat(sts.getCallerIdentity().arn()).isEqualTo("arn:aws:sts::123456789012:user/moto");

            moto.authEnforcement(true);
            assertThat(moto.authEnforced()).isTrue();
            assertThatThrownBy(sts::getCallerIdentity).isInstanceOfSatisfying(StsException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
            });

            moto.authEnforcement(false);
            assertThat(moto.authEnforced()).isFalse();
            assertThat(sts.getCallerIdentity().account()).isEqualTo("123456789012");
        } finally {
            moto.reset();
        }
    }

    @Test
    void withoutAuthEnforcement_enforced_runsUnenforcedThenRestores(MotoServer moto) {
        moto.reset();
        moto.authEnforcement(true);
        List<String> seen = new ArrayList<>();
        try (StsClient sts = moto.stsClient(ANY_KEY)) {
            moto.withoutAuthEnforcement(() -> seen.add(sts.getCallerIdentity().account()));
            assertThat(seen).containsExactly("123456789012");
            assertThat(moto.authEnforced()).isTrue();
            assertThatThrownBy(sts::getCallerIdentity).isInstanceOf(StsException.class);
        } finally {
            moto.reset();
        }
    }

    @Test
    void reset_afterResourcesAndEnforcement_emptyAndUnenforced(MotoServer moto) {
        moto.reset();
        try (S3Client s3 = moto.s3Client(ANY_KEY)) {
            s3.createBucket(b -> b.bucket("left-over"));
            moto.authEnforcement(true);

            moto.reset();

            assertThat(moto.authEnforced()).isFalse();
            assertThat(s3.listBuckets().buckets()).isEmpty();
        }
    }

    @Test
    void attach_runningServer_sharesStateButNeverStopsIt(MotoServer moto) {
        moto.reset();
        MotoServer attached = MotoServer.attach(URI.create(moto.endpoint() + "/"));
        try (S3Client s3 = attached.s3Client(ANY_KEY)) {
            s3.createBucket(b -> b.bucket("via-attached"));
            assertThat(attached.endpoint()).isEqualTo(moto.endpoint());
            assertThat(attached.logFile()).isNull();

            attached.close();

            assertThat(attached.isRunning()).isTrue();
            assertThat(moto.isRunning()).isTrue();
            assertThat(attached.toString()).contains("attached");
            assertThat(s3.listBuckets().buckets()).hasSize(1);
        } finally {
            moto.reset();
        }
    }

    @Test
    void attach_nonLoopbackOrNotMoto_rejected() throws IOException {
        assertThatThrownBy(() -> MotoServer.attach(URI.create("http://10.0.0.1:5000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> MotoServer.attach(URI.create("https://127.0.0.1:5000")))
                .isInstanceOf(IllegalArgumentException.class);
        try (ServerSocket closedPort = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            URI nothing = URI.create("http://127.0.0.1:" + closedPort.getLocalPort());
            closedPort.close();
            assertThatThrownBy(() -> MotoServer.attach(nothing)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no moto_server at");
        }
    }

    @Test
    void stop_runningServer_killsProcessAndFreesPort() throws Exception {
        MotoServer own = MotoServer.start();
        ProcessHandle process = ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> String.join(" ", args)
                        .contains("-p " + own.port())).orElse(false))
                .findFirst().orElseThrow();
        assertThat(canConnect(own.port())).isTrue();

        own.stop();
        own.close();

        assertThat(own.isRunning()).isFalse();
        assertThat(process.isAlive()).isFalse();
        assertThat(canConnect(own.port())).isFalse();
        assertThat(own.toString()).contains("stopped");
    }

    private static boolean canConnect(int port) {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            return socket.isConnected();
        } catch (IOException e) {
            return false;
        }
    }
}
