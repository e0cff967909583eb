package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.harness.Neo4j;

/**
 * Scopes of 5, 10 and 25 % of the chunks take the vector leg's HNSW path at the default settings (on Neo4j 5.26 the
 * index is asked for top_k x overfetch x the scope's inverse share and its hits filtered; on 2026 and later the index
 * filters by library itself; both re-scored exactly); its recall@10 against exact search over the same
 * libraries is measured and must hold, on {@link ClusteredVectors}. It has a database of its own: the path depends
 * on the scope's share of all chunks.
 */
class FilteredHnswRecallTest {
    static final int K = 10;
    static final int LIBRARIES = 20;
    static final int PER_LIBRARY = 2_000;
    static final int CLUSTERS = 100;
    static final int QUERIES = 20;
    static final List<String> libraries = new ArrayList<>();
    static final List<List<Double>> queries = new ArrayList<>();
    static Neo4j neo4j;

    static List<Map<String, Object>> call(String cypher, Map<String, Object> params) {
        return TestDatabase.call(neo4j.defaultDatabaseService(), cypher, params);
    }

    @BeforeAll
    static void load() {
        neo4j = TestDatabase.builder().build();
        call("CALL mnemo.schema.apply()", Map.of());
        ClusteredVectors vectors = new ClusteredVectors(7, CLUSTERS);
        for (int l = 0; l < LIBRARIES; l++) {
            String library = (String) call(
                            "CALL mnemo.library.create($name, 'technical') YIELD uid RETURN uid",
                            Map.of("name", "hnsw-" + l))
                    .get(0)
                    .get("uid");
            libraries.add(library);
            for (int batch = 0; batch < PER_LIBRARY / 500; batch++) {
                List<Map<String, Object>> chunks = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    chunks.add(Map.of("text", "chunk " + l + "-" + batch + "-" + i, "embedding", vectors.next()));
                }
                call(
                        "CALL mnemo.ingest.chunks($lib, $chunks, {title: $title}, {extract_concepts: false})",
                        Map.of("lib", library, "chunks", chunks, "title", "part " + batch));
            }
        }
        for (int q = 0; q < QUERIES; q++) {
            queries.add(vectors.next());
        }
    }

    @AfterAll
    static void close() {
        neo4j.close();
    }

    static List<String> mnemo(List<Double> vector, List<String> scope) {
        return TestDatabase.vectorLeg(neo4j.defaultDatabaseService(), vector, scope, K);
    }

    static List<String> exact(List<Double> vector, List<String> scope) {
        return TestDatabase.exactNearest(neo4j.defaultDatabaseService(), vector, scope, K);
    }

    static long pathCount(String path) {
        return TestDatabase.scopePaths("vector", path);
    }

    /** The index path this Neo4j takes: in-index filtering from 2026 on (the index carries the library key). */
    static String indexPath() {
        String version = (String) call("CALL dbms.components() YIELD versions RETURN versions[0] AS v", Map.of())
                .get(0)
                .get("v");
        @SuppressWarnings("unchecked")
        List<String> properties = (List<String>) call(
                        "SHOW VECTOR INDEXES YIELD name, properties "
                                + "WHERE name = 'mnemo_chunk_embedding' RETURN properties",
                        Map.of())
                .get(0)
                .get("properties");
        boolean calendarVersion = Integer.parseInt(version.substring(0, version.indexOf('.'))) >= 2026;
        assertThat(properties.contains("library_key"))
                .as("library key in the vector index on " + version)
                .isEqualTo(calendarVersion);
        return calendarVersion ? "in_index" : "index";
    }

    @Test
    void scopesOfFiveToTwentyFivePercentTakeTheIndexAndKeepTheirRecall() {
        Map<String, Double> recallByScope = new LinkedHashMap<>();
        String path = indexPath();
        for (int share : List.of(5, 10, 25)) {
            List<String> scope = libraries.subList(0, LIBRARIES * share / 100);
            long before = pathCount(path);
            double recall = 0;
            for (List<Double> query : queries) {
                Set<String> found = new HashSet<>(mnemo(query, scope));
                List<String> truth = exact(query, scope);
                assertThat(truth).hasSize(K);
                found.retainAll(truth);
                recall += found.size() / (double) K;
            }
            // Every one of these searches went through the HNSW index, not the exact scan.
            assertThat(pathCount(path) - before)
                    .as("%s path at %d%%", path, share)
                    .isEqualTo(QUERIES);
            recallByScope.put(share + "%", recall / QUERIES);
        }
        System.out.println("FilteredHnswRecallTest recall@10 by scope (" + path + "): " + recallByScope);
        assertThat(recallByScope.values())
                .allSatisfy(recall -> assertThat(recall).isGreaterThanOrEqualTo(0.98));
    }
}
