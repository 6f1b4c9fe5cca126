/**
 * Building blocks for {@link io.getport.ocean.aws.credentials.spi.IdentitySource} implementations (the {@code ecs},
 * {@code ec2} and {@code eks} modules): one bounded HTTP exchange with a local agent ({@link
 * io.getport.ocean.aws.credentials.spi.support.LocalHttp}), bounded token files ({@link
 * io.getport.ocean.aws.credentials.spi.support.TokenFiles}), bounded JSON ({@link
 * io.getport.ocean.aws.credentials.spi.support.JsonFields}, Jackson), base credentials cached and fetched again before
 * they expire ({@link io.getport.ocean.aws.credentials.spi.support.RefreshingCredentials}), and setting parsing with
 * core's message style ({@link io.getport.ocean.aws.credentials.spi.support.EnvValues}). Part of the SPI: stable for
 * implementers, not meant for integrations.
 *
 * <h2>Deadlines and size bounds of every local call</h2>
 * <table>
 *   <caption>What bounds each local exchange</caption>
 *   <tr><th>What</th><th>Deadline</th><th>Size bound</th></tr>
 *   <tr><td>One HTTP exchange with the ECS agent, the EKS Pod Identity agent, IMDS or ECS task metadata</td>
 *       <td>{@code AWS_METADATA_SERVICE_TIMEOUT} / {@code aws.ec2MetadataServiceTimeout}, <b>total</b> for the whole
 *       exchange (connect, TLS, headers, body), enforced on every read; default 1 s for IMDS, 2 s for the agents
 *       and task metadata</td>
 *       <td>status line and headers 16 KiB, body 64 KiB ({@code LocalHttp.MAX_HEADER_BYTES},
 *       {@code LocalHttp.MAX_BODY}), enforced while reading; a declared larger length is refused before reading</td></tr>
 *   <tr><td>One read of a token file ({@code AWS_WEB_IDENTITY_TOKEN_FILE},
 *       {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE})</td>
 *       <td>2 s ({@code TokenFiles.READ_DEADLINE}) on one of at most two helper threads; FIFOs, devices and
 *       directories are refused before they are opened</td>
 *       <td>16 KiB ({@code TokenFiles.MAX_TOKEN_BYTES}), checked before and after reading</td></tr>
 *   <tr><td>JSON answers and JWT payloads</td><td>(parsed in memory)</td>
 *       <td>nesting depth 32, numbers of at most 100 digits, strings of at most 64 KiB, duplicate keys refused</td></tr>
 *   <tr><td>A caller waiting for another caller's fetch of base credentials</td>
 *       <td>the fetch's own worst case (e.g. agents: one call plus one token read plus 1 s; IMDS: five calls plus
 *       1 s); a caller that still has usable cached credentials does not wait at all</td><td>-</td></tr>
 * </table>
 *
 * <p>Failures that may go away by themselves are {@link io.getport.ocean.aws.credentials.spi.BaseIdentityException}s
 * naming the component (ECS agent, EKS Pod Identity agent, IMDS, STS for the base identity); failures that need a
 * change (a refused or unreadable token, no role attached) are
 * {@link io.getport.ocean.aws.credentials.ReadRoleException}s with reason {@code BASE_IDENTITY_INVALID}. Neither ever
 * contains a token, a secret key or an answer's body.
 *
 * <p><b>Why JSON with Jackson:</b> the answers are small JSON objects; Jackson ({@code jackson-databind}, managed by
 * the parent POM) parses them with explicit limits. The SDK's own JSON parser is an internal API of the SDK.
 */
package io.getport.ocean.aws.credentials.spi.support;
