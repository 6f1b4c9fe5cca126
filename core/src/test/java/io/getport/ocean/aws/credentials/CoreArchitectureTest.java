package io.getport.ocean.aws.credentials;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import io.getport.ocean.aws.credentials.spi.SdkApiRules;

/** Core's main code uses only the SDK's public API and the SLF4J API shared by 1.7 and 2.x. */
@AnalyzeClasses(packages = "io.getport.ocean.aws.credentials",
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class CoreArchitectureTest {

    @ArchTest
    static final ArchTests sdkApi = ArchTests.in(SdkApiRules.class);
}
