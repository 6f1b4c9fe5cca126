package io.getport.ocean.aws.credentials.testkit.moto;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that provides a {@link MotoServer} as a test parameter; usually applied through {@link WithMoto}.
 *
 * <p>One server is started lazily per JVM and kept in the root {@link ExtensionContext.Store}; JUnit closes it when the
 * test plan ends (the server's shutdown hook covers an abrupt exit). It is shared, so tests must provision their own
 * state (for example with {@link SeedArchitecture#provision(MotoServer)}) rather than rely on what an earlier class left.
 *
 * <p>When moto_server is not found (see {@link MotoServer#available()}): if the system property {@value #REQUIRED_PROPERTY}
 * is {@code true} every test fails with an explanation, otherwise every test is skipped (aborted by an assumption) with
 * the same reason.
 *
 * <p>Reads the system properties {@value #REQUIRED_PROPERTY} (default {@code false}) and
 * {@value MotoServer#EXECUTABLE_PROPERTY}.
 */
public final class MotoExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    /** System property that turns a missing moto_server from a skip into a failure. */
    public static final String REQUIRED_PROPERTY = "moto.required";

    /** The {@link org.junit.jupiter.api.parallel.ResourceLock} key that {@link WithMoto} classes share. */
    public static final String RESOURCE_LOCK = "io.getport.ocean.aws.credentials.testkit.moto";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MotoExtension.class);

    /** Creates the extension; JUnit calls this. */
    public MotoExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        requireMoto();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        requireMoto();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == MotoServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    /**
     * The JVM-wide server, started on first use; for extensions or fields that cannot take a parameter.
     *
     * @throws org.opentest4j.TestAbortedException if moto_server is missing and not required
     * @throws ExtensionConfigurationException if moto_server is missing and {@value #REQUIRED_PROPERTY} is true
     */
    public static MotoServer server(ExtensionContext context) {
        requireMoto();
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(MotoServer.class, type -> MotoServer.start(), MotoServer.class);
    }

    private static void requireMoto() {
        if (MotoServer.available()) {
            return;
        }
        String reason = "moto_server not found on PATH";
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            throw new ExtensionConfigurationException(
                    reason + "; it is required because -D" + REQUIRED_PROPERTY + "=true");
        }
        Assumptions.abort(reason + "; skipping (set -D" + REQUIRED_PROPERTY + "=true to fail instead)");
    }
}
