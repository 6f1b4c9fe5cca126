package io.getport.ocean.aws.credentials.endpoint;

import io.getport.ocean.aws.credentials.ReadRoleException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: the local credentials endpoint ({@link CredentialsEndpoint}) over a broker built as the library
 * builds it ({@link EndpointBroker}). Runs until SIGTERM or SIGINT; then stops accepting, lets requests in flight
 * finish, closes the broker and exits. The exit code is then the JVM's for the signal (143 for SIGTERM, 130 for
 * SIGINT): the shutdown runs in a shutdown hook, and the JVM ends with that code once the hooks are done.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves GET /v1/accounts/{accountId}/credentials (the AWS container credentials format) and"
                + " GET /healthz on a loopback port.", "",
            "Clients: AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/v1/accounts/ID/credentials and"
                    + " AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=TOKEN_FILE.", "",
            "Exit codes: 143 stopped by SIGTERM (130 by SIGINT; the JVM's codes, after the graceful shutdown);"
                    + " 2 bad arguments; 5 misconfigured (bind address, token file, identity); 6 port in use."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9911",
            description = "TCP port (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "127.0.0.1 or ::1; any other address is refused. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--token-file", paramLabel = "FILE", required = true,
            description = "The authorization token file: created with mode 0600 and a 256-bit random token when"
                    + " missing, reused when it exists with mode 0600 and this user as owner, refused otherwise.")
    Path tokenFile;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "16",
            description = "Request threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    private final OceanAwsEndpoint.Context context;

    ServeCommand(OceanAwsEndpoint.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        InetAddress address;
        String token;
        try {
            address = Loopback.bindAddress(bind);
            token = TokenFile.loadOrCreate(tokenFile);
        } catch (IllegalArgumentException | TokenFile.TokenFileException e) {
            context.err().println("ocean-aws-endpoint serve: " + e.getMessage());
            return OceanAwsEndpoint.CONFIGURATION;
        }
        EndpointBroker.Built built;
        try {
            built = EndpointBroker.build(context.environment(), context.brokerCustomizer());
        } catch (ReadRoleException | IllegalArgumentException e) {
            context.err().println("ocean-aws-endpoint serve: cannot build the broker: " + e.getMessage());
            return OceanAwsEndpoint.CONFIGURATION;
        }
        CredentialsEndpoint endpoint;
        try {
            endpoint = CredentialsEndpoint.start(new CredentialsEndpoint.Config(built.broker(), built.marginKept(),
                    address, port, token, context.clock(), threads, Duration.ofSeconds(30)));
        } catch (CredentialsEndpoint.PortInUseException e) {
            built.broker().close();
            context.err().println("ocean-aws-endpoint serve: " + e.getMessage());
            return OceanAwsEndpoint.PORT_IN_USE;
        } catch (RuntimeException e) {
            built.broker().close();
            context.err().println("ocean-aws-endpoint serve: " + e.getMessage());
            return OceanAwsEndpoint.CONFIGURATION;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Shutting down: no new requests; closing the server, then the broker");
            endpoint.close();
            built.broker().close();
            LOG.info("Shut down");
            stopped.countDown();
        }, "ocean-endpoint-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OceanAwsEndpoint.OK;
    }
}
