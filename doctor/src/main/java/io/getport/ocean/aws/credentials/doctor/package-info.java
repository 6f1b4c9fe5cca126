/**
 * The {@code ocean-aws-doctor} command ({@link io.getport.ocean.aws.credentials.doctor.Doctor}): checks the runtime
 * identity and each target account's read role where the integration runs, explains every failure and prints the
 * policy JSON that fixes it, as text or as JSON. Built into the self-contained {@code target/ocean-aws-doctor.jar}.
 *
 * <p>It uses only the library's public API and SPI: the checks are the ones the integration itself would make.
 */
package io.getport.ocean.aws.credentials.doctor;
