/**
 * Target accounts from AWS Organizations: {@link io.getport.ocean.aws.credentials.organizations.OrganizationAccounts}
 * lists the organization's active accounts (optionally under organizational units) with the AWS SDK's
 * {@code OrganizationsClient} (its paginators, retries and endpoint resolution, so {@code AWS_ENDPOINT_URL_ORGANIZATIONS},
 * {@code AWS_ENDPOINT_URL} and profiles' {@code services} sections apply), through a role in the management account
 * assumed by the broker, and keeps the list cached and current. With this module on the class path,
 * {@link io.getport.ocean.aws.credentials.accounts.AccountSource#fromEnvironment} uses it when
 * {@code OCEAN_AWS_ORGANIZATION_ROLE_ARN} is set.
 */
package io.getport.ocean.aws.credentials.organizations;
