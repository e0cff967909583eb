package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnemo.harness.TestDatabase.call;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What keeps documents safe: no replacement without the same source_ref, ordered supersede, writers that lost their
 * lease commit nothing, recovery after a crash, re-embedding after a model change.
 */
class DataSafetyTest {

    private static Map<String, Object> ingest(String lib, String text, Map<String, Object> item) {
        return call("CALL mnemo.ingest($lib, $text, $item)", Map.of("lib", lib, "text", text, "item", item))
                .get(0);
    }

    private static long count(String cypher, Map<String, Object> params) {
        return ((Number) call(cypher, params).get(0).get("n")).longValue();
    }

    private static List<Object> itemsOf(String lib, String ref) {
        Map<String, Object> params = new HashMap<>();
        params.put("lib", lib);
        params.put("ref", ref);
        return call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)
                WHERE $ref IS NULL OR i.source_ref = $ref
                RETURN i.uid AS uid ORDER BY uid""", params).stream().map(r -> r.get("uid")).toList();
    }

    @Test
    void onlyTheSameSourceRefReplacesADocumentNeverATitle() {
        String lib = TestDatabase.library(TestDatabase.unique("collide"), "technical");
        assertThat(ingest(lib, "The first README: install with make.", Map.of("title", "README"))
                        .get("status"))
                .isEqualTo("created");
        assertThat(ingest(lib, "The second README: install with cargo.", Map.of("title", "README"))
                        .get("status"))
                .isEqualTo("created");
        assertThat(ingest(lib, "Untitled one.", Map.of()).get("status")).isEqualTo("created");
        assertThat(ingest(lib, "Untitled two.", Map.of()).get("status")).isEqualTo("created");
        // Without a source_ref, the same content anywhere in the library is the same document.
        assertThat(ingest(lib, "Untitled one.", Map.of("title", "again")).get("status"))
                .isEqualTo("existing");
        assertThat(itemsOf(lib, null)).hasSize(4);
    }

    @Test
    void anOlderVersionNeverRemovesANewerOne() {
        String lib = TestDatabase.library(TestDatabase.unique("order"), "technical");
        Map<String, Object> v2 = ingest(
                lib,
                "Version two of the runbook.",
                Map.of("source_ref", "runbook", "version_at", "2026-01-02T00:00:00Z"));
        assertThat(v2.get("status")).isEqualTo("created");
        // The older submission finishes later: it writes nothing and says why.
        Map<String, Object> v1 = ingest(
                lib,
                "Version one of the runbook.",
                Map.of("source_ref", "runbook", "version_at", "2026-01-01T00:00:00Z"));
        assertThat(v1.get("status")).isEqualTo("stale");
        assertThat(v1.get("item_uid")).isEqualTo(v2.get("item_uid"));
        assertThat(itemsOf(lib, "runbook")).containsExactly(v2.get("item_uid"));
        Map<String, Object> v3 = ingest(
                lib,
                "Version three of the runbook.",
                Map.of("source_ref", "runbook", "version_at", "2026-01-03T00:00:00Z"));
        assertThat(v3.get("status")).isEqualTo("superseded");
        assertThat(v3.get("superseded_item_uid")).isEqualTo(v2.get("item_uid"));
        assertThat(itemsOf(lib, "runbook")).containsExactly(v3.get("item_uid"));
    }

    @Test
    void aWriterThatLostItsLeaseCommitsNothingAndItsLeftoversAreAbandoned() {
        String lib = TestDatabase.library(TestDatabase.unique("lease"), "technical");
        String job = TestDatabase.unique("job");
        call(
                "CREATE (:IngestJob {id: $job, status: 'processing', lease_owner: 'w1', "
                        + "lease_expires_at: datetime() + duration('PT1M')})",
                Map.of("job", job));
        assertThatThrownBy(() -> ingest(
                        lib,
                        "Written by a worker that lost its lease.",
                        Map.of("source_ref", "a", "lease", Map.of("job_id", job, "worker", "w0"))))
                .hasMessageContaining("lease_lost");
        assertThat(itemsOf(lib, null)).isEmpty();
        assertThat(ingest(
                                lib,
                                "Written by the lease holder.",
                                Map.of("source_ref", "a", "lease", Map.of("job_id", job, "worker", "w1")))
                        .get("status"))
                .isEqualTo("created");

        // A half-written item of a worker whose lease ran out: abandoned at once, not waited for.
        String dead = TestDatabase.unique("dead-job");
        call(
                "CREATE (:IngestJob {id: $job, status: 'processing', lease_owner: 'w9', "
                        + "lease_expires_at: datetime() - duration('PT1S')})",
                Map.of("job", dead));
        call(
                """
                MATCH (l:Library {uid: $lib})-[:HAS_COLLECTION]->(c)
                CREATE (c)-[:HAS_ITEM]->(:Item {uid: randomUUID(), title: 'half', source_ref: 'b',
                    content_hash: $hash, embedding_status: 'processing', writer_job: $job, writer: 'w9',
                    updated_at: datetime(), version_at: datetime()})""",
                Map.of(
                        "lib",
                        lib,
                        "job",
                        dead,
                        "hash",
                        org.mnemo.procedures.ingest.Ingest.sha256(org.mnemo.procedures.ingest.TextNormalizer.normalize(
                                "The crashed worker's document."))));
        assertThat(ingest(lib, "The crashed worker's document.", Map.of("source_ref", "b"))
                        .get("status"))
                .isEqualTo("created");
        assertThat(itemsOf(lib, "b")).hasSize(1);
    }

    @Test
    void recoveryFinishesInterruptedDeletesAndRemovesAbandonedItems() {
        String lib = TestDatabase.library(TestDatabase.unique("crashdel"), "technical");
        for (int i = 0; i < 3; i++) {
            ingest(
                    lib,
                    "Pump maintenance note number " + i + " about seals and bearings.",
                    Map.of("source_ref", "note-" + i));
        }
        // A crash right after the delete marked everything: nothing of it shows any more.
        call("""
                MATCH (l:Library {uid: $lib}) SET l.deleting = true
                WITH l MATCH (l)-[:HAS_COLLECTION]->(c)-[:HAS_ITEM]->(i) SET i.embedding_status = 'deleting'""", Map.of("lib", lib));
        assertThat(call("CALL mnemo.search('pump seals bearings', {libraries: [$lib]})", Map.of("lib", lib)))
                .isEmpty();
        assertThat(call("CALL mnemo.library.list([$lib])", Map.of("lib", lib))).isEmpty();
        Map<String, Object> recovered =
                call("CALL mnemo.maintenance.recover()", Map.of()).get(0);
        assertThat((long) recovered.get("libraries")).isGreaterThanOrEqualTo(1L);
        assertThat(count("MATCH (l:Library {uid: $lib}) RETURN count(l) AS n", Map.of("lib", lib)))
                .isZero();
        assertThat(count("""
                CALL () {
                  MATCH (c:Chunk) WHERE NOT ()-[:HAS_CHUNK]->(c) RETURN count(c) AS n
                  UNION ALL MATCH (i:Item) WHERE NOT ()-[:HAS_ITEM]->(i) RETURN count(i) AS n
                  UNION ALL MATCH (c:Concept) WHERE NOT ()-[:MENTIONS]->(c) RETURN count(c) AS n
                }
                RETURN sum(n) AS n""", Map.of())).isZero();
    }

    @Test
    void reembeddingRewritesWhatAnotherModelWroteAndIsResumable() {
        String lib = TestDatabase.library(TestDatabase.unique("reembed"), "technical");
        String item = (String) ingest(lib, "Rotate the TLS certificates every March.", Map.of())
                .get("item_uid");
        call("""
                MATCH (i:Item {uid: $item})-[:HAS_CHUNK]->(c)
                SET i.embedding_model = 'an-older-model', c.embedding = [x IN range(1, 384) | 0.001]""", Map.of("item", item));
        Map<String, Object> before =
                call("CALL mnemo.reembed.status()", Map.of()).get(0);
        assertThat((long) before.get("items")).isGreaterThanOrEqualTo(1L);
        Map<String, Object> done =
                call("CALL mnemo.reembed.run({max_items: 1000})", Map.of()).get(0);
        assertThat((long) done.get("items")).isGreaterThanOrEqualTo(1L);
        assertThat((long) call("CALL mnemo.reembed.status()", Map.of()).get(0).get("items"))
                .isZero();
        assertThat(call(
                        "CALL mnemo.search('when are TLS certificates rotated', {libraries: [$lib], "
                                + "search_types: ['vector']})",
                        Map.of("lib", lib)))
                .extracting(r -> r.get("item_uid"))
                .containsExactly(item);
    }
}
