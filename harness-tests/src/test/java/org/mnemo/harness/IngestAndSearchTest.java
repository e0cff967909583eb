package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnemo.harness.TestDatabase.call;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ingest a small corpus with the real local embedder and find things through each leg of the search. */
class IngestAndSearchTest {
    static String library;
    static String otherLibrary;

    static final String GARDENING = """
            # Growing tomatoes

            Tomato plants need at least six hours of direct sunlight every day. Water them deeply twice a week \
            and mulch the soil to keep moisture in.

            # Pests

            Aphids and hornworms attack tomato plants. Ladybugs eat aphids, so planting marigolds that attract \
            ladybugs protects the crop without pesticides.
            """;
    static final String DATABASES = """
            # Write-ahead logging

            PostgreSQL writes every change to the write-ahead log before it touches the data files, so that a \
            crash can be recovered by replaying the log.

            # Vacuum

            Autovacuum reclaims storage occupied by dead tuples and updates planner statistics in PostgreSQL.
            """;
    static final String ASTRONOMY = """
            The Andromeda galaxy is the nearest large spiral galaxy to the Milky Way, about 2.5 million light \
            years away. It will collide with the Milky Way in roughly four billion years.
            """;

    @BeforeAll
    static void ingest() {
        library = TestDatabase.library(TestDatabase.unique("search"), "technical");
        otherLibrary = TestDatabase.library(TestDatabase.unique("search-other"), "nonfiction");
        ingest(library, GARDENING, "Gardening notes");
        ingest(library, DATABASES, "Database internals");
        ingest(otherLibrary, ASTRONOMY, "Galaxies");
    }

    static Map<String, Object> ingest(String lib, String text, String title) {
        return call("CALL mnemo.ingest($lib, $text, {title: $title})", Map.of("lib", lib, "text", text, "title", title))
                .get(0);
    }

    static List<Map<String, Object>> search(String query, Map<String, Object> options) {
        return call("CALL mnemo.search($query, $options)", Map.of("query", query, "options", options));
    }

    @Test
    void aParaphrasedQueryFindsTheRightChunkThroughTheVectorLeg() {
        var hits = search(
                "what protects crops from insects without chemicals",
                Map.of("libraries", List.of(library), "search_types", List.of("vector")));
        assertThat((String) hits.get(0).get("text_preview")).contains("Ladybugs eat aphids");
        assertThat(hits.get(0).get("sources")).isEqualTo(List.of("vector"));
    }

    @Test
    void anExactTermFindsTheChunkThroughTheFulltextLeg() {
        var hits = search("autovacuum", Map.of("libraries", List.of(library), "search_types", List.of("fulltext")));
        assertThat(hits).hasSize(1);
        assertThat((String) hits.get(0).get("text_preview")).contains("Autovacuum reclaims storage");
    }

    @Test
    void theGraphLegReachesChunksThroughConcepts() {
        var concepts = call("""
                MATCH (:Item {title: 'Gardening notes'})-[:HAS_CHUNK]->(:Chunk)-[:MENTIONS]->(c:Concept)
                RETURN DISTINCT c.name_key AS key""", Map.of());
        assertThat(concepts).extracting(r -> r.get("key")).contains("tomato");
        var hits = search("tomato", Map.of("libraries", List.of(library), "search_types", List.of("graph")));
        assertThat(hits).isNotEmpty();
        assertThat(hits)
                .allSatisfy(h -> assertThat((String) h.get("item_title")).isEqualTo("Gardening notes"));
        assertThat(hits).allSatisfy(h -> assertThat(h.get("sources")).isEqualTo(List.of("graph")));
    }

    @Test
    void fusionReportsEveryLegWithItsRankAndRawScore() {
        // Each document here is one chunk, so a chunk's rank in a leg is its item's: RRF can be checked by hand.
        var hits = search(
                "write-ahead log crash recovery",
                Map.of(
                        "libraries",
                        List.of(library),
                        "fusion",
                        "rrf",
                        "weights",
                        Map.of("vector", 1.0, "fulltext", 1.0, "graph", 0.25)));
        Map<String, Object> top = hits.get(0);
        assertThat((String) top.get("text_preview")).contains("write-ahead log");
        @SuppressWarnings("unchecked")
        Map<String, Object> ranks = (Map<String, Object>) top.get("ranks");
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = (Map<String, Object>) top.get("raw_scores");
        assertThat(ranks.keySet()).containsAll(List.of("vector", "fulltext")).isEqualTo(raw.keySet());
        Map<String, Double> weights = Map.of("vector", 1.0, "fulltext", 1.0, "graph", 0.25);
        double expected = ranks.entrySet().stream()
                .mapToDouble(e -> weights.get(e.getKey()) / (60 + ((Number) e.getValue()).longValue()))
                .sum();
        assertThat((double) top.get("score")).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 1; i < hits.size(); i++) {
            assertThat((double) hits.get(i).get("score"))
                    .isLessThanOrEqualTo((double) hits.get(i - 1).get("score"));
        }
        // Weights are the caller's to set: with the full-text leg at 0 only the other legs count.
        var vectorOnly = search(
                        "write-ahead log crash recovery",
                        Map.of(
                                "libraries",
                                List.of(library),
                                "fusion",
                                "rrf",
                                "weights",
                                Map.of("fulltext", 0, "graph", 0)))
                .get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> vectorRanks = (Map<String, Object>) vectorOnly.get("ranks");
        assertThat((double) vectorOnly.get("score"))
                .isCloseTo(
                        1.0 / (60 + ((Number) vectorRanks.get("vector")).longValue()),
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThatThrownBy(() -> search("x", Map.of("libraries", List.of(library), "weights", Map.of("colour", 1))))
                .hasMessageContaining("'weights' takes vector, fulltext and graph");
        // The default, convex fusion: each leg's normalised score times its weight, at most the sum of the weights.
        var convex = search("write-ahead log crash recovery", Map.of("libraries", List.of(library)))
                .get(0);
        assertThat((double) convex.get("score")).isBetween(0.0, 1.0 + 0.2 + 0.1);
        assertThat(convex.get("item_uid")).isEqualTo(top.get("item_uid"));
        assertThatThrownBy(() -> search("x", Map.of("libraries", List.of(library), "fusion", "max")))
                .hasMessageContaining("'fusion' must be 'rrf' or 'convex'");
    }

    @Test
    void anEmptyLibraryListFindsNothing() {
        assertThat(search("tomato", Map.of("libraries", List.of()))).isEmpty();
    }

    @Test
    void aCallerNeverSeesChunksOfLibrariesOutsideItsScope() {
        var hits = search("spiral galaxy Andromeda", Map.of("libraries", List.of(library)));
        assertThat(hits).noneSatisfy(h -> assertThat(h.get("library_uid")).isEqualTo(otherLibrary));
        var own = search("spiral galaxy Andromeda", Map.of("libraries", List.of(otherLibrary)));
        assertThat(own)
                .isNotEmpty()
                .allSatisfy(h -> assertThat(h.get("library_uid")).isEqualTo(otherLibrary));
    }

    @Test
    void filtersByLibraryTypeAndCollection() {
        var both = List.of(library, otherLibrary);
        var hits = search("galaxy tomato", Map.of("libraries", both, "library_type", "nonfiction"));
        assertThat(hits)
                .isNotEmpty()
                .allSatisfy(h -> assertThat(h.get("library_type")).isEqualTo("nonfiction"));
        String collection = (String) hits.get(0).get("collection_uid");
        var inCollection = search("tomato galaxy", Map.of("libraries", both, "collection_uid", collection));
        assertThat(inCollection)
                .isNotEmpty()
                .allSatisfy(h -> assertThat(h.get("collection_uid")).isEqualTo(collection));
    }

    @Test
    void hostileFulltextStringsNeverBreakTheSearch() {
        for (String query : List.of(
                "C++ (draft) AND/OR \"unclosed",
                "title:foo~",
                "*",
                "?",
                "[1 TO",
                "a && || !",
                "\\",
                "((((",
                "NOT",
                "text:\"",
                "~^2 /regex/",
                "-",
                "\u2603")) {
            var hits = search(query, Map.of("libraries", List.of(library), "search_types", List.of("fulltext")));
            assertThat(hits).as(query).isNotNull();
            search(query, Map.of("libraries", List.of(library)));
        }
        assertThatThrownBy(() -> search("\u0000\u0007", Map.of("libraries", List.of(library))))
                .hasMessageContaining("'query' has no text");
        var hits = search(
                "PostgreSQL AND (crash", Map.of("libraries", List.of(library), "search_types", List.of("fulltext")));
        assertThat(hits).isNotEmpty();
    }

    @Test
    void badOptionsAreRejectedNamingTheArgument() {
        assertThatThrownBy(() -> search("x", Map.of())).hasMessageContaining("'libraries' is required");
        assertThatThrownBy(() -> search("x", Map.of("libraries", List.of(library), "limit", 5000)))
                .hasMessageContaining("'limit' must be 1..200, got 5000");
        assertThatThrownBy(() -> search("x", Map.of("libraries", List.of(library), "search_types", List.of("magic"))))
                .hasMessageContaining("'search_types'");
        assertThatThrownBy(() -> search("x", Map.of("libraries", List.of(library), "colour", "red")))
                .hasMessageContaining("unknown option(s) [colour]");
        assertThatThrownBy(() -> search("  ", Map.of("libraries", List.of(library))))
                .hasMessageContaining("'query' must not be empty");
        assertThatThrownBy(() -> search("x", Map.of("libraries", List.of(library), "library_type", "poetry")))
                .hasMessageContaining("'library_type' must be one of");
    }

    @Test
    void aPrecomputedQueryVectorReplacesTheEmbeddingOfTheQueryText() {
        Object astronomy = call("CALL mnemo.embed('galaxies colliding in space')", Map.of())
                .get(0)
                .get("embedding");
        // The text says gardening, the vector says astronomy: the vector leg follows the vector.
        var hits = search(
                "ladybugs and aphids",
                Map.of(
                        "libraries",
                        List.of(library, otherLibrary),
                        "search_types",
                        List.of("vector"),
                        "query_vector",
                        astronomy));
        assertThat((String) hits.get(0).get("library_uid")).isEqualTo(otherLibrary);
        assertThatThrownBy(() -> search("x", Map.of("libraries", List.of(library), "query_vector", List.of(1.0, 2.0))))
                .hasMessageContaining("'query_vector' has dimension 2 but the configured embedder produces 384");
        assertThatThrownBy(() -> search("x", Map.of("libraries", List.of(library), "query_vector", "north")))
                .hasMessageContaining("'query_vector' must be a list of numbers");
    }

    @Test
    void embedBatchGivesTheSameVectorsAsOneCallPerText() {
        var rows = call("CALL mnemo.embed.batch(['hello world', 'ladybugs eat aphids', 'hello world'])", Map.of());
        assertThat(rows).extracting(r -> r.get("index")).containsExactly(0L, 1L, 2L);
        @SuppressWarnings("unchecked")
        List<Double> single = (List<Double>)
                call("CALL mnemo.embed('ladybugs eat aphids')", Map.of()).get(0).get("embedding");
        @SuppressWarnings("unchecked")
        List<Double> batched = (List<Double>) rows.get(1).get("embedding");
        for (int i = 0; i < single.size(); i++) {
            assertThat(batched.get(i)).isCloseTo(single.get(i), org.assertj.core.api.Assertions.within(1e-4));
        }
        assertThat(rows.get(0).get("embedding")).isEqualTo(rows.get(2).get("embedding"));
        assertThatThrownBy(() -> call("CALL mnemo.embed.batch([])", Map.of()))
                .hasMessageContaining("'texts' must hold 1..10000 texts, got 0");
        assertThatThrownBy(() -> call("CALL mnemo.embed.batch(['a', ' '])", Map.of()))
                .hasMessageContaining("'texts[1]' must not be empty");
    }

    @Test
    void embedReturnsTheConfiguredModelsVector() {
        var row = call("CALL mnemo.embed('hello world')", Map.of()).get(0);
        assertThat((List<?>) row.get("embedding")).hasSize(384);
        assertThat(row.get("dimension")).isEqualTo(384L);
        assertThat((String) row.get("model")).contains("MiniLM");
        assertThatThrownBy(() -> call("CALL mnemo.embed('')", Map.of()))
                .hasMessageContaining("'text' must not be empty");
    }
}
