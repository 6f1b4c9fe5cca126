package io.getport.ocean.aws.credentials.examples;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Prints what the examples found: the identity block and one table per account. Plain ASCII, stable layout. */
final class TablePrinter {
    private static final List<String> HEADERS = List.of("SERVICE", "REGION", "RESOURCE", "DETAIL");

    private final PrintStream out;
    private final Clock clock;

    TablePrinter(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /** A titled block of {@code name: value} lines, names padded to one width. */
    void keyValues(String title, Map<String, String> values) {
        out.println(title);
        int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
        values.forEach((k, v) -> out.println("  " + pad(k, width) + "  " + v));
    }

    /** One account: the header lines, then its resources as a table (or why it could not be read). */
    void account(AccountInventory account) {
        out.println();
        out.println("Account " + account.accountId() + "  (" + account.roleArn() + ")");
        if (!account.ok()) {
            out.println("  FAILED  " + account.failure().orElseThrow());
            return;
        }
        out.println("  assumed role  " + account.assumedRoleArn().orElse("(not yet assumed)"));
        out.println("  expires       " + when(account.expiration()));
        out.println("  next refresh  " + when(account.nextRefresh()));
        List<List<String>> rows = new ArrayList<>();
        for (AccountInventory.Row row : account.rows()) {
            rows.add(List.of(row.service(), row.region(), row.resource(), row.detail()));
        }
        table(rows);
    }

    /** A table with the fixed headers, indented by two spaces. */
    void table(List<List<String>> rows) {
        int[] widths = new int[HEADERS.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = HEADERS.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        String rule = rule(widths);
        out.println(rule);
        out.println(line(HEADERS, widths));
        out.println(rule);
        rows.forEach(row -> out.println(line(row, widths)));
        out.println(rule);
    }

    /** {@code 2026-11-28T17:04:12Z (in 59m 58s)}, or {@code unknown}. */
    String when(Optional<Instant> instant) {
        if (instant.isEmpty()) {
            return "unknown";
        }
        Instant at = instant.get().truncatedTo(ChronoUnit.SECONDS);
        Duration d = Duration.between(clock.instant(), instant.get());
        return at + " (" + (d.isNegative() ? relative(d.negated()) + " ago" : "in " + relative(d)) + ")";
    }

    static String relative(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return s / 3600 + "h " + (s % 3600) / 60 + "m";
        }
        return s >= 60 ? s / 60 + "m " + s % 60 + "s" : s + "s";
    }

    private static String rule(int[] widths) {
        StringBuilder b = new StringBuilder("  +");
        for (int w : widths) {
            b.append("-".repeat(w + 2)).append('+');
        }
        return b.toString();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder("  |");
        for (int i = 0; i < widths.length; i++) {
            b.append(' ').append(pad(cells.get(i), widths[i])).append(" |");
        }
        return b.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
