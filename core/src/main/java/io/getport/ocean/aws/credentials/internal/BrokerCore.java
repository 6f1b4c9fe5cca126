package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.spi.WebIdentity;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * What every {@link AccountCredentials} of one broker shares: settings, clock, refresh windows, the STS gateway, the
 * base identity and the account registry (the broker's cache).
 *
 * <p>Thread safe.
 */
public final class BrokerCore implements AutoCloseable {
    /** Where {@link AccountCredentials} find the one canonical holder of their account. */
    public interface Registry {
        /** Returns the cached holder for the same account, re-registering {@code holder} if it was evicted. */
        AccountCredentials canonical(AccountCredentials holder);
    }

    private final Settings settings;
    private final Backoff backoff;
    private final RefreshWindows windows;
    private final StsGateway gateway;
    private final Events events;
    private final ResolvedIdentity identity;
    private final WebIdentity directWebIdentity;
    private final boolean checkBaseFirst;
    private final AtomicReference<StsGateway.Pending<GetCallerIdentityResponse>> callerIdentity =
            new AtomicReference<>();
    private volatile String knownPrincipal;
    private volatile boolean closed;
    private volatile Registry registry = holder -> holder;
    /** Salts the accounts' refresh phases, so that replicas of a service refresh at different times. */
    private final long phaseSalt = ThreadLocalRandom.current().nextLong();
    /** Counts the accounts this broker created: each gets the next phase of an evenly spread sequence. */
    private final AtomicLong phaseSequence = new AtomicLong();

    public BrokerCore(Settings settings, ResolvedIdentity identity, Events events) {
        this.settings = settings;
        this.backoff = Backoff.exponential(settings.retryBaseDelay, settings.retryMaxDelay);
        this.identity = identity;
        this.events = events;
        this.windows = new RefreshWindows(settings.advisoryWindow, settings.outageBuffer, settings.mandatoryWindow,
                settings.refreshJitter, settings.sessionDuration);
        this.gateway = new StsGateway(settings, identity.baseIdentity().credentialsProvider(), identity.region(),
                identity.baseIdentity().roleSession(), events, component(identity));
        this.directWebIdentity = identity.baseIdentity().directWebIdentity().orElse(null);
        boolean durationUnknown = settings.sessionDuration.compareTo(Validation.ROLE_CHAINING_MAX_DURATION) > 0
                && !identity.baseIdentity().roleSession() && directWebIdentity == null;
        this.checkBaseFirst = directWebIdentity == null && (settings.expectedBaseAccount != null || durationUnknown);
    }

    /** Names the local credential source of {@code identity} in messages about its failures. */
    static String component(ResolvedIdentity identity) {
        String source = identity.source();
        String provider = identity.baseIdentity().credentialsProvider() == null ? "none"
                : identity.baseIdentity().credentialsProvider().getClass().getSimpleName();
        switch (source == null ? "" : source) {
            case "ecs":
                return "the ECS container credentials agent (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI)";
            case "ec2":
                return "the EC2 instance metadata service (IMDSv2, the instance profile's credentials)";
            case "eks-pod-identity":
                return "the EKS Pod Identity agent (AWS_CONTAINER_CREDENTIALS_FULL_URI)";
            case "eks-irsa":
                return "the EKS IRSA web identity (AWS_WEB_IDENTITY_TOKEN_FILE and its AssumeRoleWithWebIdentity)";
            case IdentityResolver.ENVIRONMENT:
                return "the environment's static keys (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)";
            case IdentityResolver.EXPLICIT:
                return "the base credentials provider given to the builder (" + provider + ")";
            default:
                return "the base identity's credentials provider (" + source + ", " + provider + ")";
        }
    }

    /** The refresh phase of the next account this broker creates: see {@link RefreshWindows#phase}. */
    long nextPhase() {
        return RefreshWindows.phase(phaseSequence.getAndIncrement(), phaseSalt);
    }

    public void registry(Registry registry) {
        this.registry = registry;
    }

    /** The backoff of an account's refresh after a failure (the same settings as the STS retries). */
    Backoff backoff() {
        return backoff;
    }

    public Settings settings() {
        return settings;
    }

    public Clock clock() {
        return settings.clock;
    }

    public RefreshWindows windows() {
        return windows;
    }

    public Events events() {
        return events;
    }

    public StsGateway gateway() {
        return gateway;
    }

    public ResolvedIdentity identity() {
        return identity;
    }

    public boolean isClosed() {
        return closed;
    }

    AccountCredentials canonical(AccountCredentials holder) {
        return registry.canonical(holder);
    }

    /** The base principal's ARN, once {@code GetCallerIdentity} answered; otherwise null. */
    public String knownPrincipal() {
        return knownPrincipal;
    }

    /** Assumes the read role in one account: chained AssumeRole, or AssumeRoleWithWebIdentity in direct mode. */
    StsGateway.Pending<StsGateway.Issued> assume(String accountId, String roleArn) {
        StsGateway.Pending<StsGateway.Issued> call;
        if (!checkBaseFirst) {
            call = gateway.assume(accountId, roleArn, directWebIdentity);
        } else {
            StsGateway.Pending<GetCallerIdentityResponse> base = baseIdentityCall();
            if (base.result.isDone() && !base.result.isCompletedExceptionally()) {
                call = gateway.assume(accountId, roleArn, directWebIdentity);
            } else {
                // Queued behind GetCallerIdentity: dispatched when it is, then when the AssumeRole is.
                CompletableFuture<Void> dispatched = new CompletableFuture<>();
                base.dispatched.whenComplete((x, e) -> dispatched.complete(null));
                CompletableFuture<StsGateway.Issued> result = base.result.thenCompose(caller -> {
                    StsGateway.Pending<StsGateway.Issued> p = gateway.assume(accountId, roleArn, directWebIdentity);
                    return p.result;
                });
                call = new StsGateway.Pending<>(result, dispatched);
            }
        }
        CompletableFuture<StsGateway.Issued> explained = call.result.handle((issued, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(issued);
            }
            if (knownPrincipal != null || directWebIdentity != null || !StsErrors.isAccessDenied(error)) {
                return CompletableFuture.<StsGateway.Issued>failedFuture(StsErrors.unwrap(error));
            }
            // A denial is explained with the principal's ARN: learn it once per broker, then fail as before.
            return baseIdentity().handle((caller, ignored) -> issued)
                    .thenCompose(x -> CompletableFuture.<StsGateway.Issued>failedFuture(StsErrors.unwrap(error)));
        }).thenCompose(f -> f);
        return new StsGateway.Pending<>(explained, call.dispatched);
    }

    /**
     * {@code GetCallerIdentity} for the base identity, once per broker (a failure is not remembered, so the next
     * caller tries again). Checks {@code expectedBaseAccount} and clamps the duration when the base identity is a
     * role session.
     */
    public CompletableFuture<GetCallerIdentityResponse> baseIdentity() {
        return baseIdentityCall().result;
    }

    private StsGateway.Pending<GetCallerIdentityResponse> baseIdentityCall() {
        StsGateway.Pending<GetCallerIdentityResponse> existing = callerIdentity.get();
        if (existing != null) {
            return existing;
        }
        StsGateway.Pending<GetCallerIdentityResponse> pending = new StsGateway.Pending<>(new CompletableFuture<>(),
                new CompletableFuture<>());
        CompletableFuture<GetCallerIdentityResponse> mine = pending.result;
        if (!callerIdentity.compareAndSet(null, pending)) {
            return callerIdentity.get();
        }
        StsGateway.Pending<GetCallerIdentityResponse> call = gateway.callerIdentity();
        call.dispatched.whenComplete((x, e) -> pending.dispatched.complete(null));
        call.result.whenComplete((response, error) -> {
            if (error != null) {
                callerIdentity.compareAndSet(pending, null);
                mine.completeExceptionally(StsErrors.unwrap(error));
                return;
            }
            knownPrincipal = response.arn();
            events.basePrincipal(response.arn(), response.account());
            if (response.arn().contains(":assumed-role/")) {
                gateway.clampForRoleChaining("the base identity " + response.arn()
                        + " is a role session, so assuming the read role is role chaining, which STS caps at 1 hour");
            }
            if (settings.expectedBaseAccount != null && !settings.expectedBaseAccount.equals(response.account())) {
                mine.completeExceptionally(ReadRoleException.of(Reason.NOT_ALLOWED, null, null, null,
                        "The base identity " + response.arn() + " belongs to account " + response.account()
                                + ", not to the expected account " + settings.expectedBaseAccount
                                + " (OCEAN_AWS_EXPECTED_BASE_ACCOUNT). Refusing to assume read roles with it: check"
                                + " which credentials this process runs with.", null));
                return;
            }
            mine.complete(response);
        });
        return pending;
    }

    @Override
    public void close() {
        closed = true;
        gateway.close();
        identity.baseIdentity().close();
        events.closed();
    }
}
