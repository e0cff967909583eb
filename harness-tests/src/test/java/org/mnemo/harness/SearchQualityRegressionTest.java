package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;

/**
 * Guards a property of retrieval, not a number: on a fixed set of 348 DBpedia entities and 14 judged queries
 * (resources/quality/dbpedia-mini), the default fused search ranks documents at least as well (nDCG@10) as its
 * best single leg, and grouping by item returns each document once. The full measurement is
 * {@code ./mnemo bench --suite quality} (docs/benchmarks/quality.md). It has a database of its own: full-text scores
 * depend on the whole index's statistics, so other tests' documents would change what is measured.
 */
class SearchQualityRegressionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SET = "/quality/dbpedia-mini/";
    private static Neo4j neo4j;

    @BeforeAll
    static void start() {
        neo4j = TestDatabase.builder().build();
        call("CALL mnemo.schema.apply()", Map.of());
    }

    @AfterAll
    static void stop() {
        neo4j.close();
    }

    private static List<Map<String, Object>> call(String cypher, Map<String, Object> params) {
        GraphDatabaseService db = neo4j.defaultDatabaseService();
        return TestDatabase.call(db, cypher, params);
    }

    private static List<String> lines(String file) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                SearchQualityRegressionTest.class.getResourceAsStream(SET + file), StandardCharsets.UTF_8))) {
            return in.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    @Test
    void fusionRanksDocumentsAtLeastAsWellAsItsBestLeg() throws IOException {
        String library =
                (String) call("CALL mnemo.library.create('quality', 'nonfiction') YIELD uid RETURN uid", Map.of())
                        .get(0)
                        .get("uid");
        List<Map<String, Object>> documents = new ArrayList<>();
        for (String line : lines("corpus.jsonl")) {
            JsonNode d = JSON.readTree(line);
            documents.add(Map.of(
                    "text",
                    d.path("title").asText() + "\n\n" + d.path("text").asText(),
                    "item",
                    Map.of(
                            "title",
                            d.path("title").asText(),
                            "source_ref",
                            d.path("_id").asText())));
        }
        for (int from = 0; from < documents.size(); from += 200) {
            call(
                    "CALL mnemo.ingest.batch($lib, $docs)",
                    Map.of("lib", library, "docs", documents.subList(from, Math.min(documents.size(), from + 200))));
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (String line : lines("queries.jsonl")) {
            JsonNode q = JSON.readTree(line);
            queries.put(q.path("_id").asText(), q.path("text").asText());
        }
        Map<String, Map<String, Integer>> qrels = new HashMap<>();
        for (String line : lines("qrels.tsv").subList(1, lines("qrels.tsv").size())) {
            String[] f = line.split("\t");
            qrels.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], Integer.parseInt(f[2]));
        }
        Map<String, Double> ndcg = new LinkedHashMap<>();
        for (List<String> legs : List.of(
                List.of("vector"), List.of("fulltext"), List.of("graph"), List.of("vector", "fulltext", "graph"))) {
            double sum = 0;
            for (Map.Entry<String, String> q : queries.entrySet()) {
                sum += ndcg10(documents(library, q.getValue(), legs, "chunk"), qrels.get(q.getKey()));
            }
            ndcg.put(String.join("+", legs), sum / queries.size());
        }
        System.out.println("dbpedia-mini nDCG@10: " + ndcg);
        double bestLeg = Math.max(ndcg.get("vector"), Math.max(ndcg.get("fulltext"), ndcg.get("graph")));
        assertThat(ndcg.get("vector+fulltext+graph"))
                .as("fused vs best leg " + ndcg)
                .isGreaterThanOrEqualTo(bestLeg);

        // Grouped by item: each document once, best first, its best chunk leading its evidence.
        String query = queries.values().iterator().next();
        List<Map<String, Object>> grouped = call(
                "CALL mnemo.search($q, {libraries: [$lib], group_by: 'item', " + "limit: 10})",
                Map.of("q", query, "lib", library));
        List<Object> items = grouped.stream().map(r -> r.get("item_uid")).toList();
        assertThat(items).doesNotHaveDuplicates().hasSize(10);
        assertThat(grouped.stream().map(r -> (Double) r.get("score")).toList())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(grouped)
                .allSatisfy(r -> assertThat((List<?>) r.get("evidence"))
                        .isNotEmpty()
                        .first()
                        .satisfies(e ->
                                assertThat(((Map<?, ?>) e).get("chunk_uid")).isEqualTo(r.get("chunk_uid"))));
    }

    /** Documents (source_ref) in the order of their first chunk in the results. */
    private static List<String> documents(String library, String query, List<String> legs, String groupBy) {
        LinkedHashSet<String> ranked = new LinkedHashSet<>();
        // A leg alone is asked 100 deep; the fused search runs with its defaults, as a user would call it.
        int depth = legs.size() == 1 ? 100 : 0;
        call("""
                CALL mnemo.search($q, CASE WHEN $depth > 0
                    THEN {libraries: [$lib], search_types: $legs, limit: 100, group_by: $group,
                          vector_top_k: $depth, fulltext_top_k: $depth, graph_top_k: $depth}
                    ELSE {libraries: [$lib], search_types: $legs, limit: 100, group_by: $group} END)
                YIELD item_uid
                MATCH (i:Item {uid: item_uid}) RETURN i.source_ref AS ref""", Map.of("q", query, "lib", library, "legs", legs, "group", groupBy, "depth", depth))
                .forEach(r -> ranked.add((String) r.get("ref")));
        return new ArrayList<>(ranked);
    }

    /** nDCG@10 as trec_eval's ndcg_cut.10: linear gains, log2(rank + 1) discount, ideal from all judgments. */
    private static double ndcg10(List<String> ranked, Map<String, Integer> gains) {
        double dcg = 0;
        for (int i = 0; i < Math.min(10, ranked.size()); i++) {
            dcg += gains.getOrDefault(ranked.get(i), 0) / (Math.log(i + 2) / Math.log(2));
        }
        List<Integer> ideal = gains.values().stream().sorted((a, b) -> b - a).toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(10, ideal.size()); i++) {
            idcg += ideal.get(i) / (Math.log(i + 2) / Math.log(2));
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }
}
