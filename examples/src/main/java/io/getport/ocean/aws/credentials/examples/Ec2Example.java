package io.getport.ocean.aws.credentials.examples;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.PrintStream;
import java.util.Set;

/**
 * Runs on an EC2 instance (or in a container on one): the instance profile's role is the base identity, served by
 * IMDSv2. For each account in {@code OCEAN_AWS_ACCOUNTS} it calls
 * {@code AwsReadSession.forAccount(id)} and lists S3 buckets, EC2 instances in {@code OCEAN_EXAMPLE_REGIONS} (default:
 * the instance's region) and the number of IAM roles, with the read role session's expiry and next refresh.
 *
 * <p>Deploy with {@code deploy/ec2/ocean-aws-ec2.json}. Exit status: 0 every account read, 1 some account failed,
 * 2 no identity or a bad setting.
 */
public final class Ec2Example {
    static final ExampleRunner.Runtime RUNTIME = new ExampleRunner.Runtime("EC2 instance", Set.of("ec2"),
            "Run it on an EC2 instance with an instance profile (deploy/ec2/ocean-aws-ec2.json) and IMDSv2 reachable;"
                    + " in a container on the instance, the metadata hop limit must be 2 or more.");

    private Ec2Example() {
    }

    /** Reads the accounts with the process-wide default broker, configured from the environment. */
    public static void main(String[] args) {
        System.exit(ExampleRunner.runWithDefaultBroker(RUNTIME, System.out, System.err));
    }

    /**
     * Reads the accounts in {@code environment}'s {@code OCEAN_AWS_ACCOUNTS} with {@code broker.forAccount(id)}: for
     * callers that build their own broker (the local demo, tests).
     *
     * @return the exit status: 0 every account read, 1 some account failed, 2 a bad setting
     */
    public static int run(ReadRoleBroker broker, RuntimeEnvironment environment, PrintStream out) {
        return ExampleRunner.runWithBroker(RUNTIME, broker, environment, out);
    }
}
