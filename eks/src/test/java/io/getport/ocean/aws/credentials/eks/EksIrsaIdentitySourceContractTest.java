package io.getport.ocean.aws.credentials.eks;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.spi.IdentitySource;
import io.getport.ocean.aws.credentials.spi.IdentitySourceContract;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.MutableClock;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.Fault;
import io.getport.ocean.aws.credentials.testkit.fake.IssuedCredentials;
import io.getport.ocean.aws.credentials.testkit.fake.StsError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.regions.Region;

/**
 * The identity-source contract for EKS IRSA, against the STS fake: the base credentials are the pod role's session
 * from {@code AssumeRoleWithWebIdentity} with the token file's current token.
 */
class EksIrsaIdentitySourceContractTest extends IdentitySourceContract {
    static final String POD_ROLE_ARN = "arn:aws:iam::111111111111:role/PortOceanTaskRole";

    @Override
    protected IdentitySource source() {
        return new EksIrsaIdentitySource();
    }

    @Override
    protected String expectedId() {
        return "eks-irsa";
    }

    @Override
    protected int expectedOrder() {
        return 100;
    }

    @Override
    protected RuntimeFixture startRuntime() {
        return new IrsaRuntime();
    }

    @Override
    protected List<String> expectedReasonMentions() {
        return List.of("AWS_WEB_IDENTITY_TOKEN_FILE=", "AWS_ROLE_ARN=" + POD_ROLE_ARN,
                "sub=system:serviceaccount:port:ocean-aws", "aud=sts.amazonaws.com");
    }

    @Override
    protected List<String> expectedMissingMentions() {
        return List.of("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN");
    }

    @Override
    protected List<String> expectedFailureMentions(EndpointFailure failure) {
        switch (failure) {
            case SERVER_ERROR:
                return List.of("AssumeRoleWithWebIdentity", POD_ROLE_ARN, "InternalFailure");
            case UNAUTHORIZED:
                return List.of("AssumeRoleWithWebIdentity", POD_ROLE_ARN, "InvalidIdentityToken",
                        "sub=system:serviceaccount:port:ocean-aws", "oidc-provider/oidc.eks.us-east-1.amazonaws.com");
            default:
                return List.of("AssumeRoleWithWebIdentity", POD_ROLE_ARN, "could not be reached");
        }
    }

    /** A projected token file and the STS fake. */
    static final class IrsaRuntime implements RuntimeFixture {
        private final MutableClock clock = MutableClock.atSystemTime();
        private final FakeSts sts = FakeSts.builder().clock(clock).start();
        private final Set<String> tokens = new HashSet<>();
        private final Path tokenFile;
        private volatile String token;

        IrsaRuntime() {
            try {
                tokenFile = Files.createTempFile("irsa-token", ".jwt");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            writeToken();
        }

        private void writeToken() {
            Jwt jwt = Jwt.forServiceAccount("port", "ocean-aws").clock(clock).lifetime(java.time.Duration.ofHours(24))
                    .build();
            jwt.writeTo(tokenFile);
            tokens.add(jwt.encoded());
            token = jwt.encoded();
        }

        @Override
        public RuntimeEnvironment environment() {
            return RuntimeEnvironment.of(Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                    "AWS_ROLE_ARN", POD_ROLE_ARN, "OCEAN_AWS_STS_CALL_TIMEOUT", "3s"), Map.of());
        }

        @Override
        public MutableClock clock() {
            return clock;
        }

        @Override
        public IdentityContext context() {
            return new IdentityContext("PortOceanReadRole", "/", Region.US_EAST_1, sts.endpoint(), clock);
        }

        @Override
        public String servedAccessKeyId() {
            List<IssuedCredentials> issued = sts.issued();
            return issued.get(issued.size() - 1).accessKeyId();
        }

        /** STS issues new credentials on every call anyway. */
        @Override
        public void rotateCredentials() {
        }

        @Override
        public void rotateToken() {
            writeToken();
        }

        @Override
        public boolean lastRequestUsedCurrentToken() {
            return sts.lastRequest().flatMap(r -> r.param("WebIdentityToken")).map(token::equals).orElse(false);
        }

        @Override
        public void failNext(EndpointFailure failure) {
            switch (failure) {
                case SERVER_ERROR:
                    sts.failNext(1, StsError.INTERNAL_FAILURE);
                    break;
                case UNAUTHORIZED:
                    sts.failNext(1, StsError.INVALID_IDENTITY_TOKEN);
                    break;
                default:
                    sts.enqueue(Fault.hang());
                    break;
            }
        }

        @Override
        public Set<String> secrets() {
            Set<String> all = new HashSet<>(sts.issuedSecrets());
            all.addAll(tokens);
            return all;
        }

        @Override
        public void close() {
            sts.close();
            try {
                Files.deleteIfExists(tokenFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
