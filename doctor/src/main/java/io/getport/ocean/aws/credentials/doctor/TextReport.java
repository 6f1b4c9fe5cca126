package io.getport.ocean.aws.credentials.doctor;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/** The report for people: numbered sections in the order the checks ran. */
final class TextReport {
    private static final int WIDTH = 110;

    private final PrintStream out;

    private TextReport(PrintStream out) {
        this.out = out;
    }

    static void render(Report r, PrintStream out) {
        new TextReport(out).render(r);
    }

    private void render(Report r) {
        out.println("Ocean AWS credentials doctor " + r.version);
        out.println();
        if (r.usageError != null) {
            wrap("Invalid usage or configuration: " + r.usageError, 2);
            out.println();
            summary(r);
            return;
        }
        identity(r.identity);
        if (r.base != null) {
            base(r.base);
        }
        if (r.base != null && r.base.verified) {
            accounts(r);
            if (r.verifyReadOnly) {
                readOnly(r);
            }
        }
        summary(r);
    }

    private void identity(Report.Identity id) {
        out.println("1. Identity source");
        if (id.found) {
            field("source", id.source);
            field("why", id.reason);
        } else {
            out.println("   No usable identity was found.");
        }
        if (!id.checked.isEmpty()) {
            out.println("   checked, in order:");
            int width = id.checked.keySet().stream().mapToInt(String::length).max().orElse(0);
            for (Map.Entry<String, String> e : id.checked.entrySet()) {
                wrap(String.format("     - %-" + width + "s  %s", e.getKey(), e.getValue()), 9 + width);
            }
        }
        if (!id.facts.isEmpty()) {
            out.println("   facts:");
            id.facts.forEach((k, v) -> out.println("     " + k + " = " + v));
        }
        if (!id.found && id.error != null) {
            out.println("   error:");
            for (String line : id.error.split("\n")) {
                // The sources listed in the message are already shown above, one per line.
                if (!id.checked.isEmpty() && line.trim().startsWith("- ")) {
                    continue;
                }
                line = line.replace(" Checked, in order:", "");
                wrap("     " + line.trim(), 7);
            }
        }
        if (id.hint != null) {
            wrap("   hint: " + id.hint, 9);
        }
        out.println();
    }

    private void base(Report.Base b) {
        out.println("2. Base identity (GetCallerIdentity)");
        if (b.verified) {
            field("principal", b.arn);
            field("account", b.account);
        } else {
            field("principal", "unknown: GetCallerIdentity failed");
        }
        field("region", b.region + " (from " + b.regionSource + ")");
        field("partition", b.partition);
        field("STS endpoint", b.stsEndpoint);
        field("role chaining", b.roleChaining ? "yes" : "no");
        field("session duration", b.sessionDurationSeconds + " s"
                + (b.requestedSessionDuration != null ? " (OCEAN_AWS_SESSION_DURATION=" + b.requestedSessionDuration
                        + ")" : ""));
        for (String note : b.notes) {
            wrap("   note: " + note, 9);
        }
        if (!b.verified) {
            field("error", (b.errorCode != null ? b.errorCode : b.errorReason));
            wrap("   STS/library said: " + b.error, 5);
            wrap("   what to do: " + b.explanation, 5);
        }
        out.println();
    }

    private void accounts(Report r) {
        if (r.accountSourceError != null) {
            out.println("3. Target accounts: the account source " + r.accountSource + " failed");
            wrap("   " + r.accountSourceError, 5);
            out.println();
            return;
        }
        if (r.accounts.isEmpty()) {
            out.println("3. Target accounts: none given (use --accounts or set OCEAN_AWS_ACCOUNTS)");
            out.println();
            return;
        }
        out.println("3. Target accounts: " + r.accounts.size() + " (from " + r.accountSource + ")");
        for (Report.Account a : r.accounts) {
            if (a.ok) {
                out.println("   OK    " + a.accountId + "  " + a.assumedRoleArn);
                out.println("         expires " + a.expiration + expiresIn(r, a) + ", assumed in " + a.latencyMs
                        + " ms");
                continue;
            }
            out.println("   FAIL  " + a.accountId + "  " + (a.errorCode != null ? a.errorCode : a.errorReason)
                    + " (" + a.errorReason + "), after " + a.latencyMs + " ms");
            out.println("         role: " + a.roleArn);
            if (a.stsMessage != null) {
                wrap("         STS said: " + a.stsMessage, 11);
            } else {
                wrap("         error: " + a.message, 11);
            }
            Diagnosis d = a.diagnosis;
            if (d == null) {
                continue;
            }
            wrap("         Probable cause: " + d.probable.summary() + ".", 11);
            wrap("           " + d.explanations.get(d.probable), 11);
            if (d.explanations.size() > 1) {
                out.println("         Other possible causes:");
                d.explanations.forEach((cause, text) -> {
                    if (cause != d.probable) {
                        wrap("           - " + cause.summary() + ": " + text, 13);
                    }
                });
            }
            int n = 1;
            for (Diagnosis.Fix fix : d.fixes) {
                wrap("         Fix " + n++ + ": " + fix.title + ":", 11);
                for (String line : fix.policyJson.split("\n")) {
                    out.println("           " + line);
                }
            }
        }
        out.println();
    }

    private static String expiresIn(Report r, Report.Account a) {
        if (a.expiration == null) {
            return "";
        }
        long minutes = Duration.between(r.checkedAt, a.expiration).toMinutes();
        return " (in " + minutes + " min)";
    }

    private void readOnly(Report r) {
        out.println("4. Read-only verification (--verify-read-only)");
        boolean any = false;
        for (Report.Account a : r.accounts) {
            if (a.readOnly == null) {
                continue;
            }
            any = true;
            ReadOnlyCheck.Result ro = a.readOnly;
            String status = ro.error != null ? "UNVERIFIED" : ro.warnings.isEmpty() ? "OK" : "WARN";
            out.println("   " + String.format("%-12s", status) + a.accountId + "  role " + ro.roleName);
            if (ro.error == null) {
                out.println("               attached: " + (ro.attached.isEmpty() ? "none" : String.join(", ", ro.attached)));
                out.println("               inline:   " + (ro.inline.isEmpty() ? "none" : String.join(", ", ro.inline)));
            } else {
                wrap("               " + ro.error, 15);
            }
            for (String w : ro.warnings) {
                wrap("               warning: " + w, 24);
            }
        }
        if (!any) {
            out.println("   no account could be assumed, so nothing was verified");
        }
        out.println();
    }

    private void summary(Report r) {
        String what;
        switch (r.exitCode) {
            case Report.OK:
                what = r.accounts.isEmpty() ? "identity OK; no target accounts checked"
                        : "all " + r.accounts.size() + " accounts OK"
                                + (r.warningCount() > 0 ? ", " + r.warningCount() + " with read-only warnings" : "");
                break;
            case Report.ACCOUNTS_FAILED:
                what = r.accountSourceError != null ? "the target accounts could not be listed"
                        : r.okCount() + " of " + r.accounts.size() + " accounts OK, " + r.failedCount() + " failed";
                break;
            case Report.NO_IDENTITY:
                what = "no usable identity";
                break;
            default:
                what = "invalid usage or configuration";
        }
        out.println("Result: " + what + " (exit code " + r.exitCode + ")");
    }

    private void field(String name, String value) {
        wrap(String.format("   %-17s %s", name + ":", value), 21);
    }

    /** Prints {@code text}, wrapped at spaces to {@value #WIDTH} columns, continuation lines indented. */
    private void wrap(String text, int indent) {
        String pad = " ".repeat(indent);
        String rest = text;
        boolean first = true;
        while (true) {
            String line = first ? rest : pad + rest;
            if (line.length() <= WIDTH) {
                out.println(line);
                return;
            }
            int cut = line.lastIndexOf(' ', WIDTH);
            if (cut <= (first ? 0 : indent) + 10) {
                cut = line.indexOf(' ', WIDTH);
                if (cut < 0) {
                    out.println(line);
                    return;
                }
            }
            out.println(line.substring(0, cut));
            rest = line.substring(cut + 1).stripLeading();
            first = false;
        }
    }
}
