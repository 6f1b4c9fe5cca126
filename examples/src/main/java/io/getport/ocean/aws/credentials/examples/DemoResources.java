package io.getport.ocean.aws.credentials.examples;

import io.getport.ocean.aws.credentials.testkit.moto.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The few resources the demo adds to each target account besides the seed's bucket, so that every service the
 * examples read has something to show: a second bucket, an EC2 instance and an application role.
 */
final class DemoResources {
    /** An AMI from moto's built-in catalogue. */
    static final String IMAGE_ID = "ami-12c6146b";
    /** The application role created in each account. */
    static final String APP_ROLE_NAME = "ocean-demo-app";

    private DemoResources() {
    }

    /** The second bucket of {@code accountId}. */
    static String logsBucket(String accountId) {
        return "ocean-demo-" + accountId + "-logs";
    }

    /** The Name tag of {@code accountId}'s instance. */
    static String instanceName(String accountId) {
        return "ocean-demo-" + accountId;
    }

    /** Creates the resources; called by the seed with the account's administrator credentials. */
    static void create(MotoServer moto, String accountId, AwsCredentialsProvider admin) {
        try (S3Client s3 = moto.s3Client(admin);
                Ec2Client ec2 = moto.configure(Ec2Client.builder()).credentialsProvider(admin).build();
                IamClient iam = moto.iamClient(admin)) {
            s3.createBucket(r -> r.bucket(logsBucket(accountId)));
            ec2.runInstances(r -> r.imageId(IMAGE_ID).instanceType(InstanceType.T3_MICRO).minCount(1).maxCount(1)
                    .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                            .tags(Tag.builder().key("Name").value(instanceName(accountId)).build()).build()));
            iam.createRole(r -> r.roleName(APP_ROLE_NAME).assumeRolePolicyDocument("{\"Version\":\"2012-10-17\","
                    + "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
                    + "\"Action\":\"sts:AssumeRole\"}]}"));
        }
    }
}
