package io.getport.ocean.aws.credentials.spi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * Which parts of the AWS SDK (and of SLF4J) main code may use: the SDK's public API only, never a class that carries
 * no compatibility promise. Shared through core's test-jar: {@link PlatformModuleRules} includes these rules, and
 * every other module's architecture test includes them with
 * {@code @ArchTest static final ArchTests sdk = ArchTests.in(SdkApiRules.class);}.
 *
 * <p>Allowed: {@code auth.credentials}, {@code identity.spi}, {@code core} and {@code awscore} (their public
 * packages), {@code regions}, {@code services.*} (the service clients), {@code http} (the client SPI),
 * {@code retries}, {@code endpoints}, {@code profiles}, {@code policybuilder}, and from {@code utils} only
 * {@code SdkAutoCloseable} and the {@code builder} interfaces. Banned everywhere: any {@code ..internal..} package,
 * {@code protocols.jsoncore} (use Jackson), {@code utils.AttributeMap}. SLF4J: only the API that 1.7 and 2.x share
 * (no fluent API from {@code org.slf4j.spi} / {@code org.slf4j.event}), since the SDK brings slf4j-api 1.7.36.
 */
public final class SdkApiRules {
    private static final List<String> ALLOWED_PACKAGES = List.of(
            "software.amazon.awssdk.auth.credentials",
            "software.amazon.awssdk.identity.spi",
            "software.amazon.awssdk.core",
            "software.amazon.awssdk.awscore",
            "software.amazon.awssdk.regions",
            "software.amazon.awssdk.services",
            "software.amazon.awssdk.http",
            "software.amazon.awssdk.retries",
            "software.amazon.awssdk.endpoints",
            "software.amazon.awssdk.profiles",
            "software.amazon.awssdk.policybuilder");
    private static final List<String> ALLOWED_UTILS = List.of(
            "software.amazon.awssdk.utils.SdkAutoCloseable",
            "software.amazon.awssdk.utils.builder.");

    private SdkApiRules() {
    }

    static final DescribedPredicate<JavaClass> SDK_NON_PUBLIC_API =
            new DescribedPredicate<>("AWS SDK classes outside its public API (internal, jsoncore, AttributeMap, ...)") {
                @Override
                public boolean test(JavaClass c) {
                    String name = c.getName();
                    if (!name.startsWith("software.amazon.awssdk.")) {
                        return false;
                    }
                    if (name.contains(".internal.") || name.startsWith("software.amazon.awssdk.protocols.jsoncore.")
                            || name.equals("software.amazon.awssdk.utils.AttributeMap")) {
                        return true;
                    }
                    for (String allowed : ALLOWED_UTILS) {
                        if (name.equals(allowed) || (allowed.endsWith(".") && name.startsWith(allowed))) {
                            return false;
                        }
                    }
                    for (String p : ALLOWED_PACKAGES) {
                        if (name.startsWith(p + ".")) {
                            return false;
                        }
                    }
                    return true;
                }
            };

    @ArchTest
    static final ArchRule mainCode_always_onlyTheSdksPublicApi = noClasses()
            .should().dependOnClassesThat(SDK_NON_PUBLIC_API)
            .because("SDK-internal classes carry no compatibility promise: an application's SDK version in the declared"
                    + " range must work (docs/COMPATIBILITY.md)");

    @ArchTest
    static final ArchRule mainCode_always_onlySlf4jApiSharedBy17And2x = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("org.slf4j.spi..", "org.slf4j.event..")
            .because("applications may bind SLF4J 1.7 (the SDK's slf4j-api line): the 2.x fluent API would fail there");
}
