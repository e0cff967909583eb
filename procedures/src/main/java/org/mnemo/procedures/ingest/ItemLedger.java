package org.mnemo.procedures.ingest;

import static org.mnemo.procedures.library.GraphModel.COMPLETED;
import static org.mnemo.procedures.library.GraphModel.HAS_ITEM;
import static org.mnemo.procedures.library.GraphModel.ITEM;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mnemo.procedures.library.Cascade;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * The bookkeeping of items: which version of a document is the current one, whether an ingest may proceed, and who
 * is writing what.
 * <ul>
 *   <li><b>Idempotency.</b> A document with a {@code source_ref} is the same document when ref and content hash
 *       match; one without is deduplicated only by its content hash within the library. A title or file name never
 *       decides anything.
 *   <li><b>Ordered supersede.</b> Of two versions of one {@code source_ref}, the one submitted later wins, whatever
 *       order they finish in: an ingest that finds a newer version ends {@code stale} and writes nothing, and a
 *       finished ingest removes only older versions.
 *   <li><b>Writers and leases.</b> An item written for a gateway job records the job and worker; it is being
 *       written only while that worker holds the job's lease, and every write transaction checks it, so a worker
 *       that lost its lease commits nothing more. An item whose writer is gone (or, written without a job, untouched
 *       for 15 minutes) is abandoned: cleaned up and written again.
 * </ul>
 */
public final class ItemLedger {
    /** An item being written without a job lease, untouched this long, is taken to be a crashed ingest's. */
    static final Duration STALE_AFTER = Duration.ofMinutes(15);

    private final GraphDatabaseService db;
    private final String model;
    private final String procedure;

    ItemLedger(GraphDatabaseService db, String model, String procedure) {
        this.db = db;
        this.model = model;
        this.procedure = procedure;
    }

    /**
     * The result for this document when no ingest must run — the same content already there ({@code existing}),
     * being written by a live ingest ({@code processing}), or a newer version of its source_ref ({@code stale}) —
     * else null; abandoned and failed items of the same content are added to {@code stale} for cleaning.
     */
    Ingest.IngestResult existing(Transaction tx, String libraryUid, ItemSpec item, List<String> stale) {
        if (item.sourceRef() != null) {
            var newer = tx.execute(
                    """
                    MATCH (:Library {uid: $library})-[:HAS_COLLECTION]->(c:Collection)-[:HAS_ITEM]->(i:Item)
                    WHERE i.source_ref = $ref AND i.content_hash <> $hash AND i.version_at > $version
                      AND i.embedding_status IN ['completed', 'processing', 'pending']
                    RETURN i, c.uid AS collection ORDER BY i.version_at DESC""",
                    Map.of(
                            "library",
                            libraryUid,
                            "ref",
                            item.sourceRef(),
                            "hash",
                            item.contentHash(),
                            "version",
                            item.versionAt()));
            while (newer.hasNext()) {
                Map<String, Object> row = newer.next();
                Node found = (Node) row.get("i");
                if (COMPLETED.equals(found.getProperty("embedding_status")) || alive(tx, found)) {
                    newer.close();
                    return result(found, libraryUid, (String) row.get("collection"), "stale");
                }
            }
        }
        var same = tx.execute("""
                MATCH (l:Library {uid: $library})-[:HAS_COLLECTION]->(c:Collection)-[:HAS_ITEM]->(i:Item)
                WHERE i.content_hash = $hash
                  AND (($ref IS NULL AND i.source_ref IS NULL) OR i.source_ref = $ref)
                  AND i.embedding_status <> 'deleting'
                RETURN i, c.uid AS collection""", params("library", libraryUid, "hash", item.contentHash(), "ref", item.sourceRef()));
        while (same.hasNext()) {
            Map<String, Object> row = same.next();
            Node found = (Node) row.get("i");
            String status = (String) found.getProperty("embedding_status", "");
            if (COMPLETED.equals(status) || (!"failed".equals(status) && alive(tx, found))) {
                same.close();
                return result(
                        found,
                        libraryUid,
                        (String) row.get("collection"),
                        COMPLETED.equals(status) ? "existing" : "processing");
            }
            stale.add((String) found.getProperty("uid"));
        }
        return null;
    }

    private static Ingest.IngestResult result(Node found, String libraryUid, String collectionUid, String status) {
        return new Ingest.IngestResult(
                (String) found.getProperty("uid"),
                libraryUid,
                collectionUid,
                status,
                ((Number) found.getProperty("chunk_count", 0L)).longValue(),
                ((Number) found.getProperty("concept_count", 0L)).longValue(),
                null,
                (String) found.getProperty("embedding_model", null),
                0);
    }

    /** Whether an unfinished item is still being written: its job's worker holds the lease, or it is fresh. */
    public static boolean alive(Transaction tx, Node item) {
        Object job = item.getProperty("writer_job", null);
        if (job instanceof String jobId) {
            var held = tx.execute("""
                    MATCH (j:IngestJob {id: $job}) WHERE j.lease_owner = $worker AND j.status = 'processing'
                      AND j.lease_expires_at > datetime()
                    RETURN count(j) > 0 AS held""", Map.of("job", jobId, "worker", item.getProperty("writer", "")));
            return Boolean.TRUE.equals(held.next().get("held"));
        }
        ZonedDateTime updated = (ZonedDateTime) item.getProperty("updated_at", null);
        return updated != null
                && updated.isAfter(ZonedDateTime.now(ZoneOffset.UTC).minus(STALE_AFTER));
    }

    /**
     * Refuses to go on writing for a worker that no longer holds its job's lease (it died in someone's eyes, and the
     * job belongs to another worker now). Called inside each write transaction, before it commits.
     */
    void checkLease(Transaction tx, ItemSpec item) {
        if (item.lease() == null) {
            return;
        }
        var held = tx.execute(
                """
                MATCH (j:IngestJob {id: $job}) WHERE j.lease_owner = $worker AND j.status = 'processing'
                  AND j.lease_expires_at > datetime()
                RETURN count(j) > 0 AS held""", Map.of("job", item.lease().jobId(), "worker", item.lease().worker()));
        if (!Boolean.TRUE.equals(held.next().get("held"))) {
            throw new IllegalStateException("lease_lost: " + procedure + ": worker '"
                    + item.lease().worker() + "' no longer holds the lease of job '"
                    + item.lease().jobId() + "'; nothing more is written");
        }
    }

    Node create(Transaction tx, Node collection, ItemSpec item, String status) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Node node = tx.createNode(ITEM);
        node.setProperty("uid", UUID.randomUUID().toString());
        node.setProperty("title", item.title());
        node.setProperty("item_type", item.itemType());
        node.setProperty("file_type", item.fileType());
        if (item.source() != null) {
            node.setProperty("source", item.source());
        }
        if (item.sourceRef() != null) {
            node.setProperty("source_ref", item.sourceRef());
        }
        node.setProperty("content_hash", item.contentHash());
        node.setProperty("version_at", item.versionAt());
        if (item.lease() != null) {
            node.setProperty("writer_job", item.lease().jobId());
            node.setProperty("writer", item.lease().worker());
        }
        node.setProperty("embedding_status", status);
        node.setProperty("embedding_model", model);
        node.setProperty("chunk_count", 0L);
        node.setProperty("created_at", now);
        node.setProperty("updated_at", now);
        collection.createRelationshipTo(node, HAS_ITEM);
        return node;
    }

    /**
     * After the new item is complete, removes the older versions of its source_ref — never a newer one, which may
     * have finished first. Each is hidden (status {@code deleting}) before its chunks go, so a crash midway leaves
     * nothing half-deleted visible, and recovery finishes the job.
     */
    String supersede(String libraryUid, ItemSpec item, String itemUid) {
        if (item.sourceRef() == null) {
            return null;
        }
        List<String> older = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            tx.execute(
                            """
                    MATCH (:Library {uid: $library})-[:HAS_COLLECTION]->(:Collection)-[:HAS_ITEM]->(i:Item)
                    WHERE i.source_ref = $ref AND i.uid <> $item AND i.content_hash <> $hash
                      AND i.embedding_status IN ['completed', 'failed']
                      AND (i.version_at IS NULL OR i.version_at <= $version)
                    SET i.embedding_status = 'deleting', i.updated_at = datetime()
                    RETURN i.uid AS uid""",
                            params(
                                    "library",
                                    libraryUid,
                                    "ref",
                                    item.sourceRef(),
                                    "item",
                                    itemUid,
                                    "hash",
                                    item.contentHash(),
                                    "version",
                                    item.versionAt()))
                    .forEachRemaining(r -> older.add((String) r.get("uid")));
            tx.commit();
        }
        for (String uid : older) {
            Cascade.deleteItem(db, uid); // should this fail, the item stays hidden; the retry's settle finishes it
        }
        return older.isEmpty() ? null : older.get(0);
    }

    /** Removes what a failed call wrote; if even that fails, marks the item failed so nothing half-written shows. */
    void discard(String itemUid, Throwable cause) {
        try {
            Cascade.deleteItem(db, itemUid);
        } catch (RuntimeException cleanup) {
            cause.addSuppressed(cleanup);
            try {
                setStatus(itemUid, "failed");
            } catch (RuntimeException ignored) {
                cause.addSuppressed(ignored);
            }
        }
    }

    void setStatus(String itemUid, String status) {
        try (Transaction tx = db.beginTx()) {
            Node item = tx.findNode(ITEM, "uid", itemUid);
            item.setProperty("embedding_status", status);
            item.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
            tx.commit();
        }
    }

    private static Map<String, Object> params(Object... keysAndValues) {
        Map<String, Object> map = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
