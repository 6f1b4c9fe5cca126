package io.getport.ocean.aws.credentials.testkit.fake;

import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Temporary credentials a fake handed out.
 *
 * @param accessKeyId     {@code ASIA...}
 * @param secretAccessKey the secret key
 * @param sessionToken    the session token
 * @param expiration      when they expire
 * @param roleArn         the role they are a session of
 * @param sessionName     the role session name
 */
public record IssuedCredentials(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration,
                                String roleArn, String sessionName) {

    /** Checks that nothing is null. */
    public IssuedCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(expiration, "expiration");
        Objects.requireNonNull(roleArn, "roleArn");
        Objects.requireNonNull(sessionName, "sessionName");
    }

    /** Random {@code ASIA...} credentials with a 40-character secret and a long session token. */
    public static IssuedCredentials random(Instant expiration, String roleArn, String sessionName) {
        return new IssuedCredentials(Texts.randomId("ASIA", 16), Texts.randomSecret(40),
                "IQoJb3JpZ2luX2VjE" + Texts.randomSecret(300), expiration, roleArn, sessionName);
    }

    /** As SDK credentials, with the expiration set. */
    public AwsSessionCredentials toSdkCredentials() {
        return AwsSessionCredentials.builder().accessKeyId(accessKeyId).secretAccessKey(secretAccessKey)
                .sessionToken(sessionToken).expirationTime(expiration).build();
    }

    /** Never shows the secret key or the token. */
    @Override
    public String toString() {
        return "IssuedCredentials[" + accessKeyId + ", " + roleArn + "/" + sessionName + ", expires " + expiration + "]";
    }
}
