package io.getport.ocean.aws.credentials.doctor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything the doctor found, in report order; rendered as text or JSON. Contains no secret. */
final class Report {
    /** Exit code: everything checked is fine. */
    static final int OK = 0;
    /** Exit code: some target accounts failed. */
    static final int ACCOUNTS_FAILED = 1;
    /** Exit code: no usable identity (none detected, or STS rejected or could not verify it). */
    static final int NO_IDENTITY = 2;
    /** Exit code: invalid options or configuration. */
    static final int USAGE = 3;

    /** 1. Identity source. */
    static final class Identity {
        boolean found;
        String source;
        String reason;
        /** Source id to what it found, in detection order. */
        final Map<String, String> checked = new LinkedHashMap<>();
        final Map<String, String> facts = new LinkedHashMap<>();
        String error;
        String hint;
    }

    /** 2. Base identity. */
    static final class Base {
        boolean verified;
        String arn;
        String account;
        String region;
        String regionSource;
        String partition;
        String stsEndpoint;
        boolean roleChaining;
        long sessionDurationSeconds;
        String requestedSessionDuration;
        final List<String> notes = new ArrayList<>();
        String errorReason;
        String errorCode;
        String error;
        String explanation;
    }

    /** 3. One target account. */
    static final class Account {
        String accountId;
        String roleArn;
        boolean ok;
        long latencyMs;
        Instant expiration;
        String assumedRoleArn;
        String errorReason;
        String errorCode;
        String stsMessage;
        String message;
        Diagnosis diagnosis;
        ReadOnlyCheck.Result readOnly;
        /** The session, once obtained; not rendered. */
        io.getport.ocean.aws.credentials.AwsReadSession session;
        /** The failure itself, for the diagnosis; not rendered. */
        io.getport.ocean.aws.credentials.ReadRoleException failure;
    }

    String version;
    Instant checkedAt;
    final Identity identity = new Identity();
    Base base;
    String accountSource;
    /** The configured account source could not list the accounts (exit code 1). */
    String accountSourceError;
    /** Invalid options or settings (exit code 3): nothing was checked. */
    String usageError;
    final List<Account> accounts = new ArrayList<>();
    boolean verifyReadOnly;
    int exitCode;

    /** A report of invalid options or settings (exit code 3): nothing was checked. */
    static Report usage(String message) {
        Report r = new Report();
        r.version = Doctor.version();
        r.checkedAt = Instant.now();
        r.usageError = message;
        r.exitCode = USAGE;
        return r;
    }

    long okCount() {
        return accounts.stream().filter(a -> a.ok).count();
    }

    long failedCount() {
        return accounts.size() - okCount();
    }

    long warningCount() {
        return accounts.stream().filter(a -> a.readOnly != null && !a.readOnly.clean()).count();
    }

    String status() {
        switch (exitCode) {
            case OK:
                return "OK";
            case ACCOUNTS_FAILED:
                return "ACCOUNTS_FAILED";
            case NO_IDENTITY:
                return "NO_IDENTITY";
            default:
                return "USAGE";
        }
    }
}
