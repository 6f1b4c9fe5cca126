package io.getport.ocean.aws.credentials.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The examples show the library as a user sees it: its public API, never {@code internal} or the SPI. */
class PublicApiOnlyTest {

    @Test
    void exampleSources_everyFile_importsNeitherInternalNorSpiPackages() throws IOException {
        Path sources = Repository.file("examples/src/main/java/io/getport/ocean/aws/credentials/examples");
        List<Path> files;
        try (Stream<Path> walk = Files.list(sources)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertThat(files).extracting(f -> f.getFileName().toString())
                .contains("EcsExample.java", "Ec2Example.java", "EksExample.java", "LocalDemo.java");
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(text).as(file.getFileName().toString())
                    .doesNotContain("io.getport.ocean.aws.credentials.internal")
                    .doesNotContain("io.getport.ocean.aws.credentials.spi")
                    .doesNotContain("io.getport.ocean.aws.credentials.ecs.")
                    .doesNotContain("io.getport.ocean.aws.credentials.ec2.")
                    .doesNotContain("io.getport.ocean.aws.credentials.eks.");
        }
    }
}
