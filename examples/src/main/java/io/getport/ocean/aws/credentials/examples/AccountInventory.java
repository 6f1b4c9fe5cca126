package io.getport.ocean.aws.credentials.examples;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an example read in one account: the read role, the credentials it got (assumed-role ARN, expiry, next
 * refresh), one row per resource, or why the account could not be read. Immutable; holds no secret.
 */
final class AccountInventory {

    /** One resource (or one per-service error) found in the account. */
    record Row(String service, String region, String resource, String detail) {
        Row {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(detail, "detail");
        }
    }

    private final String accountId;
    private final String roleArn;
    private final String assumedRoleArn;
    private final Instant expiration;
    private final Instant nextRefresh;
    private final List<Row> rows;
    private final String failure;

    AccountInventory(String accountId, String roleArn, String assumedRoleArn, Instant expiration, Instant nextRefresh,
            List<Row> rows, String failure) {
        this.accountId = Objects.requireNonNull(accountId, "accountId");
        this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
        this.assumedRoleArn = assumedRoleArn;
        this.expiration = expiration;
        this.nextRefresh = nextRefresh;
        this.rows = List.copyOf(rows);
        this.failure = failure;
    }

    String accountId() {
        return accountId;
    }

    String roleArn() {
        return roleArn;
    }

    Optional<String> assumedRoleArn() {
        return Optional.ofNullable(assumedRoleArn);
    }

    Optional<Instant> expiration() {
        return Optional.ofNullable(expiration);
    }

    Optional<Instant> nextRefresh() {
        return Optional.ofNullable(nextRefresh);
    }

    List<Row> rows() {
        return rows;
    }

    /** Why the read role could not be used in this account; empty when it was. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    boolean ok() {
        return failure == null;
    }
}
