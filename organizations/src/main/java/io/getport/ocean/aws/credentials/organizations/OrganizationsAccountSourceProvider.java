package io.getport.ocean.aws.credentials.organizations;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.accounts.AccountSource;
import io.getport.ocean.aws.credentials.accounts.OrganizationsSupport;

/**
 * Registers {@link OrganizationAccounts} with core's {@link AccountSource#fromEnvironment} (found with
 * {@link java.util.ServiceLoader}); not for direct use. Stateless, thread safe.
 */
public final class OrganizationsAccountSourceProvider implements OrganizationsSupport {

    /** For {@link java.util.ServiceLoader}. */
    public OrganizationsAccountSourceProvider() {
    }

    @Override
    public AccountSource fromEnvironment(ReadRoleBroker broker, RuntimeEnvironment environment) {
        return OrganizationAccounts.builder().broker(broker).environment(environment).build();
    }
}
