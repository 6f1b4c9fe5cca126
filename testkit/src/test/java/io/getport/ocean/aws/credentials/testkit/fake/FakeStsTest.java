package io.getport.ocean.aws.credentials.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.PolicyDescriptorType;
import software.amazon.awssdk.services.sts.model.StsException;

class FakeStsTest {

    private static final String ROLE_A = "arn:aws:iam::222222222222:role/PortOceanReadRole";
    private static final String ROLE_B = "arn:aws:iam::333333333333:role/PortOceanReadRole";
    private static final AwsCredentialsProvider BASE_KEY =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIABASEUSER00000001", "base-secret"));

    private final MutableClock clock = MutableClock.at(Instant.parse("2026-11-28T15:00:00Z"));
    private FakeSts sts;
    private StsClient client;

    @BeforeEach
    void start() {
        sts = FakeSts.builder().clock(clock).start();
        client = client(BASE_KEY);
    }

    @AfterEach
    void stop() {
        client.close();
        sts.close();
    }

    @Test
    void assumeRole_twice_issuesUniqueCredentialsExpiringAfterDuration() {
        AssumeRoleResponse first = assume(ROLE_A, null);
        AssumeRoleResponse second = client.assumeRole(r -> r.roleArn(ROLE_A).roleSessionName("s2").durationSeconds(900));

        assertThat(first.credentials().accessKeyId()).startsWith("ASIA").hasSize(20)
                .isNotEqualTo(second.credentials().accessKeyId());
        assertThat(first.credentials().secretAccessKey()).isNotEqualTo(second.credentials().secretAccessKey());
        assertThat(first.credentials().expiration()).isEqualTo(clock.instant().plusSeconds(3600));
        assertThat(second.credentials().expiration()).isEqualTo(clock.instant().plusSeconds(900));
        assertThat(first.assumedRoleUser().arn())
                .isEqualTo("arn:aws:sts::222222222222:assumed-role/PortOceanReadRole/s1");
        assertThat(first.assumedRoleUser().assumedRoleId()).startsWith("AROA").endsWith(":s1");
        assertThat(sts.issued()).hasSize(2);
        assertThat(sts.issuedSecrets()).contains(first.credentials().secretAccessKey(),
                first.credentials().sessionToken(), second.credentials().sessionToken()).hasSize(4);
        assertThat(sts.issued().get(0).toString()).doesNotContain(first.credentials().secretAccessKey());

        RecordedRequest request = sts.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.action()).contains("AssumeRole");
        assertThat(request.param("RoleArn")).contains(ROLE_A);
        assertThat(request.param("Version")).contains("2011-06-15");
        assertThat(request.signed()).isTrue();
        assertThat(request.header("authorization")).get().asString().contains("Credential=AKIABASEUSER00000001/");
        assertThat(request.toString()).doesNotContain("Credential=");
    }

    @Test
    void sessionLifetime_set_overridesDurationSecondsUntilHonoredAgain() {
        sts.sessionLifetime(Duration.ofMinutes(2));
        assertThat(assume(ROLE_A, null).credentials().expiration()).isEqualTo(clock.instant().plusSeconds(120));

        clock.advance(Duration.ofMinutes(10));
        sts.honorDurationSeconds();
        assertThat(assume(ROLE_A, null).credentials().expiration()).isEqualTo(clock.instant().plusSeconds(3600));
    }

    @Test
    void getCallerIdentity_baseKeyThenIssuedSession_reportsEachCaller() {
        assertThat(client.getCallerIdentity().arn()).isEqualTo(FakeSts.DEFAULT_CALLER_ARN);
        sts.callerArn("AKIABASEUSER00000001", "arn:aws:iam::111111111111:user/someone");
        assertThat(client.getCallerIdentity().account()).isEqualTo("111111111111");
        assertThat(client.getCallerIdentity().arn()).endsWith(":user/someone");

        try (StsClient session = client(sessionProvider(assume(ROLE_B, null).credentials()))) {
            var identity = session.getCallerIdentity();
            assertThat(identity.arn()).isEqualTo("arn:aws:sts::333333333333:assumed-role/PortOceanReadRole/s1");
            assertThat(identity.account()).isEqualTo("333333333333");
            assertThat(identity.userId()).startsWith("AROA").endsWith(":s1");
        }
        assertThat(sts.count("GetCallerIdentity")).isEqualTo(4);
    }

    @Test
    void anyAction_signedWithExpiredIssuedCredentials_expiredToken() {
        try (StsClient session = client(sessionProvider(assume(ROLE_A, null).credentials()))) {
            assertThat(session.getCallerIdentity().account()).isEqualTo("222222222222");
            clock.advance(Duration.ofHours(1));

            assertThatThrownBy(session::getCallerIdentity).satisfies(e -> assertStsError(e, 403, "ExpiredToken",
                    "The security token included in the request is expired"));
            assertThatThrownBy(() -> session.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("c1")))
                    .satisfies(e -> assertStsError(e, 403, "ExpiredToken", null));
        }
    }

    @Test
    void assumeRole_roleChainedAboveOneHour_validationError() {
        try (StsClient chained = client(sessionProvider(assume(ROLE_A, null).credentials()))) {
            assertThatThrownBy(() -> chained.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("c1").durationSeconds(7200)))
                    .satisfies(e -> assertStsError(e, 400, "ValidationError",
                            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role "
                                    + "chaining."));
            assertThat(chained.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("c1").durationSeconds(3600))
                    .credentials()).isNotNull();

            sts.enforceRoleChainingLimit(false);
            assertThat(chained.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("c1").durationSeconds(7200))
                    .credentials().expiration()).isEqualTo(clock.instant().plusSeconds(7200));
        }
        assertThat(client.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("u1").durationSeconds(43_200))
                .credentials()).isNotNull();
    }

    @Test
    void assumeRole_invalidParameters_validationErrors() {
        assertThatThrownBy(() -> client.assumeRole(r -> r.roleArn(ROLE_A).roleSessionName("s1").durationSeconds(100)))
                .satisfies(e -> assertStsError(e, 400, "ValidationError", null))
                .hasMessageContaining("greater than or equal to 900");
        assertThatThrownBy(() -> client.assumeRole(r -> r.roleArn(ROLE_A).roleSessionName("has space")))
                .hasMessageContaining("roleSessionName");
        assertThatThrownBy(() -> client.assumeRole(r -> r.roleArn("not-an-arn").roleSessionName("s1")))
                .hasMessageContaining("Request ARN is invalid");
        assertThatThrownBy(() -> client.assumeRole(r -> r.roleArn(ROLE_A).roleSessionName("s1").externalId("x")))
                .hasMessageContaining("externalId");
        sts.maxSessionDuration(Duration.ofHours(1));
        assertThatThrownBy(() -> client.assumeRole(r -> r.roleArn(ROLE_A).roleSessionName("s1").durationSeconds(7200)))
                .hasMessageContaining("MaxSessionDuration");
        List<String> elevenArns = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            elevenArns.add("arn:aws:iam::aws:policy/P" + i);
        }
        assertThatThrownBy(() -> client.assumeRole(r -> r.roleArn(ROLE_A).roleSessionName("s1")
                .policyArns(elevenArns.stream().map(a -> PolicyDescriptorType.builder().arn(a).build()).toList())))
                .hasMessageContaining("policyArns");
        assertThat(sts.issued()).isEmpty();
    }

    @Test
    void denyAssumeRole_oneRole_accessDeniedWithRealMessageShape() {
        sts.denyAssumeRole(ROLE_A);

        assertThatThrownBy(() -> assume(ROLE_A, null)).satisfies(e -> assertStsError(e, 403, "AccessDenied",
                "User: arn:aws:iam::111111111111:user/port-ocean-base is not authorized to perform: sts:AssumeRole on "
                        + "resource: " + ROLE_A));
        assertThat(assume(ROLE_B, null).credentials()).isNotNull();
        sts.allowAllRoles();
        assertThat(assume(ROLE_A, null).credentials()).isNotNull();
    }

    @Test
    void expectExternalId_missingOrWrong_accessDenied() {
        sts.expectExternalId("ext-123");

        assertThatThrownBy(() -> assume(ROLE_A, null)).satisfies(e -> assertStsError(e, 403, "AccessDenied", null));
        assertThatThrownBy(() -> assume(ROLE_A, "ext-999")).satisfies(e -> assertStsError(e, 403, "AccessDenied", null));
        assertThat(assume(ROLE_A, "ext-123").credentials()).isNotNull();
        assertThat(sts.requests().get(2).param("ExternalId")).contains("ext-123");
    }

    @Test
    void failNext_throttling_failsThatManyThenRecovers() throws Exception {
        sts.failNext(2, StsError.THROTTLING);

        HttpResponse<String> raw = rawPost("Action=AssumeRole&Version=2011-06-15&RoleArn=" + ROLE_A
                + "&RoleSessionName=raw");
        assertThat(raw.statusCode()).isEqualTo(400);
        assertThat(raw.body()).matches("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                + "<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
                + "<RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>");
        assertThatThrownBy(() -> assume(ROLE_A, null))
                .satisfies(e -> assertStsError(e, 400, "Throttling", "Rate exceeded"));
        assertThat(assume(ROLE_A, null).credentials()).isNotNull();
        assertThat(sts.assumeRoleCount(ROLE_A)).isEqualTo(3);
    }

    @Test
    void fail_eachError_answersItsStatusCodeAndMessageUntilRecovered() {
        sts.fail(StsError.REGION_DISABLED);
        assertThatThrownBy(() -> assume(ROLE_A, null)).satisfies(e -> assertStsError(e, 403,
                "RegionDisabledException", "STS is not activated in this region for account:111111111111. Your "
                        + "account administrator can activate STS in this region using the IAM Console."));
        sts.fail(StsError.INTERNAL_FAILURE);
        assertThatThrownBy(() -> assume(ROLE_A, null)).satisfies(e -> assertStsError(e, 500, "InternalFailure", null));
        sts.fail(StsError.SERVICE_UNAVAILABLE);
        assertThatThrownBy(() -> assume(ROLE_A, null))
                .satisfies(e -> assertStsError(e, 503, "ServiceUnavailable", null));
        sts.fail(StsError.EXPIRED_TOKEN);
        assertThatThrownBy(() -> assume(ROLE_A, null)).satisfies(e -> assertStsError(e, 403, "ExpiredToken",
                "The security token included in the request is expired"));
        sts.fail(StsError.ACCESS_DENIED);
        assertThatThrownBy(() -> assume(ROLE_B, null)).satisfies(e -> assertStsError(e, 403, "AccessDenied",
                "User: " + FakeSts.DEFAULT_CALLER_ARN + " is not authorized to perform: sts:AssumeRole on resource: "
                        + ROLE_B));

        sts.recover();
        assertThat(assume(ROLE_A, null).credentials()).isNotNull();
        assertThat(sts.countsByAction()).containsEntry("AssumeRole", 6);
        assertThat(sts.countsByRoleArn()).containsEntry(ROLE_A, 5).containsEntry(ROLE_B, 1);
    }

    @Test
    void throttle_probability_seededAndBounded() {
        sts.throttle(1.0, 1);
        assertThatThrownBy(() -> assume(ROLE_A, null)).satisfies(e -> assertStsError(e, 400, "Throttling", null));
        sts.throttle(0.0, 1);
        assertThat(assume(ROLE_A, null).credentials()).isNotNull();

        sts.throttle(0.5, 42);
        int throttled = 0;
        for (int i = 0; i < 40; i++) {
            try {
                assume(ROLE_A, null);
            } catch (StsException e) {
                throttled++;
            }
        }
        assertThat(throttled).isBetween(8, 32);
        sts.noThrottling();
        assertThat(assume(ROLE_A, null).credentials()).isNotNull();
    }

    @Test
    void throttleAbove_burst_throttlesBeyondRate() {
        sts.throttleAbove(5);
        long start = System.nanoTime();
        int throttled = 0;
        for (int i = 0; i < 20; i++) {
            try {
                assume(ROLE_A, null);
            } catch (StsException e) {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
                throttled++;
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(20 - throttled).isBetween(5, 5 * (int) (seconds + 1));
    }

    @Test
    void hang_concurrentCalls_trackedInFlightUntilReleased() throws Exception {
        sts.hang();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<AssumeRoleResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(pool.submit(() -> assume(ROLE_A, null)));
            }
            assertThat(sts.awaitHanging(3, Duration.ofSeconds(10))).isTrue();
            assertThat(sts.inFlight()).isEqualTo(3);
            assertThat(sts.peakInFlight()).isEqualTo(3);

            sts.healthy();
            for (Future<AssumeRoleResponse> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS).credentials()).isNotNull();
            }
            assertThat(sts.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(sts.inFlight()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void latency_set_delaysAnswers() {
        sts.latency(Duration.ofMillis(300));
        long start = System.nanoTime();
        assume(ROLE_A, null);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void enqueue_closeConnection_clientSeesIoErrorThenRecovers() {
        sts.enqueue(Fault.closeConnection());
        assertThatThrownBy(() -> assume(ROLE_A, null)).isInstanceOf(SdkClientException.class);
        assertThat(assume(ROLE_A, null).credentials()).isNotNull();
    }

    @Test
    void assumeRoleWithWebIdentity_unsignedJwt_issuesCredentialsOrRejectsToken() {
        Jwt jwt = Jwt.forServiceAccount("port", "ocean-aws").issuedAt(clock.instant())
                .expiresAt(clock.instant().plusSeconds(600)).build();
        try (StsClient anonymous = client(AnonymousCredentialsProvider.create())) {
            AssumeRoleWithWebIdentityResponse response = anonymous.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE_A)
                    .roleSessionName("irsa").webIdentityToken(jwt.encoded()));

            assertThat(response.subjectFromWebIdentityToken()).isEqualTo("system:serviceaccount:port:ocean-aws");
            assertThat(response.audience()).isEqualTo("sts.amazonaws.com");
            assertThat(response.provider()).startsWith("oidc.eks.us-east-1.amazonaws.com/id/");
            assertThat(response.assumedRoleUser().arn())
                    .isEqualTo("arn:aws:sts::222222222222:assumed-role/PortOceanReadRole/irsa");
            assertThat(sts.lastRequest()).get().satisfies(r -> assertThat(r.signed()).isFalse());

            clock.advance(Duration.ofMinutes(11));
            assertThatThrownBy(() -> anonymous.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE_A)
                    .roleSessionName("irsa").webIdentityToken(jwt.encoded())))
                    .satisfies(e -> assertStsError(e, 400, "ExpiredTokenException", null));
            assertThatThrownBy(() -> anonymous.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE_A)
                    .roleSessionName("irsa").webIdentityToken("not-a-jwt")))
                    .satisfies(e -> assertStsError(e, 400, "InvalidIdentityToken", null));
        }
        assertThat(sts.count("AssumeRoleWithWebIdentity")).isEqualTo(3);
    }

    @Test
    void unknownAction_invalidAction() throws Exception {
        HttpResponse<String> response = rawPost("Action=DecodeAuthorizationMessage&Version=2011-06-15");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>InvalidAction</Code>");
    }

    @Test
    void close_withHungRequest_dropsItAndIsIdempotent() throws Exception {
        sts.enqueue(Fault.hang());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<AssumeRoleResponse> call = pool.submit(() -> assume(ROLE_A, null));
            assertThat(sts.awaitHanging(1, Duration.ofSeconds(10))).isTrue();

            sts.close();
            sts.close();

            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SdkClientException.class);
        } finally {
            pool.shutdownNow();
        }
    }

    private AssumeRoleResponse assume(String roleArn, String externalId) {
        return client.assumeRole(r -> r.roleArn(roleArn).roleSessionName("s1").externalId(externalId));
    }

    private StsClient client(AwsCredentialsProvider credentials) {
        return StsClient.builder().endpointOverride(sts.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static AwsCredentialsProvider sessionProvider(Credentials c) {
        return StaticCredentialsProvider.create(
                AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }

    private HttpResponse<String> rawPost(String form) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sts.endpoint() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertStsError(Throwable e, int status, String code, String message) {
        assertThat(e).isInstanceOf(StsException.class);
        StsException sts = (StsException) e;
        assertThat(sts.statusCode()).isEqualTo(status);
        assertThat(sts.awsErrorDetails().errorCode()).isEqualTo(code);
        if (message != null) {
            assertThat(sts.awsErrorDetails().errorMessage()).isEqualTo(message);
        }
    }
}
