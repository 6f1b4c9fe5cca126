package io.getport.ocean.aws.credentials.testkit.fake;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request as a fake server received it.
 *
 * @param sequence   1 for the server's first request, then 2, 3, ...
 * @param receivedAt when it arrived, by the server's clock
 * @param method     the HTTP method
 * @param path       the decoded path, without the query
 * @param query      the raw query string, or empty
 * @param headers    every header; names are case-insensitive
 * @param params     form parameters of a {@code application/x-www-form-urlencoded} body and query parameters (the
 *                   first value of each)
 * @param body       the body as UTF-8 text
 */
public record RecordedRequest(long sequence, Instant receivedAt, String method, String path, String query,
                              Map<String, List<String>> headers, Map<String, String> params, String body) {

    /** Copies the maps into unmodifiable ones, with case-insensitive header names. */
    public RecordedRequest {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
        params = Map.copyOf(params);
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Whether a header was sent. */
    public boolean hasHeader(String name) {
        return headers.containsKey(name);
    }

    /** A form or query parameter. */
    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** Whether the request carried an {@code Authorization} header (SigV4-signed; the fakes do not verify it). */
    public boolean signed() {
        return hasHeader("Authorization");
    }

    /** The query-protocol {@code Action} parameter, if any. */
    public Optional<String> action() {
        return param("Action");
    }

    /** Method, path, action and header names only: header values and bodies can hold secrets. */
    @Override
    public String toString() {
        return "RecordedRequest[#" + sequence + " " + method + " " + path
                + action().map(a -> " Action=" + a).orElse("") + ", headers " + headers.keySet() + "]";
    }
}
