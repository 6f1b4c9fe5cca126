package io.getport.ocean.aws.credentials.spi;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IAM policy documents of the seed architecture, as JSON: the one source that diagnostics and deployment
 * templates print, so they cannot drift apart.
 */
public final class TrustPolicies {
    private static final Pattern ASSUMED_ROLE =
            Pattern.compile("arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role/([^/]+)/.+");

    private TrustPolicies() {
    }

    /**
     * The role ARN behind an assumed-role ARN ({@code arn:aws:sts::1:assumed-role/R/s} becomes
     * {@code arn:aws:iam::1:role/R}); any other ARN is returned unchanged. The role path is not part of an
     * assumed-role ARN; a role with a path needs it added by hand.
     */
    public static String roleArnOf(String principalArn) {
        Matcher m = ASSUMED_ROLE.matcher(principalArn);
        return m.matches() ? "arn:" + m.group(1) + ":iam::" + m.group(2) + ":role/" + m.group(3) : principalArn;
    }

    /** Trust policy that lets one AWS principal (a role or user ARN) assume the read role. */
    public static String awsPrincipal(String principalArn, boolean externalId) {
        return "{\n"
                + "  \"Version\": \"2012-10-17\",\n"
                + "  \"Statement\": [\n"
                + "    {\n"
                + "      \"Effect\": \"Allow\",\n"
                + "      \"Principal\": {\"AWS\": \"" + principalArn + "\"},\n"
                + "      \"Action\": \"sts:AssumeRole\"" + (externalId
                        ? ",\n      \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"YOUR_EXTERNAL_ID\"}}\n"
                        : "\n")
                + "    }\n"
                + "  ]\n"
                + "}";
    }

    /**
     * Trust policy that lets a Kubernetes service account assume the read role directly through the cluster's OIDC
     * provider (EKS IRSA).
     *
     * @param oidcProviderArn e.g. {@code arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X}
     * @param issuerHostPath the issuer without {@code https://}, e.g. {@code oidc.eks.us-east-1.amazonaws.com/id/X}
     * @param subject e.g. {@code system:serviceaccount:port:ocean-aws}
     * @param audience usually {@code sts.amazonaws.com}
     */
    public static String webIdentity(String oidcProviderArn, String issuerHostPath, String subject, String audience) {
        return "{\n"
                + "  \"Version\": \"2012-10-17\",\n"
                + "  \"Statement\": [\n"
                + "    {\n"
                + "      \"Effect\": \"Allow\",\n"
                + "      \"Principal\": {\"Federated\": \"" + oidcProviderArn + "\"},\n"
                + "      \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n"
                + "      \"Condition\": {\"StringEquals\": {\n"
                + "        \"" + issuerHostPath + ":sub\": \"" + subject + "\",\n"
                + "        \"" + issuerHostPath + ":aud\": \"" + audience + "\"\n"
                + "      }}\n"
                + "    }\n"
                + "  ]\n"
                + "}";
    }

    /** The base identity's permission policy: {@code sts:AssumeRole} on the read role, and nothing else. */
    public static String assumeReadRolePermission(String readRoleArnOrPattern) {
        return "{\n"
                + "  \"Version\": \"2012-10-17\",\n"
                + "  \"Statement\": [\n"
                + "    {\n"
                + "      \"Effect\": \"Allow\",\n"
                + "      \"Action\": \"sts:AssumeRole\",\n"
                + "      \"Resource\": \"" + readRoleArnOrPattern + "\"\n"
                + "    }\n"
                + "  ]\n"
                + "}";
    }
}
