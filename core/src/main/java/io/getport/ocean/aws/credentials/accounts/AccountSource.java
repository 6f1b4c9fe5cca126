package io.getport.ocean.aws.credentials.accounts;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.internal.Setting;
import io.getport.ocean.aws.credentials.internal.Validation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Where the integration's target accounts come from: an explicit {@link AccountList}, or AWS Organizations
 * ({@code OrganizationAccounts} in the {@code ocean-aws-credentials-organizations} module).
 *
 * <pre>{@code
 * try (AccountSource source = AccountSource.fromEnvironment(broker)) {
 *     List<AccountTarget> targets = source.accounts();
 *     AccessReport report = AccessCheck.create().run(broker, targets);
 *     for (AccessResult ok : report.ok()) { ... ok.target().session(broker) ... }
 * }
 * }</pre>
 *
 * <p>Implementations are thread safe; {@link #accounts()} may be called as often as the integration resyncs.
 */
public interface AccountSource extends SdkAutoCloseable {

    /**
     * The current target accounts, each once, in a stable order. Never empty because of a failure: a source that
     * cannot list its accounts throws a {@link io.getport.ocean.aws.credentials.ReadRoleException} that says what to
     * configure.
     */
    List<AccountTarget> accounts();

    /** Releases whatever the source holds (threads, HTTP connections). Does nothing by default. */
    @Override
    default void close() {
    }

    /**
     * The source configured in the system environment; see
     * {@link #fromEnvironment(ReadRoleBroker, RuntimeEnvironment)}.
     */
    static AccountSource fromEnvironment(ReadRoleBroker broker) {
        return fromEnvironment(broker, RuntimeEnvironment.system());
    }

    /**
     * The source configured in {@code environment}:
     * <ul>
     *   <li>{@code OCEAN_AWS_ORGANIZATION_ROLE_ARN} set: {@code OrganizationAccounts} from the
     *       {@code ocean-aws-credentials-organizations} module, found with {@link OrganizationsSupport} (with
     *       {@code OCEAN_AWS_ORGANIZATIONAL_UNITS}, {@code OCEAN_AWS_INCLUDE_MANAGEMENT_ACCOUNT},
     *       {@code OCEAN_AWS_ACCOUNT_LIST_TTL}, {@code OCEAN_AWS_ORGANIZATIONS_ENDPOINT});</li>
     *   <li>else {@code OCEAN_AWS_ACCOUNTS} set: an {@link AccountList} of those IDs and role ARNs;</li>
     *   <li>in both cases filtered by {@code OCEAN_AWS_ACCOUNTS_INCLUDE} / {@code OCEAN_AWS_ACCOUNTS_EXCLUDE}.</li>
     * </ul>
     * Each variable has a system property ({@code ocean.aws.accounts}, {@code ocean.aws.organizationRoleArn}, ...)
     * that wins over it.
     *
     * @throws IllegalArgumentException when neither or both of {@code OCEAN_AWS_ACCOUNTS} and
     *     {@code OCEAN_AWS_ORGANIZATION_ROLE_ARN} are set, or a value is malformed (the message names the setting):
     *     there is no silent fallback to a single account
     */
    static AccountSource fromEnvironment(ReadRoleBroker broker, RuntimeEnvironment environment) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(environment, "environment");
        Optional<String> roleArn = Setting.ORGANIZATION_ROLE_ARN.read(environment);
        Optional<String> accounts = Setting.ACCOUNTS.read(environment);
        if (roleArn.isPresent() && accounts.isPresent()) {
            throw Validation.invalid(Setting.ACCOUNTS.label() + " and " + Setting.ORGANIZATION_ROLE_ARN.label(),
                    "are exclusive: list the accounts explicitly or discover them in AWS Organizations, not both",
                    "both set");
        }
        if (roleArn.isPresent()) {
            for (OrganizationsSupport support : ServiceLoader.load(OrganizationsSupport.class,
                    AccountSource.class.getClassLoader())) {
                return support.fromEnvironment(broker, environment);
            }
            throw new IllegalArgumentException(Setting.ORGANIZATION_ROLE_ARN.label() + " is set, so the accounts come"
                    + " from AWS Organizations, which needs the io.getport.ocean:ocean-aws-credentials-organizations"
                    + " module on the class path (add it next to ocean-aws-credentials-core), or list the accounts"
                    + " with " + Setting.ACCOUNTS.label() + " instead");
        }
        if (Setting.ORGANIZATIONAL_UNITS.read(environment).isPresent()) {
            throw Validation.invalid(Setting.ORGANIZATIONAL_UNITS.label(), "needs "
                    + Setting.ORGANIZATION_ROLE_ARN.label() + " (the role that may list the organization's accounts)",
                    Setting.ORGANIZATIONAL_UNITS.read(environment).get());
        }
        if (accounts.isPresent()) {
            return AccountList.of(Setting.ACCOUNTS.label(), AccountFilter.split(accounts.get()),
                    AccountFilter.fromEnvironment(environment));
        }
        throw new IllegalArgumentException("No target accounts configured: set " + Setting.ACCOUNTS.label()
                + " to comma-separated account IDs or role ARNs, or " + Setting.ORGANIZATION_ROLE_ARN.label()
                + " to a role in the organization's management account that may call organizations:ListAccounts");
    }
}
