package io.getport.ocean.aws.credentials.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README is a landing page (small, with the two commands and a link to every document), and every relative link
 * of the README, SECURITY.md and {@code docs/} leads to a file that exists and, when it names a heading, to a heading
 * of that file.
 */
class DocsLinksTest {
    /** "At most about 15 KB" (issue 15). */
    private static final long README_MAX_BYTES = 15 * 1024;
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);

    @Test
    void readme_isALandingPage_withTheTwoCommands() throws IOException {
        Path readme = Repository.file("README.md");
        assertThat(Files.size(readme)).as("README.md size in bytes").isLessThanOrEqualTo(README_MAX_BYTES);
        String text = Repository.read("README.md");
        // The test command that .ci/run runs and documents; the example's run command (examples/pom.xml builds it).
        assertThat(text).contains("```bash\nmvn -B verify\n```")
                .contains("```bash\nmvn -B -q -DskipTests package && java -jar examples/target/ocean-aws-demo.jar\n```");
    }

    @Test
    void readme_linksEveryDocument() throws IOException {
        String text = Repository.read("README.md");
        List<String> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Repository.file("docs"))) {
            files.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .forEach(p -> docs.add("docs/" + p.getFileName()));
        }
        assertThat(docs).contains("docs/SETTINGS.md", "docs/TROUBLESHOOTING.md", "docs/RUNTIMES.md");
        for (String doc : docs) {
            assertThat(text).as("README links %s", doc).contains("](" + doc + ")");
        }
        assertThat(text).contains("](SECURITY.md)", "](LICENSE)");
    }

    @Test
    void relativeLinks_leadToExistingFilesAndHeadings() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Repository.file("README.md"), Repository.file("SECURITY.md")));
        try (Stream<Path> files = Files.list(Repository.file("docs"))) {
            files.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        int checked = 0;
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = LINK.matcher(withoutCodeBlocks(read(page)));
            while (m.find()) {
                String link = m.group(1);
                if (link.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                checked++;
                int hash = link.indexOf('#');
                String file = hash < 0 ? link : link.substring(0, hash);
                Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = Repository.root().relativize(page) + ": " + link;
                if (!Files.exists(target)) {
                    broken.add(where + " (no such file)");
                    continue;
                }
                if (hash >= 0 && Files.isRegularFile(target) && target.toString().endsWith(".md")
                        && !anchors(read(target)).contains(link.substring(hash + 1))) {
                    broken.add(where + " (no such heading)");
                }
            }
        }
        assertThat(broken).as("broken relative links").isEmpty();
        assertThat(checked).isGreaterThan(50);
    }

    /** GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, spaces as '-'. */
    static Set<String> anchors(String markdown) {
        Set<String> out = new HashSet<>();
        Matcher m = HEADING.matcher(withoutCodeBlocks(markdown));
        while (m.find()) {
            String slug = m.group(1).trim().toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-');
            out.add(slug);
        }
        return out;
    }

    private static String withoutCodeBlocks(String markdown) {
        return markdown.replaceAll("(?s)```.*?```", "");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
