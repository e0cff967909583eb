package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnemo.harness.TestDatabase.call;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The search pipeline's parts: the analyzer, item-level fusion and grouping, and the model the vectors came from. */
class SearchPipelineTest {

    @Test
    void theFullTextLegMatchesStemmedForms() {
        String library = TestDatabase.library(TestDatabase.unique("stems"), "technical");
        call(
                "CALL mnemo.ingest($lib, 'The pumps were running hot after the bearings failed.', {title: 'Log'})",
                Map.of("lib", library));
        var hits = call(
                "CALL mnemo.search('pump run bearing', {libraries: [$lib], search_types: ['fulltext']})",
                Map.of("lib", library));
        assertThat(hits).hasSize(1);
        var analyzer = call(
                "SHOW FULLTEXT INDEXES YIELD name, options WHERE name = 'mnemo_chunk_text' "
                        + "RETURN options.indexConfig['fulltext.analyzer'] AS a",
                Map.of());
        assertThat(analyzer.get(0).get("a")).isEqualTo("english");
    }

    @Test
    void aShortMarkdownDocumentIsOneChunkTitleIncluded() {
        String library = TestDatabase.library(TestDatabase.unique("short"), "technical");
        var result = call(
                "CALL mnemo.ingest($lib, $text, {title: 'Pumps'})",
                Map.of(
                        "lib",
                        library,
                        "text",
                        "# Pumps\n\n## Priming\n\nFill the casing first.\n\n## Seals\n\nCheck them weekly."));
        assertThat(result.get(0).get("chunk_count")).isEqualTo(1L);
    }

    @Test
    void groupingByItemGivesEachItemOnceWithItsBestChunkFirst() {
        String library = TestDatabase.library(TestDatabase.unique("group"), "nonfiction");
        String longDoc = ("Kelp forests grow along cold rocky coasts. ".repeat(12) + "\n\n"
                        + "Sea otters eat urchins that graze on kelp. ".repeat(12) + "\n\n"
                        + "Storms tear kelp from the rocks every winter. ".repeat(12))
                .strip();
        call("CALL mnemo.ingest($lib, $text, {title: 'Kelp'})", Map.of("lib", library, "text", longDoc));
        call("CALL mnemo.ingest($lib, 'Kelp is a large brown alga.', {title: 'Alga'})", Map.of("lib", library));
        var chunks =
                call("CALL mnemo.search('kelp forests and sea otters', {libraries: [$lib]})", Map.of("lib", library));
        var grouped = call(
                "CALL mnemo.search('kelp forests and sea otters', {libraries: [$lib], group_by: 'item', "
                        + "evidence: 2})",
                Map.of("lib", library));
        assertThat(chunks.size()).isGreaterThan(grouped.size());
        assertThat(grouped.stream().map(r -> r.get("item_uid")).toList())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        chunks.stream().map(r -> r.get("item_uid")).distinct().toList());
        assertThat(grouped.stream().map(r -> (Double) r.get("score")).toList())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        Map<String, Object> kelp = grouped.stream()
                .filter(r -> "Kelp".equals(r.get("item_title")))
                .findFirst()
                .orElseThrow();
        List<?> evidence = (List<?>) kelp.get("evidence");
        assertThat(evidence).hasSize(2);
        assertThat(((Map<?, ?>) evidence.get(0)).get("chunk_uid")).isEqualTo(kelp.get("chunk_uid"));
        // Chunk rows rank passages by their own fused score; a leg alone returns exactly its own ranking, whatever
        // document each passage belongs to.
        assertThat(chunks.stream().map(r -> (Double) r.get("score")).toList())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        var vectorOnly = call(
                "CALL mnemo.search('sea otters eat urchins', {libraries: [$lib], " + "search_types: ['vector']})",
                Map.of("lib", library));
        assertThat(vectorOnly.stream()
                        .map(r -> (Double) ((Map<?, ?>) r.get("raw_scores")).get("vector"))
                        .toList())
                .hasSizeGreaterThan(2)
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThatThrownBy(() -> call(
                        "CALL mnemo.search('kelp', {libraries: [$lib], group_by: 'document'})", Map.of("lib", library)))
                .hasMessageContaining("group_by");
    }

    /**
     * A local HTTP server stands in for the remote rerank API (Cohere/Jina style answers, or TEI's bare array):
     * it scores a passage 1 when it mentions the word it is told to favour, else 0.
     */
    private static com.sun.net.httpserver.HttpServer rerankStandIn(
            String favoured, boolean teiShape, java.util.concurrent.atomic.AtomicInteger status)
            throws java.io.IOException {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        server.createContext("/rerank", exchange -> {
            var request = json.readTree(exchange.getRequestBody());
            var results = json.createArrayNode();
            for (int i = 0; i < request.path("documents").size(); i++) {
                boolean match =
                        request.path("documents").get(i).asText().toLowerCase().contains(favoured);
                results.add(json.createObjectNode()
                        .put("index", i)
                        .put(teiShape ? "score" : "relevance_score", match ? 1.0 : 0.0));
            }
            byte[] body = json.writeValueAsBytes(
                    teiShape ? results : json.createObjectNode().set("results", results));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void aConfiguredRerankerReordersTheTopRowsAndEveryRowSaysWhatHappened() throws Exception {
        String library = TestDatabase.library(TestDatabase.unique("rerank"), "nonfiction");
        call(
                "CALL mnemo.ingest($lib, 'Granite rock forms when magma cools slowly deep underground.', "
                        + "{title: 'Granite'})",
                Map.of("lib", library));
        call(
                "CALL mnemo.ingest($lib, 'Lava from a volcano makes basalt, a rock that cools fast.', "
                        + "{title: 'Basalt'})",
                Map.of("lib", library));
        String query = "how does granite rock form underground";
        Map<String, Object> params = Map.of("q", query, "lib", library);
        var fused = call("CALL mnemo.search($q, {libraries: [$lib]})", params);
        assertThat(fused.get(0).get("item_title")).isEqualTo("Granite");
        assertThat(fused.get(0).get("reranker")).isNull();
        var unconfigured = call("CALL mnemo.search($q, {libraries: [$lib], rerank: true})", params);
        assertThat((String) unconfigured.get(0).get("reranker")).startsWith("unavailable: no reranker is configured");

        var status = new java.util.concurrent.atomic.AtomicInteger(200);
        for (boolean tei : List.of(false, true)) {
            var server = rerankStandIn("volcano", tei, status);
            java.nio.file.Path conf = java.nio.file.Files.createTempFile("mnemo", ".conf");
            java.nio.file.Files.writeString(
                    conf,
                    "mnemo.rerank.provider=http\nmnemo.rerank.base_url=http://127.0.0.1:"
                            + server.getAddress().getPort() + "\nmnemo.rerank.max_retries=0\n");
            String previous = System.getProperty("mnemo.config");
            System.setProperty("mnemo.config", conf.toString());
            try {
                var reranked = call("CALL mnemo.search($q, {libraries: [$lib], rerank: true})", params);
                assertThat(reranked.get(0).get("item_title")).isEqualTo("Basalt");
                assertThat((String) reranked.get(0).get("reranker")).endsWith("/rerank");
                assertThat(((Map<?, ?>) reranked.get(0).get("raw_scores")).get("rerank"))
                        .isEqualTo(1.0);
                status.set(500);
                var failed = call("CALL mnemo.search($q, {libraries: [$lib], rerank: true})", params);
                assertThat(failed.get(0).get("item_title")).isEqualTo("Granite");
                assertThat((String) failed.get(0).get("reranker")).startsWith("unavailable: the reranker failed");
                status.set(200);
            } finally {
                if (previous == null) {
                    System.clearProperty("mnemo.config");
                } else {
                    System.setProperty("mnemo.config", previous);
                }
                server.stop(0);
            }
        }
    }

    @Test
    void mmrMovesANearDuplicateBelowOtherEvidence() {
        String library = TestDatabase.library(TestDatabase.unique("mmr"), "nonfiction");
        for (Map.Entry<String, String> doc : Map.of(
                        "Solar A", "Solar panels turn sunlight into electricity with photovoltaic cells on the roof.",
                        "Solar B", "Solar panels turn sunlight into electricity with photovoltaic cells on a roof.",
                        "Wind", "Wind turbines turn the energy of moving air into electricity.")
                .entrySet()) {
            call(
                    "CALL mnemo.ingest($lib, $text, {title: $title})",
                    Map.of("lib", library, "text", doc.getValue(), "title", doc.getKey()));
        }
        String query = "how do solar panels produce electricity";
        var plain = call("CALL mnemo.search($q, {libraries: [$lib], limit: 2})", Map.of("q", query, "lib", library));
        assertThat(plain.stream().map(r -> r.get("item_title")).toList())
                .containsExactlyInAnyOrder("Solar A", "Solar B");
        var diverse = call(
                "CALL mnemo.search($q, {libraries: [$lib], limit: 2, mmr: 0.3})", Map.of("q", query, "lib", library));
        assertThat(diverse.stream().map(r -> r.get("item_title")).toList())
                .contains("Wind")
                .containsAnyOf("Solar A", "Solar B");
        assertThatThrownBy(() -> call("CALL mnemo.search('x', {libraries: [$lib], mmr: 2})", Map.of("lib", library)))
                .hasMessageContaining("'mmr'");
    }

    @Test
    void searchingWithAnotherModelThanTheVectorsWereMadeWithIsRefused() {
        String library = TestDatabase.library(TestDatabase.unique("model"), "nonfiction");
        call("CALL mnemo.ingest($lib, 'Basalt cools quickly from lava.', {title: 'Basalt'})", Map.of("lib", library));
        String model = (String) call("MATCH (s:MnemoSchema {id: 'vectors'}) RETURN s.embedding_model AS m", Map.of())
                .get(0)
                .get("m");
        assertThat(model).contains("MiniLM");
        try {
            call("MATCH (s:MnemoSchema {id: 'vectors'}) SET s.embedding_model = 'some-other-model'", Map.of());
            assertThatThrownBy(() -> call("CALL mnemo.search('basalt', {libraries: [$lib]})", Map.of("lib", library)))
                    .hasMessageContaining("schema_model_mismatch")
                    .hasMessageContaining("some-other-model");
            assertThatThrownBy(() -> call("CALL mnemo.schema.apply()", Map.of()))
                    .hasMessageContaining("schema_model_mismatch");
            // Accepting the configured model marks what the other one wrote for re-embedding.
            call("CALL mnemo.schema.apply({rebuild: true})", Map.of());
            assertThat(call("MATCH (s:MnemoSchema {id: 'vectors'}) RETURN s.embedding_model AS m", Map.of())
                            .get(0)
                            .get("m"))
                    .isEqualTo(model);
            assertThat(call("MATCH (i:Item {title: 'Basalt'}) RETURN i.reembed_required AS r", Map.of())
                            .get(0)
                            .get("r"))
                    .isEqualTo(true);
            assertThat(call("CALL mnemo.search('basalt', {libraries: [$lib]})", Map.of("lib", library)))
                    .isNotEmpty();
        } finally {
            call("MATCH (s:MnemoSchema {id: 'vectors'}) SET s.embedding_model = $m", Map.of("m", model));
            call("MATCH (i:Item) REMOVE i.reembed_required", Map.of());
        }
    }
}
