package io.getport.ocean.aws.credentials.ec2;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The platform module is thin: core's SPI and public API only, one public entry type per source. */
@AnalyzeClasses(packages = "io.getport.ocean.aws.credentials.ec2", importOptions = ImportOption.DoNotIncludeTests.class)
class Ec2ArchitectureTest {

    @ArchTest
    static final ArchRule moduleCode_always_neverUsesCoreInternals = noClasses()
            .should().dependOnClassesThat().resideInAPackage("io.getport.ocean.aws.credentials.internal..");

    @ArchTest
    static final ArchRule publicTypes_always_onlyTheIdentitySources = classes()
            .that().arePublic().and().areTopLevelClasses()
            .should().haveSimpleNameEndingWith("IdentitySource")
            .andShould().beAssignableTo(io.getport.ocean.aws.credentials.spi.IdentitySource.class)
            .andShould().haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL);

    @ArchTest
    static final ArchRule moduleCode_always_neverPrints = noClasses()
            .should().accessField(System.class, "out").orShould().accessField(System.class, "err");
}
