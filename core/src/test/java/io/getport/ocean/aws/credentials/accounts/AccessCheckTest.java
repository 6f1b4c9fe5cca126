package io.getport.ocean.aws.credentials.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.accounts.AccessResult.Cause;
import io.getport.ocean.aws.credentials.accounts.AccessResult.Status;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import io.getport.ocean.aws.credentials.testkit.fake.RecordedRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** {@link AccessCheck} against the protocol-level STS. */
class AccessCheckTest {
    private static final String EXTERNAL_ID = "port-ocean-external-id-42";
    private final MutableClock clock = MutableClock.atSystemTime();
    private FakeSts sts;
    private final List<ReadRoleBroker> brokers = new ArrayList<>();

    @BeforeEach
    void start() {
        sts = FakeSts.builder().clock(clock).start();
    }

    @AfterEach
    void stop() {
        brokers.forEach(ReadRoleBroker::close);
        sts.close();
    }

    private ReadRoleBroker broker(Consumer<ReadRoleBroker.Builder> extra) {
        ReadRoleBroker.Builder b = ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .identity(i -> i.baseCredentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAFAKEBASE0000001", "base-secret-key"))))
                .region(Region.US_EAST_1)
                .stsEndpoint(sts.endpoint())
                .externalId(EXTERNAL_ID)
                .clock(clock)
                .stsProtection(s -> s.retryBaseDelay(Duration.ofMillis(1))
                .retryMaxDelay(Duration.ofMillis(5))
                .stsRateLimit(1000));
        extra.accept(b);
        ReadRoleBroker broker = b.build();
        brokers.add(broker);
        return broker;
    }

    private static String account(int i) {
        return String.format("3000000000%02d", i);
    }

    private static String readRole(String account) {
        return "arn:aws:iam::" + account + ":role/PortOceanReadRole";
    }

    @Test
    void checkAccess_mixedAccounts_eachAccountReportedOnItsOwn() {
        ReadRoleBroker broker = broker(b -> { });
        String denied = account(90);
        String unavailable = account(91);
        String custom = "arn:aws:iam::" + account(92) + ":role/team/CustomReader";
        sts.denyAssumeRole(readRole(denied));
        sts.onRequest(r -> r.param("RoleArn").filter(readRole(unavailable)::equals).isPresent()
                ? Fault.status(503, "text/xml", "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                        + "<Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service unavailable"
                        + "</Message></Error><RequestId>r1</RequestId></ErrorResponse>")
                : Fault.none());
        List<AccountTarget> targets = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            targets.add(AccountTarget.account(account(i)));
        }
        targets.add(AccountTarget.account(denied));
        targets.add(AccountTarget.account(unavailable));
        targets.add(AccountTarget.role(custom));
        targets.add(AccountTarget.account(account(1)));

        AccessReport report;
        try (LogCapture logs = LogCapture.attach()) {
            report = AccessCheck.create().run(broker, targets);

            assertThat(logs.messages()).filteredOn(m -> m.startsWith("access check account=")).hasSize(2)
                    .anySatisfy(m -> assertThat(m).contains("account=" + denied, "status=DENIED",
                            "error=AccessDenied", "likelyCause=ROLE_MISSING"))
                    .anySatisfy(m -> assertThat(m).contains("account=" + unavailable, "status=ERROR"));
            assertThat(logs.messages()).anyMatch(m -> m.startsWith("access check done accounts=23 ok=21 denied=1"
                    + " error=1"));
            logs.assertNoneContain(sts.issuedSecrets());
            logs.assertNoneContain(List.of(EXTERNAL_ID, "base-secret-key"));
        }

        assertThat(report.total()).isEqualTo(23);
        assertThat(report.count(Status.OK)).isEqualTo(21);
        assertThat(report.results()).extracting(AccessResult::accountId).first().isEqualTo(account(1));
        AccessResult ok = report.results().get(0);
        assertThat(ok.status()).isEqualTo(Status.OK);
        assertThat(ok.assumedRoleArn()).hasValueSatisfying(arn -> assertThat(arn)
                .startsWith("arn:aws:sts::" + account(1) + ":assumed-role/PortOceanReadRole/"));
        assertThat(ok.expiration()).contains(clock.instant().plus(Duration.ofHours(1)));
        assertThat(ok.latency()).isPositive();
        assertThat(ok.likelyCauses()).isEmpty();

        AccessResult refused = report.denied().get(0);
        assertThat(refused.accountId()).isEqualTo(denied);
        assertThat(refused.errorCode()).contains("AccessDenied");
        assertThat(refused.likelyCauses()).containsExactly(Cause.ROLE_MISSING, Cause.TRUST_POLICY,
                Cause.EXTERNAL_ID_MISMATCH, Cause.BASE_IDENTITY_POLICY);
        assertThat(refused.message()).hasValueSatisfying(m -> assertThat(m).contains(readRole(denied))
                .doesNotContain(EXTERNAL_ID));

        AccessResult error = report.errors().get(0);
        assertThat(error.accountId()).isEqualTo(unavailable);
        assertThat(error.errorCode()).contains("ServiceUnavailable");
        assertThat(error.likelyCauses()).containsExactly(Cause.STS_UNAVAILABLE);
        assertThat(sts.assumeRoleCount(readRole(unavailable))).isEqualTo(3);

        assertThat(report.accessible()).contains(AccountTarget.role(custom)).doesNotContain(
                AccountTarget.account(denied), AccountTarget.account(unavailable));
        assertThat(sts.assumeRoleCount(custom)).isEqualTo(1);
        assertThat(sts.assumeRoleCount(readRole(account(1)))).isEqualTo(1);
    }

    @Test
    void checkAccess_secondRun_okFromCacheWithoutStsCalls() {
        ReadRoleBroker broker = broker(b -> { });
        List<AccountTarget> targets = List.of(AccountTarget.account(account(1)), AccountTarget.account(account(2)));
        AccessReport first = AccessCheck.create().run(broker, targets);
        int calls = sts.count("AssumeRole");

        AccessReport second = AccessCheck.create().run(broker, targets);

        assertThat(first.results()).noneMatch(AccessResult::cached);
        assertThat(second.results()).allMatch(r -> r.isOk() && r.cached());
        assertThat(sts.count("AssumeRole")).isEqualTo(calls).isEqualTo(2);
        assertThat(broker.forAccount(account(1)).expiration()).isPresent();
    }

    @Test
    void checkAccess_everyAccountDenied_baseIdentityPolicyRankedFirst() {
        ReadRoleBroker broker = broker(b -> { });
        sts.denyAssumeRole(arn -> true);

        AccessReport report = AccessCheck.create().run(broker, List.of(AccountTarget.account(account(1)),
                AccountTarget.account(account(2))));

        assertThat(report.allOk()).isFalse();
        assertThat(report.denied()).hasSize(2).allSatisfy(r -> assertThat(r.likelyCauses().get(0))
                .isEqualTo(Cause.BASE_IDENTITY_POLICY));
    }

    @Test
    void checkAccess_accountNotAllowed_deniedWithoutStsCall() {
        ReadRoleBroker broker = broker(b -> b.allowedAccounts(Set.of(account(1))));

        AccessReport report = AccessCheck.create().run(broker, List.of(AccountTarget.account(account(1)),
                AccountTarget.account(account(2))));

        assertThat(report.ok()).extracting(AccessResult::accountId).containsExactly(account(1));
        assertThat(report.denied()).singleElement().satisfies(r -> {
            assertThat(r.likelyCauses()).containsExactly(Cause.NOT_ALLOWED);
            assertThat(r.errorCode()).contains("NOT_ALLOWED");
            assertThat(r.roleArn()).isEqualTo(readRole(account(2)));
        });
        assertThat(sts.assumeRoleCount(readRole(account(2)))).isZero();
    }

    /**
     * Counts STS requests from their receipt until their answer is decided, which is before it is written, so the
     * count never includes a request whose client already released its permit: the bound it sees is exact under any
     * scheduling. While closed, it holds every request (the test opens it).
     */
    static final class StsGate implements Function<RecordedRequest, Fault> {
        private static final Duration MAX_HOLD = Duration.ofSeconds(60);
        private int inside;
        private int peak;
        private boolean open;

        StsGate(boolean open) {
            this.open = open;
        }

        @Override
        public synchronized Fault apply(RecordedRequest request) {
            inside++;
            peak = Math.max(peak, inside);
            notifyAll();
            long deadline = System.nanoTime() + MAX_HOLD.toNanos();
            try {
                while (!open && deadline - System.nanoTime() > 0) {
                    TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inside--;
            }
            return Fault.none();
        }

        synchronized boolean awaitInside(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (inside < count && deadline - System.nanoTime() > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
            }
            return inside >= count;
        }

        synchronized void open() {
            open = true;
            notifyAll();
        }

        synchronized int peak() {
            return peak;
        }
    }

    @Test
    void checkAccess_manyAccountsWithLatency_stsConcurrencyBoundedByBrokerCap() throws Exception {
        // The first STS requests are held until every lane of the check has started and the broker's cap (4) is
        // reached: both peaks are then exact, whatever else runs on the machine.
        StsGate gate = new StsGate(false);
        sts.onRequest(gate);
        ReadRoleBroker broker = broker(b -> b.stsProtection(s -> s
                .stsMaxConcurrency(4).stsCallTimeout(Duration.ofMinutes(2)))
                .refresh(r -> r.refreshTimeout(Duration.ofMinutes(5))));
        List<AccountTarget> targets = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            targets.add(AccountTarget.account(String.format("4000000000%02d", i)));
        }

        CompletableFuture<AccessReport> running = CompletableFuture.supplyAsync(
                () -> AccessCheck.withParallelism(8).run(broker, targets));
        assertThat(gate.awaitInside(4, Duration.ofSeconds(60))).as("4 STS calls held at once").isTrue();
        // 8 lanes (twice the cap); each lane creates its session before it waits for an STS permit.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (broker.cacheStatistics().created() < 8 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertThat(broker.cacheStatistics().created()).as("sessions of the 8 lanes").isEqualTo(8);
        gate.open();
        AccessReport report = running.get(5, TimeUnit.MINUTES);

        assertThat(report.allOk()).isTrue();
        assertThat(gate.peak()).isEqualTo(4);
        assertThat(sts.peakInFlight()).isEqualTo(4);
        assertThat(report.peakInFlight()).isEqualTo(8);
    }

    @Test
    void runAsync_windowOfOne_onlyOneResolutionInFlight() throws Exception {
        StsGate counter = new StsGate(true);
        sts.onRequest(counter);
        ReadRoleBroker broker = broker(b -> b.stsProtection(s -> s.stsMaxConcurrency(8)));
        List<AccountTarget> targets = List.of(AccountTarget.account(account(1)), AccountTarget.account(account(2)),
                AccountTarget.account(account(3)));

        AccessReport report = AccessCheck.withParallelism(1).runAsync(broker, targets).get();

        assertThat(report.peakInFlight()).isEqualTo(1);
        assertThat(counter.peak()).isEqualTo(1);
        assertThat(sts.peakInFlight()).isEqualTo(1);
        assertThat(report.ok()).hasSize(3);
    }

    @Test
    void checkAccess_closedBroker_fails() {
        ReadRoleBroker broker = broker(b -> { });
        broker.close();

        assertThatThrownBy(() -> AccessCheck.create().run(broker, List.of(AccountTarget.account(account(1)))))
                .isInstanceOfSatisfying(ReadRoleException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.CLOSED));
    }

    @Test
    void withParallelism_zero_failsNamingRule() {
        assertThatThrownBy(() -> AccessCheck.withParallelism(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parallelism must be at least 1");
    }

    @Test
    void rankAccessDenied_policyTypeInMessage_rankedFromMessage() {
        assertThat(AccessCheck.rankAccessDenied("User: x is not authorized to perform: sts:AssumeRole on resource: y"
                + " with an explicit deny in an identity-based policy", true))
                .containsExactly(Cause.BASE_IDENTITY_POLICY);
        assertThat(AccessCheck.rankAccessDenied("... because no resource-based policy allows the sts:AssumeRole"
                + " action", false)).first().isEqualTo(Cause.TRUST_POLICY);
        assertThat(AccessCheck.rankAccessDenied("... with an explicit deny in a service control policy", true))
                .containsExactly(Cause.BASE_IDENTITY_POLICY);
    }

    @Test
    void forRole_customRole_ownCacheEntryBesideReadRole() {
        ReadRoleBroker broker = broker(b -> { });
        String custom = "arn:aws:iam::" + account(5) + ":role/team/CustomReader";

        AwsReadSession customSession = broker.forRole(custom);
        AwsReadSession readSession = broker.forAccount(account(5));
        customSession.credentialsProvider().resolveCredentials();
        readSession.credentialsProvider().resolveCredentials();
        customSession.credentialsProvider().resolveCredentials();

        assertThat(customSession).isNotSameAs(readSession).isSameAs(broker.forRole(custom));
        assertThat(customSession.roleArn()).isEqualTo(custom);
        assertThat(customSession.accountId()).isEqualTo(account(5));
        assertThat(broker.forRole(readRole(account(5)))).isSameAs(readSession);
        assertThat(sts.assumeRoleCount(custom)).isEqualTo(1);
        assertThat(sts.assumeRoleCount(readRole(account(5)))).isEqualTo(1);
        assertThat(customSession.assumedRoleArn()).hasValueSatisfying(a -> assertThat(a).contains("CustomReader"));
    }

    @Test
    void forRole_otherPartitionOrNotRole_failsNamingRule() {
        ReadRoleBroker broker = broker(b -> { });

        assertThatThrownBy(() -> broker.forRole("arn:aws-cn:iam::" + account(5) + ":role/Reader"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition aws");
        assertThatThrownBy(() -> broker.forRole("arn:aws:iam::" + account(5) + ":user/Reader"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role ARN");
    }
}
