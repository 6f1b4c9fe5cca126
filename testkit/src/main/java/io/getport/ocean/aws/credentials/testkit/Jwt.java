package io.getport.ocean.aws.credentials.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A well-formed JSON Web Token with the claims of a Kubernetes projected service-account token, for IRSA tests. The
 * signature is random bytes: nothing here verifies it (moto and {@code FakeSts} do not).
 *
 * <pre>{@code
 * Jwt token = Jwt.forServiceAccount("port", "ocean-aws").expiresAt(clock.instant().plusSeconds(3600)).build();
 * Path file = token.writeTempFile();   // point AWS_WEB_IDENTITY_TOKEN_FILE / aws.webIdentityTokenFile at it
 * }</pre>
 *
 * <p>{@link #decode(String)} reads back the registered claims of a token with a flat JSON payload, as EKS issues.
 * Instances are immutable; {@link #toString()} shows the claims but never the encoded token.
 */
public final class Jwt {

    /** The audience EKS puts in tokens for STS. */
    public static final String STS_AUDIENCE = "sts.amazonaws.com";
    /** A plausible EKS OIDC issuer. */
    public static final String DEFAULT_ISSUER =
            "https://oidc.eks.us-east-1.amazonaws.com/id/0CEA4D5E1A2B3C4D5E6F7A8B9C0D1E2F";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String issuer;
    private final String subject;
    private final String audience;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final String encoded;

    private Jwt(String issuer, String subject, String audience, Instant issuedAt, Instant expiresAt, String encoded) {
        this.issuer = issuer;
        this.subject = subject;
        this.audience = audience;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
        this.encoded = encoded;
    }

    /** A builder with no claims set; see {@link Builder} for the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder preset for a service account: issuer {@link #DEFAULT_ISSUER}, subject
     * {@code system:serviceaccount:<namespace>:<serviceAccount>}, audience {@link #STS_AUDIENCE}.
     */
    public static Builder forServiceAccount(String namespace, String serviceAccount) {
        return builder().issuer(DEFAULT_ISSUER).subject("system:serviceaccount:" + namespace + ":" + serviceAccount)
                .audience(STS_AUDIENCE);
    }

    /**
     * Reads the {@code iss}, {@code sub}, {@code aud} (a string or the first of an array), {@code iat} and
     * {@code exp} claims of a compact JWS.
     *
     * @throws IllegalArgumentException if the token is not three base64url parts with a JSON object payload (the
     *     message never includes the token)
     */
    public static Jwt decode(String token) {
        Objects.requireNonNull(token, "token");
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("token is not a compact JWT (expected 3 dot-separated parts, found "
                    + parts.length + ")");
        }
        String payload;
        try {
            payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token payload is not base64url", e);
        }
        if (!payload.trim().startsWith("{")) {
            throw new IllegalArgumentException("token payload is not a JSON object");
        }
        return new Jwt(stringClaim(payload, "iss"), stringClaim(payload, "sub"), audienceClaim(payload),
                instantClaim(payload, "iat"), instantClaim(payload, "exp"), token.trim());
    }

    /** The compact encoding: {@code header.payload.signature}. Treat it as a secret. */
    public String encoded() {
        return encoded;
    }

    /** The {@code iss} claim. */
    public Optional<String> issuer() {
        return Optional.ofNullable(issuer);
    }

    /** The {@code sub} claim. */
    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    /** The {@code aud} claim (the first one if it is an array). */
    public Optional<String> audience() {
        return Optional.ofNullable(audience);
    }

    /** The {@code iat} claim. */
    public Optional<Instant> issuedAt() {
        return Optional.ofNullable(issuedAt);
    }

    /** The {@code exp} claim. */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /** Writes {@link #encoded()} to {@code file} atomically (as the kubelet rotates it), creating parent folders. */
    public Path writeTo(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".token", ".tmp");
            Files.writeString(temp, encoded, StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the token to " + file, e);
        }
    }

    /** Writes {@link #encoded()} to a new temporary file that is deleted when the JVM exits. */
    public Path writeTempFile() {
        try {
            Path file = Files.createTempFile("web-identity-token-", ".jwt");
            file.toFile().deleteOnExit();
            return writeTo(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary token file", e);
        }
    }

    @Override
    public String toString() {
        return "Jwt[iss=" + issuer + ", sub=" + subject + ", aud=" + audience + ", exp=" + expiresAt + "]";
    }

    private static String stringClaim(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? unescape(m.group(1)) : null;
    }

    private static String audienceClaim(String json) {
        Matcher m = Pattern.compile("\"aud\"\\s*:\\s*\\[?\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? unescape(m.group(1)) : null;
    }

    private static Instant instantClaim(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Instant.ofEpochSecond(Long.parseLong(m.group(1))) : null;
    }

    private static String unescape(String s) {
        return s.replace("\\/", "/").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /**
     * Builds a {@link Jwt}. Defaults: no {@code iss}, {@code sub} or {@code aud}; {@code iat} now (by the
     * {@link #clock(Clock) clock}, the system clock by default); {@code exp} one hour after {@code iat}.
     */
    public static final class Builder {
        private String issuer;
        private String subject;
        private String audience;
        private Instant issuedAt;
        private Instant expiresAt;
        private Duration lifetime = Duration.ofHours(1);
        private Clock clock = Clock.systemUTC();
        private final Map<String, String> extraClaims = new LinkedHashMap<>();

        private Builder() {
        }

        /** The {@code iss} claim. */
        public Builder issuer(String issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /** The {@code sub} claim. */
        public Builder subject(String subject) {
            this.subject = Objects.requireNonNull(subject, "subject");
            return this;
        }

        /** The {@code aud} claim. */
        public Builder audience(String audience) {
            this.audience = Objects.requireNonNull(audience, "audience");
            return this;
        }

        /** The {@code iat} claim. */
        public Builder issuedAt(Instant issuedAt) {
            this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
            return this;
        }

        /** The {@code exp} claim. */
        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
            return this;
        }

        /** {@code exp} = {@code iat} + {@code lifetime} (unless {@link #expiresAt(Instant)} is set later). */
        public Builder lifetime(Duration lifetime) {
            this.expiresAt = null;
            this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
            return this;
        }

        /** The clock that supplies the default {@code iat}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Any other string claim (for example {@code kubernetes.io}-style ones). */
        public Builder claim(String name, String value) {
            extraClaims.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Encodes the token. */
        public Jwt build() {
            Instant iat = issuedAt != null ? issuedAt : Instant.ofEpochSecond(clock.instant().getEpochSecond());
            Instant exp = expiresAt != null ? expiresAt : iat.plus(lifetime);
            StringBuilder payload = new StringBuilder("{");
            if (issuer != null) {
                payload.append("\"iss\":").append(quote(issuer)).append(',');
            }
            if (subject != null) {
                payload.append("\"sub\":").append(quote(subject)).append(',');
            }
            if (audience != null) {
                payload.append("\"aud\":[").append(quote(audience)).append("],");
            }
            extraClaims.forEach((k, v) -> payload.append(quote(k)).append(':').append(quote(v)).append(','));
            payload.append("\"iat\":").append(iat.getEpochSecond()).append(",\"nbf\":").append(iat.getEpochSecond())
                    .append(",\"exp\":").append(exp.getEpochSecond()).append('}');
            byte[] signature = new byte[256];
            RANDOM.nextBytes(signature);
            String header = "{\"alg\":\"RS256\",\"kid\":\"testkit\",\"typ\":\"JWT\"}";
            String token = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + '.'
                    + B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8)) + '.'
                    + B64.encodeToString(signature);
            return new Jwt(issuer, subject, audience, iat, exp, token);
        }
    }
}
