package io.getport.ocean.aws.credentials.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.testkit.fake.IssuedCredentials;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint's protocol and every refusal, against the running server (STS is the in-process fake). */
class CredentialsEndpointTest {
    private static final String ACCOUNT = "222222222222";
    private FakeStsFixture f;

    @BeforeEach
    void start() {
        f = FakeStsFixture.start();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void get_validToken_servesContainerCredentialsOfTheReadRole() {
        Raw.Answer a = f.credentials(ACCOUNT);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.headers()).containsEntry("content-type", "application/json")
                .containsEntry("cache-control", "no-store");
        IssuedCredentials issued = f.sts.issued().get(0);
        assertThat(a.json().get("AccessKeyId").asText()).isEqualTo(issued.accessKeyId());
        assertThat(a.json().get("SecretAccessKey").asText()).isEqualTo(issued.secretAccessKey());
        assertThat(a.json().get("Token").asText()).isEqualTo(issued.sessionToken());
        assertThat(a.json().get("Expiration").asText()).isEqualTo("2026-12-05T09:00:00Z");
        assertThat(a.json().get("RoleArn").asText()).isEqualTo("arn:aws:iam::222222222222:role/PortOceanReadRole");
        assertThat(f.sts.assumeRoleCount("arn:aws:iam::222222222222:role/PortOceanReadRole")).isEqualTo(1);
    }

    @Test
    void get_noAuthorization_401() {
        Raw.Answer a = Raw.get(f.port(), "/v1/accounts/" + ACCOUNT + "/credentials", null);

        assertThat(a.status()).isEqualTo(401);
        assertThat(a.json().get("code").asText()).isEqualTo("MissingAuthorization");
        assertThat(a.json().get("message").asText()).contains("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        assertThat(f.sts.count("AssumeRole")).isZero();
    }

    @Test
    void get_wrongToken_403WithoutEchoingIt() {
        String wrong = TokenFile.generate();
        Raw.Answer a = Raw.get(f.port(), "/v1/accounts/" + ACCOUNT + "/credentials", wrong);

        assertThat(a.status()).isEqualTo(403);
        assertThat(a.json().get("code").asText()).isEqualTo("InvalidToken");
        assertThat(a.body()).doesNotContain(wrong).doesNotContain(FakeStsFixture.TOKEN);
        // A prefix of the right token is wrong too.
        assertThat(Raw.get(f.port(), "/v1/accounts/" + ACCOUNT + "/credentials",
                FakeStsFixture.TOKEN.substring(0, 20)).status()).isEqualTo(403);
        assertThat(f.sts.count("AssumeRole")).isZero();
    }

    @Test
    void get_foreignHost_403() {
        for (String host : List.of("evil.example:" + f.port(), "127.0.0.1:" + (f.port() == 1 ? 2 : f.port() - 1),
                "127.0.0.1", "localhost.evil.example:" + f.port(), "169.254.170.2:" + f.port())) {
            Raw.Answer a = Raw.send(f.port(), "GET /v1/accounts/" + ACCOUNT + "/credentials HTTP/1.1\r\nHost: " + host
                    + "\r\nAuthorization: " + FakeStsFixture.TOKEN + "\r\nConnection: close\r\n\r\n");
            assertThat(a.status()).as(host).isEqualTo(403);
            assertThat(a.json().get("code").asText()).isEqualTo("ForbiddenHost");
        }
        for (String host : List.of("localhost:" + f.port(), "LOCALHOST:" + f.port(), "[::1]:" + f.port())) {
            Raw.Answer a = Raw.send(f.port(), "GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertThat(a.status()).as(host).isEqualTo(200);
        }
        assertThat(f.sts.count("AssumeRole")).isZero();
    }

    @Test
    void get_malformedAccountId_400() {
        for (String id : List.of("12345", "2222222222222", "22222222222x", "%32%32")) {
            Raw.Answer a = f.credentials(id);
            assertThat(a.status()).as(id).isEqualTo(400);
            assertThat(a.json().get("code").asText()).isEqualTo("MalformedAccountId");
            assertThat(a.json().get("message").asText()).contains("exactly 12 digits");
        }
    }

    @Test
    void otherPathsAndMethods_404And405() {
        assertThat(f.get("/").status()).isEqualTo(404);
        assertThat(f.get("/v1/accounts/222222222222").status()).isEqualTo(404);
        assertThat(f.get("/v1/accounts/222222222222/x/credentials").status()).isEqualTo(404);
        Raw.Answer post = Raw.send(f.port(), "DELETE /v1/accounts/" + ACCOUNT + "/credentials HTTP/1.1\r\nHost: 127.0.0.1:"
                + f.port() + "\r\nAuthorization: " + FakeStsFixture.TOKEN + "\r\nConnection: close\r\n\r\n");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsEntry("allow", "GET");
        assertThat(post.json().get("code").asText()).isEqualTo("MethodNotAllowed");
    }

    @Test
    void get_deniedAccount_403NamingRoleArnAndFix() {
        String role = "arn:aws:iam::333333333333:role/PortOceanReadRole";
        f.sts.denyAssumeRole(role);

        Raw.Answer a = f.credentials("333333333333");

        assertThat(a.status()).isEqualTo(403);
        assertThat(a.json().get("code").asText()).isEqualTo("AccessDenied");
        assertThat(a.json().get("message").asText()).contains(role).contains("trust policy");
        assertThat(a.body()).doesNotContain(FakeStsFixture.BASE_SECRET);
    }

    @Test
    void get_stsUnavailableNothingCached_503WithRetryAfter() {
        f.sts.fail(StsError.SERVICE_UNAVAILABLE);

        Raw.Answer a = f.credentials(ACCOUNT);

        assertThat(a.status()).isEqualTo(503);
        assertThat(a.headers()).containsEntry("retry-after", "5");
        assertThat(a.json().get("code").asText()).isEqualTo("StsUnavailable");
        assertThat(a.json().get("message").asText()).contains("arn:aws:iam::222222222222:role/PortOceanReadRole");
    }

    @Test
    void get_stsUnavailableButCached_servesTheCachedCredentials() {
        String first = f.credentials(ACCOUNT).json().get("AccessKeyId").asText();
        f.sts.fail(StsError.SERVICE_UNAVAILABLE);

        Raw.Answer a = f.credentials(ACCOUNT);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("AccessKeyId").asText()).isEqualTo(first);
    }

    @Test
    void healthz_withoutToken_reportsStateWithoutSecrets() {
        Raw.Answer creds = f.credentials(ACCOUNT);
        f.sts.denyAssumeRole("arn:aws:iam::333333333333:role/PortOceanReadRole");
        f.credentials("333333333333");

        Raw.Answer h = Raw.get(f.port(), "/healthz", null);

        assertThat(h.status()).isEqualTo(200);
        assertThat(h.json().get("status").asText()).isEqualTo("DEGRADED");
        assertThat(h.json().get("identitySource").asText()).isEqualTo("explicit");
        assertThat(h.json().get("cachedAccounts").asLong()).isEqualTo(2);
        assertThat(h.json().get("stsCircuit").asText()).isEqualTo("CLOSED");
        assertThat(h.json().get("failingAccounts").get(0).get("accountId").asText()).isEqualTo("333333333333");
        assertThat(h.json().get("failingAccounts").get(0).get("reason").asText()).isEqualTo("ACCESS_DENIED");
        assertThat(h.json().get("refreshMarginMinutes").asInt()).isEqualTo(15);
        assertThat(h.body()).doesNotContain(FakeStsFixture.TOKEN, FakeStsFixture.BASE_SECRET,
                creds.json().get("SecretAccessKey").asText(), creds.json().get("Token").asText(),
                creds.json().get("AccessKeyId").asText());
    }

    @Test
    void request_withBody_413() {
        Raw.Answer a = Raw.send(f.port(), "GET /v1/accounts/" + ACCOUNT + "/credentials HTTP/1.1\r\nHost: 127.0.0.1:"
                + f.port() + "\r\nAuthorization: " + FakeStsFixture.TOKEN
                + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.json().get("code").asText()).isEqualTo("RequestTooLarge");
        assertThat(f.sts.count("AssumeRole")).isZero();
    }

    @Test
    void request_oversizedHeader_refusedWithoutAnswer() {
        String big = "a".repeat(32 * 1024);
        Raw.Answer a = Raw.sendAllowingReset(f.port(), "GET /v1/accounts/" + ACCOUNT + "/credentials HTTP/1.1\r\nHost: 127.0.0.1:"
                + f.port() + "\r\nAuthorization: " + FakeStsFixture.TOKEN + "\r\nX-Big: " + big
                + "\r\nConnection: close\r\n\r\n");

        assertThat(a.status()).as(a.body()).isNotEqualTo(200);
        assertThat(a.status()).isIn(-1, 400, 413, 431);
        assertThat(f.sts.count("AssumeRole")).isZero();
    }

    @Test
    void request_tooManyHeaders_refused() {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        Raw.Answer a = Raw.sendAllowingReset(f.port(), "GET /v1/accounts/" + ACCOUNT + "/credentials HTTP/1.1\r\nHost: 127.0.0.1:"
                + f.port() + "\r\nAuthorization: " + FakeStsFixture.TOKEN + "\r\n" + headers + "Connection: close\r\n\r\n");

        assertThat(a.status()).as(a.body()).isIn(-1, 400, 413, 431);
        assertThat(f.sts.count("AssumeRole")).isZero();
    }

    @Test
    void slowClient_tricklingItsRequest_isCutOff() throws IOException {
        // The test JVM runs with sun.net.httpserver.maxReqTime=2 (s), see the pom; the jar's main sets 10 s.
        boolean cut = false;
        int sent = 0;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.port())) {
            s.setSoTimeout(100);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] request = ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + f.port() + "\r\n"
                    + "X-Slow: " + "z".repeat(4000)).getBytes(StandardCharsets.US_ASCII);
            // One byte per read timeout (~100 ms): the whole request would take minutes; bounded at 600 bytes.
            while (sent < 600) {
                try {
                    out.write(request[sent]);
                    out.flush();
                    sent++;
                } catch (SocketException e) {
                    cut = true;
                    break;
                }
                try {
                    if (in.read() < 0) {
                        cut = true;
                        break;
                    }
                    throw new AssertionError("the server answered a request it had not fully received");
                } catch (SocketTimeoutException e) {
                    // still open: trickle on
                } catch (SocketException e) {
                    cut = true;
                    break;
                }
            }
        }
        assertThat(cut).as("connection closed by the server after %d bytes", sent).isTrue();
        // The server still serves others.
        assertThat(Raw.get(f.port(), "/healthz", null).status()).isEqualTo(200);
    }

    @Test
    void concurrentClients_20Accounts_exactlyOneAssumeRolePerAccount() throws Exception {
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            accounts.add(String.format("7%011d", i));
        }
        ExecutorService clients = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int c = 0; c < 16; c++) {
                int offset = c;
                results.add(clients.submit(() -> {
                    go.await();
                    int ok = 0;
                    for (int r = 0; r < 50; r++) {
                        if (f.credentials(accounts.get((offset + r) % accounts.size())).status() == 200) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            go.countDown();
            int ok = 0;
            for (Future<Integer> r : results) {
                ok += r.get(120, TimeUnit.SECONDS);
            }
            assertThat(ok).isEqualTo(16 * 50);
        } finally {
            clients.shutdownNow();
        }
        assertThat(f.sts.count("AssumeRole")).isEqualTo(20);
        for (String account : accounts) {
            assertThat(f.sts.assumeRoleCount("arn:aws:iam::" + account + ":role/PortOceanReadRole")).isEqualTo(1);
        }
        assertThat(f.clock.instant()).isEqualTo(Instant.parse("2026-12-05T08:00:00Z"));
    }
}
