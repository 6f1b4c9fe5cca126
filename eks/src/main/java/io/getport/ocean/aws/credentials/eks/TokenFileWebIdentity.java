package io.getport.ocean.aws.credentials.eks;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.ReadRoleException.Reason;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.WebIdentity;
import io.getport.ocean.aws.credentials.spi.support.TokenFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The projected service account token in {@code AWS_WEB_IDENTITY_TOKEN_FILE}, read anew on every {@link #token()}
 * (the kubelet rotates it). A token that cannot be read, is not a JWT, or has expired by the broker's clock fails with
 * a {@link ReadRoleException} that names the file and the claims, never the token.
 *
 * <p>Thread safe.
 */
final class TokenFileWebIdentity implements WebIdentity {
    private final RuntimeEnvironment environment;
    private final Path file;
    private final Clock clock;
    private volatile JwtClaims lastClaims;

    TokenFileWebIdentity(RuntimeEnvironment environment, Path file, Clock clock) {
        this.environment = environment;
        this.file = file;
        this.clock = clock;
    }

    Path file() {
        return file;
    }

    @Override
    public String token() {
        String token = read();
        JwtClaims claims = decode(token);
        if (claims.expiresAt != null && !clock.instant().isBefore(claims.expiresAt)) {
            throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "ExpiredTokenException",
                    "The web identity token in " + IrsaSignals.TOKEN_FILE + "=" + file + " expired at "
                            + claims.expiresAt + " (" + claims.describe() + "). The kubelet rotates the projected"
                            + " token before it expires: check that the volume is still mounted, that the kubelet"
                            + " runs, and that this machine's clock is right.", null);
        }
        return token;
    }

    /** The claims of the current token, or of the last readable one, or nothing. */
    @Override
    public Map<String, String> claims() {
        try {
            return decode(read()).facts();
        } catch (RuntimeException e) {
            JwtClaims last = lastClaims;
            Map<String, String> facts = new LinkedHashMap<>(last == null ? Map.of() : last.facts());
            facts.put("tokenFile", "unreadable now");
            return facts;
        }
    }

    /** The claims of the current token. */
    JwtClaims currentClaims() {
        return decode(read());
    }

    /** The claims of the last token read, if any. */
    JwtClaims lastClaims() {
        return lastClaims;
    }

    private String read() {
        return TokenFiles.read(environment, file, "the web identity token", IrsaSignals.TOKEN_FILE,
                "Check that the pod's service account has the eks.amazonaws.com/role-arn annotation, so that the"
                        + " token is projected there, and that this process may read it.");
    }

    private JwtClaims decode(String token) {
        try {
            JwtClaims claims = JwtClaims.decode(token);
            lastClaims = claims;
            return claims;
        } catch (IllegalArgumentException e) {
            throw ReadRoleException.of(Reason.BASE_IDENTITY_INVALID, null, null, "TokenInvalid",
                    "The web identity token in " + IrsaSignals.TOKEN_FILE + "=" + file + " is unusable: "
                            + e.getMessage() + ". It must be the projected service account token.", null);
        }
    }

    @Override
    public String toString() {
        return "TokenFileWebIdentity(" + file + ")";
    }
}
