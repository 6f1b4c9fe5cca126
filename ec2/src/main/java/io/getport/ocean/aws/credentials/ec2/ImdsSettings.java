package io.getport.ocean.aws.credentials.ec2;

import io.getport.ocean.aws.credentials.spi.support.EnvValues;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** The settings that say whether and how to reach the instance metadata service. Immutable. */
final class ImdsSettings {
    static final String DISABLED = "AWS_EC2_METADATA_DISABLED";
    static final String DISABLED_PROPERTY = "aws.disableEc2Metadata";
    static final String ENDPOINT = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
    static final String ENDPOINT_PROPERTY = "aws.ec2MetadataServiceEndpoint";
    static final String ENDPOINT_MODE = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
    static final String ENDPOINT_MODE_PROPERTY = "aws.ec2MetadataServiceEndpointMode";
    static final String V1_FALLBACK = "OCEAN_AWS_EC2_IMDS_V1_FALLBACK";
    static final String V1_FALLBACK_PROPERTY = "ocean.aws.ec2ImdsV1Fallback";
    static final String V1_DISABLED = "AWS_EC2_METADATA_V1_DISABLED";
    static final String V1_DISABLED_PROPERTY = "aws.disableEc2MetadataV1";
    static final String IPV4_ENDPOINT = "http://169.254.169.254";
    static final String IPV6_ENDPOINT = "http://[fd00:ec2::254]";

    final boolean disabled;
    final URI endpoint;
    /** Where the endpoint came from, for messages. */
    final String endpointSource;
    final boolean v1Fallback;
    final Duration timeout;

    private ImdsSettings(boolean disabled, URI endpoint, String endpointSource, boolean v1Fallback, Duration timeout) {
        this.disabled = disabled;
        this.endpoint = endpoint;
        this.endpointSource = endpointSource;
        this.v1Fallback = v1Fallback;
        this.timeout = timeout;
    }

    /**
     * Reads the settings.
     *
     * @throws IllegalArgumentException naming the setting, the rule and the value when one is invalid
     */
    static ImdsSettings read(RuntimeEnvironment env) {
        boolean disabled = bool(env, DISABLED, DISABLED_PROPERTY).orElse(false);
        Duration timeout = EnvValues.timeout(env, Duration.ofSeconds(1));
        boolean fallback = bool(env, V1_FALLBACK, V1_FALLBACK_PROPERTY).orElse(false)
                && !bool(env, V1_DISABLED, V1_DISABLED_PROPERTY).orElse(false);
        Optional<String> explicit = env.setting(ENDPOINT, ENDPOINT_PROPERTY);
        URI endpoint;
        String source;
        if (explicit.isPresent()) {
            endpoint = endpoint(EnvValues.label(ENDPOINT, ENDPOINT_PROPERTY), explicit.get());
            source = ENDPOINT;
        } else {
            String mode = env.setting(ENDPOINT_MODE, ENDPOINT_MODE_PROPERTY).orElse("IPv4").trim();
            if (mode.equalsIgnoreCase("IPv6")) {
                endpoint = URI.create(IPV6_ENDPOINT);
            } else if (mode.equalsIgnoreCase("IPv4")) {
                endpoint = URI.create(IPV4_ENDPOINT);
            } else {
                throw EnvValues.invalid(EnvValues.label(ENDPOINT_MODE, ENDPOINT_MODE_PROPERTY),
                        "must be IPv4 or IPv6", mode);
            }
            source = "default";
        }
        return new ImdsSettings(disabled, endpoint, source, fallback, timeout);
    }

    private static Optional<Boolean> bool(RuntimeEnvironment env, String variable, String property) {
        return env.setting(variable, property).map(text -> EnvValues.bool(EnvValues.label(variable, property), text));
    }

    private static URI endpoint(String label, String text) {
        String t = text.trim();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            URI uri = new URI(t);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawUserInfo() == null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw EnvValues.invalid(label, "must be an http or https URI with a host and no user info, path or query,"
                + " such as http://169.254.169.254", EnvValues.shownUri(text));
    }
}
