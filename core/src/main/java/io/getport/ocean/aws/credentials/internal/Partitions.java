package io.getport.ocean.aws.credentials.internal;

import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/** ARNs per AWS partition: the partition follows the STS region. */
public final class Partitions {
    private Partitions() {
    }

    /** The partition of {@code region}: {@code aws}, {@code aws-cn}, {@code aws-us-gov}, or an isolated one. */
    public static String partitionOf(Region region) {
        String id = region.id();
        if (id.startsWith("cn-") || id.equals("aws-cn-global")) {
            return "aws-cn";
        }
        if (id.startsWith("us-gov-") || id.equals("aws-us-gov-global")) {
            return "aws-us-gov";
        }
        if (id.startsWith("us-isob-")) {
            return "aws-iso-b";
        }
        if (id.startsWith("us-iso-")) {
            return "aws-iso";
        }
        try {
            return PartitionMetadata.of(region).id();
        } catch (RuntimeException e) {
            return "aws";
        }
    }

    /** {@code arn:<partition>:iam::<account>:role<path><name>}. */
    public static String roleArn(String partition, String accountId, String rolePath, String roleName) {
        return "arn:" + partition + ":iam::" + accountId + ":role" + rolePath + roleName;
    }

    /** The AWS managed policy ARN in a partition, e.g. {@code arn:aws-cn:iam::aws:policy/ReadOnlyAccess}. */
    public static String managedPolicyArn(String partition, String policyName) {
        return "arn:" + partition + ":iam::aws:policy/" + policyName;
    }
}
