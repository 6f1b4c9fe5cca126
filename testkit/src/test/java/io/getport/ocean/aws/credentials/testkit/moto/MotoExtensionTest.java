package io.getport.ocean.aws.credentials.testkit.moto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs a sample {@code @WithMoto} class in a nested JUnit engine with moto_server made unfindable. */
class MotoExtensionTest {

    private static final String SAMPLE_SWITCH = "testkit.motoExtensionSample";

    @Test
    void motoMissing_notRequired_skipsWithReason() {
        EngineExecutionResults results = runSampleWithoutMoto("false");

        results.testEvents().assertStatistics(stats -> stats.started(0).failed(0));
        Event aborted = results.containerEvents().aborted().list().get(0);
        assertThat(aborted.getPayload(TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage())
                .contains("moto_server not found on PATH")
                .contains("-Dmoto.required=true");
    }

    @Test
    void motoMissing_required_failsWithReason() {
        EngineExecutionResults results = runSampleWithoutMoto("true");

        results.testEvents().assertStatistics(stats -> stats.started(0).succeeded(0));
        Event failed = results.containerEvents().failed().list().get(0);
        assertThat(failed.getPayload(TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage())
                .isEqualTo("moto_server not found on PATH; it is required because -Dmoto.required=true");
    }

    private static EngineExecutionResults runSampleWithoutMoto(String required) {
        Map<String, String> saved = new HashMap<>();
        Map<String, String> overrides = Map.of(
                MotoServer.EXECUTABLE_PROPERTY, "/nonexistent/moto_server",
                MotoExtension.REQUIRED_PROPERTY, required,
                SAMPLE_SWITCH, "true");
        overrides.keySet().forEach(key -> saved.put(key, System.getProperty(key)));
        try {
            overrides.forEach(System::setProperty);
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(SampleMotoTests.class)).execute();
        } finally {
            saved.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }

    /** Only runs inside {@link #runSampleWithoutMoto(String)}. */
    @WithMoto
    @EnabledIfSystemProperty(named = SAMPLE_SWITCH, matches = "true")
    static class SampleMotoTests {
        @Test
        void usesMoto(MotoServer moto) {
            assertThat(moto.isRunning()).isTrue();
        }
    }
}
