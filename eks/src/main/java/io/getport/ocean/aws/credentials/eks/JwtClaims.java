package io.getport.ocean.aws.credentials.eks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.getport.ocean.aws.credentials.spi.support.JsonFields;
import software.amazon.awssdk.regions.Region;

/**
 * The non-secret claims of a service account token ({@code iss}, {@code sub}, {@code aud}, {@code exp}), decoded
 * without verifying the signature (STS verifies it): for diagnostics and for the trust policy the read role needs.
 * Immutable.
 */
final class JwtClaims {
    private static final Pattern EKS_ISSUER =
            Pattern.compile("oidc\\.eks\\.([a-z]{2}(?:-[a-z]+)+-[0-9]+)\\.amazonaws\\.com(?:\\.cn)?/.*");

    final String issuer;
    final String subject;
    final List<String> audiences;
    final Instant expiresAt;

    private JwtClaims(String issuer, String subject, List<String> audiences, Instant expiresAt) {
        this.issuer = issuer;
        this.subject = subject;
        this.audiences = List.copyOf(audiences);
        this.expiresAt = expiresAt;
    }

    /**
     * Decodes a compact JWT's payload.
     *
     * @throws IllegalArgumentException when it is not a JWT with a JSON object payload; the message never contains
     *     the token
     */
    static JwtClaims decode(String token) {
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            throw new IllegalArgumentException("it is not a JWT (expected three dot-separated parts, found "
                    + parts.length + ")");
        }
        if (parts[1].length() > 16 * 1024) {
            throw new IllegalArgumentException("it is not a JWT (the payload is larger than 16 KiB)");
        }
        JsonFields fields;
        try {
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            fields = JsonFields.parse(payload).orElse(null);
        } catch (IllegalArgumentException e) {
            fields = null;
        }
        if (fields == null) {
            throw new IllegalArgumentException("it is not a JWT (the payload is not base64url-encoded JSON)");
        }
        List<String> audiences = fields.texts("aud").stream().map(JwtClaims::shown).filter(a -> a != null)
                .limit(10).collect(java.util.stream.Collectors.toList());
        Instant exp = fields.wholeNumber("exp")
                .filter(seconds -> seconds >= 0 && seconds <= 253_402_300_799L)
                .map(Instant::ofEpochSecond)
                .orElse(null);
        if (exp == null && fields.has("exp")) {
            throw new IllegalArgumentException("its exp claim is not a time (whole seconds since 1970, up to the year"
                    + " 9999)");
        }
        return new JwtClaims(shown(fields.text("iss")), shown(fields.text("sub")), audiences, exp);
    }

    /** A claim fit for messages: printable ASCII, at most 256 characters; anything else is dropped. */
    private static String shown(String value) {
        return value != null && value.length() <= 256 && value.matches("[\\x21-\\x7e]+") ? value : null;
    }

    /** The issuer without {@code https://}, as IAM condition keys use it. */
    Optional<String> issuerHostPath() {
        if (issuer == null) {
            return Optional.empty();
        }
        return Optional.of(issuer.startsWith("https://") ? issuer.substring("https://".length()) : issuer);
    }

    /** The region of an EKS issuer ({@code oidc.eks.<region>.amazonaws.com/id/...}). */
    Optional<Region> region() {
        Optional<String> host = issuerHostPath();
        if (host.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = EKS_ISSUER.matcher(host.get());
        return m.matches() ? Optional.of(Region.of(m.group(1))) : Optional.empty();
    }

    /** The first audience, usually {@code sts.amazonaws.com}. */
    Optional<String> audience() {
        return audiences.isEmpty() ? Optional.empty() : Optional.of(audiences.get(0));
    }

    /** {@code tokenIssuer}, {@code tokenSubject}, {@code tokenAudience}, {@code tokenExpires}, as present. */
    Map<String, String> facts() {
        Map<String, String> facts = new LinkedHashMap<>();
        if (issuer != null) {
            facts.put("tokenIssuer", issuer);
        }
        if (subject != null) {
            facts.put("tokenSubject", subject);
        }
        if (!audiences.isEmpty()) {
            facts.put("tokenAudience", String.join(",", audiences));
        }
        if (expiresAt != null) {
            facts.put("tokenExpires", expiresAt.toString());
        }
        return facts;
    }

    /** {@code iss=..., sub=..., aud=..., exp=...} for messages. */
    String describe() {
        return "iss=" + (issuer == null ? "(none)" : issuer) + ", sub=" + (subject == null ? "(none)" : subject)
                + ", aud=" + (audiences.isEmpty() ? "(none)" : String.join(",", audiences)) + ", exp="
                + (expiresAt == null ? "(none)" : expiresAt.toString());
    }

    @Override
    public String toString() {
        return "JwtClaims(" + describe() + ")";
    }
}
