package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnemo.gateway.rest.TestGateway;

/** ./mnemo ingest --exclude GLOB: what it leaves out, as a rule and end to end through the ingest jobs. */
class IngestExcludeTest {
    @TempDir
    Path dir;

    private Path tree() throws Exception {
        Path notes = dir.resolve("notes");
        for (String file : List.of(
                "guide.md",
                "todo.txt",
                "drafts/idea.md",
                "drafts/deep/old.md",
                "node_modules/pkg/readme.md",
                "sub/node_modules/x.md",
                "sub/keep.md",
                ".hidden/secret.md")) {
            Path path = notes.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, "# " + file + "\n\nSome text about " + file + " for the index.\n");
        }
        return notes;
    }

    private List<String> kept(Path root, String... globs) throws Exception {
        return new Exclusions(List.of(globs))
                .supportedFiles(root).stream()
                        .map(f -> root.relativize(f).toString())
                        .toList();
    }

    @Test
    void aGlobMatchesThePathBelowTheFolderOrAnyOneName() throws Exception {
        Path notes = tree();
        assertThat(kept(notes)).hasSize(8);
        assertThat(kept(notes, "drafts/**"))
                .doesNotContain("drafts/idea.md", "drafts/deep/old.md")
                .hasSize(6);
        assertThat(kept(notes, "node_modules"))
                .doesNotContain("node_modules/pkg/readme.md", "sub/node_modules/x.md")
                .hasSize(6);
        assertThat(kept(notes, "*.txt", ".*"))
                .doesNotContain("todo.txt", ".hidden/secret.md")
                .hasSize(6);
        assertThat(kept(notes, "**/*.md")).containsExactly("guide.md", "todo.txt");
        assertThat(kept(notes, "drafts", "node_modules", "*.txt", ".*")).containsExactly("guide.md", "sub/keep.md");
        // A file given by itself is matched by its name.
        assertThat(new Exclusions(List.of("*.md")).supportedFiles(notes.resolve("guide.md")))
                .isEmpty();
        assertThatThrownBy(() -> new Exclusions(List.of(" "))).hasMessageContaining("--exclude");
    }

    @Test
    void ingestLeavesOutWhatIsExcludedAndSaysSo() throws Exception {
        TestGateway gw = TestGateway.get();
        Path notes = tree();
        String library = "exclude-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "MNEMO_NEO4J_URI",
                gw.neo4j.boltUri(),
                "MNEMO_NEO4J_PASSWORD",
                TestGateway.PASSWORD,
                "MNEMO_DATA",
                dir.resolve("data").toString(),
                "MNEMO_CLI_RECONNECT_SECONDS",
                "5"));
        // The server's upload spool, as ./mnemo ingest and ./mnemo serve share one data directory.
        env.put("MNEMO_UPLOAD_SPOOL", TestGateway.UPLOAD_SPOOL.toString());
        CliProcess.Run run = CliProcess.run(
                env,
                null,
                "ingest",
                notes.toString(),
                "--library",
                library,
                "--exclude",
                "drafts",
                "--exclude",
                "node_modules",
                "--exclude",
                "*.txt",
                "--exclude",
                ".*");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("Excluded 5 file(s) or folder(s) matching [drafts, node_modules, *.txt, .*]");
        Matcher uid = Pattern.compile("Library " + library + " \\(([^)]+)\\): \\{created=2}")
                .matcher(run.out());
        assertThat(uid.find()).as(run.out()).isTrue();
        JsonNode items = gw.get("/library/api/items/?library_uid=" + uid.group(1), TestGateway.ADMIN_TOKEN)
                .json();
        assertThat(items.path("results").findValuesAsText("title")).containsExactlyInAnyOrder("guide.md", "keep.md");

        CliProcess.Run nothing =
                CliProcess.run(env, null, "ingest", notes.toString(), "--library", library, "--exclude", "*");
        assertThat(nothing.exit()).isEqualTo(1);
        assertThat(nothing.err()).contains("that --exclude [*] leaves");
    }
}
