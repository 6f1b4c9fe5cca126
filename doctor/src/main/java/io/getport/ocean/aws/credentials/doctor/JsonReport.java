package io.getport.ocean.aws.credentials.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report for machines ({@code --json}): one JSON object whose shape is stable within a {@code schemaVersion}
 * (fields are only added; every documented field is always present, {@code null} when it does not apply). The README's
 * troubleshooting section documents it.
 */
final class JsonReport {
    static final int SCHEMA_VERSION = 1;

    private JsonReport() {
    }

    static String render(Report r) {
        return Json.write(toMap(r));
    }

    static Map<String, Object> toMap(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", SCHEMA_VERSION);
        m.put("tool", "ocean-aws-doctor");
        m.put("version", r.version);
        m.put("checkedAt", String.valueOf(r.checkedAt));
        m.put("status", r.status());
        m.put("exitCode", r.exitCode);
        m.put("usageError", r.usageError);
        m.put("identity", identity(r.identity));
        m.put("baseIdentity", r.base == null ? null : base(r.base));
        m.put("accountSource", r.accountSource);
        m.put("accountSourceError", r.accountSourceError);
        List<Object> accounts = new ArrayList<>();
        for (Report.Account a : r.accounts) {
            accounts.add(account(a));
        }
        m.put("accounts", accounts);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("accounts", r.accounts.size());
        summary.put("ok", r.okCount());
        summary.put("failed", r.failedCount());
        summary.put("readOnlyWarnings", r.warningCount());
        m.put("summary", summary);
        return m;
    }

    private static Map<String, Object> identity(Report.Identity id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("found", id.found);
        m.put("source", id.source);
        m.put("reason", id.reason);
        List<Object> checked = new ArrayList<>();
        id.checked.forEach((source, result) -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("source", source);
            c.put("result", result);
            checked.add(c);
        });
        m.put("checked", checked);
        m.put("facts", new LinkedHashMap<>(id.facts));
        m.put("error", id.error);
        m.put("hint", id.hint);
        return m;
    }

    private static Map<String, Object> base(Report.Base b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verified", b.verified);
        m.put("arn", b.arn);
        m.put("account", b.account);
        m.put("region", b.region);
        m.put("regionSource", b.regionSource);
        m.put("partition", b.partition);
        m.put("stsEndpoint", b.stsEndpoint);
        m.put("roleChaining", b.roleChaining);
        m.put("sessionDurationSeconds", b.sessionDurationSeconds);
        m.put("requestedSessionDuration", b.requestedSessionDuration);
        m.put("notes", new ArrayList<>(b.notes));
        if (b.verified) {
            m.put("error", null);
        } else {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("reason", b.errorReason);
            e.put("code", b.errorCode);
            e.put("message", b.error);
            e.put("explanation", b.explanation);
            m.put("error", e);
        }
        return m;
    }

    private static Map<String, Object> account(Report.Account a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accountId", a.accountId);
        m.put("roleArn", a.roleArn);
        m.put("status", a.ok ? "OK" : "FAILED");
        m.put("latencyMs", a.latencyMs);
        m.put("expiration", a.expiration == null ? null : a.expiration.toString());
        m.put("assumedRoleArn", a.assumedRoleArn);
        if (a.ok) {
            m.put("error", null);
            m.put("diagnosis", null);
        } else {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("reason", a.errorReason);
            e.put("code", a.errorCode);
            e.put("stsMessage", a.stsMessage);
            e.put("message", a.message);
            m.put("error", e);
            m.put("diagnosis", a.diagnosis == null ? null : diagnosis(a.diagnosis));
        }
        m.put("readOnly", a.readOnly == null ? null : readOnly(a.readOnly));
        return m;
    }

    private static Map<String, Object> diagnosis(Diagnosis d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("probableCause", d.probable.name());
        List<Object> causes = new ArrayList<>();
        d.explanations.forEach((cause, text) -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", cause.name());
            c.put("summary", cause.summary());
            c.put("explanation", text);
            causes.add(c);
        });
        m.put("causes", causes);
        List<Object> fixes = new ArrayList<>();
        for (Diagnosis.Fix f : d.fixes) {
            Map<String, Object> fix = new LinkedHashMap<>();
            fix.put("title", f.title);
            fix.put("appliesTo", f.appliesTo);
            fix.put("policy", Json.parse(f.policyJson));
            fixes.add(fix);
        }
        m.put("fixes", fixes);
        return m;
    }

    private static Map<String, Object> readOnly(ReadOnlyCheck.Result ro) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", ro.error != null ? "UNVERIFIED" : ro.warnings.isEmpty() ? "OK" : "WARN");
        m.put("roleName", ro.roleName);
        m.put("attachedPolicies", new ArrayList<>(ro.attached));
        m.put("inlinePolicies", new ArrayList<>(ro.inline));
        m.put("warnings", new ArrayList<>(ro.warnings));
        m.put("error", ro.error);
        return m;
    }
}
