package io.getport.ocean.aws.credentials.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Child processes for the *IT classes: the built {@code target/ocean-aws-endpoint.jar} run with
 * {@code <this JVM's java> -jar}, and the real AWS CLI. Every child gets a scrubbed environment (no real AWS settings,
 * IMDS disabled, moto through {@code AWS_ENDPOINT_URL}, a temporary {@code HOME} and config), plus what the test
 * adds; its stdout and stderr go to files in one directory per test class under {@code target/endpoint-jar-it/}.
 * Every wait is bounded; a child that overruns is killed and the test fails naming its output file.
 */
final class JarProcesses {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The longest any one child may run (the AWS CLI with a credential_process starts a JVM per profile). */
    static final long CHILD_LIMIT_SECONDS = 120;
    private static final Pattern SERVING = Pattern.compile(
            "Serving read role credentials on http://127\\.0\\.0\\.1:(\\d+)/");

    private final Path dir;
    private final Map<String, String> base;
    private int runs;

    /** Finished child: exit code, stdout and stderr. */
    record Result(int code, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    /** A started child with its output files. */
    record Started(Process process, Path out, Path err) {
        String stdout() throws IOException {
            return Files.readString(out);
        }

        String stderr() throws IOException {
            return Files.readString(err);
        }

        /**
         * Waits (at most {@link #CHILD_LIMIT_SECONDS}) until the {@code serve} child logs the port it listens on.
         *
         * @throws AssertionError if it exits first or does not log it in time (then it is killed)
         */
        int awaitServingPort() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_LIMIT_SECONDS);
            while (System.nanoTime() < deadline) {
                Matcher m = SERVING.matcher(stderr());
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
                if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("serve exited with " + process.exitValue() + " before serving; stderr:\n"
                            + stderr());
                }
            }
            kill();
            throw new AssertionError("serve did not log its port within " + CHILD_LIMIT_SECONDS + " s; see " + err);
        }

        /** Waits at most {@link #CHILD_LIMIT_SECONDS} for the exit and returns the code; kills it and fails if not. */
        int awaitExit(String what) throws InterruptedException {
            if (!process.waitFor(CHILD_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                kill();
                throw new AssertionError(what + " did not exit within " + CHILD_LIMIT_SECONDS + " s; see " + err);
            }
            return process.exitValue();
        }

        /** SIGKILL to the child and its descendants, bounded; for clean-up after a failure. */
        void kill() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * @param dir where the children's output files, HOME and config files go (created)
     * @param moto the moto_server endpoint every AWS client of the children is pointed at
     */
    JarProcesses(Path dir, String moto) throws IOException {
        this.dir = Files.createDirectories(dir);
        Map<String, String> env = new LinkedHashMap<>();
        for (String keep : List.of("PATH", "PYENV_ROOT", "PYENV_VERSION", "LANG", "LC_ALL", "TMPDIR")) {
            String v = System.getenv(keep);
            if (v != null) {
                env.put(keep, v);
            }
        }
        env.putIfAbsent("PYENV_ROOT", Paths.get(System.getProperty("user.home"), ".pyenv").toString());
        env.put("HOME", dir.toString());
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", moto);
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.put("AWS_PAGER", "");
        this.base = Map.copyOf(env);
    }

    /** The executable jar this build made; fails (never skips) when it is missing. */
    static Path jar() {
        String property = System.getProperty("endpoint.jar", "target/ocean-aws-endpoint.jar");
        Path jar = Paths.get(property).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package builds it before integration-test)").isRegularFile();
        return jar;
    }

    /** {@code <java of this JVM> -jar <the jar> args...}. */
    static List<String> javaJar(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code aws args...} (the AWS CLI on PATH). */
    static List<String> aws(String... args) {
        List<String> cmd = new ArrayList<>(List.of("aws"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    Path dir() {
        return dir;
    }

    /** Starts {@code command} with the scrubbed environment plus {@code extra}; stdin is empty. */
    Started start(String name, Map<String, String> extra, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(base);
        env.putAll(extra);
        String file = String.format("%02d-%s", ++runs, name);
        Path out = dir.resolve(file + ".out");
        Path err = dir.resolve(file + ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new Started(pb.start(), out, err);
    }

    /** Runs {@code command} to its end (at most {@link #CHILD_LIMIT_SECONDS}). */
    Result run(String name, Map<String, String> extra, List<String> command) throws IOException, InterruptedException {
        Started s = start(name, extra, command);
        int code = s.awaitExit(name);
        return new Result(code, s.stdout(), s.stderr());
    }
}
