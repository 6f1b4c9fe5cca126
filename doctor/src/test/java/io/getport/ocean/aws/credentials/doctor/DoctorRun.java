package io.getport.ocean.aws.credentials.doctor;

import io.getport.ocean.aws.credentials.RuntimeEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** One in-process run of the doctor: its exit code and everything it printed. */
final class DoctorRun {
    /** Every run's output, for the leak tests. */
    static final List<String> ALL_OUTPUT = java.util.Collections.synchronizedList(new ArrayList<>());

    final int exitCode;
    final String out;
    final String err;

    private DoctorRun(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    static DoctorRun run(Map<String, String> env, String... args) {
        return run(env, Map.of(), args);
    }

    static DoctorRun run(Map<String, String> env, Map<String, String> properties, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Doctor.execute(args, RuntimeEnvironment.of(env, properties), o, e);
        }
        DoctorRun run = new DoctorRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        ALL_OUTPUT.add(run.out);
        ALL_OUTPUT.add(run.err);
        return run;
    }

    /** Standard output with every run of white space as one space: the text report wraps long lines. */
    String flat() {
        return out.replaceAll("\\s+", " ");
    }

    /** The output parsed with the AWS SDK's JSON parser (not the doctor's own). */
    JsonNode json() {
        return JsonNode.parser().parse(out);
    }

    /** An environment: the entries given in pairs, plus IMDS switched off so no test waits on 169.254.169.254. */
    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
}
