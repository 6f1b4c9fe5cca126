package io.getport.ocean.aws.credentials;

import io.getport.ocean.aws.credentials.internal.Settings;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Where the base identity (the credentials that may only assume the read role) comes from, and which account it must
 * be in: one group of {@link ReadRoleBroker.Builder}'s options, the way the AWS SDK groups a client's options in
 * {@code ClientOverrideConfiguration}.
 *
 * <pre>{@code
 * ReadRoleBroker broker = ReadRoleBroker.builder()
 *         .identity(i -> i.identitySource("ecs").expectedBaseAccount("111122223333"))
 *         .build();
 * }</pre>
 *
 * <p>An option left unset comes from its environment variable or system property, then the default (docs/SETTINGS.md).
 * Values are checked by {@link ReadRoleBroker.Builder#build()}, which names the option and the rule.
 *
 * <p><b>Thread safety.</b> Immutable and thread safe; its {@link Builder} is not thread safe.
 */
public final class IdentityConfiguration {
    private final Settings.Draft values;

    private IdentityConfiguration(Settings.Draft values) {
        this.values = values;
    }

    /** A builder with every option unset. */
    public static Builder builder() {
        return new Builder(new Settings.Draft());
    }

    /** A builder with this configuration's options set. */
    public Builder toBuilder() {
        Settings.Draft copy = new Settings.Draft();
        copy(values, copy);
        return new Builder(copy);
    }

    /** Copies the options that are set into {@code to}. */
    void applyTo(Settings.Draft to) {
        copy(values, to);
    }

    private static void copy(Settings.Draft from, Settings.Draft to) {
        if (from.identitySource != null) {
            to.identitySource = from.identitySource;
        }
        if (from.baseCredentials != null) {
            to.baseCredentials = from.baseCredentials;
        }
        if (from.expectedBaseAccount != null) {
            to.expectedBaseAccount = from.expectedBaseAccount;
        }
    }

    /**
     * Applies {@code mutation} to a builder of {@code current}: repeated calls add up, the last value of an option
     * wins.
     */
    static IdentityConfiguration mutate(IdentityConfiguration current, Consumer<Builder> mutation) {
        Builder builder = current.toBuilder();
        Objects.requireNonNull(mutation, "mutation").accept(builder);
        return builder.build();
    }

    /** Which options are set; never their values (some are secrets or credentials). */
    @Override
    public String toString() {
        StringBuilder set = new StringBuilder();
        if (values.identitySource != null) {
            set.append(set.length() == 0 ? "" : ", ").append("identitySource");
        }
        if (values.baseCredentials != null) {
            set.append(set.length() == 0 ? "" : ", ").append("baseCredentials");
        }
        if (values.expectedBaseAccount != null) {
            set.append(set.length() == 0 ? "" : ", ").append("expectedBaseAccount");
        }
        return "IdentityConfiguration[set: " + (set.length() == 0 ? "none" : set) + "]";
    }

    /** Builds a {@link IdentityConfiguration}. Not thread safe. */
    public static final class Builder {
        private final Settings.Draft d;

        private Builder(Settings.Draft d) {
            this.d = d;
        }

        /**
         * Which runtime identity to use: {@code auto} (default: EKS IRSA, EKS Pod Identity, ECS, EC2, in that order),
         * or pin one of {@code eks-irsa}, {@code eks-pod-identity}, {@code ecs}, {@code ec2}, {@code environment}.
         * Static keys from the environment are used only when pinned. {@code OCEAN_AWS_IDENTITY_SOURCE}.
         */
        public Builder identitySource(String identitySource) {
            d.identitySource = Objects.requireNonNull(identitySource, "identitySource");
            return this;
        }

        /**
         * Base credentials to assume the read role with, instead of detecting the runtime identity. Default: detect
         * ({@code OCEAN_AWS_IDENTITY_SOURCE}).
         */
        public Builder baseCredentials(AwsCredentialsProvider baseCredentials) {
            d.baseCredentials = Objects.requireNonNull(baseCredentials, "baseCredentials");
            return this;
        }

        /**
         * Refuse to work when the base identity is not in this account. Default
         * ({@code OCEAN_AWS_EXPECTED_BASE_ACCOUNT}): not checked.
         */
        public Builder expectedBaseAccount(String accountId) {
            d.expectedBaseAccount = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /** An immutable configuration of the options set so far. */
        public IdentityConfiguration build() {
            Settings.Draft copy = new Settings.Draft();
            copy(d, copy);
            return new IdentityConfiguration(copy);
        }
    }
}
