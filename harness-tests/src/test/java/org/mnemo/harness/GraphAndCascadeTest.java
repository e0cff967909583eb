package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.harness.TestDatabase.call;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Concepts, co-occurrence, neighbourhoods and the delete cascade. */
class GraphAndCascadeTest {
    static final String KAFKA = """
            Apache Kafka stores streams of records in topics. Kafka brokers replicate partitions across the cluster.

            Kafka consumers read partitions in consumer groups; ZooKeeper used to coordinate Kafka brokers.
            """;
    static final String FLINK = """
            Apache Flink processes streams with exactly-once state. Flink reads from Kafka topics and writes results \
            to sinks; Flink checkpoints its state to durable storage.
            """;

    @Test
    void coOccurringConceptsAreRelatedAndNeighboursStayInScope() {
        String a = TestDatabase.library(TestDatabase.unique("graph-a"), "technical");
        String b = TestDatabase.library(TestDatabase.unique("graph-b"), "technical");
        call("CALL mnemo.ingest($lib, $text, {title: 'Kafka'})", Map.of("lib", a, "text", KAFKA));
        call("CALL mnemo.ingest($lib, $text, {title: 'Flink'})", Map.of("lib", b, "text", FLINK));

        var related = call("""
                MATCH (k:Concept {name_key: 'kafka'})-[r:RELATED_TO]-(o:Concept) RETURN o.name_key AS other, r.weight AS w""", Map.of());
        assertThat(related)
                .isNotEmpty()
                .allSatisfy(r -> assertThat((long) r.get("w")).isPositive());

        var fromA = call("CALL mnemo.graph.neighbors('Kafka', [$a], {depth: 2, limit: 50})", Map.of("a", a));
        assertThat(fromA).extracting(r -> r.get("kind")).contains("concept", "chunk");
        assertThat(fromA)
                .filteredOn(r -> "chunk".equals(r.get("kind")))
                .allSatisfy(r -> assertThat((String) r.get("name")).doesNotContain("Flink"));
        assertThat(fromA).extracting(r -> r.get("name")).doesNotContain("Flink");
        assertThat(call("CALL mnemo.graph.neighbors('Kafka', [], {})", Map.of()))
                .isEmpty();
        assertThat(call("CALL mnemo.graph.neighbors('no such concept at all', [$a])", Map.of("a", a)))
                .isEmpty();

        String chunk = (String)
                call("MATCH (:Item {title: 'Kafka'})-[:HAS_CHUNK]->(c {chunk_index: 0}) RETURN c.uid AS u", Map.of())
                        .get(0)
                        .get("u");
        var aroundChunk = call("CALL mnemo.graph.neighbors($c, [$a])", Map.of("c", chunk, "a", a));
        assertThat(aroundChunk).isNotEmpty().allSatisfy(r -> {
            assertThat(r.get("kind")).isEqualTo("concept");
            assertThat(r.get("depth")).isEqualTo(1L);
        });
        assertThat(call("CALL mnemo.graph.neighbors($c, [$b])", Map.of("c", chunk, "b", b)))
                .isEmpty();
    }

    @Test
    void deletingALibraryLeavesNoOrphansAndKeepsSharedConcepts() {
        String keep = TestDatabase.library(TestDatabase.unique("keep"), "technical");
        String drop = TestDatabase.library(TestDatabase.unique("drop"), "technical");
        call("CALL mnemo.ingest($lib, $text, {title: 'Kafka kept'})", Map.of("lib", keep, "text", KAFKA));
        call("CALL mnemo.ingest($lib, $text, {title: 'Kafka dropped'})", Map.of("lib", drop, "text", KAFKA));
        call(
                "CALL mnemo.ingest($lib, 'Quokkas are small marsupials living on Rottnest Island near Perth.', "
                        + "{title: 'Quokkas'})",
                Map.of("lib", drop));
        long weightBefore = weight();

        var deleted =
                call("CALL mnemo.library.delete($lib)", Map.of("lib", drop)).get(0);
        assertThat(deleted.get("libraries")).isEqualTo(1L);
        assertThat(deleted.get("items")).isEqualTo(2L);
        assertThat((long) deleted.get("chunks")).isGreaterThanOrEqualTo(2L);
        assertThat((long) deleted.get("concepts")).isPositive();

        var orphans = call("""
                CALL () {
                  MATCH (c:Chunk) WHERE NOT ()-[:HAS_CHUNK]->(c) RETURN count(c) AS n
                  UNION ALL MATCH (i:Item) WHERE NOT ()-[:HAS_ITEM]->(i) RETURN count(i) AS n
                  UNION ALL MATCH (c:Collection) WHERE NOT ()-[:HAS_COLLECTION]->(c) RETURN count(c) AS n
                  UNION ALL MATCH (c:Concept) WHERE NOT ()-[:MENTIONS]->(c) RETURN count(c) AS n
                }
                RETURN sum(n) AS n""", Map.of());
        assertThat(orphans.get(0).get("n")).isEqualTo(0L);
        assertThat(call("MATCH (c:Concept) WHERE c.name_key CONTAINS 'quokka' RETURN c", Map.of()))
                .isEmpty();
        assertThat(call("MATCH (c:Concept {name_key: 'kafka'}) RETURN c", Map.of()))
                .hasSize(1);
        assertThat(weight()).isLessThan(weightBefore);
        assertThat(call("MATCH ()-[r:RELATED_TO]->() WHERE r.weight <= 0 RETURN r", Map.of()))
                .isEmpty();

        String item = (String)
                call("CALL mnemo.item.list([$k])", Map.of("k", keep)).get(0).get("uid");
        var itemDeleted = call("CALL mnemo.item.delete($i)", Map.of("i", item)).get(0);
        assertThat(itemDeleted.get("items")).isEqualTo(1L);
        assertThat(call("CALL mnemo.search('Kafka brokers', {libraries: [$k]})", Map.of("k", keep)))
                .isEmpty();
    }

    private static long weight() {
        return (long) call(
                        "MATCH (:Concept {name_key: 'kafka'})-[r:RELATED_TO]-() RETURN coalesce(sum(r.weight), 0) AS w",
                        Map.of())
                .get(0)
                .get("w");
    }
}
