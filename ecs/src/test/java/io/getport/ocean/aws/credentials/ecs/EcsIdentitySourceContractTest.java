package io.getport.ocean.aws.credentials.ecs;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.spi.IdentitySource;
import io.getport.ocean.aws.credentials.spi.IdentitySourceContract;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.regions.Region;

/**
 * The identity-source contract for ECS, against the ECS agent fake: a full URI on loopback with an authorization token
 * file (the variant where a token is sent, so its rotation can be observed).
 */
class EcsIdentitySourceContractTest extends IdentitySourceContract {

    @Override
    protected IdentitySource source() {
        return new EcsIdentitySource();
    }

    @Override
    protected String expectedId() {
        return "ecs";
    }

    @Override
    protected int expectedOrder() {
        return 300;
    }

    @Override
    protected RuntimeFixture startRuntime() {
        return new EcsRuntime();
    }

    @Override
    protected List<String> expectedReasonMentions() {
        return List.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    }

    @Override
    protected List<String> expectedMissingMentions() {
        return List.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    }

    @Override
    protected List<String> expectedFailureMentions(EndpointFailure failure) {
        switch (failure) {
            case SERVER_ERROR:
                return List.of("ECS agent", "127.0.0.1", "HTTP 500");
            case UNAUTHORIZED:
                return List.of("ECS agent", "HTTP 401", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
            default:
                return List.of("ECS agent", "no answer within 3000 ms", "AWS_METADATA_SERVICE_TIMEOUT");
        }
    }

    /** The ECS agent fake behind a full URI and a token file. */
    static final class EcsRuntime implements RuntimeFixture {
        private final MutableClock clock = MutableClock.atSystemTime();
        private final Path tokenFile;
        private final FakeContainerCredentialsEndpoint agent;
        private final Set<String> tokens = new HashSet<>();
        private volatile String token;

        EcsRuntime() {
            token = newToken();
            try {
                tokenFile = Files.createTempFile("ecs-token", ".txt");
                Files.writeString(tokenFile, token);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            agent = FakeContainerCredentialsEndpoint.builder().clock(clock)
                    .roleArn(FakeContainerCredentialsEndpoint.DEFAULT_ROLE_ARN)
                    .authorizationToken(token).start();
        }

        private String newToken() {
            String t = "ecs-auth-" + UUID.randomUUID();
            tokens.add(t);
            return t;
        }

        @Override
        public RuntimeEnvironment environment() {
            return RuntimeEnvironment.of(Map.of(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.credentialsUri().toString(),
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString(),
                    "ECS_CONTAINER_METADATA_URI_V4", agent.taskMetadataUri().toString(),
                    "AWS_METADATA_SERVICE_TIMEOUT", "3"), Map.of());
        }

        @Override
        public MutableClock clock() {
            return clock;
        }

        @Override
        public IdentityContext context() {
            return new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, null, clock);
        }

        @Override
        public String servedAccessKeyId() {
            return agent.currentCredentials().accessKeyId();
        }

        @Override
        public void rotateCredentials() {
            agent.rotateCredentials(java.time.Duration.ofHours(1));
        }

        @Override
        public void rotateToken() {
            String next = newToken();
            try {
                Files.writeString(tokenFile, next);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            agent.expectAuthorization(next);
            token = next;
        }

        @Override
        public boolean lastRequestUsedCurrentToken() {
            return agent.lastRequest().flatMap(r -> r.header("Authorization")).map(token::equals).orElse(false);
        }

        @Override
        public void failNext(EndpointFailure failure) {
            switch (failure) {
                case SERVER_ERROR:
                    agent.enqueue(Fault.status(500, "application/json",
                            "{\"code\":\"InternalError\",\"message\":\"agent restarting\"}"));
                    break;
                case UNAUTHORIZED:
                    agent.expectAuthorization("some-other-token");
                    break;
                default:
                    agent.enqueue(Fault.hang());
                    break;
            }
        }

        @Override
        public Set<String> secrets() {
            Set<String> all = new HashSet<>(agent.issuedSecrets());
            all.addAll(tokens);
            return all;
        }

        @Override
        public void close() {
            agent.close();
            try {
                Files.deleteIfExists(tokenFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
