package io.getport.ocean.aws.credentials.examples;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.PrintStream;
import java.util.Set;

/**
 * Runs in an ECS task (Fargate or EC2 launch type): the task role is the base identity, served by the ECS agent at
 * {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}. For each account in {@code OCEAN_AWS_ACCOUNTS} it calls
 * {@code AwsReadSession.forAccount(id)} and lists S3 buckets, EC2 instances in {@code OCEAN_EXAMPLE_REGIONS} (default:
 * the task's region) and the number of IAM roles, with the read role session's expiry and next refresh.
 *
 * <p>Deploy with {@code deploy/ecs/ocean-aws-ecs.json}. Exit status: 0 every account read, 1 some account failed,
 * 2 no identity or a bad setting.
 */
public final class EcsExample {
    static final ExampleRunner.Runtime RUNTIME = new ExampleRunner.Runtime("ECS task", Set.of("ecs"),
            "Run it as an ECS task whose task definition has a task role (taskRoleArn), as deploy/ecs/ocean-aws-ecs.json"
                    + " sets up; the ECS agent then sets AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.");

    private EcsExample() {
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
