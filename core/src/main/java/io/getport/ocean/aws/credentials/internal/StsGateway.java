package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.spi.WebIdentity;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.AssumedRoleUser;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityRequest;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.PolicyDescriptorType;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * Every STS call the broker makes, behind one set of protections: the {@link StsQueue} (one FIFO queue for all
 * accounts, an {@link AdaptiveRate} and a concurrency cap), a Resilience4j {@link CircuitBreaker} on STS as a whole
 * (outages only), and one retry layer (exponential backoff with equal jitter, see {@link Backoff}; a retry goes back to the front of the
 * queue). The SDK client's own retries are off, so retries happen in this one layer, and its
 * {@code apiCallTimeout} bounds every real STS call ({@code stsCallTimeout}).
 *
 * <p>Before a call reaches STS, the base identity's credentials (or the web identity token) are obtained explicitly:
 * a failure of the local credential source (ECS agent, IMDS, token file, Pod Identity agent) is reported as such
 * ({@link StsErrors.BaseIdentityUnavailable}), gives back its rate token and never counts against STS's circuit
 * breaker.
 *
 * <p>Threads: a pool of at most {@code min(stsMaxConcurrency, }{@value CallRunners#MAX_OWN_THREADS}{@code )} named
 * daemon threads (idle ones exit) and the threads of callers waiting for a refresh ({@link CallRunners}) run the
 * blocking SDK calls, and one scheduler thread runs the dispatcher's wake-ups, retry delays and the SDK's call timeouts (the SDK
 * client is given that scheduler instead of creating its own). The thread count never depends on the number of
 * accounts.
 */
public final class StsGateway implements AutoCloseable {
    /** How many times one call may be throttled before its failure is reported (outages count separately). */
    public static final int MAX_THROTTLED_ATTEMPTS = 10;
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Za-z0-9_]{1,128}");
    private static final Pattern SECRET_TEXT = Pattern.compile("[\\x21-\\x7e]{1,1024}");
    private static final Pattern TOKEN_TEXT = Pattern.compile("[\\x21-\\x7e]+");
    private static final int MAX_SESSION_TOKEN = 16_384;
    private final Settings settings;
    private final Backoff backoff;
    private final StsClient sts;
    private final boolean ownsClient;
    private final AwsCredentialsProvider baseCredentials;
    private final String baseComponent;
    private final ExecutorService ownExecutor;
    private final CallRunners runners;
    private final ScheduledExecutorService scheduler;
    private final StsQueue queue;
    private final CircuitBreaker circuitBreaker;
    private final String partition;
    private final Events events;
    private final AtomicBoolean chainingClampLogged = new AtomicBoolean();
    private volatile boolean closed;
    /** The assume call in flight per role ARN; entries live only while their call runs. */
    private final ConcurrentHashMap<String, Pending<Issued>> inFlight = new ConcurrentHashMap<>();
    private volatile Duration effectiveDuration;

    /**
     * An STS call in progress: {@link #result}, and {@link #dispatched}, which completes when the call left the queue
     * (or ended without leaving it), so that a caller can tell waiting for a permit from waiting for STS.
     */
    public static final class Pending<T> {
        public final CompletableFuture<T> result;
        public final CompletableFuture<Void> dispatched;

        public Pending(CompletableFuture<T> result, CompletableFuture<Void> dispatched) {
            this.result = result;
            this.dispatched = dispatched;
        }

        Pending() {
            this(new CompletableFuture<>(), new CompletableFuture<>());
        }

        /** A call that ended before it started. */
        public static <T> Pending<T> failed(Throwable e) {
            return new Pending<>(CompletableFuture.failedFuture(e), CompletableFuture.completedFuture(null));
        }
    }

    public StsGateway(Settings settings, AwsCredentialsProvider baseCredentials, Region region, boolean roleSession,
            Events events) {
        this(settings, baseCredentials, region, roleSession, events, "the base identity's credentials provider");
    }

    /**
     * @param baseComponent names the local credential source in messages, e.g. "the ECS container credentials agent"
     */
    public StsGateway(Settings settings, AwsCredentialsProvider baseCredentials, Region region, boolean roleSession,
            Events events, String baseComponent) {
        this.settings = settings;
        this.backoff = Backoff.exponential(settings.retryBaseDelay, settings.retryMaxDelay);
        this.events = events;
        this.baseComponent = baseComponent;
        this.partition = Partitions.partitionOf(region);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemonThreads("ocean-aws-sts-scheduler-"));
        timer.setRemoveOnCancelPolicy(true);
        this.scheduler = timer;
        if (settings.stsClient != null) {
            this.sts = settings.stsClient;
            this.ownsClient = false;
            // A caller-owned client signs with its own credentials: they cannot be resolved here.
            this.baseCredentials = null;
        } else {
            StsClientBuilder b = StsClient.builder()
                    .region(region)
                    .credentialsProvider(baseCredentials)
                    .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                            .apiCallAttemptTimeout(settings.stsCallTimeout)
                            .apiCallTimeout(settings.stsCallTimeout)
                            .scheduledExecutorService(timer)
                            .addExecutionInterceptor(new StsAnswerGuard()));
            if (settings.stsEndpoint != null) {
                b.endpointOverride(settings.stsEndpoint);
            }
            this.sts = b.build();
            this.ownsClient = true;
            this.baseCredentials = baseCredentials;
        }
        if (settings.executor != null) {
            this.ownExecutor = null;
            this.runners = new CallRunners(settings.executor, settings.stsMaxConcurrency, false, 0);
        } else {
            int own = Math.min(settings.stsMaxConcurrency, CallRunners.MAX_OWN_THREADS);
            ThreadPoolExecutor pool = new ThreadPoolExecutor(own, own, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), daemonThreads("ocean-aws-sts-"));
            pool.allowCoreThreadTimeOut(true);
            this.ownExecutor = pool;
            this.runners = new CallRunners(pool, own, true, settings.stsCallTimeout.toNanos());
        }
        this.queue = new StsQueue(new AdaptiveRate(settings.stsRateLimit, System.nanoTime()),
                settings.stsMaxConcurrency, settings.queueTimeout, System::nanoTime,
                (task, delayNanos) -> timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS), runners,
                runners::capacity, events);
        runners.onLenderArrived(queue::pump);
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
        Duration duration = settings.sessionDuration;
        if (roleSession && duration.compareTo(Validation.ROLE_CHAINING_MAX_DURATION) > 0) {
            events.durationClamped(duration, "the base identity is a role session, so assuming the read role is role"
                    + " chaining, which STS caps at 1 hour");
            chainingClampLogged.set(true);
            duration = Validation.ROLE_CHAINING_MAX_DURATION;
        }
        this.effectiveDuration = duration;
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

    /** The threads STS calls run on; a caller waiting for a call lends its thread through {@link CallRunners#await}. */
    public CallRunners runners() {
        return runners;
    }

    /** The queue in front of STS (its adaptive rate, its counters). */
    public StsQueue queue() {
        return queue;
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
     * Assumes {@code roleArn} with retries, asynchronously. The result fails with the last error.
     *
     * <p>Single flight per role ARN for the whole broker: while a call for {@code roleArn} is in flight, every other
     * request for it gets that call. Per-account holders already share one refresh each; this also covers the moment
     * when the cache evicted a holder whose refresh is still running and a new holder for the same account starts one.
     *
     * @param directWebIdentity when non-null, {@code AssumeRoleWithWebIdentity} with its token instead of AssumeRole
     */
    public Pending<Issued> assume(String accountId, String roleArn, WebIdentity directWebIdentity) {
        Pending<Issued> mine = new Pending<>();
        Pending<Issued> running = inFlight.putIfAbsent(roleArn, mine);
        if (running != null) {
            return running;
        }
        // Removed before completion: a request that comes after this call ended starts a new one.
        CompletableFuture<Issued> call = new CompletableFuture<>();
        call.whenComplete((issued, error) -> {
            inFlight.remove(roleArn, mine);
            mine.dispatched.complete(null);
            if (error != null) {
                mine.result.completeExceptionally(error);
            } else {
                mine.result.complete(issued);
            }
        });
        String action = directWebIdentity != null ? "AssumeRoleWithWebIdentity" : "AssumeRole";
        start(new Attempt<>(action, call, mine.dispatched, 1, 0, base -> directWebIdentity != null
                ? assumeWithWebIdentity(roleArn, directWebIdentity, effectiveDuration)
                : assumeRole(accountId, roleArn, base, effectiveDuration)));
        return mine;
    }

    /** {@code GetCallerIdentity} with the base credentials, through the same protections. */
    public Pending<GetCallerIdentityResponse> callerIdentity() {
        Pending<GetCallerIdentityResponse> mine = new Pending<>();
        mine.result.whenComplete((r, e) -> mine.dispatched.complete(null));
        start(new Attempt<>("GetCallerIdentity", mine.result, mine.dispatched, 1, 0, base -> {
            StsAnswerGuard.Received received = new StsAnswerGuard.Received();
            return timed("GetCallerIdentity", received, () -> sts.getCallerIdentity(
                    withBase(GetCallerIdentityRequest.builder(), base, received).build()));
        }));
        return mine;
    }

    private void start(Attempt<?> attempt) {
        if (closed) {
            attempt.result.completeExceptionally(closedFailure());
            return;
        }
        queue.submit(attempt, attempt.number > 1);
    }

    private static IllegalStateException closedFailure() {
        return new IllegalStateException("the broker was closed");
    }

    /** The STS part of a call, given the base credentials obtained for it (null with a caller-owned client). */
    private interface StsCall<T> {
        T call(AwsCredentials base);
    }

    /** One attempt of one call: a ticket in the queue. */
    private final class Attempt<T> extends StsQueue.Ticket {
        final String action;
        final CompletableFuture<T> result;
        final CompletableFuture<Void> dispatched;
        /** Attempts so far, this one included. */
        final int number;
        /** Failed attempts that were not throttling (they count against {@code retryMaxAttempts}). */
        final int outages;
        final StsCall<T> call;

        Attempt(String action, CompletableFuture<T> result, CompletableFuture<Void> dispatched, int number,
                int outages, StsCall<T> call) {
            this.action = action;
            this.result = result;
            this.dispatched = dispatched;
            this.number = number;
            this.outages = outages;
            this.call = call;
        }

        @Override
        protected boolean admit() {
            return circuitBreaker.tryAcquirePermission();
        }

        @Override
        protected void notAdmitted() {
            result.completeExceptionally(CallNotPermittedException.createCallNotPermittedException(circuitBreaker));
        }

        @Override
        protected void queueTimedOut(String message) {
            result.completeExceptionally(new StsErrors.QueueTimeout(message));
        }

        @Override
        protected void rejected(RuntimeException e) {
            circuitBreaker.releasePermission();
            result.completeExceptionally(closed ? closedFailure() : e);
        }

        @Override
        protected void run() {
            dispatched.complete(null);
            if (closed) {
                circuitBreaker.releasePermission();
                result.completeExceptionally(closedFailure());
                return;
            }
            AwsCredentials base;
            try {
                // AssumeRoleWithWebIdentity is unsigned (the token is the credential): no base credentials needed.
                boolean needsBase = baseCredentials != null && !"AssumeRoleWithWebIdentity".equals(action);
                base = needsBase ? baseCredentials.resolveCredentials() : null;
                if (needsBase && base == null) {
                    throw new IllegalStateException("the provider returned no credentials");
                }
            } catch (Throwable e) {
                // The local credential source failed: no STS call was made, so STS's breaker and rate are untouched.
                circuitBreaker.releasePermission();
                queue.refund();
                result.completeExceptionally(new StsErrors.BaseIdentityUnavailable(baseComponent, e));
                return;
            }
            long started = System.nanoTime();
            T value;
            try {
                value = call.call(base);
            } catch (StsErrors.BaseIdentityUnavailable e) {
                circuitBreaker.releasePermission();
                queue.refund();
                result.completeExceptionally(e);
                return;
            } catch (Throwable e) {
                if (!closed && interruptedByOwner(e)) {
                    // A caller lent this thread and was interrupted: its owner's signal, not STS's answer. The call
                    // goes back to the front of the queue, uncounted, and the owner keeps its interrupt.
                    circuitBreaker.releasePermission();
                    queue.refund();
                    Thread.currentThread().interrupt();
                    queue.submit(this, true);
                    return;
                }
                circuitBreaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
                failed(e);
                return;
            }
            circuitBreaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            result.complete(value);
        }

        private void failed(Throwable e) {
            boolean throttled = StsErrors.isThrottling(e);
            if (throttled) {
                queue.throttled();
            }
            // Throttling says "not now", not "broken": a throttled call is retried (at the front of the queue, paced
            // by the lowered rate) up to MAX_THROTTLED_ATTEMPTS times without using up retryMaxAttempts, which
            // counts outages (5xx, I/O, timeouts) only.
            int failedOutages = outages + (throttled ? 0 : 1);
            boolean again = throttled ? number < MAX_THROTTLED_ATTEMPTS + failedOutages
                    : failedOutages < settings.retryMaxAttempts;
            if (e instanceof StsErrors.NoAnswer) {
                e = ((StsErrors.NoAnswer) e).afterAttempts(number);
            }
            if (!closed && again && StsErrors.retryable(e)) {
                Attempt<T> next = new Attempt<>(action, result, dispatched, number + 1, failedOutages, call);
                try {
                    scheduler.schedule(() -> start(next), backoffMillis(throttled ? number - outages : failedOutages),
                            TimeUnit.MILLISECONDS);
                    return;
                } catch (RejectedExecutionException closing) {
                    // fall through: fail with what STS said
                }
            }
            result.completeExceptionally(e);
        }
    }

    /**
     * Whether a call failed because its thread was interrupted (the SDK's {@link AbortedException}, which clears the
     * flag, or the flag still set), not because of STS.
     */
    private static boolean interruptedByOwner(Throwable e) {
        return e instanceof AbortedException || Thread.currentThread().isInterrupted();
    }

    /** The delay before attempt {@code failedAttempt + 1} (see {@link Backoff}). */
    private long backoffMillis(int failedAttempt) {
        return backoff.delayMillis(failedAttempt);
    }

    private static <B extends software.amazon.awssdk.awscore.AwsRequest.Builder> B withBase(B builder,
            AwsCredentials base, StsAnswerGuard.Received received) {
        AwsRequestOverrideConfiguration.Builder override = AwsRequestOverrideConfiguration.builder()
                .putExecutionAttribute(StsAnswerGuard.RECEIVED, received);
        if (base != null) {
            override.credentialsProvider(StaticCredentialsProvider.create(base));
        }
        builder.overrideConfiguration(override.build());
        return builder;
    }

    private Issued assumeRole(String accountId, String roleArn, AwsCredentials base, Duration duration) {
        try {
            return assumeRoleOnce(accountId, roleArn, base, duration);
        } catch (RuntimeException e) {
            if (!retriedClamped(e, duration)) {
                throw e;
            }
            return assumeRoleOnce(accountId, roleArn, base, Validation.ROLE_CHAINING_MAX_DURATION);
        }
    }

    private boolean retriedClamped(RuntimeException e, Duration duration) {
        if (StsErrors.isRoleChainingLimit(e) && duration.compareTo(Validation.ROLE_CHAINING_MAX_DURATION) > 0) {
            clampForRoleChaining("STS answered ValidationError (DurationSeconds exceeds the 1 hour session limit"
                    + " for role chaining): the base identity is a role session; retrying at 3600 s");
            return true;
        }
        return false;
    }

    private Issued assumeRoleOnce(String accountId, String roleArn, AwsCredentials base, Duration duration) {
        StsAnswerGuard.Received received = new StsAnswerGuard.Received();
        AssumeRoleRequest.Builder request = withBase(AssumeRoleRequest.builder(), base, received)
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
        AssumeRoleResponse response;
        try {
            response = timed("AssumeRole", received, () -> sts.assumeRole(request.build()));
        } catch (AwsServiceException e) {
            throw withoutExternalId(e, externalId);
        }
        return issued("AssumeRole", accountId, response.credentials(), response.assumedRoleUser(), duration,
                received);
    }

    private Issued assumeWithWebIdentity(String roleArn, WebIdentity web, Duration duration) {
        try {
            return assumeWithWebIdentityOnce(roleArn, web, duration);
        } catch (StsErrors.BaseIdentityUnavailable e) {
            throw e;
        } catch (RuntimeException e) {
            if (!retriedClamped(e, duration)) {
                throw e;
            }
            return assumeWithWebIdentityOnce(roleArn, web, Validation.ROLE_CHAINING_MAX_DURATION);
        }
    }

    private Issued assumeWithWebIdentityOnce(String roleArn, WebIdentity web, Duration duration) {
        String token;
        try {
            token = web.token();
            if (token == null || token.isEmpty()) {
                throw new IllegalStateException("the token is empty");
            }
        } catch (Throwable e) {
            throw new StsErrors.BaseIdentityUnavailable(baseComponent + " (the web identity token)", e);
        }
        StsAnswerGuard.Received received = new StsAnswerGuard.Received();
        AssumeRoleWithWebIdentityRequest.Builder request = withBase(AssumeRoleWithWebIdentityRequest.builder(), null,
                received)
                .roleArn(roleArn)
                .roleSessionName(settings.sessionName)
                .durationSeconds((int) duration.getSeconds())
                .webIdentityToken(token);
        List<PolicyDescriptorType> policies = sessionPolicies();
        if (!policies.isEmpty()) {
            request.policyArns(policies);
        }
        AssumeRoleWithWebIdentityResponse response = timed("AssumeRoleWithWebIdentity", received,
                () -> sts.assumeRoleWithWebIdentity(request.build()));
        String account = roleArn.split(":")[4];
        return issued("AssumeRoleWithWebIdentity", account, response.credentials(), response.assumedRoleUser(),
                duration, received);
    }

    /**
     * Checks that a successful answer really is one: credentials with all four fields, an assumed-role ARN, an
     * expiration after now and not beyond what was asked for (plus a day of clock skew). Otherwise the answer is
     * reported as what it is, an {@link StsErrors.InvalidResponse} naming what was missing or wrong (never a value).
     */
    private Issued issued(String action, String accountId, Credentials c, AssumedRoleUser user, Duration asked,
            StsAnswerGuard.Received received) {
        String what = received.answered() ? " (" + received.describe() + ")" : "";
        List<String> missing = new ArrayList<>();
        List<String> present = new ArrayList<>();
        if (c == null) {
            missing.add("Credentials");
        } else {
            (c.accessKeyId() == null || c.accessKeyId().isEmpty() ? missing : present).add("AccessKeyId");
            (c.secretAccessKey() == null || c.secretAccessKey().isEmpty() ? missing : present).add("SecretAccessKey");
            (c.sessionToken() == null || c.sessionToken().isEmpty() ? missing : present).add("SessionToken");
            (c.expiration() == null ? missing : present).add("Expiration");
        }
        (user == null || user.arn() == null ? missing : present).add("AssumedRoleUser.Arn");
        if (!missing.isEmpty()) {
            throw new StsErrors.InvalidResponse(action + " answered with success, but the answer" + what
                    + " has no " + String.join(", ", missing) + " (received: " + (present.isEmpty()
                    ? "none of the expected elements" : String.join(", ", present)) + ")");
        }
        // The values go into HTTP headers and signatures: a control character, a space or a non-ASCII character
        // there is not a credential STS issues (and CR/LF would be a header injection). The value is never shown.
        List<String> malformed = new ArrayList<>();
        if (!ACCESS_KEY_ID.matcher(c.accessKeyId()).matches()) {
            malformed.add("AccessKeyId (must be 1 to 128 ASCII letters, digits or _)");
        }
        if (!SECRET_TEXT.matcher(c.secretAccessKey()).matches()) {
            malformed.add("SecretAccessKey (must be 1 to 1024 printable ASCII characters without spaces)");
        }
        if (c.sessionToken().length() > MAX_SESSION_TOKEN || !TOKEN_TEXT.matcher(c.sessionToken()).matches()) {
            malformed.add("SessionToken (must be 1 to " + MAX_SESSION_TOKEN + " printable ASCII characters without"
                    + " spaces)");
        }
        if (!malformed.isEmpty()) {
            throw new StsErrors.InvalidResponse(action + " answered with success, but the answer" + what
                    + " has a malformed " + String.join(", a malformed ", malformed) + "; the values are not shown");
        }
        Instant now = settings.clock.instant();
        Instant latest = now.plus(asked).plus(Duration.ofDays(1));
        if (!c.expiration().isAfter(now) || c.expiration().isAfter(latest)) {
            throw new StsErrors.InvalidResponse(action + " answered" + what + " with credentials whose Expiration "
                    + c.expiration() + " is not between now (" + now + ") and the requested duration ("
                    + asked.getSeconds() + " s) plus a day of clock skew");
        }
        return Issued.of(accountId, c, user.arn());
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

    private <T> T timed(String action, StsAnswerGuard.Received received, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            T result = call.get();
            events.stsCall(action, "ok", System.nanoTime() - start);
            return result;
        } catch (RuntimeException e) {
            RuntimeException failure = classify(action, received, e);
            String code = StsErrors.errorCode(failure);
            events.stsCall(action, code != null ? code : failure.getClass().getSimpleName(),
                    System.nanoTime() - start);
            throw failure;
        }
    }

    /**
     * Says what a failed call received: no answer within {@code stsCallTimeout} ({@link StsErrors.NoAnswer}, an
     * outage), an answer beyond the size or depth bound or one that could not be parsed
     * ({@link StsErrors.InvalidResponse}, not retried), or a connection that failed while the answer was read (an
     * outage, as before). Anything else is returned as it is.
     */
    private RuntimeException classify(String action, StsAnswerGuard.Received received, RuntimeException e) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new StsErrors.NoAnswer(action, settings.stsCallTimeout, received.describe(), 1, e);
        }
        if (received.rejected() != null) {
            return new StsErrors.InvalidResponse(action + " was answered with something that is not an STS answer: "
                    + received.rejected() + " (" + received.describe() + "); it was not parsed");
        }
        if (received.connectionFailure() != null && !(e instanceof AwsServiceException)) {
            return SdkClientException.create("The connection to STS failed while its answer to " + action
                    + " was read (" + received.describe() + "): " + StsErrors.received(received.connectionFailure()),
                    e);
        }
        if (e instanceof SdkClientException && StsErrors.unparsable(e) && received.answered()
                && StsErrors.internalCause(e) == null) {
            return new StsErrors.InvalidResponse(action + " was answered with something that is not STS's XML ("
                    + received.describe() + "): " + parseProblem(e));
        }
        return e;
    }

    /** What the parser said, without quoting the answer's text (a value in quotes could be anything). */
    private static String parseProblem(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        String text = root.getClass().getSimpleName() + (m == null ? "" : ": " + m.replaceAll("'[^']*'", "'...'"));
        return StsErrors.printable(text, 200);
    }

    /**
     * STS quotes a rejected parameter's value in some errors ("Value '...' at 'externalId' failed to satisfy
     * constraint"); the ExternalId is a secret: the error is rebuilt with it replaced, so that neither the message
     * nor the cause chain nor the raw answer kept in the exception carries it.
     */
    private static RuntimeException withoutExternalId(AwsServiceException e, String externalId) {
        if (externalId == null || externalId.isEmpty()) {
            return e;
        }
        AwsErrorDetails details = e.awsErrorDetails();
        boolean inMessage = String.valueOf(e.getMessage()).contains(externalId);
        boolean inDetails = details != null && (String.valueOf(details.errorMessage()).contains(externalId)
                || (details.rawResponse() != null && details.rawResponse().asUtf8String().contains(externalId)));
        if (!inMessage && !inDetails) {
            return e;
        }
        String hidden = "<ExternalId>";
        AwsServiceException.Builder copy = e.toBuilder().cause(null);
        if (details != null) {
            AwsErrorDetails.Builder d = details.toBuilder();
            if (details.errorMessage() != null) {
                d.errorMessage(details.errorMessage().replace(externalId, hidden));
            }
            if (details.rawResponse() != null) {
                d.rawResponse(SdkBytes.fromUtf8String(details.rawResponse().asUtf8String().replace(externalId,
                        hidden)));
            }
            copy.awsErrorDetails(d.build());
        }
        copy.message(e.getMessage() == null ? null : e.getMessage().replace(externalId, hidden));
        RuntimeException redacted = copy.build();
        redacted.setStackTrace(e.getStackTrace());
        return redacted;
    }

    /**
     * Runs {@code task} every {@code period} on the scheduler thread until {@link #close()} (the broker's cache sweep;
     * no thread of its own). A failure of one run is logged once at WARN and does not stop the later runs.
     */
    public void every(Duration period, String name, Runnable task) {
        AtomicBoolean failureLogged = new AtomicBoolean();
        long millis = period.toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                if (failureLogged.compareAndSet(false, true)) {
                    Events.LOG.warn("periodic task failed task={} error={}", name, e.toString());
                }
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
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
