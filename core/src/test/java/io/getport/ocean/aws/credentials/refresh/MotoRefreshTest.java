package io.getport.ocean.aws.credentials.refresh;

import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.MANDATORY;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.assertOutsideMandatoryWindow;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.awaitIdle;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.readRoleException;
import static io.getport.ocean.aws.credentials.refresh.RefreshTesting.resolve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import io.getport.ocean.aws.credentials.testkit.moto.WithMoto;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

/**
 * The outage and AccessDenied scenarios once against moto_server, a real third-party STS emulator with IAM
 * enforced: the process is stopped for the outage, and the base user's {@code sts:AssumeRole} permission is removed
 * for the denial. Moto stamps expirations with the real time, so the broker's clock starts at the real time and is
 * then moved by hand.
 */
@WithMoto
class MotoRefreshTest {

    private static ReadRoleBroker.Builder broker(SeedArchitecture seed, MutableClock clock) {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(seed.baseUserCredentialsProvider()))
                .region(Region.US_EAST_1)
                .stsEndpoint(seed.endpoint())
                .sessionName("ocean-refresh-moto")
                .clock(clock)
                .stsProtection(s -> s.retryBaseDelay(Duration.ofMillis(5))
                .retryMaxDelay(Duration.ofMillis(40)))
                .refresh(r -> r.refreshTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void resolveCredentials_assumePermissionRemoved_10000ResolvesOneStsCallThenRecovers(MotoServer moto) {
        SeedArchitecture seed = SeedArchitecture.provision(moto);
        String account = seed.targetAccountIds().get(0);
        MutableClock clock = MutableClock.atSystemTime();
        RefreshTesting.Counting counting = new RefreshTesting.Counting();
        seed.removeAssumePermission();
        try (ReadRoleBroker broker = broker(seed, clock).refresh(r -> r.failureCacheTime(Duration.ofSeconds(60)))
                .listener(counting)
                .build(); LogCapture logs = LogCapture.attach(Level.INFO)) {
            AwsReadSession session = broker.forAccount(account);

            for (int i = 0; i < 10_000; i++) {
                ReadRoleException e = readRoleException(catchThrowable(() -> resolve(session)));
                assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
                clock.advance(Duration.ofMillis(5)); // 50 s in all, inside the 60 s failure cache time
            }

            assertThat(counting.stsCalls("AssumeRole")).isEqualTo(1);
            ReadRoleException e = readRoleException(catchThrowable(() -> resolve(session)));
            assertThat(e.getMessage()).contains(seed.readRoleArn(account), seed.baseUserArn(), "AccessDenied",
                    "sts:AssumeRole");
            assertThat(logs.messages()).filteredOn(m -> m.startsWith("refresh failed account=" + account + " "))
                    .hasSize(1);

            // The permission is given back: after the failure cache time, the next call assumes the role.
            seed.restoreAssumePermission();
            clock.advance(Duration.ofSeconds(11));
            AwsSessionCredentials c = resolve(session);
            assertOutsideMandatoryWindow(c, clock.instant());
            assertThat(session.assumedRoleArn().orElseThrow()).contains(account, "assumed-role/PortOceanReadRole/");
            assertThat(counting.stsCalls("AssumeRole")).isEqualTo(2);
            assertThat(logs.messages()).filteredOn(m -> m.startsWith("refresh recovered account=" + account + " "))
                    .hasSize(1);
        } finally {
            seed.restoreAssumePermission();
        }
    }

    @Test
    void resolveCredentials_motoStoppedThroughAdvisoryWindow_cachedUntilMandatoryWindowThenClearError() {
        // An own moto_server: stopping the shared one would break the other test classes.
        try (MotoServer own = MotoServer.start()) {
            SeedArchitecture seed = SeedArchitecture.provision(own);
            MutableClock clock = MutableClock.atSystemTime();
            try (ReadRoleBroker broker = broker(seed, clock).build(); LogCapture logs = LogCapture.attach(Level.INFO)) {
                List<AwsReadSession> sessions = new ArrayList<>();
                Map<String, AwsSessionCredentials> cached = new LinkedHashMap<>();
                for (String account : seed.targetAccountIds()) {
                    AwsReadSession session = broker.forAccount(account);
                    sessions.add(session);
                    cached.put(account, resolve(session));
                }
                own.stop();
                assertThat(own.isRunning()).isFalse();

                int served = 0;
                int refused = 0;
                Instant end = clock.instant().plus(Duration.ofMinutes(65));
                while (clock.instant().isBefore(end)) {
                    Instant now = clock.instant();
                    for (AwsReadSession session : sessions) {
                        AwsSessionCredentials old = cached.get(session.accountId());
                        if (now.isBefore(old.expirationTime().orElseThrow().minus(MANDATORY))) {
                            AwsSessionCredentials c = resolve(session);
                            assertThat(c.accessKeyId()).isEqualTo(old.accessKeyId());
                            served++;
                        } else {
                            ReadRoleException e = readRoleException(catchThrowable(() -> resolve(session)));
                            assertThat(e.reason()).isEqualTo(Reason.STS_UNAVAILABLE);
                            assertThat(e.getMessage()).contains(session.roleArn(), "STS");
                            refused++;
                        }
                    }
                    awaitIdle(sessions);
                    clock.advance(Duration.ofSeconds(30));
                }

                assertThat(served).isGreaterThan(3 * 100);
                assertThat(refused).isGreaterThan(3 * 5);
                for (AwsReadSession session : sessions) {
                    assertThat(logs.messages()).filteredOn(m -> m.startsWith("refresh failed")
                            && m.contains("account=" + session.accountId() + " ")).hasSize(1);
                }
            }
        }
    }
}
