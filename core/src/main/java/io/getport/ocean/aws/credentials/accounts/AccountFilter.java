package io.getport.ocean.aws.credentials.accounts;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.internal.Setting;
import io.getport.ocean.aws.credentials.internal.Validation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which accounts to keep: an include list and an exclude list; exclude wins.
 *
 * <p>Each entry is either a 12-digit account ID (matches that account) or a pattern on the account's name in AWS
 * Organizations, where {@code *} matches any run of characters and {@code ?} one character, compared without regard
 * to case (for example {@code prod-*}). A target without a name (an explicit list entry) is matched by ID only. An
 * empty include list keeps every account.
 *
 * <p>Environment ({@link #fromEnvironment}): {@code OCEAN_AWS_ACCOUNTS_INCLUDE} / {@code ocean.aws.accountsInclude}
 * and {@code OCEAN_AWS_ACCOUNTS_EXCLUDE} / {@code ocean.aws.accountsExclude}, comma-separated. Default: keep all.
 *
 * <p>Immutable and thread safe.
 */
public final class AccountFilter {
    /** Keeps every account. */
    public static final AccountFilter ALL = new AccountFilter(List.of(), List.of(), List.of(), List.of());

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private final List<String> include;
    private final List<String> exclude;
    private final List<Entry> includeEntries;
    private final List<Entry> excludeEntries;

    private AccountFilter(List<String> include, List<String> exclude, List<Entry> includeEntries,
            List<Entry> excludeEntries) {
        this.include = include;
        this.exclude = exclude;
        this.includeEntries = includeEntries;
        this.excludeEntries = excludeEntries;
    }

    /**
     * A filter from include and exclude entries (account IDs or name patterns). Blank entries are ignored.
     *
     * @throws IllegalArgumentException when an entry is all digits but not 12 of them
     */
    public static AccountFilter of(Collection<String> include, Collection<String> exclude) {
        return of("include", Objects.requireNonNull(include, "include"), "exclude",
                Objects.requireNonNull(exclude, "exclude"));
    }

    /** The filter configured by {@code OCEAN_AWS_ACCOUNTS_INCLUDE} and {@code OCEAN_AWS_ACCOUNTS_EXCLUDE}. */
    public static AccountFilter fromEnvironment(RuntimeEnvironment environment) {
        Objects.requireNonNull(environment, "environment");
        List<String> include = Setting.ACCOUNTS_INCLUDE.read(environment).map(AccountFilter::split).orElse(List.of());
        List<String> exclude = Setting.ACCOUNTS_EXCLUDE.read(environment).map(AccountFilter::split).orElse(List.of());
        return of(Setting.ACCOUNTS_INCLUDE.label(), include, Setting.ACCOUNTS_EXCLUDE.label(), exclude);
    }

    private static AccountFilter of(String includeLabel, Collection<String> include, String excludeLabel,
            Collection<String> exclude) {
        List<String> inc = clean(include);
        List<String> exc = clean(exclude);
        if (inc.isEmpty() && exc.isEmpty()) {
            return ALL;
        }
        return new AccountFilter(inc, exc, entries(includeLabel, inc), entries(excludeLabel, exc));
    }

    /** Whether {@code target} passes: matched by some include entry (or there are none) and by no exclude entry. */
    public boolean matches(AccountTarget target) {
        Objects.requireNonNull(target, "target");
        if (!includeEntries.isEmpty() && includeEntries.stream().noneMatch(e -> e.matches(target))) {
            return false;
        }
        return excludeEntries.stream().noneMatch(e -> e.matches(target));
    }

    /** The include entries, as given (blank ones dropped). */
    public List<String> include() {
        return include;
    }

    /** The exclude entries, as given (blank ones dropped). */
    public List<String> exclude() {
        return exclude;
    }

    @Override
    public String toString() {
        return "AccountFilter(include=" + include + ", exclude=" + exclude + ")";
    }

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static List<String> clean(Collection<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                out.add(v.trim());
            }
        }
        return List.copyOf(out);
    }

    private static List<Entry> entries(String setting, List<String> values) {
        List<Entry> out = new ArrayList<>();
        for (String v : values) {
            if (DIGITS.matcher(v).matches()) {
                out.add(new Entry(Validation.accountId(setting + " entry", v), null));
            } else {
                out.add(new Entry(null, glob(Validation.accountNamePattern(setting + " entry", v))));
            }
        }
        return List.copyOf(out);
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }

    private static final class Entry {
        final String accountId;
        final Pattern name;

        Entry(String accountId, Pattern name) {
            this.accountId = accountId;
            this.name = name;
        }

        boolean matches(AccountTarget t) {
            if (accountId != null) {
                return accountId.equals(t.accountId());
            }
            return t.name().map(n -> name.matcher(n).matches()).orElse(false);
        }
    }
}
