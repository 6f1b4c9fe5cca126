package io.getport.ocean.aws.credentials.organizations;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import io.getport.ocean.aws.credentials.spi.SdkApiRules;

/** The module uses only the SDK's public API (its Organizations client) and the SLF4J API shared by 1.7 and 2.x. */
@AnalyzeClasses(packages = "io.getport.ocean.aws.credentials.organizations",
        importOptions = ImportOption.DoNotIncludeTests.class)
class OrganizationsArchitectureTest {

    @ArchTest
    static final ArchTests sdkApi = ArchTests.in(SdkApiRules.class);
}
