package io.getport.ocean.aws.credentials.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and careless arguments to the local demo (issue 14, "doctor and demo arguments"): every refused argument
 * exits 2 (the documented usage status, never 1) with a message that names the argument and the rule, never shows a
 * URL's password or a raw control character, lets no {@link Error} escape, and starts nothing (no moto_server, no
 * stand-in: no fallback to anything).
 */
class DemoArgumentsAdversarialTest {
    private static final String SECRET = "s3cret-Pa55";

    /** One input class: the arguments, and what the message must name. */
    record Case(String inputClass, List<String> args, String names) {
        @Override
        public String toString() {
            return inputClass;
        }
    }

    static Stream<Arguments> refused() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("unknown option", List.of("--token=" + SECRET), "unknown argument"));
        cases.add(new Case("unknown positional", List.of("ecs"), "unknown argument 'ecs'"));
        cases.add(new Case("runtime unknown", List.of("--runtime", "lambda"), "--runtime must be one of"));
        cases.add(new Case("runtime empty", List.of("--runtime="), "--runtime must be one of"));
        cases.add(new Case("runtime whitespace", List.of("--runtime", "  "), "--runtime must be one of"));
        cases.add(new Case("runtime control characters", List.of("--runtime", "ecs\n[INFO] forged line"),
                "--runtime must be one of"));
        cases.add(new Case("runtime oversized", List.of("--runtime", "e".repeat(100_000)), "--runtime must be one of"));
        cases.add(new Case("runtime non-ASCII", List.of("--runtime", "\u0435cs"), "--runtime must be one of"));
        cases.add(new Case("runtime missing value", List.of("--runtime"), "--runtime needs a value"));
        cases.add(new Case("endpoint missing value", List.of("--endpoint"), "--endpoint needs a value"));
        cases.add(new Case("endpoint password", List.of("--endpoint", "http://user:" + SECRET + "@127.0.0.1:5000"),
                "--endpoint must be http(s)://host[:port]"));
        cases.add(new Case("endpoint password, unparsable", List.of("--endpoint=http://user:" + SECRET + "@h st"),
                "--endpoint must be http(s)://host[:port]"));
        cases.add(new Case("endpoint port 0", List.of("--endpoint", "http://127.0.0.1:0"), "port 0 is not in 1-65535"));
        cases.add(new Case("endpoint port 99999", List.of("--endpoint", "http://127.0.0.1:99999"),
                "port 99999 is not in 1-65535"));
        cases.add(new Case("endpoint huge port", List.of("--endpoint", "http://127.0.0.1:99999999999999999999"),
                "--endpoint must be http(s)://host[:port]"));
        cases.add(new Case("endpoint path", List.of("--endpoint", "http://127.0.0.1:5000/moto"), "it has a path"));
        cases.add(new Case("endpoint query", List.of("--endpoint", "http://127.0.0.1:5000?a=b"), "query"));
        cases.add(new Case("endpoint file", List.of("--endpoint", "file:///etc/passwd"),
                "the scheme is not http or https"));
        cases.add(new Case("endpoint ftp", List.of("--endpoint", "ftp://x"), "the scheme is not http or https"));
        cases.add(new Case("endpoint empty", List.of("--endpoint="), "--endpoint must be http(s)://host[:port]"));
        cases.add(new Case("endpoint control characters", List.of("--endpoint", "http://127.0.0.1:5000\r\nX: y"),
                "--endpoint must be http(s)://host[:port]"));
        cases.add(new Case("endpoint oversized", List.of("--endpoint", "http://" + "h".repeat(100_000)),
                "--endpoint must be http(s)://host[:port]"));
        cases.add(new Case("endpoint non-ASCII digits in port", List.of("--endpoint", "http://127.0.0.1:\u0665\u0660"),
                "--endpoint must be http(s)://host[:port]"));
        cases.add(new Case("flag with a value", List.of("--verbose=" + SECRET), "--verbose takes no value"));
        cases.add(new Case("help with a value", List.of("--help=yes"), "--help takes no value"));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void run_refusedArgument_exitTwoNamingArgumentNoSecretNothingStarted(Case c) {
        AtomicBoolean motoAsked = new AtomicBoolean();
        LocalDemoTest.Result r = LocalDemoTest.demo(endpoint -> {
            motoAsked.set(true);
            throw new IllegalStateException("moto must not be needed");
        }, c.args().toArray(new String[0]));

        assertThat(r.status()).as(r.err()).isEqualTo(LocalDemo.USAGE);
        assertThat(r.err()).contains(c.names()).contains("usage: java -jar examples/target/ocean-aws-demo.jar")
                .doesNotContain(SECRET);
        assertThat(r.out()).doesNotContain(SECRET);
        assertThat(motoAsked).isFalse();
        assertThat(r.err().lines()).noneMatch(l -> l.startsWith("[INFO] forged") || l.startsWith("X: y"));
        assertThat(r.err().lines().findFirst().orElse("")).hasSizeLessThan(1_000);
    }
}
