package io.getport.ocean.aws.credentials.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.getport.ocean.aws.credentials.ReadRoleBroker;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Micrometer is an optional dependency: only the micrometer package may use it, and core works without it. */
class MicrometerOptionalTest {

    @Test
    void corePackages_outsideMicrometerPackage_doNotReferenceMicrometer() throws Exception {
        Path classes = mainClasses();
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
                if (name.startsWith("io/getport/ocean/aws/credentials/micrometer/")) {
                    continue;
                }
                checked++;
                // Every class a class file refers to is named in its constant pool as io/micrometer/...
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (bytes.contains("io/micrometer/")) {
                    offenders.add(name);
                }
            }
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(offenders).as("classes outside the micrometer package that refer to Micrometer").isEmpty();
    }

    private static Path mainClasses() throws java.net.URISyntaxException {
        return Path.of(ReadRoleBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void coreClasses_withoutMicrometerOnClassPath_loadAndBuildWorkingBroker() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("micrometer-") || name.startsWith("HdrHistogram") || name.startsWith("LatencyUtils")) {
                continue;
            }
            urls.add(Path.of(entry).toUri().toURL());
        }
        Path classes = mainClasses();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
                    .isInstanceOf(ClassNotFoundException.class);

            List<String> names;
            try (Stream<Path> files = Files.walk(classes)) {
                names = files.map(p -> classes.relativize(p).toString().replace(File.separatorChar, '/'))
                        .filter(p -> p.startsWith("io/getport/ocean/aws/credentials/") && p.endsWith(".class"))
                        .filter(p -> !p.contains("/micrometer/"))
                        .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
                        .collect(Collectors.toList());
            }
            assertThat(names).contains("io.getport.ocean.aws.credentials.ReadRoleBroker",
                    "io.getport.ocean.aws.credentials.internal.Events");
            for (String name : names) {
                assertThat(Class.forName(name, true, loader).getClassLoader()).as(name).isSameAs(loader);
            }

            Object env = loader.loadClass("io.getport.ocean.aws.credentials.RuntimeEnvironment")
                    .getMethod("of", Map.class, Map.class).invoke(null, Map.of(), Map.of());
            Object keys = loader.loadClass("software.amazon.awssdk.auth.credentials.AwsBasicCredentials")
                    .getMethod("create", String.class, String.class)
                    .invoke(null, "AKIAIOSFODNN7EXAMPLE", "not-a-real-secret");
            Class<?> staticProvider =
                    loader.loadClass("software.amazon.awssdk.auth.credentials.StaticCredentialsProvider");
            Object provider = staticProvider.getMethod("create",
                    loader.loadClass("software.amazon.awssdk.auth.credentials.AwsCredentials")).invoke(null, keys);
            Class<?> regionType = loader.loadClass("software.amazon.awssdk.regions.Region");
            Object region = regionType.getMethod("of", String.class).invoke(null, "us-east-1");
            Class<?> brokerType = loader.loadClass("io.getport.ocean.aws.credentials.ReadRoleBroker");
            Object builder = brokerType.getMethod("builder").invoke(null);
            Class<?> builderType = builder.getClass();
            builderType.getMethod("environment", loader.loadClass("io.getport.ocean.aws.credentials.RuntimeEnvironment"))
                    .invoke(builder, env);
            Class<?> identityType = loader.loadClass("io.getport.ocean.aws.credentials.IdentityConfiguration");
            Object identityBuilder = identityType.getMethod("builder").invoke(null);
            identityBuilder.getClass().getMethod("baseCredentials",
                    loader.loadClass("software.amazon.awssdk.auth.credentials.AwsCredentialsProvider"))
                    .invoke(identityBuilder, provider);
            Object identity = identityBuilder.getClass().getMethod("build").invoke(identityBuilder);
            builderType.getMethod("identity", identityType).invoke(builder, identity);
            builderType.getMethod("region", regionType).invoke(builder, region);
            Object broker = builderType.getMethod("build").invoke(builder);
            try {
                Object session = brokerType.getMethod("forAccount", String.class).invoke(broker, "222222222222");
                assertThat(session.getClass().getMethod("roleArn").invoke(session))
                        .isEqualTo("arn:aws:iam::222222222222:role/PortOceanReadRole");
                Object health = brokerType.getMethod("health").invoke(broker);
                assertThat(health.getClass().getMethod("cachedAccounts").invoke(health)).isEqualTo(1L);
            } finally {
                brokerType.getMethod("close").invoke(broker);
            }
        }
    }
}
