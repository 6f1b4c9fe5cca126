package io.getport.ocean.aws.credentials.accounts;

import io.getport.ocean.aws.credentials.accounts.AccessResult.Status;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of {@link AccessCheck#run}: one {@link AccessResult} per
 * distinct target, in the order given, and the summary counts.
 *
 * <p>Immutable and thread safe.
 */
public final class AccessReport {
    private final List<AccessResult> results;
    private final Duration wallTime;
    private final int peakInFlight;

    AccessReport(List<AccessResult> results, Duration wallTime, int peakInFlight) {
        this.results = List.copyOf(results);
        this.wallTime = wallTime;
        this.peakInFlight = peakInFlight;
    }

    /** Every result, one per distinct target, in the order the targets were given. */
    public List<AccessResult> results() {
        return results;
    }

    /** The accounts whose role was assumed. */
    public List<AccessResult> ok() {
        return with(Status.OK);
    }

    /** The accounts that were refused. */
    public List<AccessResult> denied() {
        return with(Status.DENIED);
    }

    /** The accounts where STS kept failing. */
    public List<AccessResult> errors() {
        return with(Status.ERROR);
    }

    /** The targets that can be read now (status OK), in order: what a resync should iterate. */
    public List<AccountTarget> accessible() {
        return results.stream().filter(AccessResult::isOk).map(AccessResult::target).collect(Collectors.toList());
    }

    /** How many results have {@code status}. */
    public int count(Status status) {
        return (int) results.stream().filter(r -> r.status() == status).count();
    }

    /** The number of accounts checked. */
    public int total() {
        return results.size();
    }

    /** Whether every account is OK (also true when there were none). */
    public boolean allOk() {
        return results.stream().allMatch(AccessResult::isOk);
    }

    /** From the start of the check to its last answer. */
    public Duration wallTime() {
        return wallTime;
    }

    /** The most account resolutions that were in flight at once (bounded by the check's parallelism). */
    public int peakInFlight() {
        return peakInFlight;
    }

    @Override
    public String toString() {
        return "AccessReport(accounts=" + total() + ", ok=" + count(Status.OK) + ", denied=" + count(Status.DENIED)
                + ", error=" + count(Status.ERROR) + ", wallMs=" + wallTime.toMillis() + ")";
    }

    private List<AccessResult> with(Status status) {
        return results.stream().filter(r -> r.status() == status).collect(Collectors.toList());
    }
}
