package io.getport.ocean.aws.credentials.spi;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The identity a runtime gives the process, as opened by an {@link IdentitySource}: the base credentials the broker
 * signs {@code sts:AssumeRole} with, and what diagnostics need to explain it.
 *
 * <p>Thread safe. The broker closes it when the broker is closed.
 */
public interface BaseIdentity extends SdkAutoCloseable {

    /** The provider of the base credentials (it refreshes them itself, e.g. the SDK's container provider). */
    AwsCredentialsProvider credentialsProvider();

    /**
     * Whether these credentials are a role session, so that assuming the read role from them is role chaining and
     * capped at one hour by STS. ECS task roles, EC2 instance roles, IRSA and Pod Identity are role sessions.
     */
    boolean roleSession();

    /** The region the runtime reports (ECS task metadata, IMDS placement), if any. */
    default Optional<Region> region() {
        return Optional.empty();
    }

    /**
     * Facts learned while opening (ECS task ARN and cluster, EC2 instance ID, the IRSA mode, ...), shown in diagnostics
     * after the facts of the {@link Detection}. Never a secret or a token. Called once, right after
     * {@link IdentitySource#open}.
     */
    default Map<String, String> facts() {
        return Map.of();
    }

    /**
     * The AWS account of the base identity when the runtime names it without a call (EKS IRSA: the account of
     * {@code AWS_ROLE_ARN}), or empty. When present, core checks {@code OCEAN_AWS_EXPECTED_BASE_ACCOUNT} against it
     * when the broker is built, in every mode (including IRSA direct mode, which never calls
     * {@code GetCallerIdentity} before assuming read roles).
     */
    default Optional<String> accountId() {
        return Optional.empty();
    }

    /**
     * A web identity to assume the read role with directly ({@code sts:AssumeRoleWithWebIdentity} into each account's
     * read role, no chaining), or empty to chain with {@code sts:AssumeRole} from {@link #credentialsProvider()}.
     * Used by EKS IRSA's direct mode.
     */
    default Optional<WebIdentity> directWebIdentity() {
        return Optional.empty();
    }

    /**
     * The read role trust policy this identity needs, as JSON, for a read role whose ARN is {@code readRoleArn}.
     * {@code principalArn} is the base principal's ARN from {@code GetCallerIdentity} (an assumed-role or user ARN)
     * when known; implementations turn an assumed-role ARN into its role ARN with {@link TrustPolicies#roleArnOf}.
     *
     * @param readRoleArn the read role the policy is for
     * @param principalArn the base identity's ARN, if known
     * @param externalId whether an ExternalId condition is required (the value itself is never printed)
     */
    default String readRoleTrustPolicy(String readRoleArn, Optional<String> principalArn, boolean externalId) {
        String principal = principalArn.map(TrustPolicies::roleArnOf).orElse("BASE_IDENTITY_ROLE_ARN");
        return TrustPolicies.awsPrincipal(principal, externalId);
    }

    @Override
    default void close() {
    }
}
