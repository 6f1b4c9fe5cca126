package io.getport.ocean.aws.credentials.spi;

import java.util.Map;

/**
 * A web identity (an OIDC token) that can be exchanged with {@code sts:AssumeRoleWithWebIdentity}.
 *
 * <p>Implementations re-read the token on every {@link #token()} call (the kubelet rotates it) and are thread safe.
 */
public interface WebIdentity {

    /** The current token. A secret: never log or print it. */
    String token();

    /** The token's non-secret claims for diagnostics ({@code iss}, {@code sub}, {@code aud}, {@code exp}). */
    Map<String, String> claims();
}
