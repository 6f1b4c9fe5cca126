package io.getport.ocean.aws.credentials.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SdkVersionCheckTest {

    @Test
    void require_belowRange_failsNamingMinimumFoundAndFix() {
        assertThatThrownBy(() -> SdkVersionCheck.require("2.25.70"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AWS SDK for Java v2 >= " + SdkVersionCheck.MINIMUM + " required, found 2.25.70")
                .hasMessageContaining("software.amazon.awssdk:bom")
                .hasMessageContaining("docs/COMPATIBILITY.md");
        assertThatThrownBy(() -> SdkVersionCheck.require("2.36.1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SdkVersionCheck.require("1.99.99")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void require_inRangeOrUnreadable_passes() {
        assertThatCode(() -> SdkVersionCheck.require(SdkVersionCheck.MINIMUM)).doesNotThrowAnyException();
        assertThatCode(() -> SdkVersionCheck.require("2.57.8")).doesNotThrowAnyException();
        assertThatCode(() -> SdkVersionCheck.require("2.100.0-SNAPSHOT")).doesNotThrowAnyException();
        assertThatCode(() -> SdkVersionCheck.require("3.0.0")).doesNotThrowAnyException();
        assertThatCode(() -> SdkVersionCheck.require("unknown")).doesNotThrowAnyException();
        assertThatCode(() -> SdkVersionCheck.require(null)).doesNotThrowAnyException();
    }

    @Test
    void require_theSdkOnThisClassPath_passes() {
        assertThatCode(SdkVersionCheck::require).doesNotThrowAnyException();
    }
}
