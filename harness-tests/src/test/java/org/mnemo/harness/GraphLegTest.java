package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.harness.TestDatabase.call;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The graph leg walks concept mentions within a budget (mnemo.search.graph_walk_budget), heaviest concept first,
 * and scores the chunks it found exactly — so a frequent concept it did not walk still counts — and scans a scope
 * whose chunks carry fewer mentions than the walk would read. Both give the exact top k here.
 */
class GraphLegTest {
    static final int K = 10;
    /** Unique concept names, so the shared database's other concepts are never seeds. */
    static final String TAG =
            "g" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    static final String FREQUENT = TAG + "falcon";
    static final String MEDIUM = TAG + "kestrel";
    static final String RARE = TAG + "peregrine";
    static final String QUERY = FREQUENT + " " + MEDIUM + " " + RARE;
    static String big;
    static String small;

    @BeforeAll
    static void load() {
        big = TestDatabase.library(TestDatabase.unique("graph-big"), "technical");
        small = TestDatabase.library(TestDatabase.unique("graph-small"), "technical");
        // 300 chunks mention the frequent concept, the first 60 also the medium one, the first 10 the rare one:
        // the exact top 10 are those 10, scored by all three concepts.
        List<String> bigChunks = ingest(big, 300);
        List<String> smallChunks = ingest(small, 5);
        call("""
                CREATE (f:Concept {name: $f, name_key: $f}), (m:Concept {name: $m, name_key: $m}),
                       (r:Concept {name: $r, name_key: $r})
                CREATE (f)-[:RELATED_TO {weight: 60}]->(m), (m)-[:RELATED_TO {weight: 10}]->(r)
                WITH f, m, r
                UNWIND range(0, size($big) - 1) AS i
                MATCH (c:Chunk {uid: $big[i]})
                CREATE (c)-[:MENTIONS]->(f)
                FOREACH (_ IN CASE WHEN i < 60 THEN [1] ELSE [] END | CREATE (c)-[:MENTIONS]->(m))
                FOREACH (_ IN CASE WHEN i < 10 THEN [1] ELSE [] END | CREATE (c)-[:MENTIONS]->(r))""", Map.of("f", FREQUENT, "m", MEDIUM, "r", RARE, "big", bigChunks));
        call("""
                MATCH (r:Concept {name_key: $r}) UNWIND $small AS uid MATCH (c:Chunk {uid: uid})
                CREATE (c)-[:MENTIONS]->(r)""", Map.of("r", RARE, "small", smallChunks));
        call("CALL db.awaitIndexes(60)", Map.of());
    }

    static List<String> ingest(String library, int chunks) {
        List<Map<String, Object>> texts = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            texts.add(Map.of("text", "field note number " + i + " about birds of prey"));
        }
        call(
                "CALL mnemo.ingest.chunks($lib, $chunks, {title: 'birds'}, {extract_concepts: false})",
                Map.of("lib", library, "chunks", texts));
        return call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->()-[:HAS_CHUNK]->(c:Chunk)
                RETURN c.uid AS uid ORDER BY c.chunk_index""", Map.of("lib", library)).stream()
                .map(r -> (String) r.get("uid"))
                .toList();
    }

    /** The graph leg's rows: chunk uid and raw graph score. */
    static List<Map<String, Object>> graphLeg(String library) {
        return call("""
                CALL mnemo.search($q, {libraries: [$lib], search_types: ['graph'], graph_top_k: $k, limit: $k})
                YIELD chunk_uid, raw_scores RETURN chunk_uid, raw_scores.graph AS score""", Map.of("q", QUERY, "lib", library, "k", K)).stream()
                .map(r -> Map.of(
                        "uid", r.get("chunk_uid"), "score", Math.round(((Number) r.get("score")).doubleValue() * 1e9)))
                .toList();
    }

    static long pathCount(String path) {
        return TestDatabase.scopePaths("graph", path);
    }

    static <T> T withBudget(int budget, Supplier<T> search) throws IOException {
        Path conf = Files.createTempFile("mnemo", ".conf");
        Files.writeString(conf, "mnemo.search.graph_walk_budget=" + budget + "\n");
        String previous = System.getProperty("mnemo.config");
        System.setProperty("mnemo.config", conf.toString());
        try {
            return search.get();
        } finally {
            if (previous == null) {
                System.clearProperty("mnemo.config");
            } else {
                System.setProperty("mnemo.config", previous);
            }
            Files.delete(conf);
        }
    }

    @Test
    void aBudgetedWalkFindsTheExactTopKAndStillCountsTheConceptItLeftUnwalked() throws IOException {
        var exact = withBudget(1_000_000, () -> graphLeg(big));
        assertThat(exact).hasSize(K);
        long walks = pathCount("walk");
        // 100 mentions: the rare (10) and medium (60) concepts are walked, the frequent one (300) is not.
        var budgeted = withBudget(100, () -> graphLeg(big));
        assertThat(pathCount("walk")).isEqualTo(walks + 1);
        // Equal scores too: the frequent concept's weight is in them although the walk never reached its mentions.
        // (In any order: all ten score the same, and the fusion after the leg orders equal scores freely.)
        assertThat(budgeted).containsExactlyInAnyOrderElementsOf(exact);
    }

    @Test
    void aSmallScopeIsScannedAndOnlyItsChunksAreReturned() throws IOException {
        long scans = pathCount("scope_scan");
        var hits = withBudget(1_000_000, () -> graphLeg(small));
        assertThat(pathCount("scope_scan")).isEqualTo(scans + 1);
        assertThat(hits).hasSize(5);
        List<String> smallChunks = call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->()-[:HAS_CHUNK]->(c:Chunk)
                RETURN c.uid AS uid""", Map.of("lib", small)).stream()
                .map(r -> (String) r.get("uid"))
                .toList();
        assertThat(hits).extracting(h -> h.get("uid")).containsExactlyInAnyOrderElementsOf(smallChunks);
    }

    /** The concept leg runs when asked for: by default a search fuses the vector and full-text legs only. */
    @Test
    @SuppressWarnings("unchecked")
    void theConceptLegRunsOnlyWhenSearchTypesAsksForIt() {
        long walks = pathCount("walk") + pathCount("scope_scan");
        String sources = "YIELD sources, ranks RETURN sources, keys(ranks) AS legs";
        var plain = call(
                "CALL mnemo.search($q, {libraries: [$lib], limit: 10}) " + sources, Map.of("q", QUERY, "lib", big));
        assertThat(plain).isNotEmpty();
        assertThat(plain)
                .allSatisfy(r -> assertThat((List<Object>) r.get("legs")).doesNotContain("graph"));
        assertThat(pathCount("walk") + pathCount("scope_scan")).isEqualTo(walks);
        // Asked for, it runs (its path counted) and its hits carry a graph rank.
        var asked = call(
                "CALL mnemo.search($q, {libraries: [$lib], limit: 200, search_types: ['vector', 'fulltext', 'graph']}) "
                        + sources,
                Map.of("q", QUERY, "lib", big));
        assertThat(pathCount("walk") + pathCount("scope_scan")).isEqualTo(walks + 1);
        assertThat(asked)
                .anySatisfy(r -> assertThat((List<Object>) r.get("legs")).contains("graph"));
    }
}
