package io.getport.ocean.aws.credentials.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtTest {

    private static final Instant NOW = Instant.parse("2026-11-28T15:00:00Z");

    @Test
    void forServiceAccount_build_wellFormedTokenWithEksClaims() {
        Jwt jwt = Jwt.forServiceAccount("port", "ocean-aws").clock(MutableClock.at(NOW)).build();

        String[] parts = jwt.encoded().split("\\.");
        assertThat(parts).hasSize(3);
        assertThat(jwt.encoded()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(header).contains("\"alg\":\"RS256\"").contains("\"typ\":\"JWT\"");
        assertThat(payload).contains("\"iss\":\"" + Jwt.DEFAULT_ISSUER + "\"")
                .contains("\"sub\":\"system:serviceaccount:port:ocean-aws\"")
                .contains("\"aud\":[\"sts.amazonaws.com\"]")
                .contains("\"iat\":" + NOW.getEpochSecond())
                .contains("\"exp\":" + NOW.plusSeconds(3600).getEpochSecond());
        assertThat(jwt.expiresAt()).contains(NOW.plusSeconds(3600));
        assertThat(jwt.toString()).doesNotContain(jwt.encoded()).contains("system:serviceaccount:port:ocean-aws");
    }

    @Test
    void decode_builtToken_roundTripsClaims() {
        Jwt built = Jwt.builder().issuer("https://issuer.example").subject("sub-1").audience("aud-1")
                .issuedAt(NOW).lifetime(Duration.ofMinutes(5)).claim("kubernetes.io/pod", "ocean-0").build();

        Jwt decoded = Jwt.decode(built.encoded());

        assertThat(decoded.issuer()).contains("https://issuer.example");
        assertThat(decoded.subject()).contains("sub-1");
        assertThat(decoded.audience()).contains("aud-1");
        assertThat(decoded.issuedAt()).contains(NOW);
        assertThat(decoded.expiresAt()).contains(NOW.plusSeconds(300));
        assertThat(decoded.encoded()).isEqualTo(built.encoded());
    }

    @Test
    void decode_stringAudienceAndEscapes_read() {
        String payload = "{\"aud\":\"sts.amazonaws.com\",\"iss\":\"https:\\/\\/x\",\"sub\":\"a\\\"b\"}";
        String token = "e30." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".sig";

        Jwt decoded = Jwt.decode(token);

        assertThat(decoded.audience()).contains("sts.amazonaws.com");
        assertThat(decoded.issuer()).contains("https://x");
        assertThat(decoded.subject()).contains("a\"b");
        assertThat(decoded.expiresAt()).isEmpty();
    }

    @Test
    void decode_notAJwt_rejectedWithoutEchoingTheToken() {
        assertThatThrownBy(() -> Jwt.decode("secret-opaque-token"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret-opaque-token");
        assertThatThrownBy(() -> Jwt.decode("a.!!!.c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Jwt.decode("e30.WzFd.c")).hasMessageContaining("not a JSON object");
    }

    @Test
    void writeTo_rotation_replacesFileContent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("serviceaccount/token");
        Jwt first = Jwt.forServiceAccount("ns", "sa").build();
        Jwt second = Jwt.forServiceAccount("ns", "sa").build();

        first.writeTo(file);
        assertThat(Files.readString(file)).isEqualTo(first.encoded());
        second.writeTo(file);
        assertThat(Files.readString(file)).isEqualTo(second.encoded()).isNotEqualTo(first.encoded());
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing).containsExactly(file);
        }

        Path temp = first.writeTempFile();
        assertThat(Files.readString(temp)).isEqualTo(first.encoded());
    }
}
