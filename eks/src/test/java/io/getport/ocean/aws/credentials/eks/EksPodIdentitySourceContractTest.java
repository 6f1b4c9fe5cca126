package io.getport.ocean.aws.credentials.eks;

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
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.regions.Region;

/**
 * The identity-source contract for EKS Pod Identity, against the agent fake: the full URI names the real agent
 * ({@code 169.254.170.23}) and {@code ocean.aws.eksPodIdentityEndpoint} sends the call to the fake on loopback.
 */
class EksPodIdentitySourceContractTest extends IdentitySourceContract {

    @Override
    protected IdentitySource source() {
        return new EksPodIdentitySource();
    }

    @Override
    protected String expectedId() {
        return "eks-pod-identity";
    }

    @Override
    protected int expectedOrder() {
        return 200;
    }

    @Override
    protected RuntimeFixture startRuntime() {
        return new PodIdentityRuntime();
    }

    @Override
    protected List<String> expectedReasonMentions() {
        return List.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    }

    @Override
    protected List<String> expectedMissingMentions() {
        return List.of("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    }

    @Override
    protected List<String> expectedFailureMentions(EndpointFailure failure) {
        switch (failure) {
            case SERVER_ERROR:
                return List.of("EKS Pod Identity agent at http://169.254.170.23/v1/credentials", "HTTP 500");
            case UNAUTHORIZED:
                return List.of("EKS Pod Identity agent", "HTTP 401", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
            default:
                return List.of("EKS Pod Identity agent", "no answer within 3000 ms", "eks-pod-identity-agent");
        }
    }

    /** The Pod Identity agent fake, reached through the loopback override. */
    static final class PodIdentityRuntime implements RuntimeFixture {
        private final MutableClock clock = MutableClock.atSystemTime();
        private final Set<String> tokens = new HashSet<>();
        private final Path tokenFile;
        private final FakeContainerCredentialsEndpoint agent;
        private volatile String token;

        PodIdentityRuntime() {
            token = newToken();
            try {
                tokenFile = Files.createTempFile("eks-pod-identity-token", "");
                Files.writeString(tokenFile, token);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            agent = FakeContainerCredentialsEndpoint.builder().clock(clock)
                    .path(FakeContainerCredentialsEndpoint.POD_IDENTITY_PATH).authorizationToken(token)
                    .accountId("111111111111").start();
        }

        private String newToken() {
            String t = "eyJhbGciOiJSUzI1NiJ9.pod-identity." + UUID.randomUUID();
            tokens.add(t);
            return t;
        }

        @Override
        public RuntimeEnvironment environment() {
            return RuntimeEnvironment.of(Map.of(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString(),
                    "AWS_METADATA_SERVICE_TIMEOUT", "3"),
                    Map.of("ocean.aws.eksPodIdentityEndpoint", agent.endpoint().toString()));
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
            agent.rotateCredentials(Duration.ofHours(1));
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
                    agent.enqueue(Fault.status(500));
                    break;
                case UNAUTHORIZED:
                    agent.expectAuthorization("a-token-this-pod-does-not-have");
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
