package io.getport.ocean.aws.credentials.accounts;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every log line of this package, in the style of the broker's own events: stable wording, {@code key=value}
 * fields, never a secret (no keys, tokens or ExternalIds; account e-mail addresses are not logged either).
 *
 * <p>Thread safe.
 */
final class AccountEvents {
    static final Logger LOG = LoggerFactory.getLogger("io.getport.ocean.aws.credentials.accounts");

    void accessNotOk(AccessResult r) {
        LOG.warn("access check account={} role={} status={} error={} likelyCause={} detail=\"{}\"", r.accountId(),
                r.roleArn(), r.status(), r.errorCode().orElse("-"),
                r.likelyCauses().isEmpty() ? "-" : r.likelyCauses().get(0), r.message().orElse(""));
    }

    void accessChecked(int total, int ok, int denied, int errors, Duration wall) {
        if (denied + errors == 0) {
            LOG.info("access check done accounts={} ok={} denied={} error={} wallMs={}", total, ok, denied, errors,
                    wall.toMillis());
        } else {
            LOG.warn("access check done accounts={} ok={} denied={} error={} wallMs={}", total, ok, denied, errors,
                    wall.toMillis());
        }
    }
}
