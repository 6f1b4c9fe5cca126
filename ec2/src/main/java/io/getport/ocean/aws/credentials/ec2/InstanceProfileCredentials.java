package io.getport.ocean.aws.credentials.ec2;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.spi.BaseIdentityException;
import io.getport.ocean.aws.credentials.spi.support.ContainerCredentialsJson;
import io.getport.ocean.aws.credentials.spi.support.JsonFields;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

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
        if (!name.isEmpty() && !name.matches("[\\w+=,.@-]{1,64}")) {
            throw new ImdsException("The instance metadata service at " + imds.endpoint() + " listed something under "
                    + ImdsClient.CREDENTIALS_PATH + " that is not an IAM role name (1 to 64 of [\\w+=,.@-])", false,
                    false, null);
        }
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
            throw BaseIdentityException.of(BaseIdentityException.IMDS, e.getMessage() + ". The broker retries.", e);
        }
    }

    private AwsSessionCredentials parse(String role, String body) {
        JsonFields fields = JsonFields.parse(body).orElse(null);
        if (fields == null) {
            throw notCredentials(role, ContainerCredentialsJson.NOT_JSON);
        }
        String code = fields.text("Code");
        if (code != null && !code.equals("Success")) {
            throw BaseIdentityException.of(BaseIdentityException.IMDS, "The instance metadata service at "
                    + imds.endpoint() + " reports Code=" + (ContainerCredentialsJson.printable(code)
                            && code.length() <= 64 ? code : "(not printable)") + " for the credentials of role "
                    + role + " (the instance profile may be misconfigured); the broker retries.", null);
        }
        return ContainerCredentialsJson.parse(body, "OceanEc2InstanceProfile", what -> notCredentials(role, what))
                .credentials();
    }

    private BaseIdentityException notCredentials(String role, String what) {
        return BaseIdentityException.of(BaseIdentityException.IMDS, "The instance metadata service at "
                + imds.endpoint() + " answered HTTP 200 for role " + role + ", but the answer " + what + "; the"
                + " broker retries.", null);
    }

    @Override
    public String toString() {
        return "Ec2InstanceProfileCredentials(" + imds.endpoint() + ")";
    }
}
