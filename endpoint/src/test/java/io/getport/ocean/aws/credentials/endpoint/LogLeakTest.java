package io.getport.ocean.aws.credentials.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.fake.IssuedCredentials;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** At TRACE, nothing the server logs contains the endpoint token, the base identity's secret or served credentials. */
class LogLeakTest {

    @Test
    void serverLog_atTrace_containsNoTokenNoBaseSecretNoServedCredentials() {
        List<String> secrets = new ArrayList<>();
        try (LogCapture logs = LogCapture.attach(Level.TRACE)) {
            try (FakeStsFixture f = FakeStsFixture.start()) {
                int port = f.port();
                for (String account : List.of("222222222222", "333333333333", "222222222222")) {
                    assertThat(f.credentials(account).status()).isEqualTo(200);
                }
                Raw.get(port, "/v1/accounts/222222222222/credentials", null);
                Raw.get(port, "/v1/accounts/222222222222/credentials", FakeStsFixture.TOKEN + "x");
                Raw.send(port, "GET /v1/accounts/222222222222/credentials HTTP/1.1\r\nHost: evil.example\r\n"
                        + "Authorization: " + FakeStsFixture.TOKEN + "\r\nConnection: close\r\n\r\n");
                Raw.get(port, "/v1/accounts/22222222222x/credentials?token=" + FakeStsFixture.TOKEN,
                        FakeStsFixture.TOKEN);
                f.sts.denyAssumeRole("arn:aws:iam::444444444444:role/PortOceanReadRole");
                assertThat(f.credentials("444444444444").status()).isEqualTo(403);
                f.sts.fail(StsError.SERVICE_UNAVAILABLE);
                assertThat(f.credentials("555555555555").status()).isEqualTo(503);
                Raw.get(port, "/healthz", null);
                for (IssuedCredentials c : f.sts.issued()) {
                    secrets.add(c.secretAccessKey());
                    secrets.add(c.sessionToken());
                }
                secrets.addAll(f.sts.issuedSecrets());
            }
            secrets.add(FakeStsFixture.TOKEN);
            secrets.add(FakeStsFixture.BASE_SECRET);

            assertThat(secrets).hasSizeGreaterThan(3);
            logs.assertNoneContain(secrets);
            // The access log is there, and it is what was checked.
            assertThat(logs.messages()).anyMatch(m -> m.contains("GET /v1/accounts/222222222222/credentials 200"));
            assertThat(logs.messages()).anyMatch(m -> m.contains("/credentials 401"));
            assertThat(logs.messages()).anyMatch(m -> m.contains("/credentials 403"));
            assertThat(logs.messages()).anyMatch(m -> m.contains("/credentials 503"));
            assertThat(logs.messages()).anyMatch(m -> m.contains("Serving read role credentials on http://127.0.0.1:"));
            assertThat(logs.events()).anyMatch(e -> e.getLevel() == Level.DEBUG || e.getLevel() == Level.TRACE);
        }
    }
}
