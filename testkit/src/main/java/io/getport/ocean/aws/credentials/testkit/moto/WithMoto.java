package io.getport.ocean.aws.credentials.testkit.moto;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Runs the annotated test class (or method) with {@link MotoExtension}: a {@link MotoServer} parameter is injected
 * wherever one is declared (test methods, lifecycle methods, constructors).
 *
 * <pre>{@code
 * @WithMoto
 * class ReadRoleIT {
 *     @Test
 *     void assume_readRole_listsBucket(MotoServer moto) {
 *         SeedArchitecture seed = SeedArchitecture.provision(moto);
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The server is shared by the whole JVM, so each test class provisions what it needs (see
 * {@link SeedArchitecture#provision(MotoServer)}, which resets it first). When JUnit runs tests in parallel, classes
 * using moto still run one at a time: they share the resource lock {@value MotoExtension#RESOURCE_LOCK}.
 *
 * <p>Without moto_server the tests are skipped, or fail when the system property {@code moto.required} is
 * {@code true} (as in CI).
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MotoExtension.class)
@ResourceLock(MotoExtension.RESOURCE_LOCK)
public @interface WithMoto {
}
