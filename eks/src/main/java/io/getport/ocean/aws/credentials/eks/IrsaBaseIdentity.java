package io.getport.ocean.aws.credentials.eks;

import io.getport.ocean.aws.credentials.spi.support.RefreshingCredentials;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import io.getport.ocean.aws.credentials.spi.TrustPolicies;
import io.getport.ocean.aws.credentials.spi.WebIdentity;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * EKS IRSA: the service account token, exchanged with {@code AssumeRoleWithWebIdentity}. In direct mode core assumes
 * each account's read role with the token ({@link #directWebIdentity()}); in chained mode the base credentials are the
 * session of {@code AWS_ROLE_ARN} and core chains {@code AssumeRole} from them. In both modes
 * {@link #credentialsProvider()} is that session (used for {@code GetCallerIdentity} in direct mode).
 */
final class IrsaBaseIdentity implements BaseIdentity {
    private static final Set<String> RECOVERABLE = Set.of("IDPCommunicationError", "IDPCommunicationErrorException",
            "Throttling", "ThrottlingException", "RequestLimitExceeded", "ServiceUnavailable", "InternalFailure",
            "InternalError");
    static final String SUBJECT_PLACEHOLDER = "system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT";
    static final String ISSUER_PLACEHOLDER = "oidc.eks.REGION.amazonaws.com/id/CLUSTER_ID";

    private final IrsaSignals signals;
    private final String sessionName;
    private final boolean direct;
    private final TokenFileWebIdentity web;
    private final StsClient sts;
    private final String stsShown;
    private final RefreshingCredentials provider;
    private final Map<String, String> facts;

    IrsaBaseIdentity(IrsaSignals signals, String sessionName, boolean direct, String modeReason,
            TokenFileWebIdentity web, StsClient sts, String stsShown, Clock clock, Duration maxFetchTime) {
        this.signals = signals;
        this.sessionName = sessionName;
        this.direct = direct;
        this.web = web;
        this.sts = sts;
        this.stsShown = stsShown;
        this.provider = new RefreshingCredentials(BaseIdentityException.WEB_IDENTITY_STS,
                "EksIrsaCredentials(" + signals.roleArn + ")", this::assumePodRole, clock, maxFetchTime);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("irsaMode", direct ? "direct" : "chained");
        f.put("irsaModeReason", modeReason);
        this.facts = Map.copyOf(f);
    }

    private AwsSessionCredentials assumePodRole() {
        String token = web.token();
        AssumeRoleWithWebIdentityResponse response;
        try {
            response = sts.assumeRoleWithWebIdentity(r -> r.roleArn(signals.roleArn)
                    .roleSessionName(sessionName)
                    .webIdentityToken(token));
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String said = e.awsErrorDetails() == null ? String.valueOf(e.statusCode())
                    : code + ": " + e.awsErrorDetails().errorMessage();
            if (e.statusCode() >= 500 || e.isThrottlingException() || (code != null && RECOVERABLE.contains(code))) {
                throw BaseIdentityException.of(BaseIdentityException.WEB_IDENTITY_STS,
                        "AssumeRoleWithWebIdentity into " + IrsaSignals.ROLE_ARN + "=" + signals.roleArn
                                + " at " + stsShown + " failed (" + said + "); the broker retries.", e);
            }
            throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, signals.roleArn, code,
                    "AssumeRoleWithWebIdentity into " + IrsaSignals.ROLE_ARN + "=" + signals.roleArn + " with the"
                            + " service account token from " + IrsaSignals.TOKEN_FILE + "=" + web.file() + " ("
                            + claimsText() + ") was refused: " + said + ". The role's trust policy must allow the"
                            + " cluster's OIDC provider (Principal Federated arn:" + signals.partition + ":iam::"
                            + signals.accountId + ":oidc-provider/" + issuer() + ") with conditions " + issuer()
                            + ":sub = " + subject() + " and " + issuer() + ":aud = " + audience()
                            + ", and that OIDC provider must exist in account " + signals.accountId + ".", e);
        } catch (SdkClientException e) {
            throw BaseIdentityException.of(BaseIdentityException.WEB_IDENTITY_STS,
                    "AssumeRoleWithWebIdentity into " + IrsaSignals.ROLE_ARN + "=" + signals.roleArn
                            + ": STS at " + stsShown + " could not be reached (" + e.getClass().getSimpleName()
                            + "); the broker retries.", e);
        }
        Credentials c = response.credentials();
        if (c == null || c.accessKeyId() == null || c.secretAccessKey() == null || c.sessionToken() == null
                || c.expiration() == null) {
            throw BaseIdentityException.of(BaseIdentityException.WEB_IDENTITY_STS,
                    "AssumeRoleWithWebIdentity into " + IrsaSignals.ROLE_ARN + "=" + signals.roleArn + " at "
                            + stsShown + " answered without complete credentials (AccessKeyId, SecretAccessKey,"
                            + " SessionToken, Expiration); the broker retries.", null);
        }
        return AwsSessionCredentials.builder()
                .accessKeyId(c.accessKeyId())
                .secretAccessKey(c.secretAccessKey())
                .sessionToken(c.sessionToken())
                .expirationTime(c.expiration())
                .accountId(signals.accountId)
                .providerName("OceanEksIrsa")
                .build();
    }

    private String claimsText() {
        JwtClaims claims = web.lastClaims();
        return claims == null ? "claims unknown" : claims.describe();
    }

    private String issuer() {
        JwtClaims claims = web.lastClaims();
        return claims == null ? ISSUER_PLACEHOLDER : claims.issuerHostPath().orElse(ISSUER_PLACEHOLDER);
    }

    private String subject() {
        JwtClaims claims = web.lastClaims();
        return claims == null || claims.subject == null ? SUBJECT_PLACEHOLDER : claims.subject;
    }

    private String audience() {
        JwtClaims claims = web.lastClaims();
        return claims == null ? "sts.amazonaws.com" : claims.audience().orElse("sts.amazonaws.com");
    }

    @Override
    public AwsCredentialsProvider credentialsProvider() {
        return provider;
    }

    /** Chained: the pod role's session is a role session. Direct: the read role is not assumed from it. */
    @Override
    public boolean roleSession() {
        return !direct;
    }

    /** The account of {@code AWS_ROLE_ARN}: checked against {@code OCEAN_AWS_EXPECTED_BASE_ACCOUNT} at build. */
    @Override
    public Optional<String> accountId() {
        return Optional.of(signals.accountId);
    }

    @Override
    public Optional<WebIdentity> directWebIdentity() {
        return direct ? Optional.of(web) : Optional.empty();
    }

    @Override
    public Optional<Region> region() {
        JwtClaims claims = web.lastClaims();
        return claims == null ? Optional.empty() : claims.region();
    }

    @Override
    public Map<String, String> facts() {
        return facts;
    }

    /**
     * Direct mode: the OIDC federation trust policy, in the read role's account, with the {@code sub} and {@code aud}
     * conditions from the token's claims. Chained mode: a trust policy for {@code AWS_ROLE_ARN}.
     */
    @Override
    public String readRoleTrustPolicy(String readRoleArn, Optional<String> principalArn, boolean externalId) {
        if (!direct) {
            return TrustPolicies.awsPrincipal(signals.roleArn, externalId);
        }
        try {
            web.currentClaims();
        } catch (RuntimeException e) {
            // fall back to the last claims read, or placeholders
        }
        String[] arn = readRoleArn.split(":");
        String partition = arn.length > 4 ? arn[1] : signals.partition;
        String account = arn.length > 4 ? arn[4] : signals.accountId;
        return TrustPolicies.webIdentity("arn:" + partition + ":iam::" + account + ":oidc-provider/" + issuer(),
                issuer(), subject(), audience());
    }

    @Override
    public void close() {
        sts.close();
    }

    @Override
    public String toString() {
        return "IrsaBaseIdentity(mode=" + (direct ? "direct" : "chained") + ", roleArn=" + signals.roleArn
                + ", tokenFile=" + web.file() + ")";
    }
}
