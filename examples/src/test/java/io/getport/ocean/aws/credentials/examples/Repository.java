package io.getport.ocean.aws.credentials.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository the tests check: {@code deploy/} and {@code docs/}. */
final class Repository {
    private Repository() {
    }

    /** The repository root: {@code -Docean.repository.root} (set by the module's pom), else the parent directory. */
    static Path root() {
        String configured = System.getProperty("ocean.repository.root");
        Path root = (configured == null ? Path.of("..") : Path.of(configured)).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("deploy"))) {
            throw new IllegalStateException("no deploy/ under " + root + " (set -Docean.repository.root)");
        }
        return root;
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(file(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CloudFormationTemplate template(String relative) {
        return CloudFormationTemplate.load(file(relative));
    }
}
