package io.getport.ocean.aws.credentials.doctor;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.IdentityDetection;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.accounts.AccountSource;
import io.getport.ocean.aws.credentials.accounts.AccountTarget;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentitySource;
import io.getport.ocean.aws.credentials.internal.Settings;
import io.getport.ocean.aws.credentials.internal.Validation;
import io.getport.ocean.aws.credentials.spi.support.EnvValues;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs the checks, in report order, and fills a {@link Report}. */
final class Checkup {
    private final RuntimeEnvironment env;
    private final Doctor options;

    Checkup(RuntimeEnvironment env, Doctor options) {
        this.env = env;
        this.options = options;
    }

    Report run() {
        Report r = new Report();
        r.version = Doctor.version();
        r.checkedAt = Instant.now();
        r.verifyReadOnly = options.verifyReadOnly;
        List<AccountTarget> explicit;
        try {
            explicit = explicitTargets();
            checkConfiguration();
        } catch (IllegalArgumentException e) {
            r.usageError = e.getMessage();
            r.exitCode = Report.USAGE;
            return r;
        }
        ReadRoleBroker broker;
        try {
            broker = ReadRoleBroker.builder().environment(env).build();
        } catch (ReadRoleException e) {
            IllegalArgumentException invalid = invalidSetting(e);
            if (invalid != null) {
                r.usageError = invalid.getMessage();
                r.exitCode = Report.USAGE;
                return r;
            }
            noIdentity(r, e);
            r.exitCode = Report.NO_IDENTITY;
            return r;
        } catch (IllegalArgumentException e) {
            r.usageError = e.getMessage();
            r.exitCode = Report.USAGE;
            return r;
        }
        try (broker) {
            identity(r, broker.identity());
            r.base = base(broker);
            if (!r.base.verified) {
                r.exitCode = Report.NO_IDENTITY;
                return r;
            }
            List<AccountTarget> targets;
            if (explicit != null) {
                targets = explicit;
                r.accountSource = "--accounts";
            } else {
                try {
                    targets = configuredTargets(r, broker);
                } catch (IllegalArgumentException e) {
                    r.usageError = e.getMessage();
                    r.exitCode = Report.USAGE;
                    return r;
                } catch (ReadRoleException e) {
                    r.accountSourceError = e.getMessage();
                    r.exitCode = Report.ACCOUNTS_FAILED;
                    return r;
                }
            }
            checkAccounts(r, broker, targets);
            r.exitCode = r.failedCount() > 0 ? Report.ACCOUNTS_FAILED : Report.OK;
            return r;
        }
    }

    /**
     * Checks the settings that the identity sources read before they are asked, so an invalid value is reported as
     * invalid configuration (exit code 3), naming the setting, and not as "no usable identity" (2): the identity
     * source, the local endpoints' timeout, and the instance metadata endpoint.
     *
     * @throws IllegalArgumentException naming the setting, the rule and the value
     */
    private void checkConfiguration() {
        Optional<String> pinned = env.setting("OCEAN_AWS_IDENTITY_SOURCE", "ocean.aws.identitySource");
        if (pinned.isPresent()) {
            Set<String> known = new TreeSet<>(List.of("auto", "environment"));
            ServiceLoader.load(IdentitySource.class, Checkup.class.getClassLoader()).forEach(s -> known.add(s.id()));
            if (!known.contains(pinned.get().toLowerCase(Locale.ROOT))) {
                throw Validation.invalid("OCEAN_AWS_IDENTITY_SOURCE (ocean.aws.identitySource)",
                        "must be one of " + String.join(", ", known), pinned.get());
            }
        }
        EnvValues.timeout(env, Duration.ofSeconds(1));
        env.setting(IMDS_ENDPOINT, IMDS_ENDPOINT_PROPERTY)
                .ifPresent(v -> Validation.endpoint(EnvValues.label(IMDS_ENDPOINT, IMDS_ENDPOINT_PROPERTY), v));
        env.setting(IMDS_ENDPOINT_MODE, IMDS_ENDPOINT_MODE_PROPERTY).ifPresent(v -> {
            if (!v.equalsIgnoreCase("IPv4") && !v.equalsIgnoreCase("IPv6")) {
                throw Validation.invalid(EnvValues.label(IMDS_ENDPOINT_MODE, IMDS_ENDPOINT_MODE_PROPERTY),
                        "must be IPv4 or IPv6", v);
            }
        });
        env.environmentVariable("AWS_ENDPOINT_URL_IAM").ifPresent(v -> Validation.endpoint("AWS_ENDPOINT_URL_IAM", v));
    }

    private static final String IMDS_ENDPOINT = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
    private static final String IMDS_ENDPOINT_PROPERTY = "aws.ec2MetadataServiceEndpoint";
    private static final String IMDS_ENDPOINT_MODE = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
    private static final String IMDS_ENDPOINT_MODE_PROPERTY = "aws.ec2MetadataServiceEndpointMode";

    /** The invalid setting behind a failed detection, when the identity source reported one as the cause. */
    private static IllegalArgumentException invalidSetting(ReadRoleException e) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                return (IllegalArgumentException) t;
            }
        }
        return null;
    }

    // 1. Identity source

    private void identity(Report r, IdentityDetection d) {
        r.identity.found = true;
        r.identity.source = d.source();
        r.identity.reason = d.reason();
        for (String line : d.checked()) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                r.identity.checked.put(line.substring(0, colon), line.substring(colon + 2));
            } else {
                r.identity.checked.put(line, "");
            }
        }
        r.identity.facts.putAll(new java.util.TreeMap<>(d.facts()));
    }

    private void noIdentity(Report r, ReadRoleException e) {
        r.identity.found = false;
        r.identity.error = e.getMessage();
        String pinned = env.setting("OCEAN_AWS_IDENTITY_SOURCE", "ocean.aws.identitySource")
                .map(s -> s.toLowerCase(Locale.ROOT)).orElse("auto");
        List<IdentitySource> sources = new ArrayList<>();
        ServiceLoader.load(IdentitySource.class, Checkup.class.getClassLoader()).forEach(sources::add);
        sources.sort(Comparator.comparingInt(IdentitySource::order).thenComparing(IdentitySource::id));
        for (IdentitySource s : sources) {
            if (!"auto".equals(pinned) && !s.id().equals(pinned)) {
                continue;
            }
            Detection d;
            try {
                d = s.detect(env, !"auto".equals(pinned));
            } catch (RuntimeException ex) {
                d = Detection.notFound("detection failed: " + ex.getClass().getSimpleName());
            }
            r.identity.checked.put(s.id(), (d.found() ? "found, but could not be used: " : "") + d.reason());
        }
        if ("auto".equals(pinned)) {
            r.identity.checked.put("environment", "not checked in auto mode (static keys are used only with"
                    + " OCEAN_AWS_IDENTITY_SOURCE=environment)");
        } else if ("environment".equals(pinned)) {
            r.identity.checked.put("environment", e.getMessage());
        }
        if (sources.isEmpty()) {
            r.identity.hint = "No identity source module is on the class path; the doctor jar should contain the"
                    + " ecs, ec2 and eks modules.";
        } else if ("auto".equals(pinned) && env.environmentVariable("AWS_ACCESS_KEY_ID").isPresent()) {
            r.identity.hint = "AWS_ACCESS_KEY_ID is set, but static keys are used only when"
                    + " OCEAN_AWS_IDENTITY_SOURCE=environment (fail closed). On ECS, EC2 or EKS, attach a role to"
                    + " the task, instance or service account instead.";
        } else {
            r.identity.hint = "Run where the integration runs (ECS task, EC2 instance, EKS pod) with a role attached,"
                    + " or pin the source with OCEAN_AWS_IDENTITY_SOURCE (ecs, ec2, eks-irsa, eks-pod-identity,"
                    + " environment).";
        }
    }

    // 2. Base identity

    private Report.Base base(ReadRoleBroker broker) {
        Report.Base b = new Report.Base();
        IdentityDetection d = broker.identity();
        b.region = d.region().id();
        b.regionSource = d.regionSource();
        b.partition = partitionOf(broker.roleArn("000000000000"));
        b.stsEndpoint = String.valueOf(broker.stsEndpoint());
        b.requestedSessionDuration = env.setting("OCEAN_AWS_SESSION_DURATION", "ocean.aws.sessionDuration")
                .orElse(null);
        try {
            d = broker.verifyIdentity();
            b.verified = true;
        } catch (ReadRoleException e) {
            b.verified = false;
            b.errorReason = e.reason().name();
            b.errorCode = e.errorCode().orElse(null);
            b.error = e.getMessage();
            b.explanation = baseExplanation(e, b);
        }
        b.arn = d.basePrincipal().orElse(null);
        b.account = d.baseAccount().orElse(null);
        b.roleChaining = d.roleChaining();
        b.sessionDurationSeconds = broker.sessionDuration().getSeconds();
        if (b.roleChaining) {
            b.notes.add("The base identity is a role session, so assuming the read role is role chaining: STS caps"
                    + " the read role's sessions at 1 hour.");
        }
        if (b.requestedSessionDuration != null && b.roleChaining && b.sessionDurationSeconds == 3600) {
            b.notes.add("OCEAN_AWS_SESSION_DURATION=" + b.requestedSessionDuration + " is clamped to 3600 s by role"
                    + " chaining.");
        }
        if ("default".equals(b.regionSource)) {
            b.notes.add("No region configured and the runtime reported none: using " + b.region
                    + ". Set OCEAN_AWS_STS_REGION or AWS_REGION to use the regional STS endpoint near you.");
        }
        return b;
    }

    private static String baseExplanation(ReadRoleException e, Report.Base b) {
        switch (e.reason()) {
            case BASE_IDENTITY_INVALID:
            case ACCESS_DENIED:
                // GetCallerIdentity needs no permission: a denial means the credentials themselves were rejected.
                return "STS rejected the base identity's credentials (" + e.errorCode().orElse("?") + "): they are"
                        + " expired, revoked, malformed or for another partition. Check the runtime identity (the ECS"
                        + " task role, the EC2 instance profile, the EKS service account and its token) and the"
                        + " host's clock.";
            case NOT_ALLOWED:
                return "The base identity is not in OCEAN_AWS_EXPECTED_BASE_ACCOUNT: the process runs with other"
                        + " credentials than intended. Check the runtime identity, or fix the expected account.";
            case STS_UNAVAILABLE:
            case REFRESH_TIMEOUT:
                return "GetCallerIdentity did not succeed at " + b.stsEndpoint + ": no network path to STS (DNS,"
                        + " proxy, security groups, VPC endpoint), an outage, or the runtime's credential endpoint did"
                        + " not answer. Nothing can be assumed until STS answers.";
            default:
                return "GetCallerIdentity failed: " + e.getMessage();
        }
    }

    // 3. Target accounts

    /** The targets of {@code --accounts} (IDs or role ARNs), or null when it was not given. */
    private List<AccountTarget> explicitTargets() {
        if (options.accounts == null || options.accounts.isEmpty()) {
            return null;
        }
        Set<AccountTarget> out = new LinkedHashSet<>();
        int index = 0;
        for (String a : options.accounts) {
            index++;
            if (a.isBlank()) {
                continue;
            }
            try {
                out.add(AccountTarget.parse(a));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--accounts takes 12-digit account IDs or IAM role ARNs, comma"
                        + " separated; entry " + index + ": " + e.getMessage());
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The targets of the configured account source ({@code OCEAN_AWS_ACCOUNTS}, or AWS Organizations with
     * {@code OCEAN_AWS_ORGANIZATION_ROLE_ARN}), as the integration would see them; none when neither is set.
     */
    private List<AccountTarget> configuredTargets(Report r, ReadRoleBroker broker) {
        boolean organization = env.setting("OCEAN_AWS_ORGANIZATION_ROLE_ARN", "ocean.aws.organizationRoleArn")
                .isPresent();
        boolean list = env.setting("OCEAN_AWS_ACCOUNTS", "ocean.aws.accounts").isPresent();
        if (!organization && !list) {
            r.accountSource = "none";
            return List.of();
        }
        r.accountSource = organization ? "AWS Organizations (OCEAN_AWS_ORGANIZATION_ROLE_ARN)" : "OCEAN_AWS_ACCOUNTS";
        try (AccountSource source = AccountSource.fromEnvironment(broker, env)) {
            return source.accounts();
        }
    }

    private void checkAccounts(Report r, ReadRoleBroker broker, List<AccountTarget> targets) {
        if (targets.isEmpty()) {
            return;
        }
        URI iamEndpoint = options.iamEndpoint != null ? options.iamEndpoint
                : env.environmentVariable("AWS_ENDPOINT_URL_IAM")
                        .map(v -> Validation.endpoint("AWS_ENDPOINT_URL_IAM", v)).orElse(null);
        boolean sessionPolicy = env.setting("OCEAN_AWS_SESSION_POLICY", "ocean.aws.sessionPolicy")
                .map(v -> !v.equalsIgnoreCase("none") && !v.equalsIgnoreCase("false")).orElse(true);
        ReadOnlyCheck readOnly = options.verifyReadOnly ? new ReadOnlyCheck(iamEndpoint, sessionPolicy) : null;
        int threads = Math.min(options.parallelism, targets.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "ocean-aws-doctor");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Report.Account>> futures = new ArrayList<>();
            for (AccountTarget target : targets) {
                futures.add(pool.submit(() -> check(broker, target, r.base.partition, readOnly)));
            }
            for (Future<Report.Account> f : futures) {
                r.accounts.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("an account check failed unexpectedly: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        boolean anyOk = r.okCount() > 0;
        for (Report.Account a : r.accounts) {
            if (!a.ok && a.failure != null) {
                a.diagnosis = diagnose(broker, r, a, anyOk);
            }
        }
    }

    private Report.Account check(ReadRoleBroker broker, AccountTarget target, String partition,
            ReadOnlyCheck readOnly) {
        Report.Account a = new Report.Account();
        a.accountId = target.accountId();
        a.roleArn = target.roleArn().orElseGet(() -> broker.roleArn(target.accountId()));
        long start = System.nanoTime();
        try {
            AwsReadSession session = target.session(broker);
            a.session = session;
            a.roleArn = session.roleArn();
            warmUp(session);
            a.latencyMs = (System.nanoTime() - start) / 1_000_000;
            a.ok = true;
            a.expiration = session.expiration().orElse(null);
            a.assumedRoleArn = session.assumedRoleArn().orElse(null);
            if (readOnly != null) {
                a.readOnly = readOnly.verify(session, a.assumedRoleArn, partition);
            }
        } catch (IllegalArgumentException e) {
            // A role ARN the broker refuses (another partition): nothing was sent to STS.
            a.ok = false;
            a.errorReason = "INVALID_TARGET";
            a.message = e.getMessage();
        } catch (ReadRoleException e) {
            a.latencyMs = (System.nanoTime() - start) / 1_000_000;
            a.ok = false;
            a.errorReason = e.reason().name();
            a.errorCode = e.errorCode().orElse(null);
            a.stsMessage = Diagnosis.stsMessage(e);
            a.message = e.getMessage();
            a.failure = e;
        }
        return a;
    }

    /** Resolves the session's credentials without taking them out (works with the write guard on). */
    private static void warmUp(AwsReadSession session) {
        try {
            session.warmUp().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof ReadRoleException) {
                throw (ReadRoleException) e.getCause();
            }
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw e;
        }
    }

    private Diagnosis diagnose(ReadRoleBroker broker, Report r, Report.Account a, boolean anyOk) {
        Diagnosis.Context c = new Diagnosis.Context();
        c.accountId = a.accountId;
        c.roleArn = a.roleArn;
        c.principalArn = r.base.arn;
        c.partition = r.base.partition;
        c.region = r.base.region;
        c.stsEndpoint = r.base.stsEndpoint;
        c.externalIdConfigured = externalIdConfigured(a.accountId);
        c.roleChaining = r.base.roleChaining;
        c.anotherAccountSucceeded = anyOk;
        c.sessionDurationSeconds = r.base.sessionDurationSeconds;
        try {
            c.trustPolicyJson = a.session != null ? broker.readRoleTrustPolicy(a.session)
                    : broker.readRoleTrustPolicy(a.accountId);
        } catch (RuntimeException e) {
            c.trustPolicyJson = null;
        }
        return Diagnosis.of(a.failure, c);
    }

    /** Whether an ExternalId is configured for the account; the value itself is never read into the report. */
    private boolean externalIdConfigured(String accountId) {
        if (env.setting("OCEAN_AWS_EXTERNAL_ID", "ocean.aws.externalId").isPresent()) {
            return true;
        }
        return env.setting("OCEAN_AWS_EXTERNAL_IDS", "ocean.aws.externalIds")
                .map(v -> Settings.parseExternalIds("OCEAN_AWS_EXTERNAL_IDS (ocean.aws.externalIds)", v)
                        .containsKey(accountId))
                .orElse(false);
    }

    static String partitionOf(String arn) {
        String[] parts = arn.split(":");
        return parts.length > 1 ? parts[1] : "aws";
    }
}
