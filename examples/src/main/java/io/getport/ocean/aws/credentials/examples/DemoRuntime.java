package io.getport.ocean.aws.credentials.examples;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.testkit.Jwt;
import io.getport.ocean.aws.credentials.testkit.fake.FakeContainerCredentialsEndpoint;
import io.getport.ocean.aws.credentials.testkit.fake.FakeImds;
import io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The runtimes the local demo can stand in for, each with a loopback stand-in for the endpoint the real platform
 * provides, serving a session of the seed's {@code PortOceanTaskRole} (the base identity in every runtime), and the
 * example that runs there.
 */
enum DemoRuntime {
    /** The ECS agent: {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} on a loopback agent, plus task metadata. */
    ECS("ecs", "ECS agent") {
        @Override
        StandIn start(SeedArchitecture seed) {
            FakeContainerCredentialsEndpoint agent = FakeContainerCredentialsEndpoint.ecs();
            try {
                agent.roleArn(seed.taskRoleArn())
                        .credentials(seed.taskRoleSessionCredentials())
                        .taskMetadata("arn:aws:ecs:us-east-1:" + seed.baseAccountId()
                                + ":task/ocean-demo/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                                "arn:aws:ecs:us-east-1:" + seed.baseAccountId() + ":cluster/ocean-demo", "us-east-1a");
                Map<String, String> env = new LinkedHashMap<>();
                env.put("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", agent.path());
                env.put("AWS_CONTAINER_SERVICE_ENDPOINT", agent.endpoint().toString());
                env.put("ECS_CONTAINER_METADATA_URI_V4", agent.taskMetadataUri().toString());
                return new StandIn("ECS agent stand-in at " + agent.endpoint(), env, agent::issuedSecrets, agent::close);
            } catch (RuntimeException e) {
                agent.close();
                throw e;
            }
        }

        @Override
        int runExample(ReadRoleBroker broker, RuntimeEnvironment environment, PrintStream out) {
            return EcsExample.run(broker, environment, out);
        }
    },
    /** IMDSv2 on loopback: {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}. */
    EC2("ec2", "EC2 instance metadata service") {
        @Override
        StandIn start(SeedArchitecture seed) {
            FakeImds imds = FakeImds.builder().roleName(SeedArchitecture.TASK_ROLE_NAME)
                    .accountId(seed.baseAccountId()).region("us-east-1").instanceId("i-0ce4a0de00000d3e0").start();
            try {
                imds.credentials(seed.taskRoleSessionCredentials());
                Map<String, String> env = new LinkedHashMap<>();
                env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint().toString());
                return new StandIn("IMDSv2 stand-in at " + imds.endpoint(), env, imds::issuedSecrets, imds::close);
            } catch (RuntimeException e) {
                imds.close();
                throw e;
            }
        }

        @Override
        int runExample(ReadRoleBroker broker, RuntimeEnvironment environment, PrintStream out) {
            return Ec2Example.run(broker, environment, out);
        }
    },
    /**
     * IRSA, chained: a projected service-account token in {@code AWS_WEB_IDENTITY_TOKEN_FILE} and
     * {@code AWS_ROLE_ARN} naming the pod role (the seed's task role, which trusts the seed's OIDC provider).
     */
    EKS_IRSA("eks-irsa", "EKS IRSA web identity token") {
        @Override
        StandIn start(SeedArchitecture seed) {
            Jwt jwt = Jwt.forServiceAccount("port-ocean", "ocean-aws").build();
            Path token = jwt.writeTempFile();
            Map<String, String> env = new LinkedHashMap<>();
            env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
            env.put("AWS_ROLE_ARN", seed.taskRoleArn());
            env.put("AWS_ROLE_SESSION_NAME", "ocean-demo-pod");
            return new StandIn("web identity token of system:serviceaccount:port-ocean:ocean-aws in " + token, env,
                    () -> Set.of(jwt.encoded()), () -> Files.deleteIfExists(token));
        }

        @Override
        void beforeFirstUse(ReadRoleBroker broker, SeedArchitecture seed, PrintStream out) {
            // moto refuses the unsigned AssumeRoleWithWebIdentity while it enforces IAM: exchange the token with
            // enforcement paused; every later call (AssumeRole, reads, the write attempt) is enforced.
            out.println("      (moto cannot check the unsigned AssumeRoleWithWebIdentity while it enforces IAM: the token"
                    + " is exchanged with enforcement paused, everything after it is enforced)");
            seed.moto().withoutAuthEnforcement(broker::verifyIdentity);
        }

        @Override
        int runExample(ReadRoleBroker broker, RuntimeEnvironment environment, PrintStream out) {
            return EksExample.run(broker, environment, out);
        }
    },
    /**
     * EKS Pod Identity: {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} names the agent's address, the request goes to a
     * loopback agent ({@code OCEAN_AWS_EKS_POD_IDENTITY_ENDPOINT}) that checks the token from
     * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}.
     */
    EKS_POD_IDENTITY("eks-pod-identity", "EKS Pod Identity agent") {
        @Override
        StandIn start(SeedArchitecture seed) {
            String secret = randomToken();
            Path token = writeSecretFile(secret);
            FakeContainerCredentialsEndpoint agent;
            try {
                agent = FakeContainerCredentialsEndpoint.podIdentity(secret);
            } catch (RuntimeException e) {
                deleteQuietly(token);
                throw e;
            }
            try {
                agent.accountId(seed.baseAccountId()).credentials(seed.taskRoleSessionCredentials());
                Map<String, String> env = new LinkedHashMap<>();
                env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                        "http://169.254.170.23" + FakeContainerCredentialsEndpoint.POD_IDENTITY_PATH);
                env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token.toString());
                env.put("OCEAN_AWS_EKS_POD_IDENTITY_ENDPOINT", agent.endpoint().toString());
                return new StandIn("EKS Pod Identity agent stand-in at " + agent.endpoint(), env, () -> {
                    Set<String> secrets = new HashSet<>(agent.issuedSecrets());
                    secrets.add(secret);
                    return secrets;
                }, () -> {
                    try {
                        agent.close();
                    } finally {
                        Files.deleteIfExists(token);
                    }
                });
            } catch (RuntimeException e) {
                agent.close();
                deleteQuietly(token);
                throw e;
            }
        }

        @Override
        int runExample(ReadRoleBroker broker, RuntimeEnvironment environment, PrintStream out) {
            return EksExample.run(broker, environment, out);
        }
    };

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final String endpointName;

    DemoRuntime(String id, String endpointName) {
        this.id = id;
        this.endpointName = endpointName;
    }

    /** The {@code --runtime} value, also the identity source id the broker should detect. */
    String id() {
        return id;
    }

    /** What the stand-in stands in for, e.g. {@code ECS agent}. */
    String endpointName() {
        return endpointName;
    }

    /** The runtime for a {@code --runtime} value. */
    static DemoRuntime of(String id) {
        for (DemoRuntime r : values()) {
            if (r.id.equals(id.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("--runtime must be one of ecs, ec2, eks-irsa, eks-pod-identity, was "
                + LocalDemo.shown(id));
    }

    /** Starts the loopback stand-in, serving a session of the seed's task role. */
    abstract StandIn start(SeedArchitecture seed);

    /** Runs the runtime's example with the demo's broker. */
    abstract int runExample(ReadRoleBroker broker, RuntimeEnvironment environment, PrintStream out);

    /** Anything the emulator needs before the broker's first call. Nothing by default. */
    void beforeFirstUse(ReadRoleBroker broker, SeedArchitecture seed, PrintStream out) {
    }

    /** A running stand-in: what it is, the variables that point the library at it, and how to stop it. */
    static final class StandIn implements AutoCloseable {
        private final String description;
        private final Map<String, String> environment;
        private final Supplier<Set<String>> secrets;
        private final Closer closer;

        StandIn(String description, Map<String, String> environment, Supplier<Set<String>> secrets, Closer closer) {
            this.description = description;
            this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
            this.secrets = Objects.requireNonNull(secrets, "secrets");
            this.closer = Objects.requireNonNull(closer, "closer");
        }

        /** Every secret the stand-in served or holds (keys, session tokens, the identity token): for leak checks. */
        Set<String> secrets() {
            return secrets.get();
        }

        String description() {
            return description;
        }

        /** The runtime's variables (values may be paths to secrets, never secrets themselves). */
        Map<String, String> environment() {
            return environment;
        }

        @Override
        public void close() throws IOException {
            closer.close();
        }
    }

    /** {@link AutoCloseable#close()} as a lambda. */
    @FunctionalInterface
    interface Closer {
        void close() throws IOException;
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Path writeSecretFile(String secret) {
        try {
            Path file = Files.createTempFile("ocean-demo-pod-identity-", ".token",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret, StandardCharsets.UTF_8);
            return file;
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot write the Pod Identity token file: " + e.getMessage(), e);
        }
    }

    /** Best effort, while another failure is already on its way up. */
    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
