package io.getport.ocean.aws.credentials.doctor;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.spi.TrustPolicies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Why one account's read role could not be assumed: the probable cause first, every other plausible cause with its
 * own explanation, and the policy JSON that fixes it, filled in for this runtime and this identity.
 *
 * <p>STS answers {@code AccessDenied} alike for a missing role, a trust policy that does not name the caller, a
 * mismatched ExternalId and a base identity without {@code sts:AssumeRole}; the ranking uses what else is known (did
 * other accounts work with the same identity, is an ExternalId configured, what exactly did STS say).
 */
final class Diagnosis {

    /** The causes the doctor knows, each with its own explanation. Ids are part of the JSON output. */
    enum Cause {
        BASE_PERMISSION_MISSING("the base identity may not call sts:AssumeRole on the read role"),
        EXPLICIT_DENY("an explicit Deny blocks sts:AssumeRole"),
        TRUST_POLICY("the read role's trust policy does not trust the base identity"),
        ROLE_MISSING("the read role does not exist in the account"),
        EXTERNAL_ID_MISMATCH("the ExternalId does not match the read role's sts:ExternalId condition"),
        ROLE_CHAINING_DURATION("the session duration exceeds the 1-hour role-chaining limit"),
        ROLE_MAX_SESSION_DURATION("the session duration exceeds the read role's maximum session duration"),
        BASE_CREDENTIALS_INVALID("STS rejected the base identity's own credentials"),
        REGION_DISABLED("STS is not activated in this region"),
        SESSION_POLICY("STS rejected the session policies or tags"),
        NOT_ALLOWED("the account is not allowed by the configuration"),
        STS_UNAVAILABLE("STS could not be reached or kept failing"),
        UNKNOWN("STS refused the request");

        private final String summary;

        Cause(String summary) {
            this.summary = summary;
        }

        String summary() {
            return summary;
        }
    }

    /** A policy document to apply, and where. */
    static final class Fix {
        final String title;
        final String appliesTo;
        final String policyJson;

        Fix(String title, String appliesTo, String policyJson) {
            this.title = title;
            this.appliesTo = appliesTo;
            this.policyJson = policyJson;
        }
    }

    /** What is known around one failure. */
    static final class Context {
        String accountId;
        String roleArn;
        String principalArn;
        String partition;
        String region;
        String stsEndpoint;
        boolean externalIdConfigured;
        boolean roleChaining;
        boolean anotherAccountSucceeded;
        long sessionDurationSeconds;
        String trustPolicyJson;
    }

    final Cause probable;
    final Map<Cause, String> explanations;
    final List<Fix> fixes;

    private Diagnosis(Cause probable, Map<Cause, String> explanations, List<Fix> fixes) {
        this.probable = probable;
        this.explanations = explanations;
        this.fixes = fixes;
    }

    /** The error code and message STS sent, if the failure came from STS. */
    static String stsMessage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AwsServiceException && ((AwsServiceException) t).awsErrorDetails() != null) {
                return ((AwsServiceException) t).awsErrorDetails().errorMessage();
            }
        }
        return null;
    }

    static Diagnosis of(ReadRoleException failure, Context c) {
        String code = failure.errorCode().orElse("");
        String sts = stsMessage(failure);
        String said = (sts != null ? sts : failure.getMessage()).toLowerCase(Locale.ROOT);
        List<Cause> order = new ArrayList<>();
        Reason reason = failure.reason();
        if (reason == Reason.ACCESS_DENIED) {
            order.addAll(accessDeniedOrder(said, c));
        } else if (reason == Reason.NOT_ALLOWED) {
            order.add(Cause.NOT_ALLOWED);
        } else if (reason == Reason.BASE_IDENTITY_INVALID) {
            order.add(Cause.BASE_CREDENTIALS_INVALID);
        } else if (reason == Reason.STS_UNAVAILABLE || reason == Reason.REFRESH_TIMEOUT) {
            order.add(Cause.STS_UNAVAILABLE);
        } else if (said.contains("role chaining") || said.contains("1 hour session limit")) {
            order.add(Cause.ROLE_CHAINING_DURATION);
        } else if (said.contains("maxsessionduration")) {
            order.add(Cause.ROLE_MAX_SESSION_DURATION);
        } else if (code.startsWith("RegionDisabled")) {
            order.add(Cause.REGION_DISABLED);
        } else if (code.startsWith("MalformedPolicyDocument") || code.startsWith("PackedPolicyTooLarge")) {
            order.add(Cause.SESSION_POLICY);
        } else {
            order.add(Cause.UNKNOWN);
        }
        Map<Cause, String> explanations = new LinkedHashMap<>();
        for (Cause cause : order) {
            explanations.put(cause, explain(cause, c, failure));
        }
        return new Diagnosis(order.get(0), explanations, fixes(order, c));
    }

    private static List<Cause> accessDeniedOrder(String said, Context c) {
        boolean web = webIdentity(c);
        List<Cause> order = new ArrayList<>();
        if (said.contains("explicit deny")) {
            order.add(Cause.EXPLICIT_DENY);
            order.add(Cause.TRUST_POLICY);
        } else if (said.contains("no identity-based policy allows") && !web) {
            order.add(Cause.BASE_PERMISSION_MISSING);
            order.add(Cause.TRUST_POLICY);
            order.add(Cause.ROLE_MISSING);
        } else if (!c.anotherAccountSucceeded && !web && !said.contains("no resource-based policy allows")) {
            // Every account denied with the same identity: its own permission is the common factor, then an
            // ExternalId that every trust policy checks.
            order.add(Cause.BASE_PERMISSION_MISSING);
            if (c.externalIdConfigured) {
                order.add(Cause.EXTERNAL_ID_MISMATCH);
            }
            order.add(Cause.TRUST_POLICY);
            order.add(Cause.ROLE_MISSING);
            if (!c.externalIdConfigured) {
                order.add(Cause.EXTERNAL_ID_MISMATCH);
            }
        } else {
            order.add(Cause.TRUST_POLICY);
            if (c.externalIdConfigured) {
                order.add(Cause.EXTERNAL_ID_MISMATCH);
                order.add(Cause.ROLE_MISSING);
            } else {
                order.add(Cause.ROLE_MISSING);
                order.add(Cause.EXTERNAL_ID_MISMATCH);
            }
            if (!web) {
                order.add(Cause.BASE_PERMISSION_MISSING);
            }
        }
        if (!order.contains(Cause.EXPLICIT_DENY) && !web) {
            order.add(Cause.EXPLICIT_DENY);
        }
        return order;
    }

    private static boolean webIdentity(Context c) {
        return c.trustPolicyJson != null && c.trustPolicyJson.contains("sts:AssumeRoleWithWebIdentity");
    }

    private static String roleName(String roleArn) {
        return roleArn.substring(roleArn.lastIndexOf('/') + 1);
    }

    /** The role path and name of an IAM role ARN, {@code /path/Name}. */
    private static String rolePathAndName(String roleArn) {
        String resource = roleArn.split(":", 6)[5];
        return resource.substring("role".length());
    }

    /** The role (or user) to attach the permission policy to: the role behind an assumed-role ARN. */
    static String baseEntity(Context c) {
        return c.principalArn == null ? "the base identity" : TrustPolicies.roleArnOf(c.principalArn);
    }

    /** {@code sts:AssumeRole} on the read role in every account ({@code arn:aws:iam::*:role/PortOceanReadRole}). */
    static String permissionPolicy(Context c) {
        return TrustPolicies.assumeReadRolePermission("arn:" + c.partition + ":iam::*:role" + rolePathAndName(c.roleArn));
    }

    private static List<Fix> fixes(List<Cause> order, Context c) {
        List<Fix> fixes = new ArrayList<>();
        Fix trust = new Fix("Trust policy of the read role " + c.roleArn
                + " (aws iam update-assume-role-policy --role-name " + roleName(c.roleArn)
                + " --policy-document file://trust.json, run in account " + c.accountId + ")", c.roleArn,
                c.trustPolicyJson);
        Fix permission = new Fix("Permission policy of the base identity " + baseEntity(c)
                + " (attach as an inline or customer managed policy; it allows the read role in every account)",
                baseEntity(c), permissionPolicy(c));
        for (Cause cause : order) {
            switch (cause) {
                case TRUST_POLICY:
                case ROLE_MISSING:
                case EXTERNAL_ID_MISMATCH:
                    if (c.trustPolicyJson != null && !fixes.contains(trust)) {
                        fixes.add(trust);
                    }
                    break;
                case BASE_PERMISSION_MISSING:
                case EXPLICIT_DENY:
                    if (!webIdentity(c) && !fixes.contains(permission)) {
                        fixes.add(permission);
                    }
                    break;
                default:
                    break;
            }
        }
        return fixes;
    }

    private static String explain(Cause cause, Context c, ReadRoleException failure) {
        String role = c.roleArn;
        String name = roleName(role);
        String principal = c.principalArn != null ? c.principalArn : "the base identity";
        switch (cause) {
            case BASE_PERMISSION_MISSING:
                return "The base identity " + principal + " needs an identity policy that allows sts:AssumeRole on "
                        + role + ". Without it STS denies every account alike. Attach the permission policy below to "
                        + baseEntity(c) + ".";
            case EXPLICIT_DENY:
                return "A Deny statement matches sts:AssumeRole on " + role + ": in the base identity's own policies,"
                        + " its permissions boundary, or a service control policy of the organization. No Allow"
                        + " overrides an explicit Deny; remove or narrow it.";
            case TRUST_POLICY:
                return "IAM checks the trust policy of " + role + " in account " + c.accountId + ": it must name "
                        + (webIdentity(c) ? "the cluster's OIDC provider with the service account's sub and aud"
                                : baseEntity(c)) + " as principal. The base identity's own permission is not enough."
                        + " Set the role's trust policy to the JSON below.";
            case ROLE_MISSING:
                return "STS answers AccessDenied, not NoSuchEntity, when the role does not exist, so a missing " + name
                        + " in account " + c.accountId + " looks exactly like a trust problem. Check that it exists"
                        + " (aws iam get-role --role-name " + name + ", in account " + c.accountId + "); if not, create"
                        + " it with the trust policy below and attach arn:" + c.partition
                        + ":iam::aws:policy/ReadOnlyAccess. If the role has another name or path, set"
                        + " OCEAN_AWS_READ_ROLE_NAME / OCEAN_AWS_READ_ROLE_PATH.";
            case EXTERNAL_ID_MISMATCH:
                if (c.externalIdConfigured) {
                    return "An ExternalId is configured for account " + c.accountId + " (OCEAN_AWS_EXTERNAL_ID or"
                            + " OCEAN_AWS_EXTERNAL_IDS) and sent with every AssumeRole. The trust policy of " + role
                            + " must have the condition {\"StringEquals\": {\"sts:ExternalId\": ...}} with exactly that"
                            + " value; any other value is denied. The doctor never prints the value: compare it"
                            + " yourself (YOUR_EXTERNAL_ID in the policy below stands for it).";
                }
                return "No ExternalId is configured for account " + c.accountId + ". If the trust policy of " + role
                        + " has an sts:ExternalId condition, every AssumeRole without it is denied: set"
                        + " OCEAN_AWS_EXTERNAL_ID (or OCEAN_AWS_EXTERNAL_IDS=" + c.accountId + "=...) to the value in"
                        + " that condition.";
            case ROLE_CHAINING_DURATION:
                return "The base identity " + principal + " is a role session, so assuming " + role + " is role"
                        + " chaining, which STS caps at 1 hour (3600 s); " + c.sessionDurationSeconds + " s was"
                        + " requested. Set OCEAN_AWS_SESSION_DURATION=3600 or less.";
            case ROLE_MAX_SESSION_DURATION:
                return "The requested session duration (" + c.sessionDurationSeconds + " s) is longer than the"
                        + " MaxSessionDuration of " + role + " (1 hour unless raised). Lower OCEAN_AWS_SESSION_DURATION,"
                        + " or raise the role's limit: aws iam update-role --role-name " + name
                        + " --max-session-duration " + c.sessionDurationSeconds + " (in account " + c.accountId + ").";
            case BASE_CREDENTIALS_INVALID:
                return "STS rejected the base identity's own credentials (" + failure.errorCode().orElse("?") + "):"
                        + " expired, revoked, or for another partition. Check the runtime identity (ECS task role,"
                        + " EC2 instance profile, EKS service account and its token) and the host's clock.";
            case REGION_DISABLED:
                return "STS is not activated in region " + c.region + " for this account. Activate it in the IAM"
                        + " account settings, or set OCEAN_AWS_STS_REGION to an active region.";
            case SESSION_POLICY:
                return "STS rejected the session policies (ReadOnlyAccess, OCEAN_AWS_SESSION_POLICY_ARNS) or session"
                        + " tags (OCEAN_AWS_SESSION_TAGS) as malformed or too large. Remove extra policy ARNs or tags.";
            case NOT_ALLOWED:
                return "Account " + c.accountId + " is not in OCEAN_AWS_ALLOWED_ACCOUNTS, so no STS call was made. Add"
                        + " it there, or remove it from the target accounts.";
            case STS_UNAVAILABLE:
                return "STS at " + c.stsEndpoint + " did not answer in time or kept failing ("
                        + failure.errorCode().orElse(failure.reason().name()) + "): throttling, an outage, or no"
                        + " network path. Check DNS, proxies, security groups and VPC endpoints, then run the doctor"
                        + " again.";
            default:
                return failure.getMessage();
        }
    }
}
