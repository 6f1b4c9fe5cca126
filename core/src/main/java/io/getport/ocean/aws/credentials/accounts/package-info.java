/**
 * Multi-account targeting: which accounts to read ({@link io.getport.ocean.aws.credentials.accounts.AccountSource}),
 * and whether the read role can be assumed in each of them
 * ({@link io.getport.ocean.aws.credentials.accounts.AccessCheck}).
 *
 * <p>Entry points:
 * <ul>
 *   <li>{@link io.getport.ocean.aws.credentials.accounts.AccountSource#fromEnvironment} picks the source configured by
 *       {@code OCEAN_AWS_ACCOUNTS} (an {@link io.getport.ocean.aws.credentials.accounts.AccountList} of account IDs
 *       and role ARNs) or {@code OCEAN_AWS_ORGANIZATION_ROLE_ARN}
 *       ({@code OrganizationAccounts} in the {@code ocean-aws-credentials-organizations} module, on the SDK's
 *       Organizations client, found through {@link io.getport.ocean.aws.credentials.accounts.OrganizationsSupport});</li>
 *   <li>{@link io.getport.ocean.aws.credentials.accounts.AccountFilter} keeps or drops accounts by ID or name
 *       ({@code OCEAN_AWS_ACCOUNTS_INCLUDE}, {@code OCEAN_AWS_ACCOUNTS_EXCLUDE});</li>
 *   <li>{@link io.getport.ocean.aws.credentials.accounts.AccessCheck} ({@code AccessCheck.create().run(broker,
 *       accounts)}) assumes the role in every account in parallel
 *       through the broker's STS protections and returns an
 *       {@link io.getport.ocean.aws.credentials.accounts.AccessReport}: OK, DENIED (with likely causes) or ERROR per
 *       account.</li>
 * </ul>
 */
package io.getport.ocean.aws.credentials.accounts;
