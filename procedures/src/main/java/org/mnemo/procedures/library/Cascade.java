package org.mnemo.procedures.library;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.mnemo.procedures.concept.ConceptLocks;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Deletes a library or an item with everything below it, in bounded transactions: chunks in batches, then items,
 * collections and the library, and last — in a transaction of its own — the concepts no chunk mentions any more.
 * Co-occurrence weights are decremented by what the deleted chunks contributed.
 *
 * <p>Crash-safe: the first transaction marks everything that is going ({@code deleting} on the library or
 * collection, item status {@code deleting}), which hides it from search and listings at once; each later step is
 * idempotent, so {@link #resume} (run by {@code mnemo.maintenance.recover}) finishes what a crash interrupted.
 */
public final class Cascade {
    private static final int BATCH = 5_000;

    /** What a cascade removed. */
    public record Deleted(long libraries, long collections, long items, long chunks, long concepts) {
        Deleted plus(Deleted o) {
            return new Deleted(
                    libraries + o.libraries,
                    collections + o.collections,
                    items + o.items,
                    chunks + o.chunks,
                    concepts + o.concepts);
        }
    }

    private static final Deleted NOTHING = new Deleted(0, 0, 0, 0, 0);

    private Cascade() {}

    public static Deleted deleteLibrary(GraphDatabaseService db, String uid) {
        mark(db, """
                MATCH (l:Library {uid: $uid}) SET l.deleting = true
                WITH l OPTIONAL MATCH (l)-[:HAS_COLLECTION]->(c:Collection)
                SET c.deleting = true
                WITH c OPTIONAL MATCH (c)-[:HAS_ITEM]->(i:Item) SET i.embedding_status = 'deleting'""", uid);
        return cascade(db, """
                MATCH (:Library {uid: $uid})-[:HAS_COLLECTION]->(:Collection)-[:HAS_ITEM]->(i:Item)
                RETURN i.uid AS uid""", uid, tx -> {
            var r = tx.execute("""
                            MATCH (l:Library {uid: $uid})
                            OPTIONAL MATCH (l)-[:HAS_COLLECTION]->(c:Collection)
                            WITH l, collect(c) AS collections
                            FOREACH (c IN collections | DETACH DELETE c)
                            DETACH DELETE l
                            RETURN size(collections) AS collections""", Map.of("uid", uid));
            return r.hasNext() ? new Deleted(1, ((Number) r.next().get("collections")).longValue(), 0, 0, 0) : NOTHING;
        });
    }

    public static Deleted deleteCollection(GraphDatabaseService db, String uid) {
        mark(db, """
                MATCH (c:Collection {uid: $uid}) SET c.deleting = true
                WITH c OPTIONAL MATCH (c)-[:HAS_ITEM]->(i:Item) SET i.embedding_status = 'deleting'""", uid);
        return cascade(db, "MATCH (:Collection {uid: $uid})-[:HAS_ITEM]->(i:Item) RETURN i.uid AS uid", uid, tx -> {
            var r = tx.execute(
                    "MATCH (c:Collection {uid: $uid}) DETACH DELETE c RETURN count(*) AS n", Map.of("uid", uid));
            return new Deleted(0, ((Number) r.next().get("n")).longValue(), 0, 0, 0);
        });
    }

    /**
     * Deletes the items {@code itemsQuery} finds (a transaction each), then what {@code container} deletes in a
     * transaction of its own, then the concepts no chunk mentions any more.
     */
    private static Deleted cascade(
            GraphDatabaseService db, String itemsQuery, String uid, Function<Transaction, Deleted> container) {
        List<String> items = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            tx.execute(itemsQuery, Map.of("uid", uid)).forEachRemaining(r -> items.add((String) r.get("uid")));
        }
        Deleted total = NOTHING;
        List<String> concepts = new ArrayList<>();
        for (String item : items) {
            total = total.plus(deleteItemOnly(db, item, concepts));
        }
        total = total.plus(inTransaction(db, container));
        return total.plus(new Deleted(0, 0, 0, 0, deleteOrphanConcepts(db, concepts)));
    }

    public static Deleted deleteItem(GraphDatabaseService db, String uid) {
        mark(db, "MATCH (i:Item {uid: $uid}) SET i.embedding_status = 'deleting'", uid);
        List<String> concepts = new ArrayList<>();
        Deleted deleted = deleteItemOnly(db, uid, concepts);
        return deleted.plus(new Deleted(0, 0, 0, 0, deleteOrphanConcepts(db, concepts)));
    }

    /** Hides what is about to be deleted, in one transaction: from here on a crash leaves nothing visible. */
    private static void mark(GraphDatabaseService db, String cypher, String uid) {
        inTransaction(db, tx -> {
            tx.execute(cypher, Map.of("uid", uid));
            return null;
        });
    }

    /**
     * One step of a cascade in a transaction of its own, run again when Neo4j picks it as a deadlock victim:
     * concurrent deletes and ingests lock shared concepts and their co-occurrence relationships in any order.
     */
    private static <T> T inTransaction(GraphDatabaseService db, Function<Transaction, T> step) {
        return Retry.transientFailures(() -> {
            try (Transaction tx = db.beginTx()) {
                T result = step.apply(tx);
                tx.commit();
                return result;
            }
        });
    }

    /** What {@link #resume} finished. */
    public record Resumed(long libraries, long collections, long items, long concepts) {}

    /**
     * Finishes deletes that a crash interrupted — libraries, collections and items marked deleting — and removes
     * concepts nothing mentions any more (a crash between an item's chunks and its concepts leaves those).
     */
    public static Resumed resume(GraphDatabaseService db) {
        List<String> libraries = uids(db, "MATCH (l:Library {deleting: true}) RETURN l.uid AS uid");
        libraries.forEach(uid -> deleteLibrary(db, uid));
        List<String> collections = uids(db, "MATCH (c:Collection {deleting: true}) RETURN c.uid AS uid");
        collections.forEach(uid -> deleteCollection(db, uid));
        List<String> items = uids(db, "MATCH (i:Item {embedding_status: 'deleting'}) RETURN i.uid AS uid");
        items.forEach(uid -> deleteItem(db, uid));
        long concepts = 0;
        long n;
        do {
            n = inTransaction(
                    db,
                    tx -> ((Number) tx.execute("""
                    MATCH (c:Concept) WHERE NOT ()-[:MENTIONS]->(c)
                    WITH c LIMIT $batch DETACH DELETE c
                    RETURN count(*) AS n""", Map.of("batch", BATCH))
                                    .next()
                                    .get("n"))
                            .longValue());
            concepts += n;
        } while (n == BATCH);
        return new Resumed(libraries.size(), collections.size(), items.size(), concepts);
    }

    private static List<String> uids(GraphDatabaseService db, String cypher) {
        List<String> uids = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            tx.execute(cypher).forEachRemaining(r -> uids.add((String) r.get("uid")));
        }
        return uids;
    }

    /** What one step of an item's delete did: the concepts its chunks mentioned, the chunks it removed. */
    private record Step(List<String> concepts, long chunks, boolean itemGone) {}

    /**
     * Deletes one item and its chunks, collecting the concepts they mentioned into {@code concepts}: an item of up
     * to {@link #BATCH} chunks in one transaction, so the shared concepts are locked once.
     */
    private static Deleted deleteItemOnly(GraphDatabaseService db, String uid, List<String> concepts) {
        long chunks = 0;
        Step step;
        do {
            step = inTransaction(db, tx -> {
                var found = tx.execute("""
                        MATCH (i:Item {uid: $uid})
                        OPTIONAL MATCH (i)-[:HAS_CHUNK]->(:Chunk)-[:MENTIONS]->(c:Concept)
                        RETURN i.related_counted AS counted, collect(DISTINCT c) AS concepts""", Map.of("uid", uid));
                if (!found.hasNext()) {
                    return null;
                }
                Map<String, Object> row = found.next();
                @SuppressWarnings("unchecked")
                List<Node> mentioned = (List<Node>) row.get("concepts");
                ConceptLocks.inKeyOrder(tx, mentioned);
                if (Boolean.TRUE.equals(row.get("counted"))) {
                    // Take back the co-occurrences this item added (one per chunk mentioning both concepts).
                    tx.execute("""
                            MATCH (:Item {uid: $uid})-[:HAS_CHUNK]->(ch:Chunk)-[:MENTIONS]->(a:Concept),
                                  (ch)-[:MENTIONS]->(b:Concept)
                            WHERE a.name_key < b.name_key
                            WITH a, b, count(ch) AS n
                            MATCH (a)-[r:RELATED_TO]->(b)
                            SET r.weight = r.weight - n
                            WITH r WHERE r.weight <= 0
                            DELETE r""", Map.of("uid", uid));
                    tx.execute("MATCH (i:Item {uid: $uid}) REMOVE i.related_counted", Map.of("uid", uid));
                }
                long n = ((Number) tx.execute("""
                        MATCH (:Item {uid: $uid})-[:HAS_CHUNK]->(ch:Chunk)
                        WITH ch LIMIT $batch
                        DETACH DELETE ch
                        RETURN count(*) AS n""", Map.of("uid", uid, "batch", BATCH))
                                .next()
                                .get("n"))
                        .longValue();
                if (n < BATCH) {
                    tx.execute("MATCH (i:Item {uid: $uid}) DETACH DELETE i", Map.of("uid", uid));
                }
                return new Step(
                        mentioned.stream()
                                .map(c -> (String) c.getProperty("uid"))
                                .toList(),
                        n,
                        n < BATCH);
            });
            if (step == null) {
                return chunks == 0 ? NOTHING : new Deleted(0, 0, 1, chunks, 0);
            }
            concepts.addAll(step.concepts());
            chunks += step.chunks();
        } while (!step.itemGone());
        return new Deleted(0, 0, 1, chunks, 0);
    }

    /** Deletes those of the given concepts that no chunk mentions any more. */
    public static long deleteOrphanConcepts(GraphDatabaseService db, List<String> conceptUids) {
        if (conceptUids.isEmpty()) {
            return 0;
        }
        List<String> uids = List.copyOf(new java.util.LinkedHashSet<>(conceptUids));
        return inTransaction(db, tx -> {
            List<Node> found = new ArrayList<>();
            tx.execute("UNWIND $uids AS uid MATCH (c:Concept {uid: uid}) RETURN c", Map.of("uids", uids))
                    .forEachRemaining(r -> found.add((Node) r.get("c")));
            ConceptLocks.inKeyOrder(tx, found);
            return ((Number) tx.execute("""
                UNWIND $uids AS uid
                MATCH (c:Concept {uid: uid})
                WHERE NOT (c)<-[:MENTIONS]-()
                DETACH DELETE c
                RETURN count(*) AS n""", Map.of("uids", uids)).next().get("n")).longValue();
        });
    }
}
