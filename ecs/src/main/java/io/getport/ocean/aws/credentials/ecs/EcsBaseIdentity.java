package io.getport.ocean.aws.credentials.ecs;

import io.getport.ocean.aws.credentials.spi.support.RefreshingCredentials;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import io.getport.ocean.aws.credentials.spi.TrustPolicies;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The ECS task role: credentials from the agent, cached and refreshed; task metadata for the region. */
final class EcsBaseIdentity implements BaseIdentity {
    /** Shown in trust policies when the task role's ARN is not known yet. */
    static final String PLACEHOLDER = "TASK_ROLE_ARN";

    private final ContainerCredentialsClient client;
    private final RefreshingCredentials provider;
    private final TaskMetadata metadata;
    private final Map<String, String> facts;

    EcsBaseIdentity(ContainerCredentialsClient client, TaskMetadata metadata, Clock clock) {
        this.client = client;
        this.metadata = metadata;
        this.provider = new RefreshingCredentials(BaseIdentityException.ECS_AGENT, client.toString(), client::fetch,
                clock, client.maxFetchTime());
        Map<String, String> f = new LinkedHashMap<>();
        f.put("credentialsEndpoint", client.shownUri());
        f.putAll(metadata.facts);
        this.facts = Map.copyOf(f);
    }

    @Override
    public AwsCredentialsProvider credentialsProvider() {
        return provider;
    }

    /** Task role credentials are a role session: assuming the read role from them is role chaining. */
    @Override
    public boolean roleSession() {
        return true;
    }

    @Override
    public Optional<Region> region() {
        return metadata.region();
    }

    @Override
    public Map<String, String> facts() {
        return facts;
    }

    @Override
    public String readRoleTrustPolicy(String readRoleArn, Optional<String> principalArn, boolean externalId) {
        String principal = principalArn.map(TrustPolicies::roleArnOf)
                .or(client::lastRoleArn)
                .orElse(PLACEHOLDER);
        return TrustPolicies.awsPrincipal(principal, externalId);
    }

    @Override
    public String toString() {
        return "EcsBaseIdentity(endpoint=" + client.shownUri()
                + (metadata.facts.containsKey("taskArn") ? ", task=" + metadata.facts.get("taskArn") : "") + ")";
    }
}
