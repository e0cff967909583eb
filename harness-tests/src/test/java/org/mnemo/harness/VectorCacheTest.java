package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.harness.TestDatabase.call;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The vector leg keeps chunk vectors it has read on the heap (search.VectorCache): what it ranks must stay what the
 * store holds after a chunk is re-embedded or deleted, and the cache must really be in use.
 */
class VectorCacheTest {

    @Test
    void reEmbeddedAndDeletedChunksRankByWhatTheStoreHoldsNow() {
        String lib = TestDatabase.library(TestDatabase.unique("vector-cache"), "technical");
        String[] topics = {
            "Lighthouse keepers trimmed the wicks of the lamps every night.",
            "Sourdough needs a starter fed with flour and water for days.",
            "Glaciers carve valleys as they move slowly downhill.",
            "A compiler turns source code into machine instructions.",
            "Tidal pools hold anemones, crabs and small fish at low tide.",
            "The violin's sound post carries vibrations between its plates."
        };
        for (int i = 0; i < topics.length; i++) {
            call(
                    "CALL mnemo.ingest($lib, $text, {title: $title})",
                    Map.of("lib", lib, "text", topics[i], "title", "topic " + i));
        }
        Map<String, Object> target = call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item {title: 'topic 0'})
                      -[:HAS_CHUNK]->(c:Chunk)
                RETURN c.uid AS uid, c.embedding AS v""", Map.of("lib", lib)).get(0);
        List<Double> query = asQuery(target.get("v"));
        long cachedBefore = cacheEntries();
        List<String> first = TestDatabase.vectorLeg(TestDatabase.db(), query, List.of(lib), 3);
        assertThat(first).first().isEqualTo(target.get("uid"));
        assertThat(cacheEntries()).as("the scan kept the vectors it read").isGreaterThan(cachedBefore);
        TestDatabase.vectorLeg(TestDatabase.db(), query, List.of(lib), 3); // now served from the cache

        // Re-embed the nearest chunk far away (as mnemo.reembed would write a new model's vector).
        List<Double> opposite = query.stream().map(x -> -x).toList();
        call("MATCH (c:Chunk {uid: $uid}) SET c.embedding = $v", Map.of("uid", target.get("uid"), "v", opposite));
        List<String> afterReembed = TestDatabase.vectorLeg(TestDatabase.db(), query, List.of(lib), 6);
        assertThat(afterReembed).first().isNotEqualTo(target.get("uid"));
        assertThat(afterReembed).last().isEqualTo(target.get("uid"));
        assertThat(afterReembed).isEqualTo(TestDatabase.exactNearest(TestDatabase.db(), query, List.of(lib), 6));

        // Delete the new nearest chunk: it must not come back, and the rest ranks as the store says.
        call("MATCH (c:Chunk {uid: $uid}) DETACH DELETE c", Map.of("uid", afterReembed.get(0)));
        List<String> afterDelete = TestDatabase.vectorLeg(TestDatabase.db(), query, List.of(lib), 5);
        assertThat(afterDelete).doesNotContain(afterReembed.get(0));
        assertThat(afterDelete).isEqualTo(TestDatabase.exactNearest(TestDatabase.db(), query, List.of(lib), 5));
    }

    @Test
    void aChunkAddedToOrTakenFromAnItemIsSeenByTheNextScan() {
        String lib = oneDocument("vector-cache-items", "Beekeepers smoke the hive before opening it.");
        Map<String, Object> first = call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item)-[:HAS_CHUNK]->(c:Chunk)
                RETURN c.uid AS uid, c.embedding AS v""", Map.of("lib", lib)).get(0);
        List<Double> query = asQuery(first.get("v"));
        String kept = (String) first.get("uid");
        assertThat(TestDatabase.vectorLeg(TestDatabase.db(), query, List.of(lib), 5))
                .containsExactly(kept);

        // A chunk written straight into the item (as a repair or another tool might): the kept chunk list must grow.
        call("""
                MATCH (i:Item)-[:HAS_CHUNK]->(c:Chunk {uid: $uid})
                CREATE (i)-[:HAS_CHUNK]->(:Chunk {uid: 'added-' + c.uid, text: c.text,
                        embedding: [x IN range(0, size(c.embedding) - 1) | CASE WHEN x < 100 THEN 0.0
                                    ELSE c.embedding[x] END]})""", Map.of("uid", kept));
        assertThat(TestDatabase.vectorLeg(TestDatabase.db(), query, List.of(lib), 5))
                .containsExactlyInAnyOrder(kept, "added-" + kept);

        // Taken from the item without deleting the chunk: it is out of the scope (and, kept by mistake, it would take
        // the one place of a top 1 and leave the leg empty once the scope check drops it).
        call("MATCH (:Item)-[r:HAS_CHUNK]->(:Chunk {uid: $uid}) DELETE r", Map.of("uid", kept));
        assertThat(cacheEntries())
                .as("a relationship's delete is readable: nothing was flushed")
                .isPositive();
        assertThat(TestDatabase.vectorLeg(TestDatabase.db(), query, List.of(lib), 1))
                .containsExactly("added-" + kept);
    }

    @Test
    void aChunkOrItemHungElsewhereIsPlacedWhereItHangsNow() {
        String from = oneDocument("parents-from", "Cartographers draw contour lines for every ten metres of height.");
        String to = oneDocument("parents-to", "Potters centre the clay before they open it on the wheel.");
        Map<String, Object> moved = call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)-[:HAS_CHUNK]->(c:Chunk)
                RETURN c.uid AS uid, c.embedding AS v, i.uid AS item""", Map.of("lib", from)).get(0);
        List<Double> query = asQuery(moved.get("v"));
        assertThat(placed(query, from)).containsExactly(moved.get("uid") + " in " + moved.get("item") + " of " + from);

        // The chunk taken from its item and given to the other library's: its old parent must not be kept.
        String other = (String) call(
                        "MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item) RETURN i.uid AS uid",
                        Map.of("lib", to))
                .get(0)
                .get("uid");
        call("""
                MATCH (:Item)-[r:HAS_CHUNK]->(c:Chunk {uid: $uid}) DELETE r
                WITH c MATCH (i:Item {uid: $item}) CREATE (i)-[:HAS_CHUNK]->(c)
                SET i.chunk_count = i.chunk_count + 1""", Map.of("uid", moved.get("uid"), "item", other));
        assertThat(placed(query, from)).isEmpty();
        assertThat(placed(query, to)).contains(moved.get("uid") + " in " + other + " of " + to);

        // The item, with its chunks, hung from the first library's collection: its old collection must not be kept.
        call("""
                MATCH (:Collection)-[r:HAS_ITEM]->(i:Item {uid: $item}) DELETE r
                WITH i MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->(c:Collection) CREATE (c)-[:HAS_ITEM]->(i)""", Map.of("item", other, "lib", from));
        assertThat(placed(query, to)).isEmpty();
        assertThat(placed(query, from)).contains(moved.get("uid") + " in " + other + " of " + from);
    }

    @Test
    void warmingReadsEverySearchableChunkAndNothingAnUncommittedWriteChanged() {
        String lib = oneDocument("vector-cache-warm", "Falconers hood the bird to keep it calm.");
        call("CALL mnemo.ingest($lib, $text, {title: 'second'})", Map.of("lib", lib, "text", "Coopers bend staves."));
        long searchable = (Long) call(
                        "MATCH (:Item {embedding_status: 'completed'})-[:HAS_CHUNK]->(c:Chunk) RETURN count(c) AS n",
                        Map.of())
                .get(0)
                .get("n");
        Map<String, Object> target = call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item {title: 'kept'})
                      -[:HAS_CHUNK]->(c:Chunk)
                RETURN c.uid AS uid, c.embedding AS v""", Map.of("lib", lib)).get(0);
        List<Double> query = asQuery(target.get("v"));

        // Inside a transaction that has re-embedded the chunk, warming keeps nothing (its write may roll back).
        try (var tx = TestDatabase.db().beginTx()) {
            tx.execute(
                    "MATCH (c:Chunk {uid: $uid}) SET c.embedding = $v",
                    Map.of(
                            "uid",
                            target.get("uid"),
                            "v",
                            query.stream().map(x -> -x).toList()));
            Map<String, Object> refused = tx.execute("CALL mnemo.cache.warm()").next();
            assertThat(refused.get("chunks")).isEqualTo(0L);
            tx.rollback();
        }
        Map<String, Object> warmed = call("CALL mnemo.cache.warm()", Map.of()).get(0);
        assertThat(warmed.get("full")).isEqualTo(false);
        assertThat((Long) warmed.get("chunks")).isEqualTo(searchable);
        // Everything the search needs was read by the warming: it keeps nothing new, and ranks as the store says.
        assertThat(TestDatabase.vectorLeg(TestDatabase.db(), query, List.of(lib), 2))
                .isEqualTo(TestDatabase.exactNearest(TestDatabase.db(), query, List.of(lib), 2))
                .first()
                .isEqualTo(target.get("uid"));
        // (This database's entries, as the warming reports them: the metric sums every DBMS of the test JVM.)
        assertThat(call("CALL mnemo.cache.warm()", Map.of()).get(0).get("entries"))
                .isEqualTo(warmed.get("entries"));
    }

    @Test
    void aChunkHungFromTwoItemsStaysHiddenAfterAWarming() {
        String mine = oneDocument("two-parents-mine", "Lacemakers twist bobbins around pins on a pillow.");
        String theirs = oneDocument("two-parents-theirs", "Farriers shape horseshoes on an anvil.");
        Map<String, Object> chunk =
                call("""
                MATCH (:Library {uid: $theirs})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item)-[:HAS_CHUNK]->(c:Chunk)
                WITH c MATCH (:Library {uid: $mine})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)
                CREATE (i)-[:HAS_CHUNK]->(c) SET i.chunk_count = i.chunk_count + 1
                RETURN c.uid AS uid, c.embedding AS v""", Map.of("mine", mine, "theirs", theirs)).get(0);
        List<Double> query = asQuery(chunk.get("v"));
        // The store check cannot tell which item the chunk is in: it is nobody's, before and after a warming
        // (which walks from an item to its chunks and must not take that item for the chunk's own).
        try {
            for (int round = 0; round < 2; round++) {
                assertThat(placed(query, mine))
                        .as("round " + round)
                        .noneMatch(r -> r.startsWith(chunk.get("uid") + " "));
                call("CALL mnemo.cache.warm()", Map.of());
            }
        } finally { // the database is shared: other tests count chunks per item
            call("""
                    MATCH (:Library {uid: $mine})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)
                          -[r:HAS_CHUNK]->(:Chunk {uid: $uid})
                    DELETE r SET i.chunk_count = i.chunk_count - 1""", Map.of("mine", mine, "uid", chunk.get("uid")));
        }
    }

    /** The vector leg's rows in the library as "chunk in item of library". */
    private static List<String> placed(List<Double> query, String library) {
        return call(
                        "CALL mnemo.search('nearest', {libraries: [$lib], query_vector: $v, search_types: ['vector'], "
                                + "limit: 5}) YIELD chunk_uid, item_uid, library_uid "
                                + "RETURN chunk_uid + ' in ' + item_uid + ' of ' + library_uid AS row",
                        Map.of("lib", library, "v", query))
                .stream()
                .map(r -> (String) r.get("row"))
                .toList();
    }

    @Test
    void aVectorThatIsNotANumberRanksNowhereEveryTime() {
        String lib = oneDocument("vector-cache-nan", "A suspension bridge hangs its deck from cables.");
        Map<String, Object> first = call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)-[:HAS_CHUNK]->(c:Chunk)
                CREATE (i)-[:HAS_CHUNK]->(:Chunk {uid: 'nan-' + c.uid, text: c.text})
                RETURN c.uid AS uid, c.embedding AS v""", Map.of("lib", lib)).get(0);
        float[] corrupt = new float[((float[]) first.get("v")).length];
        java.util.Arrays.fill(corrupt, Float.NaN);
        try (var tx = TestDatabase.db().beginTx()) { // float[] as the plugin writes it (Cypher would store double[])
            tx.findNode(org.neo4j.graphdb.Label.label("Chunk"), "uid", "nan-" + first.get("uid"))
                    .setProperty("embedding", corrupt);
            tx.commit();
        }
        List<Double> query = asQuery(first.get("v"));
        // The first scan reads the store, the second the cache: a corrupt vector must not score on either.
        for (int scan = 0; scan < 2; scan++) {
            assertThat(TestDatabase.vectorLeg(TestDatabase.db(), query, List.of(lib), 5))
                    .as("scan " + scan)
                    .containsExactly((String) first.get("uid"));
        }
    }

    @Test
    void aVectorWrittenInATransactionThatRollsBackIsNeverCached() {
        String lib = TestDatabase.library(TestDatabase.unique("vector-cache-rollback"), "technical");
        for (String text : new String[] {
            "Beekeepers smoke the hive before opening it.", "A suspension bridge hangs its deck from cables."
        }) {
            call("CALL mnemo.ingest($lib, $text, {title: $text})", Map.of("lib", lib, "text", text));
        }
        Map<String, Object> target = call("""
                MATCH (:Library {uid: $lib})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item)-[:HAS_CHUNK]->(c:Chunk)
                RETURN c.uid AS uid, c.embedding AS v ORDER BY c.uid LIMIT 1""", Map.of("lib", lib)).get(0);
        List<Double> query = asQuery(target.get("v"));
        float[] opposite = new float[query.size()];
        for (int i = 0; i < opposite.length; i++) {
            opposite[i] = (float) -query.get(i);
        }
        // Written, searched (the search sees the transaction's own write) and rolled back.
        try (var tx = TestDatabase.db().beginTx()) {
            tx.execute(
                    "MATCH (c:Chunk {uid: $uid}) SET c.embedding = $v",
                    Map.of("uid", target.get("uid"), "v", opposite));
            var inside = tx
                    .execute(
                            "CALL mnemo.search('nearest', {libraries: [$lib], query_vector: $q, search_types: ['vector'], "
                                    + "limit: 2}) YIELD chunk_uid RETURN chunk_uid",
                            Map.of("lib", lib, "q", query))
                    .columnAs("chunk_uid")
                    .stream()
                    .toList();
            assertThat(inside).last().isEqualTo(target.get("uid"));
            tx.rollback();
        }
        assertThat(TestDatabase.vectorLeg(TestDatabase.db(), query, List.of(lib), 2))
                .first()
                .isEqualTo(target.get("uid"));
    }

    private static String oneDocument(String library, String text) {
        String lib = TestDatabase.library(TestDatabase.unique(library), "technical");
        call("CALL mnemo.ingest($lib, $text, {title: 'kept'})", Map.of("lib", lib, "text", text));
        return lib;
    }

    /** A stored float[] vector as the list a query_vector option takes. */
    private static List<Double> asQuery(Object vector) {
        List<Double> query = new ArrayList<>();
        for (float x : (float[]) vector) {
            query.add((double) x);
        }
        return query;
    }

    private static long cacheEntries() {
        return call(
                        "CALL mnemo.metrics() YIELD name, value WHERE name = 'mnemo_search_vector_cache_entries' "
                                + "RETURN sum(value) AS n",
                        Map.of())
                .stream()
                .findFirst()
                .map(r -> ((Number) r.get("n")).longValue())
                .orElse(0L);
    }
}
