/**
 * The moto emulator tier.
 *
 * <p>Entry point: annotate a test class with {@link io.getport.ocean.aws.credentials.testkit.moto.WithMoto} and take a
 * {@link io.getport.ocean.aws.credentials.testkit.moto.MotoServer} parameter; then
 * {@link io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture#provision(MotoServer)} resets it and creates the
 * base account, its identities and the target accounts' read roles and buckets, and leaves IAM enforcement on.
 *
 * <pre>{@code
 * @WithMoto
 * class ReadOnlyIT {
 *     @Test
 *     void readRole_createBucket_isDenied(MotoServer moto) {
 *         SeedArchitecture seed = SeedArchitecture.provision(moto);
 *         // assume seed.readRoleArn(id) with seed.baseUserCredentials(), call S3 at moto.endpoint() ...
 *     }
 * }
 * }</pre>
 *
 * <p>One moto_server serves the whole JVM (tests share it and must not run concurrently; {@code @WithMoto} takes a
 * JUnit resource lock for that). Without moto_server on {@code PATH} the tests are skipped, or fail under
 * {@code -Dmoto.required=true}. What moto does and does not enforce is listed on
 * {@link io.getport.ocean.aws.credentials.testkit.moto.SeedArchitecture}.
 */
package io.getport.ocean.aws.credentials.testkit.moto;
