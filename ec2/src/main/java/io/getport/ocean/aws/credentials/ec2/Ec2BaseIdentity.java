package io.getport.ocean.aws.credentials.ec2;

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

/** The EC2 instance profile role: credentials from IMDSv2, cached and refreshed; the identity document. */
final class Ec2BaseIdentity implements BaseIdentity {
    /** Shown in trust policies when the instance role's ARN is not known. */
    static final String PLACEHOLDER = "INSTANCE_ROLE_ARN";

    private final ImdsClient imds;
    private final InstanceProfileCredentials credentials;
    private final RefreshingCredentials provider;
    private final InstanceIdentity instance;
    private final Map<String, String> facts;

    Ec2BaseIdentity(ImdsClient imds, InstanceProfileCredentials credentials, InstanceIdentity instance,
            Clock clock) {
        this.imds = imds;
        this.credentials = credentials;
        this.instance = instance;
        this.provider = new RefreshingCredentials(BaseIdentityException.IMDS, credentials.toString(),
                credentials::fetch, clock, imds.maxFetchTime());
        Map<String, String> f = new LinkedHashMap<>();
        credentials.roleName().ifPresent(role -> f.put("instanceRole", role));
        f.putAll(instance.facts);
        this.facts = Map.copyOf(f);
    }

    @Override
    public AwsCredentialsProvider credentialsProvider() {
        return provider;
    }

    /** Instance profile credentials are a role session: assuming the read role from them is role chaining. */
    @Override
    public boolean roleSession() {
        return true;
    }

    @Override
    public Optional<Region> region() {
        return instance.region();
    }

    @Override
    public Map<String, String> facts() {
        return facts;
    }

    @Override
    public String readRoleTrustPolicy(String readRoleArn, Optional<String> principalArn, boolean externalId) {
        String principal = principalArn.map(TrustPolicies::roleArnOf)
                .or(this::instanceRoleArn)
                .orElse(PLACEHOLDER);
        return TrustPolicies.awsPrincipal(principal, externalId);
    }

    /** {@code arn:<partition>:iam::<account>:role/<role>} from the identity document and the role listing. */
    private Optional<String> instanceRoleArn() {
        Optional<String> role = credentials.roleName();
        Optional<String> account = instance.accountId();
        if (role.isEmpty() || account.isEmpty()) {
            return Optional.empty();
        }
        String region = instance.region().map(Region::id).orElse("");
        String partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
        return Optional.of("arn:" + partition + ":iam::" + account.get() + ":role/" + role.get());
    }

    @Override
    public String toString() {
        return "Ec2BaseIdentity(imds=" + imds.endpoint() + credentials.roleName().map(r -> ", role=" + r).orElse("")
                + instance.facts.entrySet().stream().filter(e -> e.getKey().equals("instanceId"))
                        .map(e -> ", instance=" + e.getValue()).findFirst().orElse("") + ")";
    }
}
