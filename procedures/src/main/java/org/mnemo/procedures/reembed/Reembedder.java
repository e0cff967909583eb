package org.mnemo.procedures.reembed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.embed.Embedder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;

/**
 * Re-embeds what another model (or another dimension) wrote, so that changing the embedding model is a supported
 * operation: items flagged {@code reembed_required} or written by another model (their chunks, in batches), then
 * memories and concepts whose {@code embedding_model} is not the current one. Every batch commits on its own and an
 * item is marked done only after its last chunk, so an interrupted run resumes where it stopped.
 */
public final class Reembedder {
    /** What remains (or what one run did). */
    public record Progress(String model, long items, long chunks, long memories, long concepts) {}

    private static final String STALE_ITEMS = """
            MATCH (i:Item) WHERE i.embedding_status = 'completed'
              AND (i.reembed_required = true OR coalesce(i.embedding_model, '') <> $model)""";
    private static final String STALE_MEMORIES = """
            MATCH (m:Memory) WHERE m.status = 'active' AND coalesce(m.embedding_model, '') <> $model""";
    private static final String STALE_CONCEPTS = """
            MATCH (c:Concept) WHERE c.embedding IS NOT NULL AND coalesce(c.embedding_model, '') <> $model""";

    private final GraphDatabaseService db;
    private final Embedder embedder;
    private final int batch;

    public Reembedder(GraphDatabaseService db, Embedder embedder, int batch) {
        this.db = db;
        this.embedder = embedder;
        this.batch = batch;
    }

    public Progress remaining() {
        try (Transaction tx = db.beginTx()) {
            Map<String, Object> p = Map.of("model", embedder.model());
            return new Progress(
                    embedder.model(),
                    count(tx, STALE_ITEMS + " RETURN count(i) AS n", p),
                    count(tx, STALE_ITEMS + " MATCH (i)-[:HAS_CHUNK]->(c:Chunk) RETURN count(c) AS n", p),
                    count(tx, STALE_MEMORIES + " RETURN count(m) AS n", p),
                    count(tx, STALE_CONCEPTS + " RETURN count(c) AS n", p));
        }
    }

    /** Re-embeds up to {@code maxItems} items (and then memories and concepts, a batch at a time); what it did. */
    public Progress run(int maxItems, Runnable guard) {
        long items = 0;
        long chunks = 0;
        for (String item : uids(STALE_ITEMS + " RETURN i.uid AS uid LIMIT $limit", maxItems)) {
            guard.run();
            chunks += item(item, guard);
            items++;
        }
        long memories = rest(STALE_MEMORIES, "m", "content", guard);
        long concepts = rest(STALE_CONCEPTS, "c", "name", guard);
        return new Progress(embedder.model(), items, chunks, memories, concepts);
    }

    private long item(String itemUid, Runnable guard) {
        List<Map<String, Object>> chunks = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            tx.execute(
                            "MATCH (:Item {uid: $uid})-[:HAS_CHUNK]->(c:Chunk) RETURN c.uid AS uid, c.text AS text "
                                    + "ORDER BY c.chunk_index",
                            Map.of("uid", itemUid))
                    .forEachRemaining(chunks::add);
        }
        for (int start = 0; start < chunks.size(); start += batch) {
            guard.run();
            List<Map<String, Object>> slice = chunks.subList(start, Math.min(chunks.size(), start + batch));
            write("MATCH (c:Chunk {uid: row.uid}) SET c.embedding = row.vector", slice, "text");
        }
        try (Transaction tx = db.beginTx()) {
            tx.execute(
                    "MATCH (i:Item {uid: $uid}) SET i.embedding_model = $model REMOVE i.reembed_required",
                    Map.of("uid", itemUid, "model", embedder.model()));
            tx.commit();
        }
        return chunks.size();
    }

    /** Memories or concepts, a batch per transaction, until none is left. */
    private long rest(String stale, String variable, String textProperty, Runnable guard) {
        long done = 0;
        while (true) {
            guard.run();
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Transaction tx = db.beginTx()) {
                tx.execute(
                                stale + " RETURN elementId(" + variable + ") AS id, " + variable + "." + textProperty
                                        + " AS text LIMIT $limit",
                                Map.of("model", embedder.model(), "limit", batch))
                        .forEachRemaining(rows::add);
            }
            if (rows.isEmpty()) {
                return done;
            }
            write(
                    "MATCH (n) WHERE elementId(n) = row.id SET n.embedding = row.vector, n.embedding_model = $model",
                    rows,
                    "text");
            done += rows.size();
        }
    }

    private void write(String set, List<Map<String, Object>> rows, String textKey) {
        List<String> texts =
                rows.stream().map(r -> String.valueOf(r.get(textKey))).toList();
        List<float[]> vectors = embedder.embed(texts);
        List<Map<String, Object>> withVectors = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = new java.util.HashMap<>(rows.get(i));
            row.put("vector", vectors.get(i));
            withVectors.add(row);
        }
        try (Transaction tx = db.beginTx()) {
            tx.execute("UNWIND $rows AS row " + set, Map.of("rows", withVectors, "model", embedder.model()));
            tx.commit();
        }
    }

    private List<String> uids(String cypher, int limit) {
        List<String> uids = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            tx.execute(cypher, Map.of("model", embedder.model(), "limit", limit))
                    .forEachRemaining(r -> uids.add((String) r.get("uid")));
        }
        return uids;
    }

    private static long count(Transaction tx, String cypher, Map<String, Object> params) {
        return ((Number) tx.execute(cypher, params).next().get("n")).longValue();
    }
}
