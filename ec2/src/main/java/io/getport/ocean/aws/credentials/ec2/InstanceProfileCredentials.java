package io.getport.ocean.aws.credentials.ec2;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Fetches the instance profile role's credentials: the role name from {@code security-credentials/} (listed anew on
 * every fetch, in case the instance profile was replaced), then its credentials. Failures never contain the IMDS
 * token, the credentials or the answer's body.
 *
 * <p>Thread safe.
 */
final class InstanceProfileCredentials {
    private final ImdsClient imds;
    private volatile String roleName;

    InstanceProfileCredentials(ImdsClient imds) {
        this.imds = imds;
    }

    /** The role name seen last, if any. */
    Optional<String> roleName() {
        return Optional.ofNullable(roleName);
    }

    /**
     * Lists the role.
     *
     * @throws ImdsException when IMDS fails, or no role is attached ({@link ImdsException#definite()})
     */
    String listRole() {
        String listing = imds.get(ImdsClient.CREDENTIALS_PATH);
        String name = listing == null ? "" : listing.trim().split("\\s+", 2)[0];
        if (name.isEmpty()) {
            throw new ImdsException("The instance metadata service at " + imds.endpoint() + " answered, but no IAM"
                    + " role is attached to this instance (" + ImdsClient.CREDENTIALS_PATH + " is empty): attach an"
                    + " instance profile whose role may sts:AssumeRole on the read role", true, false, null);
        }
        roleName = name;
        return name;
    }

    AwsSessionCredentials fetch() {
        try {
            String role = listRole();
            String body = imds.get(ImdsClient.CREDENTIALS_PATH + role);
            if (body == null) {
                throw new ImdsException("The instance metadata service at " + imds.endpoint() + " listed role " + role
                        + " but has no credentials for it (HTTP 404): the instance profile is being replaced", false,
                        false, null);
            }
            return parse(role, body);
        } catch (ImdsException e) {
            if (e.definite()) {
                throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "ImdsRefused", e.getMessage(),
                        null);
            }
            throw SdkClientException.builder().message(e.getMessage() + ". The broker retries.").cause(e).build();
        }
    }

    private AwsSessionCredentials parse(String role, String body) {
        Map<String, JsonNode> fields;
        try {
            JsonNode node = JsonNode.parser().parse(body);
            fields = node.isObject() ? node.asObject() : null;
        } catch (RuntimeException e) {
            fields = null;
        }
        if (fields == null) {
            throw notCredentials(role, "is not a JSON object");
        }
        String code = text(fields, "Code");
        if (code != null && !code.equals("Success")) {
            throw SdkClientException.create("The instance metadata service reports Code=" + code + " for the"
                    + " credentials of role " + role + " (the instance profile may be misconfigured); the broker"
                    + " retries.");
        }
        String accessKeyId = text(fields, "AccessKeyId");
        String secretAccessKey = text(fields, "SecretAccessKey");
        String token = text(fields, "Token");
        if (accessKeyId == null || secretAccessKey == null || token == null) {
            throw notCredentials(role, "lacks AccessKeyId, SecretAccessKey or Token");
        }
        AwsSessionCredentials.Builder credentials = AwsSessionCredentials.builder()
                .accessKeyId(accessKeyId)
                .secretAccessKey(secretAccessKey)
                .sessionToken(token)
                .providerName("OceanEc2InstanceProfile");
        String expiration = text(fields, "Expiration");
        if (expiration != null) {
            try {
                credentials.expirationTime(Instant.parse(expiration));
            } catch (DateTimeParseException e) {
                throw notCredentials(role, "has an Expiration that is not an ISO-8601 time");
            }
        }
        String accountId = text(fields, "AccountId");
        if (accountId != null) {
            credentials.accountId(accountId);
        }
        return credentials.build();
    }

    private SdkClientException notCredentials(String role, String what) {
        return SdkClientException.create("The instance metadata service at " + imds.endpoint() + " answered for role "
                + role + ", but the answer " + what + "; the broker retries.");
    }

    private static String text(Map<String, JsonNode> fields, String name) {
        JsonNode node = fields.get(name);
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }

    @Override
    public String toString() {
        return "Ec2InstanceProfileCredentials(" + imds.endpoint() + ")";
    }
}
