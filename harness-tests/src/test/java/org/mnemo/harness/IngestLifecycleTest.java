package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnemo.harness.TestDatabase.call;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Idempotency, supersede, validation without leftovers, large inputs and pre-embedded input. */
class IngestLifecycleTest {

    private static Map<String, Object> ingest(String lib, String text, Map<String, Object> item) {
        return call("CALL mnemo.ingest($lib, $text, $item)", Map.of("lib", lib, "text", text, "item", item))
                .get(0);
    }

    private static long count(String cypher, Map<String, Object> params) {
        return ((Number) call(cypher, params).get(0).get("n")).longValue();
    }

    @Test
    void concurrentIngestsSharingConceptsAllComplete() throws Exception {
        // Every document mentions the same concepts, so the ingests contend for the same dense concept nodes.
        String lib = TestDatabase.library(TestDatabase.unique("concurrent"), "technical");
        String shared = "Replication lag and checkpoint frequency decide recovery time. Write-ahead logging "
                + "protects committed transactions. ";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<Map<String, Object>>> results = new ArrayList<>();
        for (int d = 0; d < 16; d++) {
            String text = (shared + "Document " + d + " adds its own note about replication lag. ").repeat(30);
            String title = "doc-" + d;
            results.add(pool.submit(() -> call(
                            "CALL mnemo.ingest($lib, $text, {title: $title, source_ref: $title})",
                            Map.of("lib", lib, "text", text, "title", title))
                    .get(0)));
        }
        long chunks = 0;
        for (var result : results) {
            Map<String, Object> row = result.get();
            assertThat(row.get("status")).isEqualTo("created");
            chunks += (long) row.get("chunk_count");
        }
        pool.shutdown();
        var stored = call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)
                OPTIONAL MATCH (i)-[:HAS_CHUNK]->(c)
                RETURN count(DISTINCT i) AS items, count(c) AS chunks,
                       all(s IN collect(DISTINCT i.embedding_status) WHERE s = 'completed') AS completed""", Map.of("lib", lib)).get(0);
        assertThat(stored.get("items")).isEqualTo(16L);
        assertThat(stored.get("chunks")).isEqualTo(chunks);
        assertThat(stored.get("completed")).isEqualTo(true);
    }

    @Test
    void deletesAndIngestsSharingConceptsRunTogetherWithoutFailing() throws Exception {
        // Deletes take back co-occurrences and MENTIONS of the concepts that concurrent ingests link (both lock the
        // shared concepts in name-key order): all finish, and no co-occurrence is left at zero or below. The load
        // under which the deadlocks outlasted every retry before that order is LoadIT's.
        String lib = TestDatabase.library(TestDatabase.unique("delete-ingest"), "technical");
        String shared = "Replication lag and checkpoint frequency decide recovery time. Write-ahead logging "
                + "protects committed transactions. Vacuum tuning and index bloat matter for throughput. ";
        List<String> old = new ArrayList<>();
        for (int d = 0; d < 12; d++) {
            old.add((String) ingest(lib, (shared + "Old note " + d + ". ").repeat(20), Map.of("title", "old-" + d))
                    .get("item_uid"));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        List<java.util.concurrent.Future<Map<String, Object>>> results = new ArrayList<>();
        for (int d = 0; d < 12; d++) {
            String uid = old.get(d);
            String text = (shared + "New note " + d + " about index bloat. ").repeat(20);
            String title = "new-" + d;
            results.add(pool.submit(() ->
                    call("CALL mnemo.item.delete($uid)", Map.of("uid", uid)).get(0)));
            results.add(pool.submit(() -> call(
                            "CALL mnemo.ingest($lib, $text, {title: $title, source_ref: $title})",
                            Map.of("lib", lib, "text", text, "title", title))
                    .get(0)));
        }
        for (var result : results) {
            Map<String, Object> row = result.get();
            assertThat(row.containsKey("status") ? row.get("status") : row.get("items"))
                    .isIn("created", 1L);
        }
        pool.shutdown();
        var stored = call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)
                RETURN collect(i.title) AS titles""", Map.of("lib", lib)).get(0);
        assertThat((List<?>) stored.get("titles")).hasSize(12).allMatch(t -> ((String) t).startsWith("new-"));
        assertThat(count("MATCH ()-[r:RELATED_TO]->() WHERE r.weight <= 0 RETURN count(r) AS n", Map.of()))
                .isZero();
    }

    @Test
    void aBatchWritesEachDocumentAsItsOwnSearchableItemInOneCall() {
        String lib = TestDatabase.library(TestDatabase.unique("batch"), "journal");
        List<Map<String, Object>> docs = new ArrayList<>();
        for (int d = 0; d < 12; d++) {
            docs.add(Map.of(
                    "text",
                    "Note " + d + ": the lighthouse keeper logged storm number " + d + " and repaired the foghorn.",
                    "item",
                    Map.of("title", "note-" + d, "source_ref", "notes/" + d)));
        }
        // The same document twice in one batch is written once.
        docs.add(Map.of(
                "text",
                "Note 3: the lighthouse keeper logged storm number 3 and repaired the foghorn.",
                "item",
                Map.of("title", "note-3 again", "source_ref", "notes/3")));
        var rows = call("CALL mnemo.ingest.batch($lib, $docs)", Map.of("lib", lib, "docs", docs));
        assertThat(rows).hasSize(13);
        for (int d = 0; d < 12; d++) {
            assertThat(rows.get(d).get("status")).isEqualTo("created");
            assertThat((long) rows.get(d).get("chunk_count")).isEqualTo(1L);
        }
        assertThat(rows.get(12).get("status")).isEqualTo("existing");
        assertThat(rows.get(12).get("item_uid")).isEqualTo(rows.get(3).get("item_uid"));
        var stored = call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)-[:HAS_CHUNK]->(c:Chunk)
                RETURN count(DISTINCT i) AS items, count(c) AS chunks, count(c.embedding) AS embedded,
                       collect(DISTINCT i.embedding_status) AS statuses""", Map.of("lib", lib)).get(0);
        assertThat(stored.get("items")).isEqualTo(12L);
        assertThat(stored.get("chunks")).isEqualTo(12L);
        assertThat(stored.get("embedded")).isEqualTo(12L);
        assertThat(stored.get("statuses")).isEqualTo(List.of("completed"));
        assertThat(count(
                        "MATCH (c:Concept {name_key: 'lighthouse keeper'})<-[:MENTIONS]-(ch) RETURN count(ch) AS n",
                        Map.of()))
                .isGreaterThanOrEqualTo(12);
        var hits = call("CALL mnemo.search('storm number 7', {libraries: [$lib], limit: 3})", Map.of("lib", lib));
        assertThat(hits.get(0).get("item_title")).isEqualTo("note-7");

        // Re-sending unchanged documents writes nothing.
        var again = call("CALL mnemo.ingest.batch($lib, $docs)", Map.of("lib", lib, "docs", docs.subList(0, 2)));
        assertThat(again).extracting(r -> r.get("status")).containsExactly("existing", "existing");
        assertThat(again.get(1).get("item_uid")).isEqualTo(rows.get(1).get("item_uid"));
    }

    @Test
    void aBatchWithOneBadDocumentNamesItAndWritesNothing() {
        String lib = TestDatabase.library(TestDatabase.unique("batch-bad"), "journal");
        List<Map<String, Object>> docs =
                List.of(Map.of("text", "A fine first note about tides."), Map.of("text", "   "));
        assertThatThrownBy(() -> call("CALL mnemo.ingest.batch($lib, $docs)", Map.of("lib", lib, "docs", docs)))
                .hasMessageContaining("'documents[1].text' must be a non-empty string");
        assertThatThrownBy(
                        () -> call("CALL mnemo.ingest.batch($lib, [{text: 'x', titel: 'typo'}])", Map.of("lib", lib)))
                .hasMessageContaining("'documents[0]': unknown option(s) [titel]");
        assertThatThrownBy(() ->
                        call("CALL mnemo.ingest.batch($lib, [{text: 'x', item: {title: ''}}])", Map.of("lib", lib)))
                .hasMessageContaining("'documents[0].item': 'title' must be 1..1000 characters");
        assertThatThrownBy(() -> call("CALL mnemo.ingest.batch($lib, [])", Map.of("lib", lib)))
                .hasMessageContaining("'documents' must be a list of 1..1000 documents");
        String big = "word ".repeat(250_000);
        assertThatThrownBy(() -> call(
                        "CALL mnemo.ingest.batch($lib, [{text: 'ok'}, {text: $big}])", Map.of("lib", lib, "big", big)))
                .hasMessageContaining("more than 2000 chunks");
        assertThat(count(
                        "MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i) RETURN count(i) AS n",
                        Map.of("lib", lib)))
                .isZero();
    }

    @Test
    void theSameTripleReturnsTheExistingItemUntouched() {
        String lib = TestDatabase.library(TestDatabase.unique("idem"), "journal");
        var item = Map.<String, Object>of("title", "Day 1", "source_ref", "journal/day1.md");
        var first = ingest(lib, "I walked to the harbour and watched the ferries.", item);
        var second = ingest(lib, "I walked to the harbour and watched the ferries.", item);
        assertThat(first.get("status")).isEqualTo("created");
        assertThat(second.get("status")).isEqualTo("existing");
        assertThat(second.get("item_uid")).isEqualTo(first.get("item_uid"));
        assertThat(count(
                        "MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i) RETURN count(i) AS n",
                        Map.of("lib", lib)))
                .isEqualTo(1);
    }

    @Test
    void aNewHashForTheSameSourceRefSupersedesTheOldItemAndItsSubtree() {
        String lib = TestDatabase.library(TestDatabase.unique("supersede"), "business");
        var item = Map.<String, Object>of("title", "Plan", "source_ref", "s3://bucket/plan.md");
        var v1 = ingest(lib, "Quarterly plan: hire two engineers for the Zanzibar project.", item);
        var v2 = ingest(lib, "Quarterly plan: open the Lisbon office and hire a designer.", item);
        assertThat(v2.get("status")).isEqualTo("superseded");
        assertThat(v2.get("superseded_item_uid")).isEqualTo(v1.get("item_uid"));
        assertThat(count("MATCH (i:Item {uid: $uid}) RETURN count(i) AS n", Map.of("uid", v1.get("item_uid"))))
                .isZero();
        assertThat(count("MATCH (c:Chunk) WHERE c.text CONTAINS 'Zanzibar' RETURN count(c) AS n", Map.of()))
                .isZero();
        var hits = call("CALL mnemo.search('Lisbon office', {libraries: [$lib]})", Map.of("lib", lib));
        assertThat(hits).extracting(h -> h.get("item_uid")).containsOnly(v2.get("item_uid"));
    }

    @Test
    void invalidInputNamesTheArgumentAndLeavesNothingBehind() {
        String lib = TestDatabase.library(TestDatabase.unique("invalid"), "fiction");
        long before = count("MATCH (n) RETURN count(n) AS n", Map.of());
        assertThatThrownBy(() -> ingest("no-such-library-xyz", "text", Map.of()))
                .hasMessageContaining("'library' 'no-such-library-xyz' does not exist");
        assertThatThrownBy(() -> ingest(lib, "   \n ", Map.of())).hasMessageContaining("'text' must not be empty");
        assertThatThrownBy(() -> ingest(lib, "text", Map.of("content_hash", "abc")))
                .hasMessageContaining("'content_hash' must be a SHA-256");
        assertThatThrownBy(() -> ingest(lib, "text", Map.of("source", "x".repeat(51))))
                .hasMessageContaining("'source' must be at most 50 characters");
        assertThatThrownBy(() -> call("CALL mnemo.ingest($lib, 'some text', {}, {chunk_size: 10})", Map.of("lib", lib)))
                .hasMessageContaining("'chunk_size' must be 50..20000, got 10");
        assertThatThrownBy(() -> call(
                        "CALL mnemo.ingest($lib, 'some text', {}, {chunk_size: 100, chunk_overlap: 90})",
                        Map.of("lib", lib)))
                .hasMessageContaining("chunk_overlap must be 0..49");
        assertThatThrownBy(() -> call("CALL mnemo.ingest($lib, 'some text', {}, {speed: 'fast'})", Map.of("lib", lib)))
                .hasMessageContaining("unknown option(s) [speed]");
        assertThat(count("MATCH (n) RETURN count(n) AS n", Map.of())).isEqualTo(before);
        assertThat(count("MATCH (i:Item) WHERE i.embedding_status <> 'completed' RETURN count(i) AS n", Map.of()))
                .isZero();
    }

    @Test
    void aLargeTextIsCommittedInBatchesIntoOneCompleteNextChain() {
        String lib = TestDatabase.library(TestDatabase.unique("large"), "nonfiction");
        StringBuilder text = new StringBuilder();
        Random random = new Random(7);
        String[] words = {
            "river",
            "mountain",
            "harbour",
            "engine",
            "library",
            "signal",
            "forest",
            "market",
            "bridge",
            "lantern",
            "orchard",
            "compass",
            "glacier",
            "meadow",
            "canyon",
            "quarry"
        };
        while (text.length() < 1_000_000) {
            for (int s = 0; s < 5; s++) {
                for (int w = 0; w < 12; w++) {
                    text.append(words[random.nextInt(words.length)]).append(w == 11 ? ". " : " ");
                }
            }
            text.append("\n\n");
        }
        var row = ingest(lib, text.toString(), Map.of("title", "Big"));
        long chunks = (long) row.get("chunk_count");
        assertThat(chunks).isGreaterThan(1000);
        var chain = call("""
                MATCH (i:Item {uid: $uid})-[:HAS_CHUNK]->(c:Chunk)
                OPTIONAL MATCH (c)-[:NEXT]->(n)
                RETURN count(c) AS chunks, count(n) AS links, min(c.chunk_index) AS first, max(c.chunk_index) AS last,
                       max(size(c.text_preview)) AS preview""", Map.of("uid", row.get("item_uid"))).get(0);
        assertThat(chain.get("chunks")).isEqualTo(chunks);
        assertThat(chain.get("links")).isEqualTo(chunks - 1);
        assertThat(chain.get("first")).isEqualTo(0L);
        assertThat(chain.get("last")).isEqualTo(chunks - 1);
        assertThat((long) chain.get("preview")).isLessThanOrEqualTo(500);
    }

    @Test
    void preEmbeddedChunksAreStoredWithTheirVectorsAndTheDimensionIsChecked() {
        String lib = TestDatabase.library(TestDatabase.unique("bulk"), "technical");
        List<Map<String, Object>> chunks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<Double> vector = new ArrayList<>();
            for (int d = 0; d < 384; d++) {
                vector.add(d == i ? 1.0 : 0.0);
            }
            chunks.add(Map.of("text", "Chunk number " + i + " about kernels", "embedding", vector));
        }
        var row = call(
                        "CALL mnemo.ingest.chunks($lib, $chunks, {title: 'Bulk'}, {extract_concepts: false})",
                        Map.of("lib", lib, "chunks", chunks))
                .get(0);
        assertThat(row.get("chunk_count")).isEqualTo(3L);
        var stored = call("""
                MATCH (:Item {uid: $uid})-[:HAS_CHUNK]->(c:Chunk {chunk_index: 1}) RETURN c.embedding AS e""", Map.of("uid", row.get("item_uid"))).get(0);
        assertThat(((float[]) stored.get("e"))[1]).isEqualTo(1.0f);

        var wrong = new HashMap<String, Object>(Map.of("text", "short vector", "embedding", List.of(0.1, 0.2)));
        assertThatThrownBy(() -> call("CALL mnemo.ingest.chunks($lib, [$chunk])", Map.of("lib", lib, "chunk", wrong)))
                .hasMessageContaining("'chunks[0].embedding' has dimension 2 but the configured embedder produces 384");
    }
}
