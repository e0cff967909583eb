package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.harness.TestDatabase.call;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller restricted to libraries holding 1% of the chunks must get the same top-k as exact search over those
 * libraries; a global top-k that is filtered afterwards would lose almost all of them.
 */
class ScopedTopKTest {
    static final int DIMENSION = 384;
    static final int K = 10;
    static final List<String> QUERIES = List.of(
            "database recovery after a crash",
            "growing vegetables in summer",
            "history of the roman empire",
            "how to tune a guitar",
            "interest rates and inflation");
    static String small;
    static List<String> big = new ArrayList<>();
    /** Query vectors for the HNSW path, from the clusters the large libraries' chunks are drawn from. */
    static List<List<Double>> vectorQueries = new ArrayList<>();

    @BeforeAll
    static void load() {
        Random random = new Random(42);
        small = TestDatabase.library(TestDatabase.unique("scope-small"), "technical");
        bulk(small, 100, () -> gaussian(random), "small");
        // Clustered, as embeddings are: the HNSW path's recall on random Gaussian vectors (its worst case, which no
        // embedder produces) varied with the index's segment merges, 0.66 to 1.0 (FilteredHnswRecallTest measures
        // the path's recall at each scope size on a database of its own).
        ClusteredVectors clustered = new ClusteredVectors(11, 50);
        for (int i = 0; i < 4; i++) {
            String lib = TestDatabase.library(TestDatabase.unique("scope-big"), "technical");
            big.add(lib);
            for (int item = 0; item < 5; item++) {
                bulk(lib, 495, clustered::next, "big" + i + "-" + item);
            }
        }
        for (int q = 0; q < QUERIES.size(); q++) {
            vectorQueries.add(clustered.next());
        }
    }

    static List<Double> gaussian(Random random) {
        List<Double> v = new ArrayList<>(DIMENSION);
        for (int d = 0; d < DIMENSION; d++) {
            v.add(random.nextGaussian());
        }
        return v;
    }

    static void bulk(String lib, int n, java.util.function.Supplier<List<Double>> vectors, String title) {
        List<Map<String, Object>> chunks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            chunks.add(Map.of("text", title + " chunk " + i, "embedding", vectors.get()));
        }
        call(
                "CALL mnemo.ingest.chunks($lib, $chunks, {title: $title}, {extract_concepts: false})",
                Map.of("lib", lib, "chunks", chunks, "title", title));
    }

    static List<String> mnemo(String query, List<String> libraries) {
        return call(
                        "CALL mnemo.search($q, {libraries: $libs, search_types: ['vector'], vector_top_k: $k, limit: $k})",
                        Map.of("q", query, "libs", libraries, "k", K))
                .stream()
                .map(r -> (String) r.get("chunk_uid"))
                .toList();
    }

    /** Vector searches that went through the index: filtered after it (5.26) or inside it (2026 and later). */
    static long indexPaths() {
        return TestDatabase.scopePaths("vector", "index") + TestDatabase.scopePaths("vector", "in_index");
    }

    static List<String> bruteForce(String query, List<String> libraries) {
        return call("""
                CALL mnemo.embed($q) YIELD embedding
                MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item {embedding_status: 'completed'})
                      -[:HAS_CHUNK]->(c:Chunk)
                WHERE l.uid IN $libs
                RETURN c.uid AS uid ORDER BY vector.similarity.cosine(c.embedding, embedding) DESC LIMIT $k""", Map.of("q", query, "libs", libraries, "k", K)).stream()
                .map(r -> (String) r.get("uid"))
                .toList();
    }

    static List<String> globalTopKThenFilter(String query, List<String> libraries) {
        return call("""
                CALL mnemo.embed($q) YIELD embedding
                CALL db.index.vector.queryNodes('mnemo_chunk_embedding', $k, embedding) YIELD node
                MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->()-[:HAS_CHUNK]->(node)
                WHERE l.uid IN $libs
                RETURN node.uid AS uid""", Map.of("q", query, "libs", libraries, "k", K)).stream()
                .map(r -> (String) r.get("uid"))
                .toList();
    }

    static double recall(List<String> found, List<String> truth) {
        Set<String> hits = new HashSet<>(found);
        hits.retainAll(truth);
        return hits.size() / (double) truth.size();
    }

    @Test
    void theRestrictedScopeGetsExactlyTheBruteForceTopK() {
        long total = (long)
                call("MATCH (c:Chunk) RETURN count(c) AS n", Map.of()).get(0).get("n");
        assertThat(100.0 / total).isLessThanOrEqualTo(0.011);
        double naive = 0;
        for (String query : QUERIES) {
            List<String> truth = bruteForce(query, List.of(small));
            assertThat(truth).hasSize(K);
            assertThat(mnemo(query, List.of(small))).as(query).containsExactlyElementsOf(truth);
            naive += recall(globalTopKThenFilter(query, List.of(small)), truth);
        }
        // The strategy this test guards against finds (almost) nothing.
        assertThat(naive / QUERIES.size()).isLessThan(0.5);
    }

    @Test
    void largeScopesGoThroughTheIndexAndAreReScoredExactly() throws IOException {
        // Force the HNSW path (no exact scoring by size) through mnemo.conf, re-read when the file changes. A scope
        // sparser than the index could serve (the small library) is still scored exactly.
        Path conf = Files.createTempFile("mnemo", ".conf");
        Files.writeString(conf, "mnemo.search.exact_threshold=0\n");
        String previous = System.getProperty("mnemo.config");
        System.setProperty("mnemo.config", conf.toString());
        try {
            double recall = 0;
            long indexed = indexPaths();
            for (List<Double> vector : vectorQueries) {
                recall += recall(
                        TestDatabase.vectorLeg(TestDatabase.db(), vector, big.subList(0, 2), K),
                        TestDatabase.exactNearest(TestDatabase.db(), vector, big.subList(0, 2), K));
            }
            assertThat(indexPaths()).as("searches through the vector index").isEqualTo(indexed + vectorQueries.size());
            for (String query : QUERIES) {
                assertThat(mnemo(query, List.of(small))).containsExactlyElementsOf(bruteForce(query, List.of(small)));
            }
            assertThat(recall / vectorQueries.size()).isGreaterThanOrEqualTo(0.9);
        } finally {
            if (previous == null) {
                System.clearProperty("mnemo.config");
            } else {
                System.setProperty("mnemo.config", previous);
            }
        }
    }
}
