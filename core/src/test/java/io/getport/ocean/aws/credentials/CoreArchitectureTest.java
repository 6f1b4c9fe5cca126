package io.getport.ocean.aws.credentials;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import com.tngtech.archunit.lang.ArchRule;
import io.getport.ocean.aws.credentials.spi.SdkApiRules;

/**
 * Core's main code uses only the SDK's public API and the SLF4J API shared by 1.7 and 2.x, and its layers do not
 * import each other in a circle: the broker knows nothing of the account lists and checks built on top of it.
 */
@AnalyzeClasses(packages = "io.getport.ocean.aws.credentials",
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class CoreArchitectureTest {

    @ArchTest
    static final ArchTests sdkApi = ArchTests.in(SdkApiRules.class);

    @ArchTest
    static final ArchRule brokerAndInternals_neverDependOnAccounts = noClasses()
            .that().resideInAnyPackage("io.getport.ocean.aws.credentials", "io.getport.ocean.aws.credentials.internal..",
                    "io.getport.ocean.aws.credentials.spi..")
            .should().dependOnClassesThat().resideInAPackage("io.getport.ocean.aws.credentials.accounts..")
            .because("accounts (lists, filters, access checks, the Organizations hook) builds on the broker; the"
                    + " other direction would bring back the import cycle of issue 15");
}
