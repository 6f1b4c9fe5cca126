package io.getport.ocean.aws.credentials.eks;

import io.getport.ocean.aws.credentials.spi.support.EnvValues;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the IRSA variables say (the token file and the pod's role; immutable), and the settings read when IRSA is
 * opened (mode, session name, STS call timeout).
 */
final class IrsaSignals {
    static final String TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE";
    static final String TOKEN_FILE_PROPERTY = "aws.webIdentityTokenFile";
    static final String ROLE_ARN = "AWS_ROLE_ARN";
    static final String ROLE_ARN_PROPERTY = "aws.roleArn";
    static final String SESSION_NAME = "AWS_ROLE_SESSION_NAME";
    static final String SESSION_NAME_PROPERTY = "aws.roleSessionName";
    static final String MODE = "OCEAN_AWS_EKS_IRSA_MODE";
    static final String MODE_PROPERTY = "ocean.aws.eksIrsaMode";
    static final String STS_CALL_TIMEOUT = "OCEAN_AWS_STS_CALL_TIMEOUT";
    static final String STS_CALL_TIMEOUT_PROPERTY = "ocean.aws.stsCallTimeout";
    static final String DEFAULT_SESSION_NAME = "port-ocean-irsa";
    static final Duration DEFAULT_STS_CALL_TIMEOUT = Duration.ofSeconds(5);

    private static final Pattern ROLE_ARN_PATTERN =
            Pattern.compile("arn:(aws[a-z-]*):iam::([0-9]{12}):role/((?:[\\w+=,.@-]+/)*)([\\w+=,.@-]{1,64})");
    private static final Pattern SESSION_NAME_PATTERN = Pattern.compile("[\\w+=,.@-]{2,64}");

    /** How the read role is assumed. */
    enum Mode {
        /** Direct when {@code AWS_ROLE_ARN} names the read role, chained otherwise. */
        AUTO,
        /** {@code AssumeRoleWithWebIdentity} into each account's read role. */
        DIRECT,
        /** {@code AssumeRoleWithWebIdentity} into {@code AWS_ROLE_ARN}, then {@code AssumeRole} into each read role. */
        CHAINED
    }

    /** One of the two variables is missing: IRSA is not configured (the AWS SDKs ignore a lone variable too). */
    static final class Incomplete extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Incomplete(String message) {
            super(message);
        }
    }

    final Path tokenFile;
    final String roleArn;
    final String partition;
    final String accountId;
    /** The role's IAM path, {@code /} or {@code /a/b/}. */
    final String rolePath;
    final String roleName;

    private IrsaSignals(Path tokenFile, Matcher arn) {
        this.tokenFile = tokenFile;
        this.roleArn = arn.group(0);
        this.partition = arn.group(1);
        this.accountId = arn.group(2);
        this.rolePath = "/" + arn.group(3);
        this.roleName = arn.group(4);
    }

    /** Whether either IRSA variable is set. */
    static boolean present(RuntimeEnvironment env) {
        return env.setting(TOKEN_FILE, TOKEN_FILE_PROPERTY).isPresent()
                || env.setting(ROLE_ARN, ROLE_ARN_PROPERTY).isPresent();
    }

    /**
     * Reads the signals.
     *
     * @throws IllegalArgumentException when one is missing or invalid; the message names it
     */
    static IrsaSignals read(RuntimeEnvironment env) {
        Optional<String> file = env.setting(TOKEN_FILE, TOKEN_FILE_PROPERTY);
        Optional<String> role = env.setting(ROLE_ARN, ROLE_ARN_PROPERTY);
        if (file.isEmpty() || role.isEmpty()) {
            String missing = file.isEmpty() && role.isEmpty() ? TOKEN_FILE + " and " + ROLE_ARN + " are"
                    : (file.isEmpty() ? TOKEN_FILE : ROLE_ARN) + " is";
            throw new Incomplete(missing + " not set" + (file.isPresent() || role.isPresent()
                    ? " (IRSA needs both; the EKS pod identity webhook sets them for a service account with the"
                            + " eks.amazonaws.com/role-arn annotation)" : ""));
        }
        Path path;
        try {
            path = Path.of(file.get());
        } catch (InvalidPathException e) {
            throw EnvValues.invalid(EnvValues.label(TOKEN_FILE, TOKEN_FILE_PROPERTY), "must be a file path",
                    file.get());
        }
        Matcher arn = ROLE_ARN_PATTERN.matcher(role.get().trim());
        if (!arn.matches()) {
            throw EnvValues.invalid(EnvValues.label(ROLE_ARN, ROLE_ARN_PROPERTY),
                    "must be an IAM role ARN (arn:aws:iam::123456789012:role/name, name 1 to 64 of [\\w+=,.@-])",
                    EnvValues.shownUri(role.get()));
        }
        return new IrsaSignals(path, arn);
    }

    /**
     * The session name of the pod role's session: {@code AWS_ROLE_SESSION_NAME}, default
     * {@value #DEFAULT_SESSION_NAME}.
     *
     * @throws IllegalArgumentException when it breaks STS's rule
     */
    static String sessionName(RuntimeEnvironment env) {
        String session = env.setting(SESSION_NAME, SESSION_NAME_PROPERTY).orElse(DEFAULT_SESSION_NAME).trim();
        if (!SESSION_NAME_PATTERN.matcher(session).matches()) {
            throw EnvValues.invalid(EnvValues.label(SESSION_NAME, SESSION_NAME_PROPERTY),
                    "must be 2 to 64 characters of [\\w+=,.@-]", session);
        }
        return session;
    }

    /** The timeout of one STS call: {@code OCEAN_AWS_STS_CALL_TIMEOUT}, default 5 s. */
    static Duration stsCallTimeout(RuntimeEnvironment env) {
        return env.setting(STS_CALL_TIMEOUT, STS_CALL_TIMEOUT_PROPERTY)
                .map(t -> EnvValues.duration(EnvValues.label(STS_CALL_TIMEOUT, STS_CALL_TIMEOUT_PROPERTY), t))
                .orElse(DEFAULT_STS_CALL_TIMEOUT);
    }

    /**
     * {@code OCEAN_AWS_EKS_IRSA_MODE}, default {@code auto}.
     *
     * @throws IllegalArgumentException when it is not auto, direct or chained
     */
    static Mode mode(RuntimeEnvironment env) {
        String text = env.setting(MODE, MODE_PROPERTY).orElse("auto").trim();
        try {
            return Mode.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw EnvValues.invalid(EnvValues.label(MODE, MODE_PROPERTY), "must be auto, direct or chained", text);
        }
    }
}
