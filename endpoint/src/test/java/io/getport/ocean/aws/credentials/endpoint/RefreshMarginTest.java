package io.getport.ocean.aws.credentials.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What the endpoint serves keeps at least 15 minutes before expiry when the session allows it: the broker's refresh
 * is planned 20 to 16 minutes before expiry and the keeper starts it without a client; when STS fails and cached
 * credentials with less left are served, the endpoint says so in its log (once per credentials) and in /healthz.
 * Time is the injected clock; STS calls run on the calling thread (the broker's executor is direct).
 */
class RefreshMarginTest {
    private static final String ACCOUNT = "222222222222";

    @Test
    void keeper_16MinutesLeft_refreshesBeforeTheMarginWithoutAnyClient() {
        try (FakeStsFixture f = FakeStsFixture.start(b -> b.executor(Runnable::run))) {
            assertThat(f.marginKept).isTrue();
            Raw.Answer first = f.credentials(ACCOUNT);
            assertThat(first.json().get("Expiration").asText()).isEqualTo("2026-12-05T09:00:00Z");

            f.clock.advance(Duration.ofMinutes(44)); // 16 min left: inside the endpoint's refresh plan (20 to 16)
            f.endpoint.keepFresh();

            assertThat(f.sts.count("AssumeRole")).isEqualTo(2);
            Raw.Answer next = f.credentials(ACCOUNT);
            assertThat(next.json().get("AccessKeyId").asText()).isNotEqualTo(first.json().get("AccessKeyId").asText());
            Instant expiry = Instant.parse(next.json().get("Expiration").asText());
            assertThat(Duration.between(f.clock.instant(), expiry)).isGreaterThanOrEqualTo(Duration.ofMinutes(15));
        }
    }

    @Test
    void keeper_notYetInThePlan_makesNoStsCall() {
        try (FakeStsFixture f = FakeStsFixture.start(b -> b.executor(Runnable::run))) {
            f.credentials(ACCOUNT);
            // The account's planned refresh is at its phase, at least 20 minutes before expiry: 1 ms before it, the
            // keeper's touch is a cache read.
            java.time.Instant planned = f.broker.forAccount(ACCOUNT).nextRefresh().orElseThrow();
            f.clock.set(planned.minusMillis(1));
            f.endpoint.keepFresh();
            assertThat(f.sts.count("AssumeRole")).isEqualTo(1);
            assertThat(Duration.between(planned, f.broker.forAccount(ACCOUNT).expiration().orElseThrow()))
                    .isGreaterThanOrEqualTo(Duration.ofMinutes(20));
        }
    }

    @Test
    void serve_stsDownAnd14MinutesLeft_servesCachedAndWarnsOnceAndHealthShowsIt() {
        try (FakeStsFixture f = FakeStsFixture.start(b -> b.executor(Runnable::run))) {
            String key = f.credentials(ACCOUNT).json().get("AccessKeyId").asText();
            f.sts.fail(StsError.SERVICE_UNAVAILABLE);
            f.clock.advance(Duration.ofMinutes(46));

            try (LogCapture logs = LogCapture.attach(Level.INFO)) {
                Raw.Answer a = f.credentials(ACCOUNT);
                Raw.Answer again = f.credentials(ACCOUNT);

                assertThat(a.status()).isEqualTo(200);
                assertThat(a.json().get("AccessKeyId").asText()).isEqualTo(key);
                assertThat(again.json().get("AccessKeyId").asText()).isEqualTo(key);
                assertThat(logs.messages().stream().filter(m -> m.contains("Serving credentials for account "
                        + ACCOUNT + " that expire in 840 s"))).hasSize(1);
            }
            Raw.Answer health = Raw.get(f.port(), "/healthz", null);
            assertThat(health.json().get("servedUnderMargin").get(0).get("accountId").asText()).isEqualTo(ACCOUNT);
            assertThat(health.json().get("servedUnderMargin").get(0).get("expiration").asText())
                    .isEqualTo("2026-12-05T09:00:00Z");
            assertThat(health.json().get("status").asText()).isEqualTo("DEGRADED");
        }
    }

    @Test
    void serve_15MinuteSession_cannotKeepTheMarginAndSaysSo() {
        try (FakeStsFixture f = FakeStsFixture.start(b -> b.sessionDuration(Duration.ofMinutes(15)))) {
            assertThat(f.marginKept).isFalse();
            f.sts.honorDurationSeconds();
            Raw.Answer a = f.credentials(ACCOUNT);
            assertThat(a.status()).isEqualTo(200);
            assertThat(Raw.get(f.port(), "/healthz", null).json().get("refreshMarginMinutes").asInt()).isZero();
        }
    }
}
