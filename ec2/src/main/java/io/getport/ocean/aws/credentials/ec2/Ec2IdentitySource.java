package io.getport.ocean.aws.credentials.ec2;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.spi.BaseIdentity;
import io.getport.ocean.aws.credentials.spi.Detection;
import io.getport.ocean.aws.credentials.spi.IdentityContext;
import io.getport.ocean.aws.credentials.spi.IdentitySource;
import java.time.Clock;
import java.util.Objects;

/**
 * The EC2 instance profile role, from the instance metadata service with IMDSv2: identity source {@code ec2}, checked
 * last in {@code auto} detection (order {@value #ORDER}) and only when no other source was found, because its signal is
 * a network call.
 *
 * <p><b>Detected when</b> an IMDSv2 token request ({@code PUT /latest/api/token}, one attempt, the metadata timeout)
 * is answered. Not detected when {@code AWS_EC2_METADATA_DISABLED=true}, when nothing answers (not on EC2), or when the
 * token request gets no answer: that is what a container on an instance with {@code HttpPutResponseHopLimit} 1 sees,
 * and the reason says so and gives the fix (hop limit 2). IMDSv1 (no token) is used only when
 * {@code OCEAN_AWS_EC2_IMDS_V1_FALLBACK=true} and the token request was refused (403/404/405) or got no answer.
 *
 * <p><b>Reads</b> (system property first, then environment variable, through the {@link RuntimeEnvironment}):
 * <ul>
 *   <li>{@code AWS_EC2_METADATA_DISABLED} / {@code aws.disableEc2Metadata}: {@code true} skips IMDS; default
 *       false.</li>
 *   <li>{@code AWS_EC2_METADATA_SERVICE_ENDPOINT} / {@code aws.ec2MetadataServiceEndpoint}: default
 *       {@code http://169.254.169.254}, or {@code http://[fd00:ec2::254]} when
 *       {@code AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE} / {@code aws.ec2MetadataServiceEndpointMode} is
 *       {@code IPv6}.</li>
 *   <li>{@code OCEAN_AWS_EC2_IMDS_V1_FALLBACK} / {@code ocean.aws.ec2ImdsV1Fallback}: default false;
 *       {@code AWS_EC2_METADATA_V1_DISABLED} / {@code aws.disableEc2MetadataV1} {@code true} keeps it off.</li>
 *   <li>{@code AWS_METADATA_SERVICE_TIMEOUT} / {@code aws.ec2MetadataServiceTimeout}: the timeout of one call, in
 *       seconds ({@code 0.5}, {@code 500ms} also work); default 1 s.</li>
 * </ul>
 *
 * <p><b>When opened</b> it reads the instance identity document once (region, account, instance ID: facts and the
 * region). <b>Credentials</b> (the role listed under {@code iam/security-credentials/}) are cached and fetched again
 * five minutes before they expire; while a fetch fails the cached ones are served until one minute before expiry. The
 * IMDS token (TTL 6 h) is cached and fetched again after a 401. Instance profile credentials are a role session, so
 * assuming the read role from them is role chaining (sessions capped at one hour).
 *
 * <p>Stateless and thread safe; registered with {@link java.util.ServiceLoader}.
 */
public final class Ec2IdentitySource implements IdentitySource {
    /** The id used by {@code OCEAN_AWS_IDENTITY_SOURCE}. */
    public static final String ID = "ec2";
    /** The position in {@code auto} detection: last. */
    public static final int ORDER = 400;

    /** Called by {@link java.util.ServiceLoader}. */
    public Ec2IdentitySource() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public Detection detect(RuntimeEnvironment environment, boolean pinned) {
        Objects.requireNonNull(environment, "environment");
        // A malformed setting fails the build naming it (fail closed), rather than counting as "not on EC2".
        ImdsSettings settings = ImdsSettings.read(environment);
        if (settings.disabled) {
            return Detection.notFound(ImdsSettings.DISABLED + "=true: the instance metadata service was not asked");
        }
        ImdsClient imds = new ImdsClient(settings, Clock.systemUTC());
        String version;
        try {
            version = imds.probe();
        } catch (ImdsException e) {
            return Detection.notFound(e.getMessage());
        }
        String reason = "v2".equals(version)
                ? "the instance metadata service at " + imds.endpoint() + " issued an IMDSv2 token"
                : "the instance metadata service at " + imds.endpoint() + " answered with IMDSv1 (the token request"
                        + " failed; " + ImdsSettings.V1_FALLBACK + "=true allows the fallback)";
        return Detection.found(reason + ("default".equals(settings.endpointSource) ? ""
                : " (" + ImdsSettings.ENDPOINT + ")"))
                .withFact("imdsEndpoint", imds.endpoint())
                .withFact("imdsVersion", version);
    }

    /**
     * Opens the instance profile: reads the identity document and lists the role once (best effort, for the region and
     * diagnostics) and returns an identity whose provider fetches credentials on first use.
     *
     * @throws IllegalArgumentException when a setting is invalid (naming it)
     */
    @Override
    public BaseIdentity open(RuntimeEnvironment environment, Detection detection, IdentityContext context) {
        Objects.requireNonNull(context, "context");
        ImdsSettings settings = ImdsSettings.read(Objects.requireNonNull(environment, "environment"));
        ImdsClient imds = new ImdsClient(settings, context.clock());
        InstanceProfileCredentials credentials = new InstanceProfileCredentials(imds);
        try {
            credentials.listRole();
        } catch (ImdsException e) {
            // Reported when credentials are first needed; opening does not fail on a transient IMDS problem.
        }
        return new Ec2BaseIdentity(imds, credentials, InstanceIdentity.fetch(imds), context.clock());
    }

    @Override
    public String toString() {
        return "Ec2IdentitySource";
    }
}
