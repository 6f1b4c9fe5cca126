package io.getport.ocean.aws.credentials.testkit.moto;

import io.getport.ocean.aws.credentials.testkit.Jwt;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The project's IAM architecture, provisioned in a {@link MotoServer}: one base account whose identities may only
 * assume {@code PortOceanReadRole}, and target accounts that each have that role and a bucket of their own. Provisioning
 * runs with IAM enforcement off and ends with it on.
 *
 * <pre>{@code
 * SeedArchitecture seed = SeedArchitecture.provision(moto);                 // 3 target accounts
 * SeedArchitecture seed = SeedArchitecture.builder()
 *         .targetAccountIds("210987654321", "310987654321")
 *         .externalId("port-ocean-ext")
 *         .provision(moto);
 * }</pre>
 *
 * <h2>What is provisioned</h2>
 * <ul>
 *   <li>Base account {@value #BASE_ACCOUNT_ID} (not moto's default 123456789012, so that the default {@code testing} key
 *       has no identity once enforcement is on):
 *     <ul>
 *       <li>user {@value #BASE_USER_NAME} with access keys and one inline policy that allows only
 *           {@code sts:AssumeRole} on {@code arn:aws:iam::*:role/PortOceanReadRole};</li>
 *       <li>user {@value #DENIED_USER_NAME} with access keys and no permission at all;</li>
 *       <li>the IAM OIDC provider {@link #OIDC_PROVIDER} (audience {@code sts.amazonaws.com}), the issuer of
 *           {@link Jwt#forServiceAccount} tokens;</li>
 *       <li>role {@value #TASK_ROLE_NAME}, trusted by ECS tasks, EC2, EKS Pod Identity, that OIDC provider and the base
 *           account, with the same single permission. {@link #taskRoleSessionCredentials()} returns a session of it for
 *           the ECS agent, IMDS and Pod Identity fakes to serve as the base identity.</li>
 *     </ul></li>
 *   <li>Each target account (default {@link #DEFAULT_TARGET_ACCOUNT_IDS}): role {@value #READ_ROLE_NAME} with
 *       {@value #READ_ONLY_POLICY_ARN} attached and a trust policy naming the base user and the task role (with an
 *       {@code sts:ExternalId} condition when one is given); bucket {@code ocean-demo-<account id>}; whatever
 *       {@link Builder#extraResources(BiConsumer)} adds.</li>
 * </ul>
 * Resources in another account are created with credentials for that account, obtained (enforcement off) by assuming
 * a non-existent role ARN in it: moto then issues a session in that account with any caller key.
 *
 * <p>Cost: about one second per account (base included), because moto loads the AWS managed policies into each
 * account it meets, plus a second or two to reset a populated server. Provision once per test class
 * ({@code @BeforeAll}) and undo what a test changes ({@link #grant}, {@link #restoreAssumePermission}).
 *
 * <h2>What moto 5.2 enforces (observed with this seed; pinned by {@code SeedArchitectureTest} and
 * {@code MotoLimitsTest})</h2>
 * <ul>
 *   <li>Enforced: SigV4 signatures (a wrong secret gets {@code SignatureDoesNotMatch}); unknown keys
 *       ({@code InvalidClientTokenId}); identity policies, including {@code Deny} statements and the {@code Resource}
 *       of {@code sts:AssumeRole} (the denied user and a base user without its policy get {@code AccessDenied}, 403,
 *       message {@code "User: <arn> is not authorized to perform: sts:AssumeRole"}, without the real
 *       {@code "on resource: ..."} suffix); {@code ReadOnlyAccess} on the read role's sessions (ListBuckets passes,
 *       CreateBucket is {@code AccessDenied}); policies are read at request time, so {@link #revoke(String)} and
 *       {@link #removeAssumePermission()} take effect at once.</li>
 *   <li>Enforced only within one account: the trust policy, including an {@code sts:ExternalId} condition, when the
 *       caller is an IAM user of the role's own account (a wrong external ID is denied, a missing one is wrongly
 *       accepted).</li>
 *   <li>Not enforced: trust policies of roles in other accounts (any caller with the permission gets in, with any or no
 *       external ID); session policies ({@code Policy}, {@code PolicyArns}) passed to AssumeRole; the existence of the
 *       role (AssumeRole of a missing role succeeds); the role-chaining one-hour cap (a 12 h session of a role session
 *       is granted). Use the protocol fake ({@code FakeSts}) for those cases.</li>
 *   <li>{@code AssumeRoleWithWebIdentity} is unsigned and moto fails it with HTTP 500 while enforcement is on: run IRSA
 *       scenarios with enforcement off ({@link MotoServer#withoutAuthEnforcement(Runnable)}).</li>
 *   <li>{@code GetCallerIdentity} needs no permission (as in AWS).</li>
 *   <li>moto wraps STS and IAM errors as {@code <ErrorResponse><Errors><Error>}; the Java SDK then sees the status but
 *       no error code. Clients built with {@link MotoServer#configure} get {@link MotoServer#errorFormatFix()}, which
 *       repairs that; add it to any other client pointed at moto.</li>
 * </ul>
 *
 * <p>Thread safety: the mutators ({@link #revoke}, {@link #grant}, {@link #removeAssumePermission},
 * {@link #restoreAssumePermission}, {@link #asAdmin}) are synchronized; tests normally call them from one thread.
 */
public final class SeedArchitecture {

    /** The base account, where the integration's own identities live. */
    public static final String BASE_ACCOUNT_ID = "111111111111";
    /** The target accounts {@link #provision(MotoServer)} creates. */
    public static final List<String> DEFAULT_TARGET_ACCOUNT_IDS = List.of("222222222222", "333333333333", "444444444444");
    /** The role assumed in every target account. */
    public static final String READ_ROLE_NAME = "PortOceanReadRole";
    /** The base account's role that stands for the ECS task role, the EC2 instance role and the EKS pod role. */
    public static final String TASK_ROLE_NAME = "PortOceanTaskRole";
    /** The base account's IAM user that may assume the read role. */
    public static final String BASE_USER_NAME = "port-ocean-base";
    /** The base account's IAM user without any permission. */
    public static final String DENIED_USER_NAME = "port-ocean-denied";
    /** The AWS managed policy attached to the read role. */
    public static final String READ_ONLY_POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    /** The name of the inline policy that grants {@code sts:AssumeRole} on the read role. */
    public static final String ASSUME_POLICY_NAME = "AssumePortOceanReadRole";
    /** The OIDC provider the task role trusts for IRSA ({@code AssumeRoleWithWebIdentity}). */
    public static final String OIDC_PROVIDER = Jwt.DEFAULT_ISSUER.substring("https://".length());

    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final String ADMIN_ROLE_NAME = "ocean-testkit-admin";
    private static final AwsCredentialsProvider ANY_KEY =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

    private final MotoServer moto;
    private final List<String> targetAccountIds;
    private final String externalId;
    private final AwsBasicCredentials baseUserCredentials;
    private final AwsBasicCredentials deniedUserCredentials;
    private final Set<String> revokedAccountIds = new LinkedHashSet<>();
    private boolean assumePermissionPresent = true;

    private SeedArchitecture(MotoServer moto, List<String> targetAccountIds, String externalId,
                             AwsBasicCredentials baseUserCredentials, AwsBasicCredentials deniedUserCredentials) {
        this.moto = moto;
        this.targetAccountIds = targetAccountIds;
        this.externalId = externalId;
        this.baseUserCredentials = baseUserCredentials;
        this.deniedUserCredentials = deniedUserCredentials;
    }

    /** Resets {@code moto} and provisions the default architecture (three target accounts, no external ID). */
    public static SeedArchitecture provision(MotoServer moto) {
        return builder().provision(moto);
    }

    /** A builder for a non-default architecture. */
    public static Builder builder() {
        return new Builder();
    }

    /** The emulator this architecture lives in. */
    public MotoServer moto() {
        return moto;
    }

    /** The emulator's endpoint. */
    public URI endpoint() {
        return moto.endpoint();
    }

    /** {@value #BASE_ACCOUNT_ID}. */
    public String baseAccountId() {
        return BASE_ACCOUNT_ID;
    }

    /** The target account IDs, in the order given. */
    public List<String> targetAccountIds() {
        return targetAccountIds;
    }

    /** The external ID the read roles' trust policies require, if one was given. */
    public Optional<String> externalId() {
        return Optional.ofNullable(externalId);
    }

    /** Access keys of {@value #BASE_USER_NAME}, whose only permission is assuming the read role. */
    public AwsBasicCredentials baseUserCredentials() {
        return baseUserCredentials;
    }

    /** {@link #baseUserCredentials()} as a provider. */
    public AwsCredentialsProvider baseUserCredentialsProvider() {
        return StaticCredentialsProvider.create(baseUserCredentials);
    }

    /** Access keys of {@value #DENIED_USER_NAME}, who may do nothing. */
    public AwsBasicCredentials deniedUserCredentials() {
        return deniedUserCredentials;
    }

    /** The base user's ARN. */
    public String baseUserArn() {
        return "arn:aws:iam::" + BASE_ACCOUNT_ID + ":user/" + BASE_USER_NAME;
    }

    /** The denied user's ARN. */
    public String deniedUserArn() {
        return "arn:aws:iam::" + BASE_ACCOUNT_ID + ":user/" + DENIED_USER_NAME;
    }

    /** The task role's ARN (also the role to use for IRSA web-identity scenarios). */
    public String taskRoleArn() {
        return "arn:aws:iam::" + BASE_ACCOUNT_ID + ":role/" + TASK_ROLE_NAME;
    }

    /** The read role's ARN in {@code accountId} (any account, provisioned or not). */
    public String readRoleArn(String accountId) {
        return "arn:aws:iam::" + accountId + ":role/" + READ_ROLE_NAME;
    }

    /** The bucket provisioned in a target account. */
    public String bucket(String accountId) {
        requireTarget(accountId);
        return bucketName(accountId);
    }

    /** Every target account's bucket, by account ID. */
    public Map<String, String> buckets() {
        Map<String, String> buckets = new LinkedHashMap<>();
        targetAccountIds.forEach(id -> buckets.put(id, bucketName(id)));
        return Collections.unmodifiableMap(buckets);
    }

    /** A fresh one-hour session of the task role; see {@link #taskRoleSessionCredentials(Duration)}. */
    public AwsSessionCredentials taskRoleSessionCredentials() {
        return taskRoleSessionCredentials(Duration.ofHours(1));
    }

    /**
     * A fresh session of {@value #TASK_ROLE_NAME}, obtained with enforcement briefly off, with its expiration set. Under
     * enforcement these credentials carry the task role's permissions: they can assume the read role and nothing else.
     *
     * @param duration the session length, 15 minutes to 12 hours
     */
    public AwsSessionCredentials taskRoleSessionCredentials(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 900 || seconds > 43_200) {
            throw new IllegalArgumentException("duration must be between 900 and 43200 seconds, was " + seconds);
        }
        Credentials[] session = new Credentials[1];
        moto.withoutAuthEnforcement(() -> {
            try (StsClient sts = moto.stsClient(ANY_KEY)) {
                session[0] = sts.assumeRole(r -> r.roleArn(taskRoleArn())
                        .roleSessionName("ecs-task").durationSeconds((int) seconds)).credentials();
            }
        });
        return AwsSessionCredentials.builder()
                .accessKeyId(session[0].accessKeyId())
                .secretAccessKey(session[0].secretAccessKey())
                .sessionToken(session[0].sessionToken())
                .expirationTime(session[0].expiration())
                .build();
    }

    /**
     * Deletes the assume-role policy of the base user and of the task role, so that both get {@code AccessDenied} from
     * AssumeRole (the "identity without permission" case).
     */
    public synchronized void removeAssumePermission() {
        asAdmin(BASE_ACCOUNT_ID, admin -> {
            try (IamClient iam = moto.iamClient(admin)) {
                iam.deleteUserPolicy(r -> r.userName(BASE_USER_NAME).policyName(ASSUME_POLICY_NAME));
                iam.deleteRolePolicy(r -> r.roleName(TASK_ROLE_NAME).policyName(ASSUME_POLICY_NAME));
            }
        });
        assumePermissionPresent = false;
    }

    /** Puts back what {@link #removeAssumePermission()} deleted (minus revoked accounts). */
    public synchronized void restoreAssumePermission() {
        assumePermissionPresent = true;
        writeAssumePolicy();
    }

    /**
     * Denies the base user and the task role {@code sts:AssumeRole} on the read role of one account, through an
     * explicit {@code Deny} statement in their policy; other accounts are unaffected.
     */
    public synchronized void revoke(String accountId) {
        requireAccountId("accountId", accountId);
        revokedAccountIds.add(accountId);
        writeAssumePolicy();
    }

    /** Undoes {@link #revoke(String)} for one account. */
    public synchronized void grant(String accountId) {
        requireAccountId("accountId", accountId);
        revokedAccountIds.remove(accountId);
        writeAssumePolicy();
    }

    /**
     * Runs {@code action} with IAM enforcement off and credentials that act as the administrator of {@code accountId}
     * (valid only while enforcement is off): for adding or changing resources after provisioning.
     */
    public synchronized void asAdmin(String accountId, Consumer<AwsCredentialsProvider> action) {
        requireAccountId("accountId", accountId);
        moto.withoutAuthEnforcement(() -> action.accept(adminCredentials(moto, accountId)));
    }

    @Override
    public String toString() {
        return "SeedArchitecture[" + moto.endpoint() + ", base " + BASE_ACCOUNT_ID + ", targets " + targetAccountIds
                + (externalId == null ? "" : ", with external ID") + "]";
    }

    private void writeAssumePolicy() {
        if (!assumePermissionPresent) {
            return;
        }
        String policy = assumePolicy(revokedAccountIds.stream().map(this::readRoleArn).collect(Collectors.toList()));
        asAdmin(BASE_ACCOUNT_ID, admin -> {
            try (IamClient iam = moto.iamClient(admin)) {
                putAssumePolicy(iam, policy);
            }
        });
    }

    private void requireTarget(String accountId) {
        if (!targetAccountIds.contains(accountId)) {
            throw new IllegalArgumentException("accountId must be one of the target accounts " + targetAccountIds
                    + ", was " + accountId);
        }
    }

    private static String bucketName(String accountId) {
        return "ocean-demo-" + accountId;
    }

    private static void requireAccountId(String setting, String accountId) {
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IllegalArgumentException(setting + " must be 12 digits, was " + accountId);
        }
    }

    private static AwsCredentialsProvider adminCredentials(MotoServer moto, String accountId) {
        try (StsClient sts = moto.stsClient(ANY_KEY)) {
            Credentials c = sts.assumeRole(r -> r.roleArn("arn:aws:iam::" + accountId + ":role/" + ADMIN_ROLE_NAME)
                    .roleSessionName("testkit-seed")).credentials();
            return StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
        }
    }

    private static void putAssumePolicy(IamClient iam, String policy) {
        iam.putUserPolicy(r -> r.userName(BASE_USER_NAME).policyName(ASSUME_POLICY_NAME).policyDocument(policy));
        iam.putRolePolicy(r -> r.roleName(TASK_ROLE_NAME).policyName(ASSUME_POLICY_NAME).policyDocument(policy));
    }

    static String assumePolicy(List<String> deniedRoleArns) {
        StringBuilder json = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[")
                .append("{\"Sid\":\"AssumeReadRole\",\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",")
                .append("\"Resource\":\"arn:aws:iam::*:role/").append(READ_ROLE_NAME).append("\"}");
        if (!deniedRoleArns.isEmpty()) {
            json.append(",{\"Sid\":\"RevokedAccounts\",\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\",\"Resource\":")
                    .append(jsonArray(deniedRoleArns)).append('}');
        }
        return json.append("]}").toString();
    }

    static String taskRoleTrustPolicy() {
        return "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"ecs-tasks.amazonaws.com\",\"ec2.amazonaws.com\"]},"
                + "\"Action\":\"sts:AssumeRole\"},"
                + "{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"},"
                + "\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]},"
                + "{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::" + BASE_ACCOUNT_ID
                + ":oidc-provider/" + OIDC_PROVIDER + "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"},"
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + BASE_ACCOUNT_ID + ":root\"},"
                + "\"Action\":\"sts:AssumeRole\"}]}";
    }

    String readRoleTrustPolicy() {
        String condition = externalId == null ? ""
                : ",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"" + externalId + "\"}}";
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                + jsonArray(List.of(baseUserArn(), taskRoleArn())) + "},\"Action\":\"sts:AssumeRole\"" + condition + "}]}";
    }

    private static String jsonArray(List<String> values) {
        return values.stream().map(v -> '"' + v + '"').collect(Collectors.joining(",", "[", "]"));
    }

    /**
     * Configures and provisions a {@link SeedArchitecture}. Each option may be set once.
     */
    public static final class Builder {
        private List<String> targetAccountIds;
        private String externalId;
        private BiConsumer<String, AwsCredentialsProvider> extraResources;

        private Builder() {
        }

        /**
         * The target account IDs: 12 digits each, distinct, not the base account. By default
         * {@link #DEFAULT_TARGET_ACCOUNT_IDS}.
         */
        public Builder targetAccountIds(List<String> accountIds) {
            requireUnset("targetAccountIds", this.targetAccountIds);
            Objects.requireNonNull(accountIds, "targetAccountIds");
            if (accountIds.isEmpty()) {
                throw new IllegalArgumentException("targetAccountIds must not be empty");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String id : accountIds) {
                requireAccountId("targetAccountIds", id);
                if (id.equals(BASE_ACCOUNT_ID)) {
                    throw new IllegalArgumentException("targetAccountIds must not contain the base account " + id);
                }
                if (!seen.add(id)) {
                    throw new IllegalArgumentException("targetAccountIds must be distinct, " + id + " is repeated");
                }
            }
            this.targetAccountIds = List.copyOf(accountIds);
            return this;
        }

        /** Varargs form of {@link #targetAccountIds(List)}. */
        public Builder targetAccountIds(String... accountIds) {
            return targetAccountIds(List.of(accountIds));
        }

        /**
         * {@code count} generated target account IDs ({@code 200000000001}, {@code 200000000002}, ...), for scale tests.
         */
        public Builder targetAccountCount(int count) {
            if (count < 1 || count > 10_000) {
                throw new IllegalArgumentException("targetAccountCount must be between 1 and 10000, was " + count);
            }
            List<String> ids = new ArrayList<>(count);
            for (int i = 1; i <= count; i++) {
                ids.add(Long.toString(200_000_000_000L + i));
            }
            return targetAccountIds(ids);
        }

        /** Requires this external ID in every read role's trust policy. By default none. */
        public Builder externalId(String externalId) {
            requireUnset("externalId", this.externalId);
            if (externalId == null || !EXTERNAL_ID.matcher(externalId).matches()) {
                throw new IllegalArgumentException(
                        "externalId must be 2 to 1224 characters of [\\w+=,.@:/-], was " + externalId);
            }
            this.externalId = externalId;
            return this;
        }

        /**
         * Called once per target account, after its role and bucket exist, with the account ID and administrator
         * credentials for it (valid while enforcement is off, that is during this call).
         */
        public Builder extraResources(BiConsumer<String, AwsCredentialsProvider> extraResources) {
            requireUnset("extraResources", this.extraResources);
            this.extraResources = Objects.requireNonNull(extraResources, "extraResources");
            return this;
        }

        /**
         * Resets {@code moto} (deleting everything in it), provisions the architecture with IAM enforcement off, then
         * turns enforcement on.
         */
        public SeedArchitecture provision(MotoServer moto) {
            Objects.requireNonNull(moto, "moto");
            List<String> targets = targetAccountIds == null ? DEFAULT_TARGET_ACCOUNT_IDS : targetAccountIds;
            moto.reset();
            AwsBasicCredentials baseKeys;
            AwsBasicCredentials deniedKeys;
            try (IamClient iam = moto.iamClient(adminCredentials(moto, BASE_ACCOUNT_ID))) {
                baseKeys = createUser(iam, BASE_USER_NAME);
                deniedKeys = createUser(iam, DENIED_USER_NAME);
                iam.createOpenIDConnectProvider(r -> r.url(Jwt.DEFAULT_ISSUER).clientIDList(Jwt.STS_AUDIENCE)
                        .thumbprintList("9e99a48a9960b14926bb7f3b02e22da2b0ab7280"));
                iam.createRole(r -> r.roleName(TASK_ROLE_NAME).assumeRolePolicyDocument(taskRoleTrustPolicy())
                        .maxSessionDuration(43_200));
                putAssumePolicy(iam, assumePolicy(List.of()));
            }
            SeedArchitecture seed = new SeedArchitecture(moto, targets, externalId, baseKeys, deniedKeys);
            for (String accountId : targets) {
                AwsCredentialsProvider admin = adminCredentials(moto, accountId);
                try (IamClient iam = moto.iamClient(admin); S3Client s3 = moto.s3Client(admin)) {
                    iam.createRole(r -> r.roleName(READ_ROLE_NAME).assumeRolePolicyDocument(seed.readRoleTrustPolicy()));
                    iam.attachRolePolicy(r -> r.roleName(READ_ROLE_NAME).policyArn(READ_ONLY_POLICY_ARN));
                    s3.createBucket(r -> r.bucket(bucketName(accountId)));
                }
                if (extraResources != null) {
                    extraResources.accept(accountId, admin);
                }
            }
            moto.authEnforcement(true);
            return seed;
        }

        private static AwsBasicCredentials createUser(IamClient iam, String userName) {
            iam.createUser(r -> r.userName(userName));
            AccessKey key = iam.createAccessKey(r -> r.userName(userName)).accessKey();
            return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
        }

        private static void requireUnset(String setting, Object current) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set");
            }
        }
    }
}
