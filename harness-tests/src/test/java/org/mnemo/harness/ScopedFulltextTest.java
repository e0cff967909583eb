package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.harness.TestDatabase.call;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The full-text leg filters by library inside Lucene: a small library's matches are found even when a large one
 * holds thousands of stronger ones, the order is Lucene's own, and a database from before library keys is migrated
 * by mnemo.schema.apply without changing a result.
 */
class ScopedFulltextTest {
    static final int K = 10;
    static final String QUERY = "turbine";
    static String small;
    static String big;

    @BeforeAll
    static void load() {
        big = TestDatabase.library(TestDatabase.unique("ft-big"), "technical");
        small = TestDatabase.library(TestDatabase.unique("ft-small"), "technical");
        // The big library's chunks say "turbine" more often (in shorter text), so they outrank every small one.
        List<Map<String, Object>> strong = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            strong.add(Map.of("text", "turbine turbine turbine blade " + i));
        }
        ingest(big, strong, "strong");
        List<Map<String, Object>> weak = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            weak.add(Map.of(
                    "text",
                    "a long note about maintenance " + "and inspection ".repeat(i + 1) + "of the turbine number " + i));
        }
        ingest(small, weak, "weak");
    }

    static void ingest(String library, List<Map<String, Object>> chunks, String title) {
        call(
                "CALL mnemo.ingest.chunks($lib, $chunks, {title: $title}, {extract_concepts: false})",
                Map.of("lib", library, "chunks", chunks, "title", title));
    }

    static List<String> mnemo(List<String> libraries) {
        return call(
                        "CALL mnemo.search($q, {libraries: $libs, search_types: ['fulltext'], fulltext_top_k: $k, "
                                + "limit: $k})",
                        Map.of("q", QUERY, "libs", libraries, "k", K))
                .stream()
                .map(r -> (String) r.get("chunk_uid"))
                .toList();
    }

    /** Every hit of the whole index, kept when it lies in one of the libraries, best first (ties by uid). */
    static List<String> bruteForce(List<String> libraries) {
        return call("""
                CALL db.index.fulltext.queryNodes('mnemo_chunk_text', 'text:(' + $q + ')') YIELD node, score
                MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->()-[:HAS_CHUNK]->(node)
                WHERE l.uid IN $libs
                RETURN node.uid AS uid ORDER BY score DESC, uid LIMIT $k""", Map.of("q", QUERY, "libs", libraries, "k", K)).stream()
                .map(r -> (String) r.get("uid"))
                .toList();
    }

    static List<String> indexProperties() {
        @SuppressWarnings("unchecked")
        List<String> properties = (List<String>) call(
                        "SHOW FULLTEXT INDEXES YIELD name, properties "
                                + "WHERE name = 'mnemo_chunk_text' RETURN properties",
                        Map.of())
                .get(0)
                .get("properties");
        return properties;
    }

    @Test
    void aSmallLibraryGetsItsOwnBestMatchesInLuceneOrder() {
        assertThat(indexProperties()).containsExactly("text", "library_key");
        assertThat(mnemo(List.of(small))).hasSize(K).isEqualTo(bruteForce(List.of(small)));
        // Both libraries: the big one's stronger matches win, as in the unscoped index.
        assertThat(call(
                                "CALL mnemo.search($q, {libraries: $libs, search_types: ['fulltext'], limit: $k}) "
                                        + "YIELD library_uid RETURN collect(DISTINCT library_uid) AS libraries",
                                Map.of("q", QUERY, "libs", List.of(small, big), "k", K))
                        .get(0))
                .containsEntry("libraries", List.of(big));
    }

    @Test
    void everyChunkCarriesItsLibrarysKey() {
        var keys = call("""
                MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->()-[:HAS_CHUNK]->(c:Chunk)
                WHERE l.uid IN [$small, $big]
                RETURN l.uid AS library, collect(DISTINCT c.library_key) AS keys""", Map.of("small", small, "big", big));
        assertThat(keys)
                .hasSize(2)
                .allSatisfy(row -> assertThat(row.get("keys"))
                        .isEqualTo(List.of("l" + ((String) row.get("library")).replace("-", ""))));
    }

    @Test
    void anOldDatabaseIsMigratedByApplyAndAnswersTheSame() {
        List<String> before = mnemo(List.of(small));
        // The index and chunks as a database from before library keys has them.
        call("DROP INDEX mnemo_chunk_text", Map.of());
        call(
                "CREATE FULLTEXT INDEX mnemo_chunk_text FOR (n:Chunk) ON EACH [n.text] "
                        + "OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}",
                Map.of());
        call("MATCH (c:Chunk) REMOVE c.library_key", Map.of());
        call("CALL db.awaitIndexes(300)", Map.of());
        assertThat(indexProperties()).containsExactly("text");
        // Until then the leg filters hit by hit, with the same answer.
        assertThat(mnemo(List.of(small))).isEqualTo(before);

        var actions = call(
                "CALL mnemo.schema.apply() YIELD name, action WHERE name = 'mnemo_chunk_text' " + "RETURN action",
                Map.of());
        assertThat((String) actions.get(0).get("action")).startsWith("rebuilt with library keys");
        assertThat(indexProperties()).containsExactly("text", "library_key");
        assertThat(call("MATCH (c:Chunk) WHERE c.library_key IS NULL RETURN count(c) AS n", Map.of())
                        .get(0))
                .containsEntry("n", 0L);
        assertThat(mnemo(List.of(small))).isEqualTo(before);
        // Applied again, nothing changes.
        assertThat(call(
                                "CALL mnemo.schema.apply() YIELD name, action WHERE name = 'mnemo_chunk_text' "
                                        + "RETURN action",
                                Map.of())
                        .get(0))
                .containsEntry("action", "exists");
    }
}
