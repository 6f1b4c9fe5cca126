package io.getport.ocean.aws.credentials.examples;

import io.getport.ocean.aws.credentials.AwsReadSession;
import io.getport.ocean.aws.credentials.ReadRoleException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

/**
 * The read-only calls the examples make with an account's {@link AwsReadSession}: S3 ListBuckets, EC2
 * DescribeInstances in each region, IAM ListRoles. Every client gets the session through
 * {@link AwsReadSession#configure}, the one line an integration needs.
 */
final class ReadOnlyInventory {
    private ReadOnlyInventory() {
    }

    /**
     * Reads one account. A failure to assume the read role fails the whole account; a service that refuses a call
     * (for example an SCP denying a region) becomes an error row and the other services are still read.
     */
    static AccountInventory collect(AwsReadSession session, List<Region> regions, Optional<URI> endpoint) {
        List<AccountInventory.Row> rows = new ArrayList<>();
        try {
            s3(session, endpoint, rows);
            for (Region region : regions) {
                ec2(session, region, endpoint, rows);
            }
            iam(session, endpoint, rows);
        } catch (ReadRoleException e) {
            return failed(session, rows, e);
        }
        return new AccountInventory(session.accountId(), session.roleArn(), session.assumedRoleArn().orElse(null),
                session.expiration().orElse(null), session.nextRefresh().orElse(null), rows, null);
    }

    private static void s3(AwsReadSession session, Optional<URI> endpoint, List<AccountInventory.Row> rows) {
        // Path-style addressing only for an emulator, whose bucket host names do not resolve.
        try (S3Client s3 = client(session, S3Client.builder(), endpoint).forcePathStyle(endpoint.isPresent()).build()) {
            List<Bucket> buckets = s3.listBuckets().buckets();
            if (buckets.isEmpty()) {
                rows.add(new AccountInventory.Row("s3", "global", "(no buckets)", ""));
            }
            for (Bucket bucket : buckets) {
                rows.add(new AccountInventory.Row("s3", "global", bucket.name(),
                        bucket.creationDate() == null ? "" : "created " + bucket.creationDate()));
            }
        } catch (SdkException e) {
            rows.add(errorRow("s3", "global", "ListBuckets", e));
        }
    }

    private static void ec2(AwsReadSession session, Region region, Optional<URI> endpoint,
            List<AccountInventory.Row> rows) {
        try (Ec2Client ec2 = client(session, Ec2Client.builder(), endpoint).region(region).build()) {
            int before = rows.size();
            ec2.describeInstancesPaginator().reservations().forEach(reservation -> {
                for (Instance instance : reservation.instances()) {
                    rows.add(new AccountInventory.Row("ec2", region.id(), instance.instanceId(), describe(instance)));
                }
            });
            if (rows.size() == before) {
                rows.add(new AccountInventory.Row("ec2", region.id(), "(no instances)", ""));
            }
        } catch (SdkException e) {
            rows.add(errorRow("ec2", region.id(), "DescribeInstances", e));
        }
    }

    private static void iam(AwsReadSession session, Optional<URI> endpoint, List<AccountInventory.Row> rows) {
        try (IamClient iam = client(session, IamClient.builder(), endpoint).build()) {
            long[] count = new long[1];
            boolean[] readRole = new boolean[1];
            String roleName = session.roleArn().substring(session.roleArn().lastIndexOf('/') + 1);
            iam.listRolesPaginator().roles().forEach(role -> {
                count[0]++;
                readRole[0] |= role.roleName().equals(roleName);
            });
            rows.add(new AccountInventory.Row("iam", "global", count[0] + (count[0] == 1 ? " role" : " roles"),
                    readRole[0] ? "including " + roleName : ""));
        } catch (SdkException e) {
            rows.add(errorRow("iam", "global", "ListRoles", e));
        }
    }

    private static <B extends AwsClientBuilder<B, ?>> B client(AwsReadSession session, B builder,
            Optional<URI> endpoint) {
        session.configure(builder);
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    private static String describe(Instance instance) {
        StringBuilder detail = new StringBuilder();
        detail.append(instance.instanceTypeAsString());
        if (instance.state() != null) {
            detail.append(", ").append(instance.state().nameAsString());
        }
        for (Tag tag : instance.tags()) {
            if ("Name".equals(tag.key())) {
                detail.append(", Name=").append(tag.value());
            }
        }
        return detail.toString();
    }

    private static AccountInventory.Row errorRow(String service, String region, String operation, SdkException e) {
        // A credential failure is not a service's answer: it fails the whole account.
        Optional<ReadRoleException> readRole = readRoleFailure(e);
        if (readRole.isPresent()) {
            throw readRole.get();
        }
        return new AccountInventory.Row(service, region, "error: " + operation, errorSummary(e));
    }

    /** {@code AccessDenied (HTTP 403): message} for a service error, else the exception's message. */
    static String errorSummary(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + "): "
                    + service.awsErrorDetails().errorMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** The {@link ReadRoleException} behind an SDK failure, which may wrap it. */
    static Optional<ReadRoleException> readRoleFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ReadRoleException e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static AccountInventory failed(AwsReadSession session, List<AccountInventory.Row> rows,
            ReadRoleException e) {
        String code = e.errorCode().map(c -> " [" + c + "]").orElse("");
        return new AccountInventory(session.accountId(), session.roleArn(), null, null, null, rows,
                e.reason() + code + ": " + e.getMessage());
    }
}
