package io.getport.ocean.aws.credentials.eks;

import io.getport.ocean.aws.credentials.spi.support.RefreshingCredentials;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import io.getport.ocean.aws.credentials.spi.TrustPolicies;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** EKS Pod Identity: the associated role's credentials from the agent, cached and refreshed. */
final class PodIdentityBaseIdentity implements BaseIdentity {
    /** Shown in trust policies when the associated role's ARN is not known yet. */
    static final String PLACEHOLDER = "POD_IDENTITY_ROLE_ARN";

    private final PodIdentityCredentialsClient client;
    private final RefreshingCredentials provider;

    PodIdentityBaseIdentity(PodIdentityCredentialsClient client, Clock clock) {
        this.client = client;
        this.provider = new RefreshingCredentials(BaseIdentityException.POD_IDENTITY_AGENT, client.toString(),
                client::fetch, clock, client.maxFetchTime());
    }

    @Override
    public AwsCredentialsProvider credentialsProvider() {
        return provider;
    }

    /** Pod Identity credentials are a role session: assuming the read role from them is role chaining. */
    @Override
    public boolean roleSession() {
        return true;
    }

    @Override
    public Map<String, String> facts() {
        return Map.of("podIdentityAgent", client.shown());
    }

    @Override
    public String readRoleTrustPolicy(String readRoleArn, Optional<String> principalArn, boolean externalId) {
        return TrustPolicies.awsPrincipal(principalArn.map(TrustPolicies::roleArnOf).orElse(PLACEHOLDER), externalId);
    }

    @Override
    public String toString() {
        return "PodIdentityBaseIdentity(" + client.shown() + ")";
    }
}
