package io.getport.ocean.aws.credentials.endpoint;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.accounts.AccountTarget;
import io.getport.ocean.aws.credentials.organizations.OrganizationAccounts;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code profiles}: prints an AWS config file with one {@code [profile ocean-<id>]} per account, each with a
 * {@code credential_process} line that runs this jar's {@code credential-process} (through a running {@code serve}
 * when {@code --endpoint} is given). The accounts are listed ({@code --accounts}) or read from AWS Organizations
 * ({@code --organization ROLE_ARN}, through the library's {@link OrganizationAccounts}, with the broker configured
 * from the environment).
 */
@Command(name = "profiles", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints an AWS config file with a profile ocean-<id> per account, e.g.:",
            "  java -jar ocean-aws-endpoint.jar profiles --accounts 111122223333 > ~/.aws/ocean-config",
            "  AWS_CONFIG_FILE=~/.aws/ocean-config aws --profile ocean-111122223333 s3 ls", "",
            "Exit codes: 0 OK; 2 bad arguments; 3 denied; 4 unavailable; 5 misconfigured."})
final class ProfilesCommand implements Callable<Integer> {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    static final class Source {
        @Option(names = "--accounts", split = ",", paramLabel = "ID", required = true,
                description = "Account IDs, comma separated.")
        List<String> accounts;

        @Option(names = "--organization", paramLabel = "ROLE_ARN", required = true,
                description = "List the organization's active accounts with this role in the management account"
                        + " (needs organizations:ListAccounts), as OCEAN_AWS_ORGANIZATION_ROLE_ARN does.")
        String organizationRoleArn;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Profiles ask this running 'serve' (e.g. http://127.0.0.1:9911) instead of assuming the"
                    + " role themselves; needs --token-file.")
    String endpoint;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The token file of that 'serve'.")
    Path tokenFile;

    @Option(names = "--launcher", paramLabel = "COMMAND",
            description = "The command that starts this tool, as it goes in the config file. Default: java -jar"
                    + " <the path of this jar>.")
    String launcher;

    @Option(names = "--region", paramLabel = "REGION", description = "A region line for each profile.")
    String region;

    private final OceanAwsEndpoint.Context context;

    ProfilesCommand(OceanAwsEndpoint.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if ((endpoint == null) != (tokenFile == null)) {
            return fail(OceanAwsEndpoint.USAGE, "--endpoint and --token-file go together, or neither");
        }
        if (region != null && !region.matches("[a-z0-9-]{1,32}")) {
            return fail(OceanAwsEndpoint.USAGE, "--region must look like us-east-1, was '"
                    + CredentialsEndpoint.printable(region, 40) + "'");
        }
        String command = launcher != null ? launcher.strip() : defaultLauncher();
        if (command == null) {
            return fail(OceanAwsEndpoint.USAGE, "not running from ocean-aws-endpoint.jar: give --launcher");
        }
        Set<String> ids = new LinkedHashSet<>();
        if (source.accounts != null) {
            for (String a : source.accounts) {
                String id = a.strip();
                if (!ACCOUNT.matcher(id).matches()) {
                    return fail(OceanAwsEndpoint.USAGE, "--accounts: each account ID must be exactly 12 digits, was '"
                            + CredentialsEndpoint.printable(id, 40) + "'");
                }
                ids.add(id);
            }
        } else {
            try (ReadRoleBroker broker = context.brokerCustomizer()
                    .apply(ReadRoleBroker.builder().environment(context.environment())).build();
                 OrganizationAccounts org = OrganizationAccounts.builder().broker(broker)
                         .environment(context.environment()).roleArn(source.organizationRoleArn).build()) {
                for (AccountTarget t : org.accounts()) {
                    ids.add(t.accountId());
                }
            } catch (ReadRoleException e) {
                return fail(CredentialProcessCommand.exitCode(e.reason()), e.getMessage());
            } catch (IllegalArgumentException e) {
                return fail(OceanAwsEndpoint.USAGE, e.getMessage());
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("# AWS config for the Ocean read role (PortOceanReadRole), one profile per account,");
        lines.add("# printed by: ocean-aws-endpoint profiles. Use it with:");
        lines.add("#   AWS_CONFIG_FILE=<this file> aws --profile ocean-<account id> sts get-caller-identity");
        if (endpoint != null) {
            lines.add("# Or, without a profile, with the container credentials variables:");
            lines.add("#   AWS_CONTAINER_CREDENTIALS_FULL_URI=" + endpoint.strip()
                    + "/v1/accounts/<account id>/credentials");
            lines.add("#   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + tokenFile.toAbsolutePath());
        }
        for (String id : ids) {
            lines.add("");
            lines.add("[profile ocean-" + id + "]");
            StringBuilder line = new StringBuilder("credential_process = ").append(command)
                    .append(" credential-process --account ").append(id);
            if (endpoint != null) {
                line.append(" --endpoint ").append(quote(endpoint.strip()))
                        .append(" --token-file ").append(quote(tokenFile.toAbsolutePath().toString()));
            }
            lines.add(line.toString());
            if (region != null) {
                lines.add("region = " + region);
            }
        }
        lines.forEach(context.out()::println);
        context.out().flush();
        return OceanAwsEndpoint.OK;
    }

    /** {@code java -jar <this jar>} when running from a jar, else empty. */
    private static String defaultLauncher() {
        try {
            Path jar = Paths.get(OceanAwsEndpoint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!jar.toString().endsWith(".jar")) {
                return null;
            }
            return "java -jar " + quote(jar.toAbsolutePath().toString());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** Quoted for botocore's shell-like split of credential_process. */
    static String quote(String s) {
        return SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\"'\"'") + "'";
    }

    private int fail(int code, String message) {
        context.err().println("ocean-aws-endpoint profiles: " + message);
        context.err().flush();
        return code;
    }
}
