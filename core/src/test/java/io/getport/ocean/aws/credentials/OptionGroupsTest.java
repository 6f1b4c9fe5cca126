package io.getport.ocean.aws.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The builder's option groups ({@link IdentityConfiguration}, {@link RefreshConfiguration},
 * {@link StsProtectionConfiguration}): the {@code Consumer} forms add up, the built forms replace the group, building
 * does not change the builder, and a group's {@code toString()} names the options set, never their values. A bad
 * value still fails {@code build()} naming the option. Building a broker makes no STS call, so nothing listens on the
 * endpoint.
 */
class OptionGroupsTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private static ReadRoleBroker.Builder builder() {
        return ReadRoleBroker.builder()
                .environment(RuntimeEnvironment.of(Map.of(), Map.of()))
                .region(Region.US_EAST_1)
                .stsEndpoint(URI.create("http://127.0.0.1:9"))
                .identity(i -> i.baseCredentials(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDOPTIONGROUPS", SECRET))));
    }

    @Test
    void consumerForms_addUp_anEarlierOptionOfTheGroupStays() {
        ReadRoleBroker.Builder b = builder()
                .refresh(r -> r.mandatoryWindow(Duration.ofMinutes(10)))
                .refresh(r -> r.refreshTimeout(Duration.ofSeconds(1)));

        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mandatoryWindow must be");
    }

    @Test
    void builtForm_replacesTheGroup() {
        ReadRoleBroker.Builder b = builder().stsProtection(s -> s.stsMaxConcurrency(0));
        assertThatThrownBy(b::build).hasMessageStartingWith("stsMaxConcurrency must be");

        b.stsProtection(StsProtectionConfiguration.builder().stsRateLimit(50).build());

        try (ReadRoleBroker broker = b.build()) {
            assertThat(broker.isClosed()).isFalse();
        }
    }

    @Test
    void build_leavesTheBuilderAsItWas_soItCanBeChangedAndBuiltAgain() {
        ReadRoleBroker.Builder b = builder().identity(i -> i.expectedBaseAccount("111122223333"));
        try (ReadRoleBroker first = b.build()) {
            assertThat(first.isClosed()).isFalse();
        }
        // Replacing the identity group drops the base credentials too: the empty environment has no identity.
        b.identity(IdentityConfiguration.builder().build());

        assertThatThrownBy(b::build).isInstanceOf(ReadRoleException.class)
                .extracting(e -> ((ReadRoleException) e).reason()).isEqualTo(ReadRoleException.Reason.NO_IDENTITY);
    }

    @Test
    void groups_eachOptionReachesTheBroker() {
        // One out-of-range value per group option, each set through its group, fails naming that option: the group
        // carries every option it declares into the broker's settings.
        Map<String, java.util.function.Consumer<ReadRoleBroker.Builder>> bad = new java.util.LinkedHashMap<>();
        bad.put("identitySource", b -> b.identity(i -> i.identitySource("Main Frame")));
        bad.put("expectedBaseAccount", b -> b.identity(i -> i.expectedBaseAccount("12")));
        bad.put("outageBuffer", b -> b.refresh(r -> r.outageBuffer(Duration.ofDays(1))));
        bad.put("advisoryWindow", b -> b.refresh(r -> r.advisoryWindow(Duration.ofDays(3650))));
        bad.put("mandatoryWindow", b -> b.refresh(r -> r.mandatoryWindow(Duration.ZERO)));
        bad.put("refreshTimeout", b -> b.refresh(r -> r.refreshTimeout(Duration.ZERO)));
        bad.put("queueTimeout", b -> b.refresh(r -> r.queueTimeout(Duration.ZERO)));
        bad.put("failureCacheTime", b -> b.refresh(r -> r.failureCacheTime(Duration.ofDays(3650))));
        bad.put("cacheMaximumAccounts", b -> b.refresh(r -> r.cacheMaximumAccounts(0)));
        bad.put("cacheIdleTime", b -> b.refresh(r -> r.cacheIdleTime(Duration.ZERO)));
        bad.put("stsRateLimit", b -> b.stsProtection(s -> s.stsRateLimit(0)));
        bad.put("stsMaxConcurrency", b -> b.stsProtection(s -> s.stsMaxConcurrency(0)));
        bad.put("stsCallTimeout", b -> b.stsProtection(s -> s.stsCallTimeout(Duration.ZERO)));
        bad.put("retryMaxAttempts", b -> b.stsProtection(s -> s.retryMaxAttempts(0)));
        bad.put("retryBaseDelay", b -> b.stsProtection(s -> s.retryBaseDelay(Duration.ofDays(3650))));
        bad.put("retryMaxDelay", b -> b.stsProtection(s -> s.retryMaxDelay(Duration.ofDays(3650))));
        bad.put("circuitFailureRate", b -> b.stsProtection(s -> s.circuitFailureRate(101)));
        bad.put("circuitOpenDuration", b -> b.stsProtection(s -> s.circuitOpenDuration(Duration.ZERO)));
        bad.forEach((option, apply) -> {
            ReadRoleBroker.Builder b = builder();
            apply.accept(b);
            assertThat(catchThrowable(b::build)).as(option).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(option + " must be");
        });
    }

    @Test
    void toString_namesTheOptionsSet_neverTheirValues() {
        IdentityConfiguration identity = IdentityConfiguration.builder()
                .baseCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDOPTIONGROUPS", SECRET)))
                .expectedBaseAccount("111122223333").build();
        RefreshConfiguration refresh = RefreshConfiguration.builder().outageBuffer(Duration.ofMinutes(7)).build();

        assertThat(identity.toString()).isEqualTo("IdentityConfiguration[set: baseCredentials, expectedBaseAccount]")
                .doesNotContain(SECRET).doesNotContain("AKIDOPTIONGROUPS");
        assertThat(refresh).hasToString("RefreshConfiguration[set: outageBuffer]");
        assertThat(StsProtectionConfiguration.builder().build()).hasToString("StsProtectionConfiguration[set: none]");
        assertThat(refresh.toBuilder().mandatoryWindow(Duration.ofSeconds(30)).build())
                .hasToString("RefreshConfiguration[set: mandatoryWindow, outageBuffer]");
        assertThat(refresh).as("toBuilder leaves the original as it was")
                .hasToString("RefreshConfiguration[set: outageBuffer]");
    }
}
