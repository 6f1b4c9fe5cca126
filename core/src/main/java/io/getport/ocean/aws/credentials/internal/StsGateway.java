package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.spi.WebIdentity;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.PolicyDescriptorType;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * Every STS call the broker makes, behind one set of protections: a Resilience4j {@link RateLimiter} and
 * {@link Bulkhead} shared by all accounts, a {@link CircuitBreaker} on STS as a whole, and a {@link Retry} with
 * exponential backoff and full jitter. The SDK client's own retries are off, so retries happen in this one layer.
 *
 * <p>Calls run on a small pool of named daemon threads (one per allowed concurrent call, idle threads exit), and
 * retry delays on one scheduler thread: the thread count never depends on the number of accounts.
 */
public final class StsGateway implements AutoCloseable {
    private final Settings settings;
    private final StsClient sts;
    private final boolean ownsClient;
    private final ExecutorService ownExecutor;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final RateLimiter rateLimiter;
    private final Bulkhead bulkhead;
    private final CircuitBreaker circuitBreaker;
    private final Retry retry;
    private final String partition;
    private final Events events;
    private final AtomicBoolean chainingClampLogged = new AtomicBoolean();
    /** The assume call in flight per role ARN; entries live only while their call runs. */
    private final ConcurrentHashMap<String, CompletableFuture<Issued>> inFlight = new ConcurrentHashMap<>();
    private volatile Duration effectiveDuration;

    public StsGateway(Settings settings, AwsCredentialsProvider baseCredentials, Region region, boolean roleSession,
            Events events) {
        this.settings = settings;
        this.events = events;
        this.partition = Partitions.partitionOf(region);
        if (settings.stsClient != null) {
            this.sts = settings.stsClient;
            this.ownsClient = false;
        } else {
            StsClientBuilder b = StsClient.builder()
                    .region(region)
                    .credentialsProvider(baseCredentials)
                    .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                            .apiCallAttemptTimeout(settings.stsCallTimeout)
                            .apiCallTimeout(settings.stsCallTimeout));
            if (settings.stsEndpoint != null) {
                b.endpointOverride(settings.stsEndpoint);
            }
            this.sts = b.build();
            this.ownsClient = true;
        }
        if (settings.executor != null) {
            this.ownExecutor = null;
            this.executor = settings.executor;
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.stsMaxConcurrency, settings.stsMaxConcurrency,
                    30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads("ocean-aws-sts-"));
            pool.allowCoreThreadTimeOut(true);
            this.ownExecutor = pool;
            this.executor = pool;
        }
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemonThreads("ocean-aws-sts-retry-"));
        timer.setRemoveOnCancelPolicy(true);
        this.scheduler = timer;
        this.rateLimiter = RateLimiter.of("ocean-aws-sts", rateLimiterConfig(settings.stsRateLimit,
                settings.refreshTimeout));
        this.bulkhead = Bulkhead.of("ocean-aws-sts", BulkheadConfig.custom()
                .maxConcurrentCalls(settings.stsMaxConcurrency)
                .maxWaitDuration(settings.refreshTimeout)
                .build());
        this.circuitBreaker = CircuitBreaker.of("ocean-aws-sts", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(settings.circuitFailureRate)
                .waitDurationInOpenState(settings.circuitOpenDuration)
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(StsErrors::isOutage)
                .ignoreException(StsErrors::isThrottling)
                .clock(settings.clock)
                .build());
        this.circuitBreaker.getEventPublisher().onStateTransition(e -> events.circuitTransition(
                e.getStateTransition().getFromState().name(), e.getStateTransition().getToState().name()));
        long base = settings.retryBaseDelay.toMillis();
        long cap = settings.retryMaxDelay.toMillis();
        IntervalBiFunction<Object> fullJitter = (attempt, either) -> {
            long ceiling = Math.min(cap, base << Math.min(20, Math.max(0, attempt - 1)));
            return ThreadLocalRandom.current().nextLong(Math.max(1, ceiling / 10), Math.max(2, ceiling + 1));
        };
        this.retry = Retry.of("ocean-aws-sts", RetryConfig.custom()
                .maxAttempts(settings.retryMaxAttempts)
                .intervalBiFunction(fullJitter)
                .retryOnException(StsErrors::retryable)
                .failAfterMaxAttempts(false)
                .build());
        Duration duration = settings.sessionDuration;
        if (roleSession && duration.compareTo(Validation.ROLE_CHAINING_MAX_DURATION) > 0) {
            events.durationClamped(duration, "the base identity is a role session, so assuming the read role is role"
                    + " chaining, which STS caps at 1 hour");
            chainingClampLogged.set(true);
            duration = Validation.ROLE_CHAINING_MAX_DURATION;
        }
        this.effectiveDuration = duration;
    }

    /**
     * A rate limiter that admits exactly {@code callsPerSecond} calls a second, spread over up to ten equal slices of
     * the second so that a cold start does not burst a whole second's worth at once. The slice count divides the rate,
     * so the rate is never rounded down (15/s is 3 per 200 ms, not 1 per 100 ms).
     */
    static RateLimiterConfig rateLimiterConfig(int callsPerSecond, Duration timeout) {
        int slices = 1;
        for (int candidate = Math.min(10, callsPerSecond); candidate > 1; candidate--) {
            if (callsPerSecond % candidate == 0) {
                slices = candidate;
                break;
            }
        }
        return RateLimiterConfig.custom()
                .limitForPeriod(callsPerSecond / slices)
                .limitRefreshPeriod(Duration.ofNanos(1_000_000_000L / slices))
                .timeoutDuration(timeout)
                .build();
    }

    /** The session duration that AssumeRole asks for now (clamped to 1 h once role chaining is known). */
    public Duration effectiveDuration() {
        return effectiveDuration;
    }

    public String partition() {
        return partition;
    }

    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    public Bulkhead bulkhead() {
        return bulkhead;
    }

    /** Clamps future requests to one hour: the base identity turned out to be a role session. */
    public void clampForRoleChaining(String why) {
        if (effectiveDuration.compareTo(Validation.ROLE_CHAINING_MAX_DURATION) > 0) {
            if (chainingClampLogged.compareAndSet(false, true)) {
                events.durationClamped(effectiveDuration, why);
            }
            effectiveDuration = Validation.ROLE_CHAINING_MAX_DURATION;
        }
    }

    /**
     * Assumes {@code roleArn} with retries, asynchronously. The future fails with the last STS error.
     *
     * <p>Single flight per role ARN for the whole broker: while a call for {@code roleArn} is in flight, every other
     * request for it gets that call's future. Per-account holders already share one refresh each; this also covers
     * the moment when the cache evicted a holder whose refresh is still running and a new holder for the same
     * account starts one.
     *
     * @param directWebIdentity when non-null, {@code AssumeRoleWithWebIdentity} with its token instead of AssumeRole
     */
    public CompletableFuture<Issued> assume(String accountId, String roleArn, WebIdentity directWebIdentity) {
        CompletableFuture<Issued> mine = new CompletableFuture<>();
        CompletableFuture<Issued> running = inFlight.putIfAbsent(roleArn, mine);
        if (running != null) {
            return running;
        }
        CompletableFuture<Issued> call;
        try {
            Supplier<java.util.concurrent.CompletionStage<Issued>> attempt = () -> CompletableFuture.supplyAsync(
                    () -> protectedCall(() -> assumeOnce(accountId, roleArn, directWebIdentity)), executor);
            call = retry.executeCompletionStage(scheduler, attempt).toCompletableFuture();
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((issued, error) -> {
            // Removed before completion: a request that comes after this call ended starts a new one.
            inFlight.remove(roleArn, mine);
            if (error != null) {
                mine.completeExceptionally(error);
            } else {
                mine.complete(issued);
            }
        });
        return mine;
    }

    /** {@code GetCallerIdentity} with the base credentials, through the same protections. */
    public CompletableFuture<GetCallerIdentityResponse> callerIdentity() {
        Supplier<java.util.concurrent.CompletionStage<GetCallerIdentityResponse>> attempt =
                () -> CompletableFuture.supplyAsync(() -> protectedCall(() -> timed("GetCallerIdentity",
                        sts::getCallerIdentity)), executor);
        return retry.executeCompletionStage(scheduler, attempt).toCompletableFuture();
    }

    private <T> T protectedCall(Supplier<T> call) {
        return Bulkhead.decorateSupplier(bulkhead, () -> {
            // The time spent waiting for a rate-limiter permit is reported (metrics), admitted or not.
            long queued = System.nanoTime();
            try {
                return RateLimiter.decorateSupplier(rateLimiter, () -> {
                    events.rateLimiterWaited(System.nanoTime() - queued, true);
                    return CircuitBreaker.decorateSupplier(circuitBreaker, call).get();
                }).get();
            } catch (io.github.resilience4j.ratelimiter.RequestNotPermitted e) {
                events.rateLimiterWaited(System.nanoTime() - queued, false);
                throw e;
            }
        }).get();
    }

    private Issued assumeOnce(String accountId, String roleArn, WebIdentity web) {
        Duration duration = effectiveDuration;
        try {
            return web != null ? assumeWithWebIdentity(roleArn, web, duration) : assumeRole(accountId, roleArn, duration);
        } catch (RuntimeException e) {
            if (StsErrors.isRoleChainingLimit(e) && duration.compareTo(Validation.ROLE_CHAINING_MAX_DURATION) > 0) {
                clampForRoleChaining("STS answered ValidationError (DurationSeconds exceeds the 1 hour session limit"
                        + " for role chaining): the base identity is a role session; retrying at 3600 s");
                Duration clamped = Validation.ROLE_CHAINING_MAX_DURATION;
                return web != null ? assumeWithWebIdentity(roleArn, web, clamped)
                        : assumeRole(accountId, roleArn, clamped);
            }
            throw e;
        }
    }

    private Issued assumeRole(String accountId, String roleArn, Duration duration) {
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(roleArn)
                .roleSessionName(settings.sessionName)
                .durationSeconds((int) duration.getSeconds());
        String externalId = settings.externalIdFor(accountId);
        if (externalId != null) {
            request.externalId(externalId);
        }
        if (settings.sourceIdentity != null) {
            request.sourceIdentity(settings.sourceIdentity);
        }
        List<PolicyDescriptorType> policies = sessionPolicies();
        if (!policies.isEmpty()) {
            request.policyArns(policies);
        }
        if (!settings.sessionTags.isEmpty()) {
            List<Tag> tags = new ArrayList<>();
            settings.sessionTags.forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
            request.tags(tags);
        }
        AssumeRoleResponse response = timed("AssumeRole", () -> sts.assumeRole(request.build()));
        return Issued.of(accountId, response.credentials(), response.assumedRoleUser().arn());
    }

    private Issued assumeWithWebIdentity(String roleArn, WebIdentity web, Duration duration) {
        AssumeRoleWithWebIdentityRequest.Builder request = AssumeRoleWithWebIdentityRequest.builder()
                .roleArn(roleArn)
                .roleSessionName(settings.sessionName)
                .durationSeconds((int) duration.getSeconds())
                .webIdentityToken(web.token());
        List<PolicyDescriptorType> policies = sessionPolicies();
        if (!policies.isEmpty()) {
            request.policyArns(policies);
        }
        AssumeRoleWithWebIdentityResponse response =
                timed("AssumeRoleWithWebIdentity", () -> sts.assumeRoleWithWebIdentity(request.build()));
        String account = roleArn.split(":")[4];
        return Issued.of(account, response.credentials(), response.assumedRoleUser().arn());
    }

    /** The session policy ARNs sent with every assumption: ReadOnlyAccess (unless disabled) and the extras. */
    public List<PolicyDescriptorType> sessionPolicies() {
        List<PolicyDescriptorType> out = new ArrayList<>();
        if (settings.readOnlySessionPolicy) {
            out.add(PolicyDescriptorType.builder()
                    .arn(Partitions.managedPolicyArn(partition, Settings.READ_ONLY_POLICY_NAME)).build());
        }
        for (String arn : settings.extraPolicyArns) {
            out.add(PolicyDescriptorType.builder().arn(arn).build());
        }
        return out;
    }

    private <T> T timed(String action, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            T result = call.get();
            events.stsCall(action, "ok", System.nanoTime() - start);
            return result;
        } catch (RuntimeException e) {
            String code = StsErrors.errorCode(e);
            events.stsCall(action, code != null ? code : e.getClass().getSimpleName(), System.nanoTime() - start);
            throw e;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
        if (ownsClient) {
            sts.close();
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Credentials STS issued for one account. */
    public static final class Issued {
        public final String accountId;
        public final software.amazon.awssdk.auth.credentials.AwsSessionCredentials credentials;
        public final String assumedRoleArn;

        private Issued(String accountId, software.amazon.awssdk.auth.credentials.AwsSessionCredentials credentials,
                String assumedRoleArn) {
            this.accountId = accountId;
            this.credentials = credentials;
            this.assumedRoleArn = assumedRoleArn;
        }

        static Issued of(String accountId, Credentials c, String assumedRoleArn) {
            return new Issued(accountId, software.amazon.awssdk.auth.credentials.AwsSessionCredentials.builder()
                    .accessKeyId(c.accessKeyId())
                    .secretAccessKey(c.secretAccessKey())
                    .sessionToken(c.sessionToken())
                    .expirationTime(c.expiration())
                    .accountId(accountId)
                    .providerName("OceanReadRole")
                    .build(), assumedRoleArn);
        }

        @Override
        public String toString() {
            return "Issued(account=" + accountId + ", role=" + assumedRoleArn + ", accessKeyId="
                    + credentials.accessKeyId() + ", expires=" + credentials.expirationTime().orElse(null) + ")";
        }
    }
}
