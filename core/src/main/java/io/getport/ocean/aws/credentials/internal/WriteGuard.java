package io.getport.ocean.aws.credentials.internal;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The opt-in write guard ({@code OCEAN_AWS_WRITE_GUARD=true}): an SDK {@link ExecutionInterceptor} that refuses every
 * operation whose name is not a read, in {@code beforeExecution}, so the request is never marshalled, signed or sent.
 *
 * <p><b>What counts as a read.</b> An operation whose name starts with one of {@link #READ_PREFIXES} followed by an
 * upper-case letter, a digit or nothing ({@code GetObject}, {@code ListBuckets}, {@code DescribeInstances},
 * {@code HeadBucket}, {@code BatchGetItem}, {@code Query}, {@code Scan}, {@code SelectObjectContent}, ...), or one
 * listed in {@code OCEAN_AWS_WRITE_GUARD_ALLOW} as {@code Service:Operation} (that service only) or {@code Operation}
 * (any service). Service and operation are matched ignoring case; the service is the SDK's service name, which the
 * refusal message prints, so the entry to add can be copied from it.
 *
 * <p><b>Limits.</b> The guard classifies by name: it is a second line of defence for the read role's
 * {@code ReadOnlyAccess} policy and the {@code ReadOnlyAccess} session policy, which remain the authority. The SDK's
 * own interceptors run first, so a refused call may still resolve (and, when none is cached, obtain) the read role's
 * credentials; the refused request itself never leaves the process. Presigned URLs do not pass through interceptors.
 *
 * <p>Immutable and thread safe; one instance per {@link io.getport.ocean.aws.credentials.AwsReadSession} client.
 */
public final class WriteGuard implements ExecutionInterceptor {
    /** Name prefixes that mark an operation as a read. */
    public static final List<String> READ_PREFIXES = List.of("Get", "List", "Describe", "Head", "BatchGet",
            "BatchDescribe", "Search", "Lookup", "Query", "Scan", "Select", "Filter", "Simulate");

    private final String accountId;
    private final String roleArn;
    /** Lower-case operation names allowed in every service. */
    private final Set<String> anyService;
    /** Lower-case {@code service:operation} pairs. */
    private final Set<String> perService;

    /**
     * @param accountId the session's account, for the refusal message
     * @param roleArn the session's read role, for the refusal message
     * @param allow validated {@code Service:Operation} or {@code Operation} entries (see
     *     {@link Validation#writeGuardOperation})
     */
    public WriteGuard(String accountId, String roleArn, Set<String> allow) {
        this.accountId = accountId;
        this.roleArn = roleArn;
        Set<String> any = new LinkedHashSet<>();
        Set<String> per = new LinkedHashSet<>();
        for (String entry : Objects.requireNonNull(allow, "allow")) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            int colon = e.indexOf(':');
            if (colon < 0) {
                any.add(e);
            } else {
                per.add(e.substring(0, colon).trim() + ":" + e.substring(colon + 1).trim());
            }
        }
        this.anyService = Collections.unmodifiableSet(any);
        this.perService = Collections.unmodifiableSet(per);
    }

    /** Whether {@code operation}'s name marks it as a read. */
    public static boolean isReadName(String operation) {
        if (operation == null) {
            return false;
        }
        for (String prefix : READ_PREFIXES) {
            if (operation.startsWith(prefix)) {
                if (operation.length() == prefix.length()) {
                    return true;
                }
                char next = operation.charAt(prefix.length());
                if (Character.isUpperCase(next) || Character.isDigit(next)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the guard lets {@code operation} of {@code service} through. */
    public boolean allows(String service, String operation) {
        if (operation == null) {
            return false;
        }
        if (isReadName(operation)) {
            return true;
        }
        String op = operation.toLowerCase(Locale.ROOT);
        if (anyService.contains(op)) {
            return true;
        }
        return service != null && perService.contains(service.toLowerCase(Locale.ROOT) + ":" + op);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
        String service = executionAttributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = executionAttributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (!allows(service, operation)) {
            throw refusal(service, operation);
        }
    }

    private ReadRoleException refusal(String service, String operation) {
        String name = (service == null ? "unknown-service" : service) + ":"
                + (operation == null ? "unknown-operation" : operation);
        return ReadRoleException.of(Reason.NOT_ALLOWED, accountId, roleArn, "WriteGuard",
                "The write guard refused " + name + " for account " + accountId + " (" + roleArn + "): it is not a"
                        + " read operation (names starting with " + String.join(", ", READ_PREFIXES) + "), and the"
                        + " session is read-only (OCEAN_AWS_WRITE_GUARD=true). Nothing was sent to AWS. If "
                        + name + " only reads, add it to OCEAN_AWS_WRITE_GUARD_ALLOW (builder writeGuardAllow).",
                null);
    }

    @Override
    public String toString() {
        return "WriteGuard(account=" + accountId + ", allow=" + (anyService.size() + perService.size()) + " entries)";
    }
}
