package io.getport.ocean.aws.credentials.internal;

import software.amazon.awssdk.core.util.VersionInfo;

/**
 * Fails fast, with a message that says what to change, when the AWS SDK for Java v2 on the class path is older than
 * the declared compatibility range (docs/COMPATIBILITY.md), instead of a {@code NoSuchMethodError} or
 * {@code NoClassDefFoundError} at the first credential resolution. Checked when a broker is built. Stateless.
 */
public final class SdkVersionCheck {
    /** The lowest SDK version the library is built and tested against (the {@code sdk-min} Maven profile). */
    public static final String MINIMUM = "2.36.2";

    private SdkVersionCheck() {
    }

    /** Checks the SDK version on the class path ({@code VersionInfo.SDK_VERSION} of {@code sdk-core}). */
    public static void require() {
        require(VersionInfo.SDK_VERSION);
    }

    /**
     * @throws IllegalStateException when {@code found} is a version below {@link #MINIMUM}; a version that cannot be
     *     read (a custom build) passes
     */
    static void require(String found) {
        int[] have = parse(found);
        int[] need = parse(MINIMUM);
        if (have == null) {
            return;
        }
        for (int i = 0; i < 3; i++) {
            if (have[i] != need[i]) {
                if (have[i] < need[i]) {
                    throw new IllegalStateException("AWS SDK for Java v2 >= " + MINIMUM + " required, found " + found
                            + " (software.amazon.awssdk:sdk-core on the class path). Import the SDK BOM"
                            + " (software.amazon.awssdk:bom) at " + MINIMUM + " or newer in the application's"
                            + " dependencyManagement; docs/COMPATIBILITY.md lists the supported range.");
                }
                return;
            }
        }
    }

    private static int[] parse(String version) {
        if (version == null) {
            return null;
        }
        String[] parts = version.trim().split("[.-]");
        if (parts.length < 3) {
            return null;
        }
        int[] out = new int[3];
        try {
            for (int i = 0; i < 3; i++) {
                out[i] = Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return out;
    }
}
