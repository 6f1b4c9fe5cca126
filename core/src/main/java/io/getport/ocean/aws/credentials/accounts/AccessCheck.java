package io.getport.ocean.aws.credentials.accounts;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.accounts.AccessResult.Cause;
import io.getport.ocean.aws.credentials.accounts.AccessResult.Status;
import io.getport.ocean.aws.credentials.internal.StsErrors;
import io.getport.ocean.aws.credentials.internal.Validation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Assumes the read role in many accounts at once and reports every account. {@link #create()} uses
 * {@value #DEFAULT_PARALLELISM} resolutions in flight; {@link #withParallelism(int)} chooses another.
 *
 * <pre>{@code
 * AccessReport report = AccessCheck.withParallelism(32).run(broker, source.accounts());
 * report.denied().forEach(r -> log.warn("no access to {}: {}", r.accountId(), r.likelyCauses()));
 * }</pre>
 *
 * <p><b>How.</b> Each account is resolved through its {@link AwsReadSession}'s credentials provider, asynchronously,
 * so every STS call goes through the broker's rate limit, concurrency cap, circuit breaker and retries, and the
 * credentials obtained stay in the broker's cache for the resync that follows. At most {@link #parallelism()}
 * resolutions are started at a time (a sliding window, no thread per account and no thread blocked while waiting):
 * that keeps each resolution's wait for an STS permit short, within the broker's refresh timeout, however many
 * accounts there are. One account's failure never affects another's result.
 *
 * <p><b>Outcomes.</b> OK (assumed-role ARN, expiry, latency); DENIED when the broker fails the account with a
 * non-recoverable error (AccessDenied and the like, or a configuration refusal), with
 * {@link AccessResult#likelyCauses()}
 * ranked from the STS message and from whether other accounts in the same check succeeded; ERROR when STS stayed
 * unavailable after the broker's retries ({@code OCEAN_AWS_RETRY_MAX_ATTEMPTS}) or the refresh timed out. An account
 * with valid cached credentials is OK without an STS call; one that failed within {@code OCEAN_AWS_FAILURE_CACHE_TIME}
 * reports that failure again without an STS call.
 *
 * <p><b>Logs.</b> One WARN line per account that is not OK and one summary line per check (logger
 * {@code io.getport.ocean.aws.credentials.accounts}).
 *
 * <p>Immutable and thread safe; one instance may run any number of checks.
 */
public final class AccessCheck {
    /** The parallelism of {@link #create()}: twice the broker's default STS concurrency cap. */
    public static final int DEFAULT_PARALLELISM = 20;

    private static final AccountEvents EVENTS = new AccountEvents();

    private final int parallelism;

    private AccessCheck(int parallelism) {
        this.parallelism = parallelism;
    }

    /** A check with {@value #DEFAULT_PARALLELISM} resolutions in flight at most. */
    public static AccessCheck create() {
        return new AccessCheck(DEFAULT_PARALLELISM);
    }

    /**
     * A check with at most {@code parallelism} account resolutions in flight. The broker's own concurrency cap
     * ({@code OCEAN_AWS_STS_MAX_CONCURRENCY}) and rate limit still bound the STS calls; a window about twice the cap
     * keeps STS busy without queueing resolutions past the refresh timeout.
     *
     * @throws IllegalArgumentException when {@code parallelism} is below 1
     */
    public static AccessCheck withParallelism(int parallelism) {
        return new AccessCheck(Validation.atLeast("parallelism", 1, parallelism));
    }

    /** The most account resolutions started and not yet answered at any time. */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Checks every distinct target and waits for the report (each resolution is bounded by the broker's refresh
     * timeout, so this returns).
     *
     * @throws NullPointerException when an argument or a target is null
     */
    public AccessReport run(ReadRoleBroker broker, Collection<? extends AccountTarget> targets) {
        try {
            return runAsync(broker, targets).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException) cause : e;
        }
    }

    /** Like {@link #run}, without blocking the calling thread. */
    public CompletableFuture<AccessReport> runAsync(ReadRoleBroker broker,
            Collection<? extends AccountTarget> targets) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(targets, "targets");
        if (broker.isClosed()) {
            return CompletableFuture.failedFuture(ReadRoleException.of(ReadRoleException.Reason.CLOSED, null, null,
                    null, "The ReadRoleBroker was closed; build a new one (or use AwsReadSession.forAccount)", null));
        }
        List<AccountTarget> distinct = new ArrayList<>(targets.size());
        for (AccountTarget t : new LinkedHashSet<AccountTarget>(targets)) {
            distinct.add(Objects.requireNonNull(t, "target"));
        }
        return new Run(broker, distinct, parallelism).start();
    }

    @Override
    public String toString() {
        return "AccessCheck(parallelism=" + parallelism + ")";
    }

    /** One check: a sliding window of {@code parallelism} resolutions over the targets. */
    private static final class Run {
        private final ReadRoleBroker broker;
        private final List<AccountTarget> targets;
        private final int window;
        private final AccessResult[] results;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger peak = new AtomicInteger();
        private final CompletableFuture<AccessReport> report = new CompletableFuture<>();
        private final long startNanos = System.nanoTime();

        Run(ReadRoleBroker broker, List<AccountTarget> targets, int window) {
            this.broker = broker;
            this.targets = targets;
            this.window = window;
            this.results = new AccessResult[targets.size()];
        }

        CompletableFuture<AccessReport> start() {
            if (targets.isEmpty()) {
                finish();
                return report;
            }
            int lanes = Math.min(window, targets.size());
            for (int lane = 0; lane < lanes; lane++) {
                pump();
            }
            return report;
        }

        /**
         * Starts targets until one answers asynchronously, then returns; its completion continues this lane. A loop,
         * not recursion, so thousands of cached accounts do not deepen the stack.
         */
        private void pump() {
            while (true) {
                int i = next.getAndIncrement();
                if (i >= targets.size()) {
                    return;
                }
                CompletableFuture<AccessResult> answer = check(i);
                if (answer.isDone()) {
                    record(i, answer.getNow(null));
                    continue;
                }
                answer.whenComplete((result, error) -> {
                    record(i, result != null ? result : unexpected(i, error));
                    pump();
                });
                return;
            }
        }

        private CompletableFuture<AccessResult> check(int i) {
            AccountTarget target = targets.get(i);
            long t0 = System.nanoTime();
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            AwsReadSession session;
            try {
                session = target.session(broker);
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(failed(target, defaultRoleArn(target), e, t0));
            }
            Instant before = session.expiration().orElse(null);
            CompletableFuture<Instant> resolution;
            try {
                resolution = session.warmUp();
            } catch (RuntimeException e) {
                resolution = CompletableFuture.failedFuture(e);
            }
            return resolution.handle((expiration, error) -> {
                if (error != null) {
                    return failed(target, session.roleArn(), error, t0);
                }
                // The session's expiry is the one the broker enforces (millisecond precision).
                Instant expires = session.expiration().orElse(expiration);
                boolean cached = before != null && before.equals(session.expiration().orElse(null));
                return new AccessResult(target, session.roleArn(), Status.OK, session.assumedRoleArn().orElse(null),
                        expires, since(t0), cached, null, null, null, List.of());
            });
        }

        private String defaultRoleArn(AccountTarget target) {
            return target.roleArn().orElseGet(() -> {
                try {
                    return broker.roleArn(target.accountId());
                } catch (RuntimeException e) {
                    return null;
                }
            });
        }

        private AccessResult failed(AccountTarget target, String roleArn, Throwable error, long t0) {
            Throwable e = StsErrors.unwrap(error);
            Duration latency = since(t0);
            if (e instanceof ReadRoleException) {
                ReadRoleException f = (ReadRoleException) e;
                Status status;
                List<Cause> causes;
                switch (f.reason()) {
                    case ACCESS_DENIED:
                        status = Status.DENIED;
                        causes = List.of(); // ranked in finish(), once every account has answered
                        break;
                    case BASE_IDENTITY_INVALID:
                        status = Status.DENIED;
                        causes = List.of(Cause.BASE_IDENTITY_INVALID);
                        break;
                    case INVALID_REQUEST:
                        status = Status.DENIED;
                        causes = List.of(Cause.INVALID_REQUEST);
                        break;
                    case NOT_ALLOWED:
                        status = Status.DENIED;
                        causes = List.of(Cause.NOT_ALLOWED);
                        break;
                    case STS_UNAVAILABLE:
                    case REFRESH_TIMEOUT:
                        status = Status.ERROR;
                        causes = List.of(Cause.STS_UNAVAILABLE);
                        break;
                    default:
                        status = Status.ERROR;
                        causes = List.of();
                        break;
                }
                return new AccessResult(target, roleArn, status, null, null, latency, false, f,
                        f.errorCode().orElse(f.reason().name()), f.getMessage(), causes);
            }
            if (e instanceof IllegalArgumentException) {
                return new AccessResult(target, roleArn, Status.DENIED, null, null, latency, false, null,
                        "InvalidTarget", e.getMessage(), List.of(Cause.INVALID_REQUEST));
            }
            return new AccessResult(target, roleArn, Status.ERROR, null, null, latency, false, null,
                    e.getClass().getSimpleName(), String.valueOf(e.getMessage()), List.of());
        }

        private AccessResult unexpected(int i, Throwable error) {
            AccountTarget target = targets.get(i);
            return failed(target, defaultRoleArn(target), error, System.nanoTime());
        }

        private void record(int i, AccessResult result) {
            results[i] = result;
            inFlight.decrementAndGet();
            if (done.incrementAndGet() == targets.size()) {
                finish();
            }
        }

        private void finish() {
            try {
                boolean anyOk = Arrays.stream(results).anyMatch(AccessResult::isOk);
                List<AccessResult> ranked = new ArrayList<>(results.length);
                int ok = 0;
                int denied = 0;
                int errors = 0;
                for (AccessResult r : results) {
                    AccessResult out = r;
                    if (r.status() == Status.DENIED && r.likelyCauses().isEmpty()) {
                        out = r.withCauses(rankAccessDenied(stsMessage(r), anyOk));
                    }
                    ranked.add(out);
                    switch (out.status()) {
                        case OK:
                            ok++;
                            break;
                        case DENIED:
                            denied++;
                            EVENTS.accessNotOk(out);
                            break;
                        default:
                            errors++;
                            EVENTS.accessNotOk(out);
                            break;
                    }
                }
                Duration wall = since(startNanos);
                EVENTS.accessChecked(ranked.size(), ok, denied, errors, wall);
                report.complete(new AccessReport(ranked, wall, peak.get()));
            } catch (RuntimeException e) {
                report.completeExceptionally(e);
            }
        }
    }

    /**
     * Ranks the causes of an AccessDenied. STS gives the same answer for a missing role, a trust policy that does not
     * name the caller and an ExternalId mismatch; newer messages say which policy type denied, and whether other
     * accounts in the same check succeeded tells account-specific problems from problems of the base identity.
     */
    static List<Cause> rankAccessDenied(String message, boolean otherAccountsOk) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("resource-based policy")) {
            return List.of(Cause.TRUST_POLICY, Cause.EXTERNAL_ID_MISMATCH, Cause.ROLE_MISSING);
        }
        if (m.contains("identity-based policy") || m.contains("service control policy")
                || m.contains("permissions boundary") || m.contains("session policy")) {
            return List.of(Cause.BASE_IDENTITY_POLICY);
        }
        if (otherAccountsOk) {
            return List.of(Cause.ROLE_MISSING, Cause.TRUST_POLICY, Cause.EXTERNAL_ID_MISMATCH,
                    Cause.BASE_IDENTITY_POLICY);
        }
        return List.of(Cause.BASE_IDENTITY_POLICY, Cause.EXTERNAL_ID_MISMATCH, Cause.TRUST_POLICY,
                Cause.ROLE_MISSING);
    }

    /** What STS itself said (not the broker's advice, which names every policy type). */
    private static String stsMessage(AccessResult r) {
        for (Throwable t = r.failure().orElse(null); t != null; t = t.getCause()) {
            if (t instanceof AwsServiceException && ((AwsServiceException) t).awsErrorDetails() != null) {
                String m = ((AwsServiceException) t).awsErrorDetails().errorMessage();
                return m != null ? m : "";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return "";
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
