package io.getport.ocean.aws.credentials.security;

import static io.getport.ocean.aws.credentials.security.FakeStsBrokers.assumeRoles;
import static io.getport.ocean.aws.credentials.security.FakeStsBrokers.builder;
import static io.getport.ocean.aws.credentials.security.FakeStsBrokers.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import ch.qos.logback.classic.Level;
import io.getport.ocean.aws.credentials.ReadRoleBroker;
import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.testkit.LogCapture;
import io.getport.ocean.aws.credentials.testkit.fake.FakeSts;
import io.getport.ocean.aws.credentials.testkit.fake.RecordedRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ExternalId (global and per account), SourceIdentity, session tags and the session name, as STS receives them. */
class SessionIdentityWireTest {
    private static final String GLOBAL_EXTERNAL_ID = "ocean-global-ext:Zq81/x";
    private static final String OWN_EXTERNAL_ID = "ocean-own-ext=Kd93@y";
    private FakeSts sts;

    @BeforeEach
    void start() {
        sts = FakeSts.start();
    }

    @AfterEach
    void stop() {
        sts.close();
    }

    private static void resolve(ReadRoleBroker broker, String... accounts) {
        for (String account : accounts) {
            broker.forAccount(account).credentialsProvider().resolveCredentials();
        }
    }

    private Map<String, String> externalIdsByRoleArn() {
        Map<String, String> out = new LinkedHashMap<>();
        for (RecordedRequest r : assumeRoles(sts)) {
            out.put(r.param("RoleArn").orElseThrow(), r.param("ExternalId").orElse("<none>"));
        }
        return out;
    }

    @Test
    void assumeRole_noExternalId_sendsNone() {
        try (ReadRoleBroker broker = builder(sts).build()) {
            resolve(broker, "222222222222");
        }
        assertThat(assumeRoles(sts).get(0).params()).doesNotContainKeys("ExternalId", "SourceIdentity")
                .noneSatisfy((k, v) -> assertThat(k).startsWith("Tags."));
    }

    @Test
    void assumeRole_globalAndPerAccountExternalIds_eachAccountGetsItsOwn() {
        try (ReadRoleBroker broker = builder(sts).externalId(GLOBAL_EXTERNAL_ID)
                .externalIds(Map.of("333333333333", OWN_EXTERNAL_ID)).build()) {
            resolve(broker, "222222222222", "333333333333");
        }
        assertThat(externalIdsByRoleArn()).containsExactly(
                entry("arn:aws:iam::222222222222:role/PortOceanReadRole", GLOBAL_EXTERNAL_ID),
                entry("arn:aws:iam::333333333333:role/PortOceanReadRole", OWN_EXTERNAL_ID));
    }

    @Test
    void assumeRole_perAccountExternalIdsFromEnvironmentWithoutGlobal_othersSendNone() {
        try (ReadRoleBroker broker = builder(sts, Map.of("OCEAN_AWS_EXTERNAL_IDS",
                "333333333333=" + OWN_EXTERNAL_ID + ", 444444444444=" + GLOBAL_EXTERNAL_ID)).build()) {
            resolve(broker, "222222222222", "333333333333", "444444444444");
        }
        assertThat(externalIdsByRoleArn()).containsExactly(
                entry("arn:aws:iam::222222222222:role/PortOceanReadRole", "<none>"),
                entry("arn:aws:iam::333333333333:role/PortOceanReadRole", OWN_EXTERNAL_ID),
                entry("arn:aws:iam::444444444444:role/PortOceanReadRole", GLOBAL_EXTERNAL_ID));
    }

    @Test
    void assumeRole_wrongExternalId_accessDeniedWithoutEitherValueInMessageOrLogs() {
        String expected = "the-one-the-trust-policy-wants-91";
        sts.expectExternalId(expected);
        try (LogCapture logs = LogCapture.attach(Level.TRACE);
             ReadRoleBroker broker = builder(sts).externalId(GLOBAL_EXTERNAL_ID).build()) {
            assertThatThrownBy(() -> resolve(broker, "222222222222"))
                    .isInstanceOfSatisfying(ReadRoleException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ReadRoleException.Reason.ACCESS_DENIED);
                        assertThat(Redaction.fullText(e)).doesNotContain(GLOBAL_EXTERNAL_ID, expected);
                    })
                    .hasMessageContaining("ExternalId");
            logs.assertNoneContain(List.of(GLOBAL_EXTERNAL_ID, expected));
            assertThat(logs.anyContains("refresh failed account=222222222222")).isTrue();
        }
        assertThat(assumeRoles(sts).get(0).param("ExternalId")).hasValue(GLOBAL_EXTERNAL_ID);
    }

    @Test
    void assumeRole_sourceIdentityAndTags_areSentInOrder() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("integration", "port-ocean");
        tags.put("team", "platform@example.com");
        try (ReadRoleBroker broker = builder(sts).sourceIdentity("port-ocean-prod").sessionTags(tags).build()) {
            resolve(broker, "222222222222");
        }
        RecordedRequest request = assumeRoles(sts).get(0);
        assertThat(request.param("SourceIdentity")).hasValue("port-ocean-prod");
        assertThat(params(request, "Tags.")).containsExactly(
                entry("Tags.member.1.Key", "integration"), entry("Tags.member.1.Value", "port-ocean"),
                entry("Tags.member.2.Key", "team"), entry("Tags.member.2.Value", "platform@example.com"));
        assertThat(params(request, "TransitiveTagKeys")).isEmpty();
    }

    @Test
    void assumeRole_sourceIdentityAndTagsFromEnvironment_areSent() {
        try (ReadRoleBroker broker = builder(sts, Map.of("OCEAN_AWS_SOURCE_IDENTITY", "ocean-ci",
                "OCEAN_AWS_SESSION_TAGS", "env=prod, owner=port")).build()) {
            resolve(broker, "222222222222");
        }
        RecordedRequest request = assumeRoles(sts).get(0);
        assertThat(request.param("SourceIdentity")).hasValue("ocean-ci");
        assertThat(params(request, "Tags.")).containsExactly(
                entry("Tags.member.1.Key", "env"), entry("Tags.member.1.Value", "prod"),
                entry("Tags.member.2.Key", "owner"), entry("Tags.member.2.Value", "port"));
    }

    @Test
    void assumeRole_defaultSessionName_isPortOceanHostSanitised() {
        try (ReadRoleBroker broker = builder(sts, Map.of("HOSTNAME", "ocean-7f9c/worker 1:" + "x".repeat(80)))
                .build()) {
            resolve(broker, "222222222222");
        }
        String name = assumeRoles(sts).get(0).param("RoleSessionName").orElseThrow();
        assertThat(name).startsWith("port-ocean-ocean-7f9c-worker-1-xxx").hasSize(64).matches("[\\w+=,.@-]{2,64}");
    }

    @Test
    void assumeRole_noHostname_sessionNameStillIdentifiesIntegration() {
        try (ReadRoleBroker broker = builder(sts).build()) {
            resolve(broker, "222222222222");
        }
        assertThat(assumeRoles(sts).get(0).param("RoleSessionName")).hasValueSatisfying(
                name -> assertThat(name).startsWith("port-ocean").matches("[\\w+=,.@-]{2,64}"));
    }
}
