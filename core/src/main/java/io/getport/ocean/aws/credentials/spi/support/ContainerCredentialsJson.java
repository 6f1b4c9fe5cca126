package io.getport.ocean.aws.credentials.spi.support;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The JSON that the ECS agent and the EKS Pod Identity agent answer with ({@code AccessKeyId}, {@code SecretAccessKey},
 * {@code Token}, {@code Expiration}, optional {@code RoleArn} and {@code AccountId}), and their JSON error bodies.
 * Stateless and thread safe.
 */
public final class ContainerCredentialsJson {
    private static final int MAX_ERROR = 200;

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
     * Parses a 200 answer.
     *
     * @param body the answer (it holds secrets: never put it in a message)
     * @param providerName the name the SDK shows for these credentials
     * @param notCredentials turns "what is wrong with the answer" into the exception to throw
     */
    public static Parsed parse(String body, String providerName, Function<String, RuntimeException> notCredentials) {
        Map<String, JsonNode> fields;
        try {
            JsonNode node = JsonNode.parser().parse(body);
            fields = node.isObject() ? node.asObject() : null;
        } catch (RuntimeException e) {
            fields = null;
        }
        if (fields == null) {
            throw notCredentials.apply("is not a JSON object");
        }
        String accessKeyId = text(fields, "AccessKeyId");
        String secretAccessKey = text(fields, "SecretAccessKey");
        String token = text(fields, "Token");
        if (accessKeyId == null || secretAccessKey == null || token == null) {
            throw notCredentials.apply("lacks AccessKeyId, SecretAccessKey or Token");
        }
        AwsSessionCredentials.Builder credentials = AwsSessionCredentials.builder()
                .accessKeyId(accessKeyId)
                .secretAccessKey(secretAccessKey)
                .sessionToken(token)
                .providerName(providerName);
        String expiration = text(fields, "Expiration");
        if (expiration != null) {
            try {
                credentials.expirationTime(Instant.parse(expiration));
            } catch (DateTimeParseException e) {
                throw notCredentials.apply("has an Expiration that is not an ISO-8601 time");
            }
        }
        String accountId = text(fields, "AccountId");
        if (accountId != null) {
            credentials.accountId(accountId);
        }
        return new Parsed(credentials.build(), text(fields, "RoleArn"), accountId);
    }

    /**
     * {@code " (code: message)"} from an agent's JSON error body ({@code code}/{@code Code},
     * {@code message}/{@code Message}), at most 200 characters; empty when the body is not such an error.
     */
    public static String errorSummary(String body) {
        try {
            JsonNode node = JsonNode.parser().parse(body);
            if (!node.isObject()) {
                return "";
            }
            Map<String, JsonNode> fields = node.asObject();
            String code = text(fields, "code");
            if (code == null) {
                code = text(fields, "Code");
            }
            String message = text(fields, "message");
            if (message == null) {
                message = text(fields, "Message");
            }
            if (code == null && message == null) {
                return "";
            }
            String out = (code == null ? "" : code) + (code != null && message != null ? ": " : "")
                    + (message == null ? "" : message);
            return " (" + (out.length() > MAX_ERROR ? out.substring(0, MAX_ERROR) + "\u2026" : out) + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String text(Map<String, JsonNode> fields, String name) {
        JsonNode node = fields.get(name);
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }
}
