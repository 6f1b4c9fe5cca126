package io.getport.ocean.aws.credentials.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IAM policy documents of the seed architecture, as JSON: the one source that diagnostics and deployment
 * templates print, so they cannot drift apart. Written with Jackson (two-space indentation), so a principal, subject
 * or pattern holding quotes or backslashes is escaped, never spliced into the document. Thread safe.
 */
public final class TrustPolicies {
    private static final Pattern ASSUMED_ROLE =
            Pattern.compile("arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role/([^/]+)/.+");

    private static final ObjectWriter WRITER = new ObjectMapper().writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

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
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        statement.put("Principal", Map.of("AWS", principalArn));
        statement.put("Action", "sts:AssumeRole");
        if (externalId) {
            statement.put("Condition", Map.of("StringEquals", Map.of("sts:ExternalId", "YOUR_EXTERNAL_ID")));
        }
        return policy(statement);
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
        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put(issuerHostPath + ":sub", subject);
        conditions.put(issuerHostPath + ":aud", audience);
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        statement.put("Principal", Map.of("Federated", oidcProviderArn));
        statement.put("Action", "sts:AssumeRoleWithWebIdentity");
        statement.put("Condition", Map.of("StringEquals", conditions));
        return policy(statement);
    }

    /** The base identity's permission policy: {@code sts:AssumeRole} on the read role, and nothing else. */
    public static String assumeReadRolePermission(String readRoleArnOrPattern) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        statement.put("Action", "sts:AssumeRole");
        statement.put("Resource", readRoleArnOrPattern);
        return policy(statement);
    }

    /** A policy document of one statement, written by Jackson: every value is escaped, whatever it holds. */
    private static String policy(Map<String, Object> statement) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Version", "2012-10-17");
        document.put("Statement", List.of(statement));
        try {
            return WRITER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write an IAM policy document", e);
        }
    }
}
