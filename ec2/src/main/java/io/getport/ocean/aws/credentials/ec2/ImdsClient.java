package io.getport.ocean.aws.credentials.ec2;

import io.getport.ocean.aws.credentials.spi.support.LocalHttp;
import io.getport.ocean.aws.credentials.spi.support.EnvValues;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IMDSv2 over {@link LocalHttp}: {@code PUT /latest/api/token} (TTL {@value #TOKEN_TTL_SECONDS} s, cached until a
 * minute before it ends, fetched again after a 401), then {@code GET}s with {@code X-aws-ec2-metadata-token}. IMDSv1
 * (GETs without a token) only when the fallback is on and the token request was refused (403, 404, 405) or got no
 * answer.
 *
 * <p>Thread safe.
 */
final class ImdsClient {
    static final String TOKEN_PATH = "/latest/api/token";
    static final String CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";
    static final String IDENTITY_DOCUMENT_PATH = "/latest/dynamic/instance-identity/document";
    static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    static final int TOKEN_TTL_SECONDS = 21_600;
    /** The longest IMDSv2 token accepted (real ones are 56 characters). */
    static final int MAX_TOKEN = 1024;
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(1);
    private static final Duration V1_RETRY_TOKEN_AFTER = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger("io.getport.ocean.aws.credentials.ec2");

    private final ImdsSettings settings;
    private final Clock clock;
    /** Not {@code synchronized}: the token request blocks, and a virtual thread must not pin its carrier. */
    private final ReentrantLock lock = new ReentrantLock();
    private String token;
    private Instant tokenRefreshAt;
    /** While IMDSv1 is in use, when to try for a token again. */
    private Instant v1Until;
    private volatile boolean usedV1;

    ImdsClient(ImdsSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The endpoint as messages show it. */
    String endpoint() {
        return settings.endpoint.toString();
    }

    /**
     * The longest one credentials fetch takes: up to five calls (token, role listing, credentials, and a new token
     * and the GET again after a 401), each within the deadline of one call, plus slack.
     */
    Duration maxFetchTime() {
        return settings.timeout.multipliedBy(5).plusSeconds(1);
    }

    /** Whether the last GETs went without a token (IMDSv1 fallback). */
    boolean usedV1() {
        return usedV1;
    }

    /**
     * Asks for a token (the detection probe): returns "v2" when one was issued, "v1" when the fallback is on and IMDSv1
     * answered instead.
     *
     * @throws ImdsException when the service cannot be used, with the reason (hop limit, not on EC2, ...)
     */
    String probe() {
        if (tokenOrNull() != null) {
            return "v2";
        }
        LocalHttp.Response response = send(CREDENTIALS_PATH, null);
        if (response.status() == 200 || response.status() == 404) {
            return "v1";
        }
        throw new ImdsException("The IMDSv2 token request to " + endpoint() + " failed and IMDSv1 answered HTTP "
                + response.status() + " to GET " + CREDENTIALS_PATH, response.status() < 500, false, null);
    }

    /**
     * {@code GET path}: 200 returns the body; 404 returns null; anything else throws.
     *
     * @throws ImdsException with the reason
     */
    String get(String path) {
        String t = tokenOrNull();
        LocalHttp.Response response = send(path, t);
        if (response.status() == 401 && t != null) {
            lock.lock();
            try {
                if (t.equals(token)) {
                    token = null;
                }
            } finally {
                lock.unlock();
            }
            t = tokenOrNull();
            response = send(path, t);
        }
        if (response.status() == 200) {
            return response.body();
        }
        if (response.status() == 404) {
            return null;
        }
        if (response.status() == 401) {
            throw new ImdsException("The instance metadata service at " + endpoint() + " answered HTTP 401 to GET "
                    + path + (t == null ? " without a token: the instance requires IMDSv2 (HttpTokens required)"
                            + " and the token request failed" : " even with a fresh IMDSv2 token"), true, false, null);
        }
        throw new ImdsException("The instance metadata service at " + endpoint() + " answered HTTP "
                + response.status() + " to GET " + path, response.status() < 500, false, null);
    }

    private LocalHttp.Response send(String path, String withToken) {
        try {
            return LocalHttp.get(uri(path), withToken == null ? Map.of() : Map.of(TOKEN_HEADER, withToken),
                    settings.timeout);
        } catch (IOException e) {
            throw new ImdsException("The instance metadata service at " + endpoint() + " did not answer GET " + path
                    + ": " + LocalHttp.describe(e, settings.timeout) + " (the deadline of one call is "
                    + EnvValues.label(EnvValues.TIMEOUT_VARIABLE, EnvValues.TIMEOUT_PROPERTY) + ")", false, false, e);
        }
    }

    /**
     * The cached token, or a new one; null when the fallback to IMDSv1 applies.
     *
     * @throws ImdsException when there is no token and no fallback
     */
    private String tokenOrNull() {
        lock.lock();
        try {
            Instant now = clock.instant();
            if (token != null && now.isBefore(tokenRefreshAt)) {
                return token;
            }
            token = null;
            if (v1Until != null && now.isBefore(v1Until)) {
                return null;
            }
            LocalHttp.Response response;
            try {
                response = LocalHttp.put(uri(TOKEN_PATH), Map.of(TTL_HEADER, Integer.toString(TOKEN_TTL_SECONDS)),
                        settings.timeout);
            } catch (IOException e) {
                boolean hopLimit = !LocalHttp.connectTimeout(e) && e instanceof java.net.SocketTimeoutException;
                if (hopLimit && settings.v1Fallback) {
                    return v1("the token request got no answer");
                }
                throw new ImdsException(tokenFailure(e, hopLimit), false, hopLimit, e);
            }
            if (response.status() == 200 && !validToken(response.body())) {
                throw new ImdsException("The instance metadata service at " + endpoint() + " answered the IMDSv2"
                        + " token request (PUT " + TOKEN_PATH + ") with HTTP 200 but no usable token (empty, longer"
                        + " than " + MAX_TOKEN + " characters, or not printable ASCII)", false, false, null);
            }
            if (response.status() == 200) {
                usedV1 = false;
                v1Until = null;
                token = response.body().trim();
                tokenRefreshAt = now.plusSeconds(TOKEN_TTL_SECONDS).minus(TOKEN_MARGIN);
                return token;
            }
            boolean refused = response.status() == 403 || response.status() == 404 || response.status() == 405;
            if (refused && settings.v1Fallback) {
                return v1("the token request was refused with HTTP " + response.status());
            }
            throw new ImdsException("The instance metadata service at " + endpoint() + " answered HTTP "
                    + response.status() + " to the IMDSv2 token request (PUT " + TOKEN_PATH + ")"
                    + (response.status() == 403 ? ": metadata access is blocked for this caller (a proxy that adds"
                            + " X-Forwarded-For, or the instance metadata endpoint is disabled)" : "")
                    + (refused ? "; IMDSv1 fallback is off (" + EnvValues.label(ImdsSettings.V1_FALLBACK,
                            ImdsSettings.V1_FALLBACK_PROPERTY) + ")" : ""),
                    response.status() < 500, false, null);
        } finally {
            lock.unlock();
        }
    }

    /** Called with {@link #lock} held. */
    private String v1(String why) {
        v1Until = clock.instant().plus(V1_RETRY_TOKEN_AFTER);
        if (!usedV1) {
            LOG.warn("imds v1 fallback used endpoint={} reason=\"{}\" (IMDSv1 is less safe; require IMDSv2 and turn"
                    + " the fallback off)", endpoint(), why);
        }
        usedV1 = true;
        return null;
    }

    private String tokenFailure(IOException e, boolean hopLimit) {
        String what = "The IMDSv2 token request (PUT " + endpoint() + TOKEN_PATH + ") ";
        if (hopLimit) {
            return what + "timed out: " + LocalHttp.describe(e, settings.timeout) + ". On EC2 containers check the"
                    + " hop limit: when the instance's HttpPutResponseHopLimit is 1, the answer never reaches a"
                    + " container. Fix: set it to 2 (aws ec2 modify-instance-metadata-options --instance-id"
                    + " <id> --http-put-response-hop-limit 2 --http-endpoint enabled, or HttpPutResponseHopLimit: 2"
                    + " in the launch template's MetadataOptions). IMDSv1 fallback is off ("
                    + EnvValues.label(ImdsSettings.V1_FALLBACK, ImdsSettings.V1_FALLBACK_PROPERTY) + "). The"
                    + " deadline of one call is " + EnvValues.label(EnvValues.TIMEOUT_VARIABLE,
                            EnvValues.TIMEOUT_PROPERTY) + ".";
        }
        boolean absent = e instanceof java.net.ConnectException || e instanceof java.net.NoRouteToHostException
                || LocalHttp.connectTimeout(e) || e instanceof java.net.UnknownHostException;
        if (!absent) {
            return what + "failed: " + LocalHttp.describe(e, settings.timeout) + ".";
        }
        return what + "failed: " + LocalHttp.describe(e, settings.timeout) + ". Not running on EC2 (no instance"
                + " metadata service" + (ImdsSettings.IPV4_ENDPOINT.equals(endpoint()) ? " at 169.254.169.254"
                        : "") + "); in a container on EC2, also check that HttpPutResponseHopLimit is 2.";
    }

    /** What an IMDSv2 token is: printable ASCII, short; it is sent back as a header. */
    private static boolean validToken(String body) {
        String t = body.trim();
        return !t.isEmpty() && t.length() <= MAX_TOKEN && t.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    private URI uri(String path) {
        return URI.create(settings.endpoint.toString() + path);
    }

    @Override
    public String toString() {
        return "ImdsClient(" + endpoint() + ")";
    }
}
