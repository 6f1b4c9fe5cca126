package io.getport.ocean.aws.credentials.organizations;

import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every log line of this module, in the style of the broker's own events (and on the same logger as the core's
 * account events): stable wording, {@code key=value} fields, never a secret (no keys, tokens or ExternalIds; account
 * e-mail addresses are not logged either). Thread safe.
 */
final class OrganizationEvents {
    static final Logger LOG = LoggerFactory.getLogger("io.getport.ocean.aws.credentials.accounts");

    void listed(String organizationId, int kept, int listed, int inactive, int duplicates, int filtered,
            boolean managementIncluded, int units, int pages, long millis) {
        LOG.info("accounts listed source=organizations organization={} accounts={} listed={} inactiveSkipped={}"
                        + " duplicates={} filteredOut={} managementIncluded={} organizationalUnits={} pages={}"
                        + " latencyMs={}", organizationId, kept, listed, inactive, duplicates, filtered,
                managementIncluded, units, pages, millis);
    }

    void changed(Collection<String> added, Collection<String> removed) {
        LOG.info("account list changed added={} removed={}", added, removed);
    }

    void refreshFailedServingCached(String code, int cached, String message) {
        LOG.warn("account list refresh failed; serving cached list error={} accounts={} detail=\"{}\"", code, cached,
                message);
    }

    void listFailed(String code, String message) {
        LOG.warn("account list failed error={} detail=\"{}\"", code, message);
    }

    void recovered(int failures) {
        LOG.info("account list refresh recovered afterFailures={}", failures);
    }
}
