package io.getport.ocean.aws.credentials.accounts;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.internal.Validation;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One account to read from: its ID and, optionally, the role to assume there when it is not the broker's read role.
 *
 * <pre>{@code
 * AccountTarget a = AccountTarget.parse("111122223333");                                   // the broker's read role
 * AccountTarget b = AccountTarget.parse("arn:aws:iam::444455556666:role/team/CustomReader"); // a role of its own
 * AwsReadSession session = b.session(broker);
 * }</pre>
 *
 * <p>Targets from {@code OrganizationAccounts} also carry the account's name and the organizational unit where it
 * was found, for filters and logs. Equality is by account ID and role ARN only; the name and unit are descriptive.
 *
 * <p>Immutable and thread safe.
 */
public final class AccountTarget {
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private final String accountId;
    private final String roleArn;
    private final String name;
    private final String parentId;

    private AccountTarget(String accountId, String roleArn, String name, String parentId) {
        this.accountId = accountId;
        this.roleArn = roleArn;
        this.name = name;
        this.parentId = parentId;
    }

    /**
     * The broker's read role in {@code accountId}.
     *
     * @throws IllegalArgumentException when the ID is not exactly 12 digits
     */
    public static AccountTarget account(String accountId) {
        return new AccountTarget(Validation.accountId("accountId", accountId), null, null, null);
    }

    /**
     * A specific role, e.g. {@code arn:aws:iam::444455556666:role/CustomReader}: its account is the ARN's account.
     *
     * @throws IllegalArgumentException when the value is not an IAM role ARN
     */
    public static AccountTarget role(String roleArn) {
        return parse("roleArn", roleArn);
    }

    /**
     * A 12-digit account ID or an IAM role ARN, as in {@code OCEAN_AWS_ACCOUNTS}; surrounding blanks are ignored.
     *
     * @throws IllegalArgumentException naming the rule and the value when it is neither
     */
    public static AccountTarget parse(String accountIdOrRoleArn) {
        return parse("account", accountIdOrRoleArn);
    }

    static AccountTarget parse(String setting, String value) {
        if (value == null) {
            throw Validation.invalid(setting, "must be a 12-digit account ID or an IAM role ARN", null);
        }
        String v = value.trim();
        if (v.startsWith("arn:")) {
            Validation.roleArn(setting, v);
            return new AccountTarget(v.split(":", 6)[4], v, null, null);
        }
        if (!DIGITS.matcher(v).matches() || v.length() != 12) {
            throw Validation.invalid(setting,
                    "must be a 12-digit account ID or an IAM role ARN such as"
                            + " arn:aws:iam::111122223333:role/PortOceanReadRole", value);
        }
        return new AccountTarget(v, null, null, null);
    }

    /**
     * A target found in AWS Organizations: the broker's read role, with the account's name and parent.
     *
     * @param accountId the 12-digit account ID
     * @param name the account's name, or null
     * @param parentId the organizational unit or root it was listed under, or null
     * @throws IllegalArgumentException when the account ID is not 12 digits
     */
    public static AccountTarget organizationAccount(String accountId, String name, String parentId) {
        return new AccountTarget(Validation.accountId("Organizations account Id", accountId), null, name, parentId);
    }

    /** The 12-digit account ID. */
    public String accountId() {
        return accountId;
    }

    /** The role to assume, when it is not the broker's read role ({@code OCEAN_AWS_READ_ROLE_NAME}). */
    public Optional<String> roleArn() {
        return Optional.ofNullable(roleArn);
    }

    /** The account's name in AWS Organizations, when the target came from there. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /**
     * The organizational unit (or root) the account was found under, when the target came from a walk of
     * {@code OCEAN_AWS_ORGANIZATIONAL_UNITS}.
     */
    public Optional<String> parentId() {
        return Optional.ofNullable(parentId);
    }

    /**
     * The broker's session for this target: {@link ReadRoleBroker#forRole(String)} when a role ARN was given, else
     * {@link ReadRoleBroker#forAccount(String)}. Makes no STS call.
     */
    public AwsReadSession session(ReadRoleBroker broker) {
        Objects.requireNonNull(broker, "broker");
        return roleArn != null ? broker.forRole(roleArn) : broker.forAccount(accountId);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AccountTarget)) {
            return false;
        }
        AccountTarget other = (AccountTarget) o;
        return accountId.equals(other.accountId) && Objects.equals(roleArn, other.roleArn);
    }

    @Override
    public int hashCode() {
        return 31 * accountId.hashCode() + Objects.hashCode(roleArn);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("AccountTarget(").append(accountId);
        if (roleArn != null) {
            s.append(", role=").append(roleArn);
        }
        if (name != null) {
            s.append(", name=").append(name);
        }
        if (parentId != null) {
            s.append(", parent=").append(parentId);
        }
        return s.append(')').toString();
    }
}
