package io.getport.ocean.aws.credentials.ec2;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import io.getport.ocean.aws.credentials.spi.PlatformModuleRules;

/** The platform module is thin: core's SPI and public API only, one public entry type per source, no printing. */
@AnalyzeClasses(packages = "io.getport.ocean.aws.credentials.ec2", importOptions = ImportOption.DoNotIncludeTests.class)
class Ec2ArchitectureTest {

    @ArchTest
    static final ArchTests platformRules = ArchTests.in(PlatformModuleRules.class);
}
