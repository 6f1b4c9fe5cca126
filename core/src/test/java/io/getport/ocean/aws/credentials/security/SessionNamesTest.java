package io.getport.ocean.aws.credentials.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import io.getport.ocean.aws.credentials.internal.Settings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The default session name {@code port-ocean-<host>}: where the host comes from, and sanitising. */
class SessionNamesTest {

    /** Variables from {@code env}, and {@code /etc/hostname} with {@code etcHostname} (absent when null). */
    private static RuntimeEnvironment environment(Map<String, String> env, String etcHostname) {
        RuntimeEnvironment base = RuntimeEnvironment.of(env, Map.of());
        return new RuntimeEnvironment() {
            @Override
            public Optional<String> environmentVariable(String name) {
                return base.environmentVariable(name);
            }

            @Override
            public Optional<String> systemProperty(String name) {
                return base.systemProperty(name);
            }

            @Override
            public boolean isReadableFile(Path path) {
                return path.equals(Path.of("/etc/hostname")) && etcHostname != null;
            }

            @Override
            public String readFile(Path path) {
                if (!isReadableFile(path)) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("no such file " + path));
                }
                return etcHostname;
            }
        };
    }

    private static String sessionName(Map<String, String> env, String etcHostname) {
        Settings.Draft d = new Settings.Draft();
        d.environment = environment(env, etcHostname);
        return Settings.resolve(d).sessionName;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ocean-7f9c|ignored|port-ocean-ocean-7f9c",
            "ip-10-0-1-23.ec2.internal|ignored|port-ocean-ip-10-0-1-23.ec2.internal",
            "pod/with spaces:and#marks|ignored|port-ocean-pod-with-spaces-and-marks",
            "ünïcödé|ignored|port-ocean--n-c-d-"})
    void defaultSessionName_hostnameVariable_isUsedSanitised(String hostname, String etc, String expected) {
        assertThat(sessionName(Map.of("HOSTNAME", hostname), etc)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "worker-3\\n|port-ocean-worker-3",
            "  node-a  \\nsecond line|port-ocean-node-a"})
    void defaultSessionName_noVariable_readsEtcHostname(String etc, String expected) {
        assertThat(sessionName(Map.of(), etc.replace("\\n", "\n"))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {"NULL", "'   '"})
    void defaultSessionName_noHostAnywhere_isPortOceanHost(String etc) {
        assertThat(sessionName(Map.of(), etc)).isEqualTo("port-ocean-host");
    }

    @ParameterizedTest
    @CsvSource({"COMPUTERNAME,WIN-OCEAN01,port-ocean-WIN-OCEAN01"})
    void defaultSessionName_windowsVariable_isUsed(String variable, String value, String expected) {
        assertThat(sessionName(Map.of(variable, value), "etc-host")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"70", "200"})
    void defaultSessionName_longHost_cutTo64(int length) {
        String name = sessionName(Map.of("HOSTNAME", "h".repeat(length)), null);
        assertThat(name).hasSize(64).startsWith("port-ocean-hhh").matches("[\\w+=,.@-]{2,64}");
    }
}
