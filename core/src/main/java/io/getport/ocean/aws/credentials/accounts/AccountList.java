package io.getport.ocean.aws.credentials.accounts;

import io.getport.ocean.aws.credentials.internal.Validation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A fixed list of target accounts: 12-digit account IDs (the broker's read role is assumed there) and IAM role ARNs
 * (that role is assumed instead, for accounts whose role has another name or path).
 *
 * <pre>{@code
 * AccountList list = AccountList.of("111122223333", "arn:aws:iam::444455556666:role/CustomReader");
 * }</pre>
 *
 * <p>Environment: {@code OCEAN_AWS_ACCOUNTS} / {@code ocean.aws.accounts}, comma-separated (read by
 * {@link AccountSource#fromEnvironment}). An account listed more than once is kept once, at its first position; listing
 * it with two different roles is an error. The {@link AccountFilter} is applied once, at construction.
 *
 * <p>Immutable and thread safe; {@link #close()} does nothing.
 */
public final class AccountList implements AccountSource {
    private final List<AccountTarget> accounts;

    private AccountList(List<AccountTarget> accounts) {
        this.accounts = accounts;
    }

    /**
     * The given account IDs and role ARNs, de-duplicated.
     *
     * @throws IllegalArgumentException when an entry is neither an account ID nor a role ARN, or one account is listed
     *     with two different roles
     */
    public static AccountList of(String... accountIdsOrRoleArns) {
        return of(List.of(accountIdsOrRoleArns));
    }

    /** Like {@link #of(String...)}. */
    public static AccountList of(Collection<String> accountIdsOrRoleArns) {
        return of(accountIdsOrRoleArns, AccountFilter.ALL);
    }

    /** Like {@link #of(String...)}, keeping only the entries {@code filter} matches (by account ID). */
    public static AccountList of(Collection<String> accountIdsOrRoleArns, AccountFilter filter) {
        return of("accounts", Objects.requireNonNull(accountIdsOrRoleArns, "accountIdsOrRoleArns"),
                Objects.requireNonNull(filter, "filter"));
    }

    /**
     * Parses a comma-separated list, as in {@code OCEAN_AWS_ACCOUNTS}; blank entries are ignored.
     *
     * @throws IllegalArgumentException as {@link #of(String...)}
     */
    public static AccountList parse(String commaSeparated) {
        return of("accounts", AccountFilter.split(Objects.requireNonNull(commaSeparated, "commaSeparated")),
                AccountFilter.ALL);
    }

    static AccountList of(String setting, Collection<String> entries, AccountFilter filter) {
        List<AccountTarget> targets = new ArrayList<>();
        for (String entry : entries) {
            if (entry != null && !entry.isBlank()) {
                targets.add(AccountTarget.parse(setting, entry));
            }
        }
        List<AccountTarget> kept = new ArrayList<>();
        for (AccountTarget t : dedupe(setting, targets)) {
            if (filter.matches(t)) {
                kept.add(t);
            }
        }
        return new AccountList(List.copyOf(kept));
    }

    /** One target per account, first occurrence first; the same account with two different roles is an error. */
    static List<AccountTarget> dedupe(String setting, List<AccountTarget> targets) {
        Map<String, AccountTarget> byAccount = new LinkedHashMap<>();
        for (AccountTarget t : targets) {
            AccountTarget seen = byAccount.putIfAbsent(t.accountId(), t);
            if (seen != null && !seen.roleArn().equals(t.roleArn())) {
                throw Validation.invalid(setting, "must name each account once, or with the same role each time;"
                        + " account " + t.accountId() + " is listed with two roles",
                        seen.roleArn().orElse(seen.accountId()) + "' and '" + t.roleArn().orElse(t.accountId()));
            }
        }
        return new ArrayList<>(byAccount.values());
    }

    /** The accounts, each once, in the order given. */
    @Override
    public List<AccountTarget> accounts() {
        return accounts;
    }

    @Override
    public String toString() {
        return "AccountList(" + accounts.size() + " accounts)";
    }
}
