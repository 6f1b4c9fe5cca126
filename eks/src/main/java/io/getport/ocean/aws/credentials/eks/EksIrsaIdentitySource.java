package io.getport.ocean.aws.credentials.eks;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.spi.IdentitySource;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.spi.support.TokenFiles;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;

/**
 * EKS IAM Roles for Service Accounts (IRSA): identity source {@code eks-irsa}, checked first in {@code auto} detection
 * (order {@value #ORDER}).
 *
 * <p><b>Detected when</b> both {@code AWS_WEB_IDENTITY_TOKEN_FILE} and {@code AWS_ROLE_ARN} are set (the EKS pod
 * identity webhook sets them for a service account annotated with {@code eks.amazonaws.com/role-arn}). Detection reads
 * the token file and decodes its claims ({@code iss}, {@code sub}, {@code aud}, {@code exp}) for the reason and the
 * facts; the token itself is never shown. An EKS issuer ({@code oidc.eks.<region>.amazonaws.com}) gives the region.
 *
 * <p><b>Two modes</b> ({@code OCEAN_AWS_EKS_IRSA_MODE} / {@code ocean.aws.eksIrsaMode}: {@code auto}, the default,
 * {@code direct} or {@code chained}):
 * <ul>
 *   <li><b>direct</b>: each target account's read role trusts the cluster's OIDC provider, and the broker calls
 *       {@code AssumeRoleWithWebIdentity} into each account's read role with the token: no role chaining, so sessions
 *       may last as long as the read role allows. {@code auto} picks it when {@code AWS_ROLE_ARN} names the read role
 *       (same name and path as {@code OCEAN_AWS_READ_ROLE_NAME} / {@code OCEAN_AWS_READ_ROLE_PATH}).</li>
 *   <li><b>chained</b>: {@code AssumeRoleWithWebIdentity} into {@code AWS_ROLE_ARN} (the pod's role), then
 *       {@code AssumeRole} into each read role from that session (role chaining: at most one hour).</li>
 * </ul>
 * In both modes the token file is read anew for every call that sends it (the kubelet rotates it). A token that cannot
 * be read, is not a JWT or has expired fails with a message naming the file and its claims.
 *
 * <p><b>Reads</b> (system property first, then environment variable, through the {@link RuntimeEnvironment}):
 * {@code AWS_WEB_IDENTITY_TOKEN_FILE} / {@code aws.webIdentityTokenFile}, {@code AWS_ROLE_ARN} / {@code aws.roleArn},
 * {@code AWS_ROLE_SESSION_NAME} / {@code aws.roleSessionName} (the session name of the pod role's session; default
 * {@code port-ocean-irsa}), {@code OCEAN_AWS_EKS_IRSA_MODE} / {@code ocean.aws.eksIrsaMode}, and
 * {@code OCEAN_AWS_STS_CALL_TIMEOUT} / {@code ocean.aws.stsCallTimeout} (default 5 s). The STS region and endpoint
 * are the broker's.
 *
 * <p>Stateless and thread safe; registered with {@link java.util.ServiceLoader}.
 */
public final class EksIrsaIdentitySource implements IdentitySource {
    /** The id used by {@code OCEAN_AWS_IDENTITY_SOURCE}. */
    public static final String ID = "eks-irsa";
    /** The position in {@code auto} detection: first. */
    public static final int ORDER = 100;

    /** Called by {@link java.util.ServiceLoader}. */
    public EksIrsaIdentitySource() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public Detection detect(RuntimeEnvironment environment, boolean pinned) {
        Objects.requireNonNull(environment, "environment");
        if (!IrsaSignals.present(environment)) {
            return Detection.notFound(IrsaSignals.TOKEN_FILE + " and " + IrsaSignals.ROLE_ARN + " are not set (no"
                    + " IRSA: the service account has no eks.amazonaws.com/role-arn annotation)");
        }
        IrsaSignals signals;
        try {
            signals = IrsaSignals.read(environment);
        } catch (IrsaSignals.Incomplete e) {
            return Detection.notFound(e.getMessage());
        } catch (IllegalArgumentException e) {
            // Present but malformed: found, so that opening fails naming the setting (fail closed), instead of
            // letting a lower-precedence source such as the node's instance role take over.
            return Detection.found("the IRSA variables are set but invalid, so no other source is tried: "
                    + e.getMessage());
        }
        StringBuilder reason = new StringBuilder(IrsaSignals.TOKEN_FILE).append('=').append(signals.tokenFile)
                .append(" and ").append(IrsaSignals.ROLE_ARN).append('=').append(signals.roleArn).append(" are set");
        JwtClaims claims = null;
        try {
            claims = JwtClaims.decode(TokenFiles.read(environment, signals.tokenFile, "the web identity token",
                    IrsaSignals.TOKEN_FILE, ""));
            reason.append("; token ").append(claims.describe());
        } catch (ReadRoleException e) {
            reason.append("; but the token file is unusable, so opening fails: ").append(e.getMessage().trim());
        } catch (IllegalArgumentException e) {
            reason.append("; but the token file does not hold a JWT: opening fails");
        }
        Detection d = Detection.found(reason.toString())
                .withFact("roleArn", signals.roleArn)
                .withFact("tokenFile", signals.tokenFile.toString());
        if (claims != null) {
            for (var fact : claims.facts().entrySet()) {
                d = d.withFact(fact.getKey(), fact.getValue());
            }
            if (claims.region().isPresent()) {
                d = d.withRegion(claims.region().get());
            }
        }
        return d;
    }

    /**
     * Opens IRSA: checks the token now (readable, a JWT, not expired), chooses the mode and builds the STS client for
     * the pod role's session (anonymous: {@code AssumeRoleWithWebIdentity} is unsigned; no SDK retries, the broker
     * retries).
     *
     * @throws IllegalArgumentException when a setting is invalid (naming it)
     * @throws io.getport.ocean.aws.credentials.ReadRoleException when the token is unreadable, not a JWT or expired
     */
    @Override
    public BaseIdentity open(RuntimeEnvironment environment, Detection detection, IdentityContext context) {
        Objects.requireNonNull(context, "context");
        IrsaSignals signals = IrsaSignals.read(Objects.requireNonNull(environment, "environment"));
        IrsaSignals.Mode mode = IrsaSignals.mode(environment);
        String sessionName = IrsaSignals.sessionName(environment);
        Duration timeout = IrsaSignals.stsCallTimeout(environment);
        TokenFileWebIdentity web = new TokenFileWebIdentity(environment, signals.tokenFile, context.clock());
        web.token();
        boolean namesReadRole = signals.roleName.equals(context.readRoleName())
                && signals.rolePath.equals(context.readRolePath());
        boolean direct;
        String modeReason;
        switch (mode) {
            case DIRECT:
                direct = true;
                modeReason = IrsaSignals.MODE + "=direct";
                break;
            case CHAINED:
                direct = false;
                modeReason = IrsaSignals.MODE + "=chained";
                break;
            default:
                direct = namesReadRole;
                modeReason = IrsaSignals.ROLE_ARN + (namesReadRole ? " names the read role ("
                        : " does not name the read role (") + context.readRolePath() + context.readRoleName() + ")";
                break;
        }
        StsClientBuilder builder = StsClient.builder()
                .region(context.stsRegion())
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(timeout)
                        .apiCallAttemptTimeout(timeout));
        context.stsEndpoint().ifPresent(builder::endpointOverride);
        String stsShown = context.stsEndpoint().map(Object::toString)
                .orElse("the regional endpoint of " + context.stsRegion().id());
        return new IrsaBaseIdentity(signals, sessionName, direct, modeReason, web, builder.build(), stsShown,
                context.clock(), timeout.plus(TokenFiles.READ_DEADLINE).plusSeconds(1));
    }

    @Override
    public String toString() {
        return "EksIrsaIdentitySource";
    }
}
