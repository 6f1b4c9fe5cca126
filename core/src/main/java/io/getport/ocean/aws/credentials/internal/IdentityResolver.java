package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.spi.IdentitySource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Finds the base identity: explicit credentials, a pinned source, or {@code auto} detection over the
 * {@link IdentitySource}s on the class path, in their documented order. Fails closed: static keys from the
 * environment are used only when {@code OCEAN_AWS_IDENTITY_SOURCE=environment} says so.
 */
public final class IdentityResolver {
    public static final String AUTO = "auto";
    public static final String ENVIRONMENT = "environment";
    public static final String EXPLICIT = "explicit";
    public static final Region FALLBACK_REGION = Region.US_EAST_1;

    private IdentityResolver() {
    }

    /** The identity sources on the class path, in detection order. */
    public static List<IdentitySource> installedSources() {
        List<IdentitySource> sources = new ArrayList<>();
        ServiceLoader.load(IdentitySource.class, IdentityResolver.class.getClassLoader()).forEach(sources::add);
        sources.sort(Comparator.comparingInt(IdentitySource::order).thenComparing(IdentitySource::id));
        return sources;
    }

    public static ResolvedIdentity resolve(Settings settings, Events events) {
        return resolve(settings, installedSources(), events);
    }

    public static ResolvedIdentity resolve(Settings settings, List<IdentitySource> sources, Events events) {
        RuntimeEnvironment env = settings.environment;
        if (settings.baseCredentials != null) {
            Detection d = Detection.found("base credentials were given to ReadRoleBroker.builder().baseCredentials()");
            return finish(settings, EXPLICIT, d, List.of(EXPLICIT + ": " + d.reason()),
                    explicit(settings.baseCredentials), events);
        }
        String wanted = settings.identitySource;
        if (ENVIRONMENT.equals(wanted)) {
            return environment(settings, events);
        }
        if (!AUTO.equals(wanted)) {
            return pinned(settings, sources, wanted, events);
        }
        List<String> checked = new ArrayList<>();
        IdentitySource winner = null;
        Detection winning = null;
        List<String> alsoFound = new ArrayList<>();
        for (IdentitySource source : sources) {
            if (winner != null && source.order() >= EC2_ORDER) {
                checked.add(source.id() + ": not checked (a source with higher precedence was found first)");
                continue;
            }
            Detection d = safeDetect(source, env, false);
            checked.add(source.id() + ": " + d.reason());
            if (d.found()) {
                if (winner == null) {
                    winner = source;
                    winning = d;
                } else {
                    alsoFound.add(source.id());
                }
            }
        }
        checked.add(ENVIRONMENT + ": not checked in auto mode (static keys are used only with"
                + " OCEAN_AWS_IDENTITY_SOURCE=environment)");
        if (winner == null) {
            throw ReadRoleException.of(Reason.NO_IDENTITY, null, null, null,
                    "No runtime identity found, so no credentials are used (fail closed). Checked, in order:\n  - "
                            + String.join("\n  - ", checked)
                            + "\nRun on ECS, EC2 or EKS with a role attached, or set OCEAN_AWS_IDENTITY_SOURCE"
                            + " (ecs, ec2, eks-irsa, eks-pod-identity, environment)."
                            + (sources.isEmpty() ? " No identity source module is on the class path: add"
                                    + " ocean-aws-credentials-ecs, -ec2 or -eks." : ""), null);
        }
        Detection d = winning;
        if (!alsoFound.isEmpty()) {
            d = relabel(winning, winning.reason() + " (also present, lower precedence: "
                    + String.join(", ", alsoFound) + ")");
        }
        return open(settings, winner, d, checked, events);
    }

    /** A found detection with another reason and the same region and facts. */
    private static Detection relabel(Detection d, String reason) {
        Detection out = Detection.found(reason);
        if (d.region().isPresent()) {
            out = out.withRegion(d.region().get());
        }
        for (var fact : d.facts().entrySet()) {
            out = out.withFact(fact.getKey(), fact.getValue());
        }
        return out;
    }

    /** The order of the EC2 source, whose detection costs a local network call: it is skipped once a winner exists. */
    private static final int EC2_ORDER = 400;

    private static ResolvedIdentity pinned(Settings settings, List<IdentitySource> sources, String wanted,
            Events events) {
        Optional<IdentitySource> match = sources.stream().filter(s -> s.id().equals(wanted)).findFirst();
        if (match.isEmpty()) {
            String known = sources.stream().map(IdentitySource::id).collect(Collectors.joining(", "));
            throw ReadRoleException.of(Reason.NO_IDENTITY, null, null, null,
                    "OCEAN_AWS_IDENTITY_SOURCE is '" + wanted + "', but no such identity source is on the class path"
                            + " (available: auto, environment" + (known.isEmpty() ? "" : ", " + known)
                            + "). Add the module ocean-aws-credentials-" + moduleOf(wanted) + ", or fix the value.",
                    null);
        }
        IdentitySource source = match.get();
        Detection d = safeDetect(source, settings.environment, true);
        if (!d.found()) {
            throw ReadRoleException.of(Reason.NO_IDENTITY, null, null, null,
                    "OCEAN_AWS_IDENTITY_SOURCE pins '" + wanted + "', but it is not usable here: " + d.reason(), null);
        }
        return open(settings, source, relabel(d, "pinned by OCEAN_AWS_IDENTITY_SOURCE=" + wanted + "; "
                + d.reason()), List.of(wanted + ": " + d.reason()), events);
    }

    private static String moduleOf(String id) {
        return id.startsWith("eks") ? "eks" : id;
    }

    /**
     * Runs a source's detection. Fails closed: a source that throws does not count as "not found" (that would hand
     * the process to a lower-precedence source such as the node's instance role). A bad setting it names
     * ({@link IllegalArgumentException}) or an actionable {@link ReadRoleException} is rethrown as is; anything else
     * fails with {@code NO_IDENTITY} naming the source.
     */
    private static Detection safeDetect(IdentitySource source, RuntimeEnvironment env, boolean pinned) {
        try {
            return source.detect(env, pinned);
        } catch (ReadRoleException | IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ReadRoleException.of(Reason.NO_IDENTITY, null, null, null,
                    "The identity source '" + source.id() + "' failed while detecting its signals ("
                            + e.getClass().getSimpleName() + "); no other source is tried in its place (fail"
                            + " closed).", e);
        }
    }

    private static ResolvedIdentity open(Settings settings, IdentitySource source, Detection d, List<String> checked,
            Events events) {
        Region region = preliminaryRegion(settings, d);
        IdentityContext context = new IdentityContext(settings.roleName, settings.rolePath, region,
                settings.stsEndpoint, settings.clock);
        BaseIdentity identity;
        try {
            identity = source.open(settings.environment, d, context);
        } catch (ReadRoleException | IllegalArgumentException e) {
            // Already actionable: a ReadRoleException from the source, or a bad setting named by the source.
            throw e;
        } catch (RuntimeException e) {
            throw ReadRoleException.of(Reason.NO_IDENTITY, null, null, null,
                    "The identity source '" + source.id() + "' was detected (" + d.reason()
                            + ") but could not be opened: " + e.getMessage(), e);
        }
        return finish(settings, source.id(), d, checked, identity, events);
    }

    private static Region preliminaryRegion(Settings settings, Detection d) {
        if (settings.explicitRegion != null) {
            return settings.explicitRegion;
        }
        return sdkRegion(settings.environment).or(d::region).orElse(FALLBACK_REGION);
    }

    private static Optional<Region> sdkRegion(RuntimeEnvironment env) {
        return env.systemProperty("aws.region")
                .or(() -> env.environmentVariable("AWS_REGION"))
                .or(() -> env.environmentVariable("AWS_DEFAULT_REGION"))
                .map(Region::of);
    }

    private static ResolvedIdentity finish(Settings settings, String source, Detection d, List<String> checked,
            BaseIdentity identity, Events events) {
        Region region;
        String regionSource;
        if (settings.explicitRegion != null) {
            region = settings.explicitRegion;
            regionSource = "setting";
        } else if (sdkRegion(settings.environment).isPresent()) {
            region = sdkRegion(settings.environment).get();
            regionSource = "AWS_REGION";
        } else if (identity.region().or(d::region).isPresent()) {
            region = identity.region().or(d::region).get();
            regionSource = "runtime";
        } else {
            region = FALLBACK_REGION;
            regionSource = "default";
            events.regionDefaulted(region.id());
        }
        for (var fact : identity.facts().entrySet()) {
            d = d.withFact(fact.getKey(), fact.getValue());
        }
        checkExpectedAccount(settings, source, identity);
        return new ResolvedIdentity(source, d, checked, identity, region, regionSource);
    }

    /**
     * {@code OCEAN_AWS_EXPECTED_BASE_ACCOUNT} against the account the identity names without a call (EKS IRSA's
     * {@code AWS_ROLE_ARN}); other identities are checked with {@code GetCallerIdentity} before the first AssumeRole.
     */
    private static void checkExpectedAccount(Settings settings, String source, BaseIdentity identity) {
        Optional<String> account;
        try {
            account = identity.accountId();
        } catch (RuntimeException e) {
            account = Optional.empty();
        }
        if (settings.expectedBaseAccount == null || account.isEmpty()
                || settings.expectedBaseAccount.equals(account.get())) {
            return;
        }
        try {
            identity.close();
        } catch (RuntimeException e) {
            // closing is best effort here: the build fails either way
        }
        throw ReadRoleException.of(Reason.NOT_ALLOWED, null, null, null,
                "The base identity of source '" + source + "' is in account " + account.get() + ", not in the"
                        + " expected account " + settings.expectedBaseAccount + " (OCEAN_AWS_EXPECTED_BASE_ACCOUNT)."
                        + " Refusing to assume read roles with it: check which role this process runs with"
                        + (identity.directWebIdentity().isPresent() ? " (AWS_ROLE_ARN, IRSA direct mode)" : "")
                        + ", or the expected account.", null);
    }

    private static ResolvedIdentity environment(Settings settings, Events events) {
        RuntimeEnvironment env = settings.environment;
        Optional<String> key = env.systemProperty("aws.accessKeyId").or(() -> env.environmentVariable("AWS_ACCESS_KEY_ID"));
        Optional<String> secret = env.systemProperty("aws.secretAccessKey")
                .or(() -> env.environmentVariable("AWS_SECRET_ACCESS_KEY"));
        Optional<String> token = env.systemProperty("aws.sessionToken")
                .or(() -> env.environmentVariable("AWS_SESSION_TOKEN"));
        if (key.isEmpty() || secret.isEmpty()) {
            throw ReadRoleException.of(Reason.NO_IDENTITY, null, null, null,
                    "OCEAN_AWS_IDENTITY_SOURCE pins 'environment', but "
                            + (key.isEmpty() ? "AWS_ACCESS_KEY_ID (aws.accessKeyId)" : "")
                            + (key.isEmpty() && secret.isEmpty() ? " and " : "")
                            + (secret.isEmpty() ? "AWS_SECRET_ACCESS_KEY (aws.secretAccessKey)" : "") + " "
                            + (key.isEmpty() && secret.isEmpty() ? "are" : "is") + " not set", null);
        }
        AwsCredentials credentials = token.isPresent()
                ? AwsSessionCredentials.create(key.get(), secret.get(), token.get())
                : AwsBasicCredentials.create(key.get(), secret.get());
        Detection d = Detection.found("pinned by OCEAN_AWS_IDENTITY_SOURCE=environment; static keys from "
                + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" + (token.isPresent() ? "/AWS_SESSION_TOKEN" : ""));
        BaseIdentity identity = new BaseIdentity() {
            private final AwsCredentialsProvider provider = StaticCredentialsProvider.create(credentials);

            @Override
            public AwsCredentialsProvider credentialsProvider() {
                return provider;
            }

            @Override
            public boolean roleSession() {
                return token.isPresent();
            }
        };
        return finish(settings, ENVIRONMENT, d, List.of(ENVIRONMENT + ": " + d.reason()), identity, events);
    }

    private static BaseIdentity explicit(AwsCredentialsProvider provider) {
        return new BaseIdentity() {
            @Override
            public AwsCredentialsProvider credentialsProvider() {
                return provider;
            }

            @Override
            public boolean roleSession() {
                return false;
            }
        };
    }
}
