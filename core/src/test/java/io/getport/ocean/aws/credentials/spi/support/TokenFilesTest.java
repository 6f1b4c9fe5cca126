package io.getport.ocean.aws.credentials.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.getport.ocean.aws.credentials.ReadRoleException;
import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 6: token files are read with a size bound and a time bound, and never echoed. */
class TokenFilesTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    private static final String SETTING = "AWS_WEB_IDENTITY_TOKEN_FILE";

    @TempDir
    Path dir;

    private final RuntimeEnvironment env = RuntimeEnvironment.of(Map.of(), Map.of());

    private Throwable readFailure(Path file) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() -> TokenFiles.read(env, file,
                "the web identity token", SETTING, "Check the mount.")));
    }

    @Test
    void read_token_trimmed() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "  abc.def.ghi\n");

        assertThat(TokenFiles.read(env, file, "the web identity token", SETTING, "")).isEqualTo("abc.def.ghi");
    }

    @Test
    void read_devZero_refusedAsNotARegularFile() {
        Path zero = Path.of("/dev/zero");
        assertThat(Files.exists(zero)).as("/dev/zero exists on this machine").isTrue();

        Throwable thrown = readFailure(zero);

        assertThat(thrown).isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE=/dev/zero is not a regular file");
        assertThat(((ReadRoleException) thrown).errorCode()).contains("TokenFileNotRegular");
    }

    @Test
    void read_fifoWithoutWriter_refusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            throw new AssertionError("mkfifo is not available (the project's machines are Linux with it): "
                    + e.getMessage(), e);
        }
        assertThat(mkfifo.waitFor() == 0 && Files.exists(fifo)).as("mkfifo could not make a FIFO here").isTrue();

        Throwable thrown = readFailure(fifo);

        assertThat(thrown).isInstanceOf(ReadRoleException.class).hasMessageContaining("not a regular file");
    }

    @Test
    void read_largerThanTheBound_refusedWithoutTheContent() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "t".repeat(TokenFiles.MAX_TOKEN_BYTES + 1));

        Throwable thrown = readFailure(file);

        assertThat(thrown).isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("larger than 16384 bytes").hasMessageNotContaining("tttt");
        assertThat(((ReadRoleException) thrown).errorCode()).contains("TokenFileTooLarge");
    }

    @Test
    void read_environmentServesAHugeFile_refusedAfterReading() throws IOException {
        RuntimeEnvironment serving = new RuntimeEnvironment() {
            @Override
            public java.util.Optional<String> environmentVariable(String name) {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<String> systemProperty(String name) {
                return java.util.Optional.empty();
            }

            @Override
            public String readFile(Path path) {
                return "u".repeat(TokenFiles.MAX_TOKEN_BYTES + 1);
            }
        };

        Throwable thrown = catchThrowable(() -> TokenFiles.read(serving, dir.resolve("virtual"), "the token",
                SETTING, ""));

        assertThat(thrown).isInstanceOf(ReadRoleException.class).hasMessageContaining("larger than");
    }

    @Test
    void read_directory_refused() {
        assertThat(readFailure(dir)).isInstanceOf(ReadRoleException.class).hasMessageContaining("is a directory");
    }

    @Test
    void read_missing_unreadableNamingTheSettingAndTheAdvice() {
        Throwable thrown = readFailure(dir.resolve("missing"));

        assertThat(thrown).isInstanceOf(ReadRoleException.class)
                .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE=" + dir.resolve("missing"))
                .hasMessageContaining("NoSuchFileException").hasMessageContaining("Check the mount.");
    }

    @Test
    void read_empty_refused() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), " \n");

        assertThat(readFailure(file)).isInstanceOf(ReadRoleException.class).hasMessageContaining("is empty");
    }

    @Test
    void read_controlCharacterOrTwoLines_refusedWithoutTheContent() throws IOException {
        Path nul = Files.writeString(dir.resolve("nul"), "secret\u0000value");
        Path lines = Files.writeString(dir.resolve("lines"), "secret-one\nsecret-two");
        Path latin = Files.writeString(dir.resolve("latin"), "secr\u00e9t");

        assertThat(readFailure(nul)).hasMessageContaining("control or non-ASCII").hasMessageNotContaining("secret");
        assertThat(readFailure(lines)).hasMessageContaining("line break").hasMessageNotContaining("secret");
        assertThat(readFailure(latin)).hasMessageContaining("control or non-ASCII").hasMessageNotContaining("secr");
    }
}
