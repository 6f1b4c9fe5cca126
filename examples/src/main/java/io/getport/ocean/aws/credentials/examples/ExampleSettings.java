package io.getport.ocean.aws.credentials.examples;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;

/**
 * What an example reads besides the library's own settings, from the same {@link RuntimeEnvironment}:
 * <ul>
 *   <li>{@value #ACCOUNTS} (or the system property {@code ocean.aws.accounts}; required): comma-separated 12-digit
 *       account IDs, the accounts to read (the library's account-list setting);</li>
 *   <li>{@value #REGIONS}: comma-separated regions to list EC2 instances in; default: the broker's region;</li>
 *   <li>{@value #ENDPOINT}: an endpoint override for the example's S3, EC2 and IAM clients (an emulator such as
 *       moto_server); unset against AWS. The library's own STS endpoint is {@code OCEAN_AWS_STS_ENDPOINT}.</li>
 * </ul>
 * Immutable.
 */
final class ExampleSettings {
    static final String ACCOUNTS = "OCEAN_AWS_ACCOUNTS";
    static final String REGIONS = "OCEAN_EXAMPLE_REGIONS";
    static final String ENDPOINT = "OCEAN_EXAMPLE_ENDPOINT_URL";

    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");

    private final List<String> accounts;
    private final List<Region> regions;
    private final URI endpoint;

    ExampleSettings(List<String> accounts, List<Region> regions, URI endpoint) {
        this.accounts = List.copyOf(accounts);
        this.regions = List.copyOf(regions);
        this.endpoint = endpoint;
    }

    /**
     * Reads the settings.
     *
     * @throws IllegalArgumentException naming the variable, the rule and the value when one is missing or malformed
     */
    static ExampleSettings from(RuntimeEnvironment environment) {
        Objects.requireNonNull(environment, "environment");
        String accountText = environment.setting(ACCOUNTS, "ocean.aws.accounts").orElseThrow(() -> new IllegalArgumentException(
                ACCOUNTS + " is not set: give the accounts to read as comma-separated 12-digit IDs, e.g. "
                        + ACCOUNTS + "=111122223333,444455556666"));
        Set<String> accounts = new LinkedHashSet<>();
        for (String id : split(accountText)) {
            if (!ACCOUNT_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(ACCOUNTS + " entries must be 12-digit account IDs, was " + LocalDemo.shown(id));
            }
            accounts.add(id);
        }
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException(ACCOUNTS + " must name at least one account, was " + LocalDemo.shown(accountText));
        }
        List<Region> regions = new ArrayList<>();
        for (String name : environment.environmentVariable(REGIONS).map(ExampleSettings::split).orElse(List.of())) {
            if (!REGION.matcher(name).matches()) {
                throw new IllegalArgumentException(REGIONS + " entries must be region names like us-east-1, was "
                        + LocalDemo.shown(name));
            }
            Region region = Region.of(name);
            if (!regions.contains(region)) {
                regions.add(region);
            }
        }
        URI endpoint = null;
        Optional<String> endpointText = environment.environmentVariable(ENDPOINT);
        if (endpointText.isPresent()) {
            try {
                endpoint = new URI(endpointText.get());
            } catch (URISyntaxException e) {
                // Not chained: the cause's message would repeat the value, password included.
                throw new IllegalArgumentException(ENDPOINT + " must be a URI, was " + LocalDemo.shown(endpointText.get()));
            }
            if (endpoint.getScheme() == null || endpoint.getHost() == null || endpoint.getRawUserInfo() != null) {
                throw new IllegalArgumentException(ENDPOINT + " must be an http(s) URI with a host and no user info,"
                        + " was " + LocalDemo.shown(endpointText.get()));
            }
        }
        return new ExampleSettings(List.copyOf(accounts), regions, endpoint);
    }

    /** The accounts to read, each once, in the order given. */
    List<String> accounts() {
        return accounts;
    }

    /** The regions to list EC2 instances in; {@code fallback} when none are configured. */
    List<Region> regionsOr(Region fallback) {
        return regions.isEmpty() ? List.of(fallback) : regions;
    }

    /** The endpoint override of the example's service clients, if any. */
    Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }
}
