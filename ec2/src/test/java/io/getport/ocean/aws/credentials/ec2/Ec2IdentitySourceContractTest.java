package io.getport.ocean.aws.credentials.ec2;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.spi.IdentitySource;
import io.getport.ocean.aws.credentials.spi.IdentitySourceContract;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeImds;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.regions.Region;

/** The identity-source contract for EC2, against the IMDSv2 fake. */
class Ec2IdentitySourceContractTest extends IdentitySourceContract {

    @Override
    protected IdentitySource source() {
        return new Ec2IdentitySource();
    }

    @Override
    protected String expectedId() {
        return "ec2";
    }

    @Override
    protected int expectedOrder() {
        return 400;
    }

    @Override
    protected RuntimeFixture startRuntime() {
        return new Ec2Runtime();
    }

    /** IMDS pointed at a loopback port where nothing listens: what a host that is not EC2 looks like. */
    @Override
    protected RuntimeEnvironment environmentWithoutSignals() {
        return RuntimeEnvironment.of(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", Ec2Testing.closedEndpoint(),
                "AWS_METADATA_SERVICE_TIMEOUT", "3"), Map.of());
    }

    @Override
    protected List<String> expectedReasonMentions() {
        return List.of("instance metadata service", "IMDSv2 token", "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    }

    @Override
    protected List<String> expectedMissingMentions() {
        return List.of("IMDSv2 token request", "connection refused", "Not running on EC2");
    }

    @Override
    protected List<String> expectedFailureMentions(EndpointFailure failure) {
        switch (failure) {
            case SERVER_ERROR:
                return List.of("instance metadata service at http://127.0.0.1", "HTTP 500");
            case UNAUTHORIZED:
                return List.of("instance metadata service at http://127.0.0.1", "HTTP 401");
            default:
                return List.of("no answer within 3000 ms", "HttpPutResponseHopLimit", "2");
        }
    }

    /** The IMDSv2 fake. */
    static final class Ec2Runtime implements RuntimeFixture {
        private final MutableClock clock = MutableClock.atSystemTime();
        private final FakeImds imds = FakeImds.builder().clock(clock).start();
        private int tokensAtRotation;

        @Override
        public RuntimeEnvironment environment() {
            return RuntimeEnvironment.of(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint().toString(),
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
            return imds.currentCredentials().accessKeyId();
        }

        @Override
        public void rotateCredentials() {
            imds.rotateCredentials(Duration.ofHours(6));
        }

        /** Invalidates every IMDS token: the next GET gets 401 and the client must ask for a new token. */
        @Override
        public void rotateToken() {
            tokensAtRotation = imds.tokensIssued();
            imds.expireTokens();
        }

        @Override
        public boolean lastRequestUsedCurrentToken() {
            return imds.tokensIssued() > tokensAtRotation
                    && imds.lastRequest().map(r -> r.method().equals("GET") && r.hasHeader("X-aws-ec2-metadata-token"))
                            .orElse(false);
        }

        @Override
        public void failNext(EndpointFailure failure) {
            switch (failure) {
                case SERVER_ERROR:
                    imds.enqueue(Fault.status(500));
                    break;
                case UNAUTHORIZED:
                    imds.onRequest(r -> r.method().equals("GET") ? Fault.status(401) : Fault.none());
                    break;
                default:
                    imds.expireTokens();
                    imds.tokenPutHangs();
                    break;
            }
        }

        @Override
        public Set<String> secrets() {
            return imds.issuedSecrets();
        }

        @Override
        public void close() {
            imds.close();
        }
    }
}
