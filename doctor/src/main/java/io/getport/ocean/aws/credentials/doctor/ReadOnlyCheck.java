package io.getport.ocean.aws.credentials.doctor;

import io.getport.ocean.aws.credentials.AwsReadSession;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.IamClientBuilder;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;

/**
 * {@code --verify-read-only}: with the read role's own session, lists the role's attached and inline policies
 * ({@code iam:ListAttachedRolePolicies} / {@code iam:ListRolePolicies}, which ReadOnlyAccess allows) and warns about
 * anything beyond ReadOnlyAccess. Inline and customer managed policies are read ({@code iam:GetRolePolicy},
 * {@code iam:GetPolicyVersion}) and their {@code Allow} actions checked against read-only verbs.
 */
final class ReadOnlyCheck {
    /** AWS managed policies that only read. */
    private static final Set<String> READ_ONLY_MANAGED = Set.of("ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit");
    /** Action verbs that read (IAM's "List", "Read" access levels). */
    private static final Pattern READ_ACTION = Pattern.compile(
            "[a-z0-9-]+:(Get|List|Describe|BatchGet|Search|Query|Scan|Select|Lookup|View|Head|Check|Preview)[A-Za-z0-9*]*",
            Pattern.CASE_INSENSITIVE);

    /** The outcome for one account. */
    static final class Result {
        String roleName;
        final List<String> attached = new ArrayList<>();
        final List<String> inline = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        String error;

        boolean clean() {
            return error == null && warnings.isEmpty();
        }
    }

    private final URI iamEndpoint;
    private final boolean sessionPolicyApplied;

    ReadOnlyCheck(URI iamEndpoint, boolean sessionPolicyApplied) {
        this.iamEndpoint = iamEndpoint;
        this.sessionPolicyApplied = sessionPolicyApplied;
    }

    Result verify(AwsReadSession session, String assumedRoleArn, String partition) {
        Result r = new Result();
        r.roleName = roleName(assumedRoleArn, session.roleArn());
        IamClientBuilder builder = session.configure(IamClient.builder()).region(globalRegion(partition));
        if (iamEndpoint != null) {
            builder.endpointOverride(iamEndpoint);
        }
        try (IamClient iam = builder.build()) {
            boolean readOnlyAttached = false;
            for (AttachedPolicy p : iam.listAttachedRolePoliciesPaginator(q -> q.roleName(r.roleName))
                    .attachedPolicies()) {
                r.attached.add(p.policyArn());
                boolean awsManaged = p.policyArn().contains(":iam::aws:policy/");
                if (awsManaged && "ReadOnlyAccess".equals(p.policyName())) {
                    readOnlyAttached = true;
                } else if (awsManaged && READ_ONLY_MANAGED.contains(p.policyName())) {
                    continue;
                } else if (awsManaged) {
                    r.warnings.add("attached AWS managed policy " + p.policyArn() + " grants more than ReadOnlyAccess"
                            + "; detach it (aws iam detach-role-policy --role-name " + r.roleName + " --policy-arn "
                            + p.policyArn() + ")");
                } else {
                    checkManaged(iam, p, r);
                }
            }
            for (String name : iam.listRolePoliciesPaginator(q -> q.roleName(r.roleName)).policyNames()) {
                r.inline.add(name);
                checkInline(iam, name, r);
            }
            if (!readOnlyAttached) {
                r.warnings.add("arn:" + partition + ":iam::aws:policy/ReadOnlyAccess is not attached to " + r.roleName
                        + ": the integration may fail to read resources (aws iam attach-role-policy --role-name "
                        + r.roleName + " --policy-arn arn:" + partition + ":iam::aws:policy/ReadOnlyAccess)");
            }
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
            if ("NoSuchEntity".equals(code)) {
                r.error = "IAM says the role " + r.roleName + " does not exist (NoSuchEntity), although STS issued"
                        + " credentials for it; create the role, or check OCEAN_AWS_READ_ROLE_NAME";
            } else {
                r.error = "could not list the policies of " + r.roleName + " (" + code + "): the read role needs"
                        + " iam:ListAttachedRolePolicies and iam:ListRolePolicies on itself, which ReadOnlyAccess"
                        + " allows";
            }
        } catch (SdkException e) {
            r.error = "could not reach IAM to list the policies of " + r.roleName + ": "
                    + e.getClass().getSimpleName();
        }
        if (!r.warnings.isEmpty() && sessionPolicyApplied) {
            r.warnings.add("the broker passes ReadOnlyAccess as a session policy (OCEAN_AWS_SESSION_POLICY), so its"
                    + " sessions can only read anyway; still narrow the role, since anyone else who may assume it"
                    + " gets the full permissions");
        }
        return r;
    }

    private void checkInline(IamClient iam, String name, Result r) {
        try {
            String doc = iam.getRolePolicy(q -> q.roleName(r.roleName).policyName(name)).policyDocument();
            report(writeActions(doc), "inline policy " + name, r);
        } catch (SdkException e) {
            r.warnings.add("inline policy " + name + " could not be read (" + e.getClass().getSimpleName()
                    + "); review it: inline policies are beyond ReadOnlyAccess");
        }
    }

    private void checkManaged(IamClient iam, AttachedPolicy p, Result r) {
        try {
            String version = iam.getPolicy(q -> q.policyArn(p.policyArn())).policy().defaultVersionId();
            String doc = iam.getPolicyVersion(q -> q.policyArn(p.policyArn()).versionId(version)).policyVersion()
                    .document();
            report(writeActions(doc), "attached policy " + p.policyArn(), r);
        } catch (SdkException e) {
            r.warnings.add("attached policy " + p.policyArn() + " could not be read (" + e.getClass().getSimpleName()
                    + "); review it: it is beyond ReadOnlyAccess");
        }
    }

    private static void report(Set<String> writes, String what, Result r) {
        if (writes.isEmpty()) {
            return;
        }
        List<String> shown = new ArrayList<>(writes);
        String list = String.join(", ", shown.subList(0, Math.min(8, shown.size())))
                + (shown.size() > 8 ? ", and " + (shown.size() - 8) + " more" : "");
        r.warnings.add(what + " allows actions beyond reading: " + list);
    }

    /** The actions of the {@code Allow} statements that are not reads ({@code NotAction} counts as everything). */
    static Set<String> writeActions(String document) {
        Set<String> out = new TreeSet<>();
        Object parsed;
        try {
            parsed = Json.parse(document.trim().startsWith("{") ? document
                    : URLDecoder.decode(document, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            out.add("(unreadable policy document)");
            return out;
        }
        if (!(parsed instanceof Map)) {
            return out;
        }
        Object statements = ((Map<?, ?>) parsed).get("Statement");
        List<Object> list = new ArrayList<>();
        if (statements instanceof Collection) {
            list.addAll((Collection<?>) statements);
        } else if (statements != null) {
            list.add(statements);
        }
        for (Object s : list) {
            if (!(s instanceof Map)) {
                continue;
            }
            Map<?, ?> st = (Map<?, ?>) s;
            if (!"Allow".equals(st.get("Effect"))) {
                continue;
            }
            if (st.get("NotAction") != null) {
                out.add("NotAction (everything except the listed actions)");
            }
            for (String action : strings(st.get("Action"))) {
                if (!READ_ACTION.matcher(action).matches()) {
                    out.add(action);
                }
            }
        }
        return out;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof String) {
            out.add((String) value);
        } else if (value instanceof Collection) {
            for (Object o : (Collection<?>) value) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }

    /** The role name from {@code arn:aws:sts::1:assumed-role/NAME/session}, else from the role ARN. */
    static String roleName(String assumedRoleArn, String roleArn) {
        if (assumedRoleArn != null && assumedRoleArn.contains(":assumed-role/")) {
            String rest = assumedRoleArn.substring(assumedRoleArn.indexOf(":assumed-role/") + ":assumed-role/".length());
            int slash = rest.indexOf('/');
            return slash < 0 ? rest : rest.substring(0, slash);
        }
        return roleArn.substring(roleArn.lastIndexOf('/') + 1);
    }

    static Region globalRegion(String partition) {
        switch (partition.toLowerCase(Locale.ROOT)) {
            case "aws-cn":
                return Region.AWS_CN_GLOBAL;
            case "aws-us-gov":
                return Region.AWS_US_GOV_GLOBAL;
            default:
                return Region.AWS_GLOBAL;
        }
    }
}
