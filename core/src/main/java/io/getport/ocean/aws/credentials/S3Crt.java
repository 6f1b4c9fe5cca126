package io.getport.ocean.aws.credentials;

import java.util.Objects;
import software.amazon.awssdk.services.s3.S3CrtAsyncClientBuilder;

/**
 * The CRT-based S3 client ({@code S3AsyncClient.crtBuilder()}) for a read role session. Its builder is not an
 * {@code AwsClientBuilder}, so {@link AwsReadSession#configure} does not take it; this is the equivalent entry:
 *
 * <pre>{@code
 * S3AsyncClient s3 = S3Crt.configure(session, S3AsyncClient.crtBuilder()).build();
 * }</pre>
 *
 * <p>It sets the session's credentials provider and region. The CRT-based client accepts no execution interceptors,
 * so neither the write guard nor the interceptor that forgets rejected credentials can run in it: when the write
 * guard is on ({@code OCEAN_AWS_WRITE_GUARD}), this method refuses (there is no way to get an unguarded CRT client
 * from a guarded broker). Use the SDK's standard async client with the CRT HTTP client instead, which
 * {@link AwsReadSession#configure} fully guards:
 * {@code session.configure(S3AsyncClient.builder().httpClientBuilder(AwsCrtAsyncHttpClient.builder())).build()}.
 *
 * <p>Needs {@code software.amazon.awssdk:s3} (and {@code aws-crt} to build the client) on the class path; core
 * declares s3 optional. Stateless, thread safe.
 */
public final class S3Crt {
    private S3Crt() {
    }

    /**
     * Applies the session's credentials provider and region to a CRT-based S3 client builder.
     *
     * @return the same builder, for chaining
     * @throws IllegalStateException when the broker's write guard is on: the CRT-based client cannot run it
     */
    public static S3CrtAsyncClientBuilder configure(AwsReadSession session, S3CrtAsyncClientBuilder builder) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(builder, "builder");
        if (session.writeGuardOn()) {
            throw new IllegalStateException("The write guard is on (OCEAN_AWS_WRITE_GUARD / writeGuard) and the"
                    + " CRT-based S3 client (S3AsyncClient.crtBuilder()) cannot run it (it accepts no execution"
                    + " interceptors): build the standard async client with the CRT HTTP client instead,"
                    + " session.configure(S3AsyncClient.builder().httpClientBuilder(AwsCrtAsyncHttpClient.builder())),"
                    + " which the guard covers; or turn the write guard off");
        }
        return builder.credentialsProvider(session.holder()).region(session.region());
    }
}
