/**
 * The local credentials endpoint: an application (not a library; nothing depends on this artifact), shipped as the
 * executable {@code ocean-aws-endpoint.jar} with {@link io.getport.ocean.aws.credentials.endpoint.OceanAwsEndpoint}
 * as its entry point and commands {@code serve}, {@code credential-process} and {@code profiles}.
 *
 * <p>It serves the read role's credentials, from one broker per task, pod or instance, to every process there in
 * the two formats every AWS SDK and the AWS CLI already read: the container credentials provider
 * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}) and
 * {@code credential_process}. It uses the library's public API only.
 *
 * <p>Written by hand, and why: the HTTP server is the JDK's {@code com.sun.net.httpserver} (a dozen lines of routing
 * for two paths; no server dependency), with its documented bounds set as system properties; no library serves the
 * container credentials format. JSON is Jackson, the command line picocli. Logging: SLF4J; the executable jar
 * carries slf4j-simple configured to stderr ({@code simplelogger.properties}), which no library artifact depends on.
 */
package io.getport.ocean.aws.credentials.endpoint;
