package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Cypher block of docs/cypher.md (Mnemosyne's example queries, rewritten for Mnemo's names) runs, in order,
 * against a real Neo4j with the plugin, and finds something: a renamed index or property fails the build.
 */
class CypherDocTest {
    private static final Pattern BLOCK = Pattern.compile("```cypher\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyQueryOfTheAnalystGuideRunsAndFindsRows() throws IOException {
        String doc = Files.readString(Path.of("../docs/cypher.md"));
        List<String> queries = new ArrayList<>();
        Matcher m = BLOCK.matcher(doc);
        while (m.find()) {
            queries.add(m.group(1).strip());
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
        TestDatabase.call(
                "MATCH (l:Library {name: 'analyst-runbooks'}) CALL mnemo.library.delete(l.uid) YIELD "
                        + "libraries RETURN libraries",
                Map.of());
        for (String query : queries) {
            List<Map<String, Object>> rows = TestDatabase.call(query, Map.of());
            assertThat(rows).as(query).isNotEmpty();
        }
        List<Map<String, Object>> vector = TestDatabase.call(queries.get(2), Map.of());
        assertThat(vector).extracting(r -> r.get("title")).contains("Backups");
        List<Map<String, Object>> keyword = TestDatabase.call(queries.get(3), Map.of());
        assertThat(keyword).extracting(r -> r.get("title")).contains("Backups");
    }
}
