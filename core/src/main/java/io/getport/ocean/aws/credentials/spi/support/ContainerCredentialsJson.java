package io.getport.ocean.aws.credentials.spi.support;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The JSON that the ECS agent and the EKS Pod Identity agent answer with ({@code AccessKeyId}, {@code SecretAccessKey},
 * {@code Token}, {@code Expiration}, optional {@code RoleArn} and {@code AccountId}), and their JSON error bodies.
 * Parsed with {@link JsonFields} (Jackson, bounded). Stateless and thread safe.
 */
public final class ContainerCredentialsJson {
    private static final int MAX_ERROR = 200;
    /** What an answer that does not parse is called in messages. */
    public static final String NOT_JSON = "is not a JSON object (within the parser's limits: nesting depth 32,"
            + " numbers of 100 digits, no duplicate keys)";

    private ContainerCredentialsJson() {
    }

    /** Credentials parsed from an agent's answer, with the optional role and account it named. */
    public static final class Parsed {
        private final AwsSessionCredentials credentials;
        private final String roleArn;
        private final String accountId;

        Parsed(AwsSessionCredentials credentials, String roleArn, String accountId) {
            this.credentials = credentials;
            this.roleArn = roleArn;
            this.accountId = accountId;
        }

        public AwsSessionCredentials credentials() {
            return credentials;
        }

        /** {@code RoleArn}, or null when the agent did not send it. */
        public String roleArn() {
            return roleArn;
        }

        /** {@code AccountId}, or null when the agent did not send it. */
        public String accountId() {
            return accountId;
        }
    }

    /**
     * Parses a 200 answer. The three secrets must be printable ASCII (no control characters, as AWS issues them); the
     * {@code Expiration} an ISO-8601 instant; {@code AccountId}, when present, twelve digits; {@code RoleArn}, when
     * present, an IAM role ARN of printable ASCII without spaces.
     *
     * @param body the answer (it holds secrets: never put it in a message)
     * @param providerName the name the SDK shows for these credentials
     * @param notCredentials turns "what is wrong with the answer" (never quoting it) into the exception to throw
     */
    public static Parsed parse(String body, String providerName, Function<String, RuntimeException> notCredentials) {
        JsonFields fields = JsonFields.parse(body).orElseThrow(() -> notCredentials.apply(NOT_JSON));
        String accessKeyId = fields.text("AccessKeyId");
        String secretAccessKey = fields.text("SecretAccessKey");
        String token = fields.text("Token");
        if (accessKeyId == null || secretAccessKey == null || token == null) {
            throw notCredentials.apply("lacks AccessKeyId, SecretAccessKey or Token (as non-empty strings)");
        }
        if (!printable(accessKeyId) || !printable(secretAccessKey) || !printable(token)) {
            throw notCredentials.apply("has an AccessKeyId, SecretAccessKey or Token with control, space or non-ASCII"
                    + " characters");
        }
        AwsSessionCredentials.Builder credentials = AwsSessionCredentials.builder()
                .accessKeyId(accessKeyId)
                .secretAccessKey(secretAccessKey)
                .sessionToken(token)
                .providerName(providerName);
        String expiration = fields.text("Expiration");
        if (expiration != null) {
            credentials.expirationTime(instant(expiration, notCredentials));
        } else if (fields.has("Expiration")) {
            throw notCredentials.apply("has an Expiration that is not an ISO-8601 time string");
        }
        String accountId = fields.text("AccountId");
        if (accountId != null) {
            if (!accountId.matches("[0-9]{12}")) {
                throw notCredentials.apply("has an AccountId that is not twelve digits");
            }
            credentials.accountId(accountId);
        }
        String roleArn = fields.text("RoleArn");
        if (roleArn != null && !(roleArn.startsWith("arn:") && printable(roleArn) && roleArn.length() <= 2048)) {
            throw notCredentials.apply("has a RoleArn that is not an ARN");
        }
        return new Parsed(credentials.build(), roleArn, accountId);
    }

    /** Parses an ISO-8601 instant; bounded to years 1970 to 9999 so that no later arithmetic overflows. */
    public static Instant instant(String text, Function<String, RuntimeException> notCredentials) {
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeException e) {
            throw notCredentials.apply("has an Expiration that is not an ISO-8601 time");
        }
        if (instant.isBefore(Instant.EPOCH) || instant.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
            throw notCredentials.apply("has an Expiration outside the years 1970 to 9999");
        }
        return instant;
    }

    /** Whether {@code text} is printable ASCII without spaces (what AWS access keys, secrets and tokens are). */
    public static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code " (code: message)"} from an agent's JSON error body ({@code code}/{@code Code},
     * {@code message}/{@code Message}), at most 200 characters, control characters replaced; empty when the body is
     * not such an error.
     */
    public static String errorSummary(String body) {
        return errorSummary(body, null);
    }

    /**
     * {@link #errorSummary(String)}, or empty when the summary contains {@code secret} (an agent that echoes the
     * token it was sent must not make us print it).
     */
    public static String errorSummary(String body, String secret) {
        String summary = summary(body);
        return secret != null && !secret.isEmpty() && summary.contains(secret) ? " (error text withheld: it quotes"
                + " the token)" : summary;
    }

    private static String summary(String body) {
        JsonFields fields = JsonFields.parse(body).orElse(null);
        if (fields == null) {
            return "";
        }
        String code = fields.text("code");
        if (code == null) {
            code = fields.text("Code");
        }
        String message = fields.text("message");
        if (message == null) {
            message = fields.text("Message");
        }
        if (code == null && message == null) {
            return "";
        }
        String out = (code == null ? "" : code) + (code != null && message != null ? ": " : "")
                + (message == null ? "" : message);
        out = out.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?");
        return " (" + (out.length() > MAX_ERROR ? out.substring(0, MAX_ERROR) + "\u2026" : out) + ")";
    }
}
