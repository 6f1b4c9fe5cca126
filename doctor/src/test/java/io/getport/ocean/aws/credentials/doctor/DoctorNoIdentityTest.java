package io.getport.ocean.aws.credentials.doctor;

import static io.getport.ocean.aws.credentials.doctor.DoctorRun.env;
import static io.getport.ocean.aws.credentials.doctor.DoctorRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** No usable identity: exit code 2, and every source checked with the reason it did not apply. */
class DoctorNoIdentityTest {

    @Test
    void doctor_autoDetectionFindsNothing_exitTwoListingEverySourceChecked() {
        DoctorRun r = run(env(), "--accounts", "222222222222");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.flat())
                .contains("1. Identity source", "No usable identity was found.", "checked, in order:")
                .contains("- eks-irsa", "- eks-pod-identity", "- ecs", "- ec2", "- environment")
                .contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
                .contains("AWS_EC2_METADATA_DISABLED")
                .contains("No runtime identity found, so no credentials are used (fail closed).")
                .contains("hint: Run where the integration runs")
                .contains("Result: no usable identity (exit code 2)")
                .doesNotContain("2. Base identity", "3. Target accounts");
    }

    @Test
    void doctor_autoDetectionFindsNothing_jsonListsChecksInDetectionOrder() {
        DoctorRun r = run(env(), "--json");

        assertThat(r.exitCode).isEqualTo(2);
        JsonNode json = r.json();
        assertThat(json.field("status").get().asString()).isEqualTo("NO_IDENTITY");
        assertThat(json.field("exitCode").get().asNumber()).isEqualTo("2");
        assertThat(json.field("baseIdentity").get().isNull()).isTrue();
        JsonNode identity = json.field("identity").get();
        assertThat(identity.field("found").get().asBoolean()).isFalse();
        assertThat(identity.field("source").get().isNull()).isTrue();
        assertThat(identity.field("error").get().asString()).startsWith("No runtime identity found");
        List<String> sources = identity.field("checked").get().asArray().stream()
                .map(c -> c.field("source").get().asString()).collect(Collectors.toList());
        assertThat(sources).containsExactly("eks-irsa", "eks-pod-identity", "ecs", "ec2", "environment");
        assertThat(identity.field("checked").get().asArray())
                .allSatisfy(c -> assertThat(c.field("result").get().asString()).isNotBlank());
    }

    @Test
    void doctor_staticKeysWithoutPinning_hintsAtEnvironmentSource() {
        DoctorRun r = run(env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.flat()).contains("AWS_ACCESS_KEY_ID is set, but static keys are used only when"
                + " OCEAN_AWS_IDENTITY_SOURCE=environment").doesNotContain("wJalrXUtnFEMI");
    }

    @Test
    void doctor_pinnedEnvironmentWithoutKeys_exitTwoNamingTheVariables() {
        DoctorRun r = run(env("OCEAN_AWS_IDENTITY_SOURCE", "environment"), "--json");

        assertThat(r.exitCode).isEqualTo(2);
        JsonNode identity = r.json().field("identity").get();
        assertThat(identity.field("error").get().asString())
                .contains("OCEAN_AWS_IDENTITY_SOURCE pins 'environment'", "AWS_ACCESS_KEY_ID");
        assertThat(identity.field("checked").get().asArray()).singleElement()
                .satisfies(c -> assertThat(c.field("source").get().asString()).isEqualTo("environment"));
    }

    @Test
    void doctor_pinnedEcsNotAvailable_exitTwoWithEcsReason() {
        DoctorRun r = run(env("OCEAN_AWS_IDENTITY_SOURCE", "ecs"));

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.flat()).contains("- ecs", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
                .contains("OCEAN_AWS_IDENTITY_SOURCE pins 'ecs'")
                .doesNotContain("- ec2");
    }
}
