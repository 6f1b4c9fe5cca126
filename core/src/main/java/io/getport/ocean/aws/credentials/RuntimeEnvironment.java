package io.getport.ocean.aws.credentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one seam through which the library reads its surroundings: environment variables, system properties and files.
 *
 * <p>Nothing in the library calls {@link System#getenv} or {@link System#getProperty} directly; it asks a
 * {@code RuntimeEnvironment}. Production code uses {@link #system()}; tests build one with {@link #of(Map, Map)} so
 * they never mutate the process environment.
 *
 * <p>Implementations must be thread safe. Blank values are treated as absent.
 */
public interface RuntimeEnvironment {

    /** Returns the environment variable {@code name}, or empty when it is unset or blank. */
    Optional<String> environmentVariable(String name);

    /** Returns the system property {@code name}, or empty when it is unset or blank. */
    Optional<String> systemProperty(String name);

    /**
     * Reads a whole file as UTF-8.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    default String readFile(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** Returns whether {@code path} names a readable regular file. */
    default boolean isReadableFile(Path path) {
        return Files.isRegularFile(path) && Files.isReadable(path);
    }

    /**
     * Returns a setting that has both a system property and an environment variable; the property wins.
     *
     * @param environmentVariable the environment variable, e.g. {@code OCEAN_AWS_READ_ROLE_NAME}
     * @param systemProperty the system property, e.g. {@code ocean.aws.readRoleName}
     */
    default Optional<String> setting(String environmentVariable, String systemProperty) {
        Optional<String> property = systemProperty(systemProperty);
        return property.isPresent() ? property : environmentVariable(environmentVariable);
    }

    /** The process environment and system properties of this JVM, read at call time. */
    static RuntimeEnvironment system() {
        return SystemRuntimeEnvironment.INSTANCE;
    }

    /**
     * A fixed environment for tests and embedding: the given variables and properties, and the real file system.
     *
     * @param environmentVariables environment variables by name (copied)
     * @param systemProperties system properties by name (copied)
     */
    static RuntimeEnvironment of(Map<String, String> environmentVariables, Map<String, String> systemProperties) {
        Map<String, String> env = Map.copyOf(Objects.requireNonNull(environmentVariables, "environmentVariables"));
        Map<String, String> props = Map.copyOf(Objects.requireNonNull(systemProperties, "systemProperties"));
        return new RuntimeEnvironment() {
            @Override
            public Optional<String> environmentVariable(String name) {
                return SystemRuntimeEnvironment.nonBlank(env.get(name));
            }

            @Override
            public Optional<String> systemProperty(String name) {
                return SystemRuntimeEnvironment.nonBlank(props.get(name));
            }

            @Override
            public String toString() {
                // Names only: values may be secrets.
                return "RuntimeEnvironment(variables=" + env.keySet() + ", properties=" + props.keySet() + ")";
            }
        };
    }
}

/** The process's own environment. */
final class SystemRuntimeEnvironment implements RuntimeEnvironment {
    static final SystemRuntimeEnvironment INSTANCE = new SystemRuntimeEnvironment();

    private SystemRuntimeEnvironment() {
    }

    @Override
    public Optional<String> environmentVariable(String name) {
        return nonBlank(System.getenv(name));
    }

    @Override
    public Optional<String> systemProperty(String name) {
        return nonBlank(System.getProperty(name));
    }

    static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    @Override
    public String toString() {
        return "RuntimeEnvironment.system()";
    }
}
