package io.getport.ocean.aws.credentials.spi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rules every platform module (ecs, ec2, eks) keeps: core's SPI and public API only, one public final entry type
 * per identity source, no printing. A module's architecture test includes them with
 * {@code @ArchTest static final ArchTests rules = ArchTests.in(PlatformModuleRules.class);}.
 */
public final class PlatformModuleRules {
    private PlatformModuleRules() {
    }

    @ArchTest
    static final ArchRule moduleCode_always_neverUsesCoreInternals = noClasses()
            .should().dependOnClassesThat().resideInAPackage("io.getport.ocean.aws.credentials.internal..");

    @ArchTest
    static final ArchRule publicTypes_always_onlyTheIdentitySources = classes()
            .that().arePublic().and().areTopLevelClasses()
            .should().haveSimpleNameEndingWith("IdentitySource")
            .andShould().beAssignableTo(IdentitySource.class)
            .andShould().haveModifier(JavaModifier.FINAL);

    /** The SDK's public API only, and the SLF4J API shared by 1.7 and 2.x ({@link SdkApiRules}). */
    @ArchTest
    static final ArchTests sdkPublicApiOnly = ArchTests.in(SdkApiRules.class);

    @ArchTest
    static final ArchRule moduleCode_always_neverPrints = noClasses()
            .should().accessField(System.class, "out").orShould().accessField(System.class, "err");
}
