package io.getport.ocean.aws.credentials.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every setting the broker reads is documented in the README, with its variable, property and builder method. */
class ReadmeSettingsTest {

    @Test
    void readme_everySetting_hasARowWithVariablePropertyAndBuilderMethod() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        for (Setting setting : Setting.values()) {
            String row = text.lines()
                    .filter(l -> l.startsWith("| ") && l.contains("| `" + setting.environmentVariable() + "` |"))
                    .findFirst().orElse("");
            assertThat(row).as("README row for %s", setting.environmentVariable())
                    .contains("`" + setting.systemProperty() + "`")
                    .contains("`" + setting.builderMethod() + "`");
        }
    }
}
