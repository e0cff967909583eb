package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.harness.TestDatabase.call;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mnemo.metrics() on a real Neo4j: what ingest and the search legs record, with the real local embedder. */
@SuppressWarnings("unchecked")
class PluginMetricsTest {

    @Test
    void aSearchAndAnIngestShowInTheEmbedderAndPerLegSeries() {
        String library = TestDatabase.library(TestDatabase.unique("metrics"), "technical");
        String workspace = TestDatabase.unique("metrics-ws");
        call("CALL mnemo.workspace.upsert($id, {name: $id})", Map.of("id", workspace));
        Map<String, Double> before = counts();

        call(
                "CALL mnemo.ingest($lib, $text, {title: 'Lighthouses'})",
                Map.of(
                        "lib",
                        library,
                        "text",
                        "Lighthouse keepers trimmed the wicks of the lamps every night. Fresnel lenses focus the beam."));
        String secret = "fresnel-lighthouse-query-" + System.nanoTime();
        call(
                "CALL mnemo.search($q, {libraries: [$lib], search_types: ['vector', 'fulltext', 'graph']})",
                Map.of("q", secret, "lib", library));
        call(
                "CALL mnemo.memory.commit($ws, {content: 'The night shift trims the lamp wicks.'}, {actor: 'tester'})",
                Map.of("ws", workspace));
        call("CALL mnemo.memory.search($ws, 'lamp wicks', {})", Map.of("ws", workspace));

        List<Map<String, Object>> rows = call("CALL mnemo.metrics()", Map.of());
        Map<String, Double> after = counts();
        for (String leg : List.of("vector", "fulltext", "graph", "fusion")) {
            assertThat(after.get("documents/" + leg))
                    .as("documents leg " + leg)
                    .isGreaterThan(before.getOrDefault("documents/" + leg, 0.0));
        }
        for (String leg : List.of("vector", "fulltext", "fusion")) {
            assertThat(after.get("memories/" + leg))
                    .as("memories leg " + leg)
                    .isGreaterThan(before.getOrDefault("memories/" + leg, 0.0));
        }
        // The ingest's batch, the query's embedding and the memory's: at least three calls more, all ok.
        assertThat(after.get("calls/ok")).isGreaterThanOrEqualTo(before.getOrDefault("calls/ok", 0.0) + 3);
        assertThat(after.get("texts")).isGreaterThan(before.getOrDefault("texts", 0.0));

        assertThat(rows).allSatisfy(row -> {
            assertThat((String) row.get("name"))
                    .matches("mnemo_(embedder|search)_[a-z_]+")
                    .doesNotEndWith("_total");
            assertThat((String) row.get("type")).isIn("counter", "gauge", "histogram");
            assertThat((String) row.get("help")).hasSizeGreaterThan(20);
            assertThat(row.toString()).doesNotContain(secret);
        });
        Map<String, Object> breaker = rows.stream()
                .filter(r -> r.get("name").equals("mnemo_embedder_breaker_open"))
                .findFirst()
                .orElseThrow();
        assertThat((Map<String, Object>) breaker.get("labels")).containsEntry("provider", "local");
        assertThat(breaker.get("value")).isEqualTo(0.0);
        Map<String, Object> latency = rows.stream()
                .filter(r -> r.get("name").equals("mnemo_embedder_duration_seconds"))
                .findFirst()
                .orElseThrow();
        List<Long> cumulative = (List<Long>) latency.get("bucket_counts");
        assertThat(cumulative).hasSameSizeAs((List<?>) latency.get("buckets")).isSorted();
        assertThat(cumulative.get(cumulative.size() - 1)).isLessThanOrEqualTo((Long) latency.get("count"));
        assertThat((Double) latency.get("value")).isPositive();
    }

    /** Observations per search leg ("documents/vector"), embedder calls by outcome and texts embedded. */
    private static Map<String, Double> counts() {
        Map<String, Double> counts = new java.util.HashMap<>();
        for (Map<String, Object> row : call("CALL mnemo.metrics()", Map.of())) {
            Map<String, Object> labels = (Map<String, Object>) row.get("labels");
            switch ((String) row.get("name")) {
                case "mnemo_search_leg_duration_seconds" ->
                    counts.put(labels.get("target") + "/" + labels.get("leg"), ((Long) row.get("count")).doubleValue());
                case "mnemo_embedder_calls" ->
                    counts.merge("calls/" + labels.get("outcome"), (Double) row.get("value"), Double::sum);
                case "mnemo_embedder_texts" -> counts.merge("texts", (Double) row.get("value"), Double::sum);
                default -> {}
            }
        }
        return counts;
    }
}
