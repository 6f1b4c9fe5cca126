package io.getport.ocean.aws.credentials.accounts;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;

/**
 * The hook through which the {@code ocean-aws-credentials-organizations} module provides the AWS Organizations
 * account source to {@link AccountSource#fromEnvironment}: registered with {@link java.util.ServiceLoader}, so core
 * does not depend on the SDK's Organizations client. Implementations are stateless and thread safe.
 */
public interface OrganizationsSupport {

    /**
     * The Organizations account source configured in {@code environment} ({@code OCEAN_AWS_ORGANIZATION_ROLE_ARN},
     * {@code OCEAN_AWS_ORGANIZATIONAL_UNITS}, ...).
     *
     * @throws IllegalArgumentException when a setting is malformed, naming it
     */
    AccountSource fromEnvironment(ReadRoleBroker broker, RuntimeEnvironment environment);
}
