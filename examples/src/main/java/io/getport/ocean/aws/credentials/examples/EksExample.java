package io.getport.ocean.aws.credentials.examples;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.PrintStream;
import java.util.Set;

/**
 * Runs in an EKS pod: the service account's identity is the base identity, through IRSA (the web identity token in
 * {@code AWS_WEB_IDENTITY_TOKEN_FILE} and {@code AWS_ROLE_ARN}) or EKS Pod Identity (the agent at
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}). For each account in {@code OCEAN_AWS_ACCOUNTS} it calls
 * {@code AwsReadSession.forAccount(id)} and lists S3 buckets, EC2 instances in {@code OCEAN_EXAMPLE_REGIONS} (default:
 * the pod's region) and the number of IAM roles, with the read role session's expiry and next refresh.
 *
 * <p>Deploy with {@code deploy/eks/ocean-aws-eks-irsa.json} or {@code deploy/eks/ocean-aws-eks-pod-identity.json}
 * and the matching service account manifest. Exit status: 0 every account read, 1 some account failed,
 * 2 no identity or a bad setting.
 */
public final class EksExample {
    static final ExampleRunner.Runtime RUNTIME = new ExampleRunner.Runtime("EKS pod", Set.of("eks-irsa",
            "eks-pod-identity"), "Run it in a pod whose service account is annotated with eks.amazonaws.com/role-arn"
                    + " (IRSA, deploy/eks/service-account-irsa.yaml) or has a Pod Identity association"
                    + " (deploy/eks/ocean-aws-eks-pod-identity.json, needs the eks-pod-identity-agent add-on).");

    private EksExample() {
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
