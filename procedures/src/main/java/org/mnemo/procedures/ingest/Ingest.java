package org.mnemo.procedures.ingest;

import static org.mnemo.procedures.library.GraphModel.CHUNK;
import static org.mnemo.procedures.library.GraphModel.COLLECTION;
import static org.mnemo.procedures.library.GraphModel.COMPLETED;
import static org.mnemo.procedures.library.GraphModel.HAS_CHUNK;
import static org.mnemo.procedures.library.GraphModel.HAS_COLLECTION;
import static org.mnemo.procedures.library.GraphModel.HAS_ITEM;
import static org.mnemo.procedures.library.GraphModel.ITEM;
import static org.mnemo.procedures.library.GraphModel.MENTIONS;
import static org.mnemo.procedures.library.GraphModel.NEXT;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.mnemo.procedures.concept.ConceptMatcher;
import org.mnemo.procedures.concept.Concepts;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.library.Cascade;
import org.mnemo.procedures.library.GraphModel;
import org.mnemo.procedures.library.LibraryType;
import org.mnemo.procedures.library.Libraries;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.TransientFailureException;
import org.neo4j.graphdb.Transaction;

/**
 * Writes a document into the graph: item, chunks with NEXT links and embeddings, concepts with MENTIONS and
 * co-occurrence. Work is committed in batches of chunks so that memory stays bounded on large inputs; the item is
 * searchable only once its status is {@code completed}, and a failure removes everything the call wrote.
 */
public final class Ingest {
    public static final int PREVIEW_CHARS = 500;
    /** An item still being processed after this long is taken to be the remains of a crashed ingest. */
    private static final Duration STALE_AFTER = Duration.ofMinutes(15);
    private static final int TRANSIENT_ATTEMPTS = 5;

    /** One row of mnemo.ingest. */
    public record IngestResult(
            String item_uid,
            String library_uid,
            String collection_uid,
            String status,
            long chunk_count,
            long concept_count,
            String superseded_item_uid,
            String embedding_model,
            long took_ms) {}

    private record Prepared(IngestResult done, String itemUid, String libraryUid, String collectionUid,
            List<String> stale) {}

    private final GraphDatabaseService db;
    private final Embedder embedder;
    private final Concepts concepts;
    private final int conceptsPerItem;
    private final int batchSize;
    /** Throws when the calling transaction was terminated; checked between batches. */
    private final Runnable guard;
    private final String procedure;

    public Ingest(GraphDatabaseService db, Embedder embedder, Concepts concepts, int conceptsPerItem, int batchSize,
            Runnable guard, String procedure) {
        this.db = db;
        this.embedder = embedder;
        this.concepts = concepts;
        this.conceptsPerItem = conceptsPerItem;
        this.batchSize = batchSize;
        this.guard = guard;
        this.procedure = procedure;
    }

    /** Ingests a text: normalise, chunk per the library type, embed, link concepts. */
    public IngestResult text(String library, String text, ItemSpec item, IngestOptions options) {
        String normalized = TextNormalizer.normalize(text);
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": 'text' has no content after normalisation");
        }
        ItemSpec spec = item.contentHash() != null ? item : item.withContentHash(sha256(normalized));
        return run(library, spec, options, type -> {
            try {
                return options.chunker(type).chunk(normalized);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(procedure + ": 'options' " + e.getMessage());
            }
        }, normalized);
    }

    /** Ingests chunks that the caller already cut (and possibly embedded). */
    public IngestResult chunks(String library, List<ChunkDraft> drafts, ItemSpec item, IngestOptions options) {
        if (drafts.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": 'chunks' must not be empty");
        }
        StringBuilder all = new StringBuilder();
        for (ChunkDraft d : drafts) {
            if (all.length() < Concepts.MAX_INPUT_CHARS) {
                all.append(d.text()).append("\n\n");
            }
        }
        ItemSpec spec = item.contentHash() != null ? item : item.withContentHash(sha256(chunkDigestInput(drafts)));
        return run(library, spec, options, type -> drafts, all.toString());
    }

    private interface ChunkSource {
        List<ChunkDraft> chunks(LibraryType type);
    }

    private IngestResult run(String library, ItemSpec item, IngestOptions options, ChunkSource source,
            String conceptText) {
        long started = System.nanoTime();
        // Chunk before anything is written, so that bad chunking options leave no trace.
        List<ChunkDraft> drafts = source.chunks(libraryType(library));
        Prepared prepared = prepare(library, item);
        if (prepared.done() != null) {
            return prepared.done();
        }
        for (String stale : prepared.stale()) {
            Cascade.deleteItem(db, stale);
        }
        try {
            List<String> names = options.extractConcepts() ? concepts.extract(conceptText, conceptsPerItem) : List.of();
            long conceptCount = write(prepared.itemUid(), drafts, names);
            String superseded = supersede(prepared.libraryUid(), item, prepared.itemUid());
            return new IngestResult(prepared.itemUid(), prepared.libraryUid(), prepared.collectionUid(),
                    superseded == null ? "created" : "superseded", drafts.size(), conceptCount, superseded,
                    embedder.model(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        } catch (RuntimeException | Error e) {
            discard(prepared.itemUid(), e);
            throw e;
        }
    }

    private LibraryType libraryType(String libraryRef) {
        try (Transaction tx = db.beginTx()) {
            Node library = Libraries.find(tx, libraryRef);
            if (library == null) {
                throw new IllegalArgumentException(procedure + ": 'library' '" + libraryRef + "' does not exist; "
                        + "create it with mnemo.library.create");
            }
            return LibraryType.parse((String) library.getProperty("library_type"), "library_type");
        }
    }

    private Prepared prepare(String libraryRef, ItemSpec item) {
        try (Transaction tx = db.beginTx()) {
            Node library = Libraries.find(tx, libraryRef);
            if (library == null) {
                throw new IllegalArgumentException(procedure + ": 'library' '" + libraryRef + "' was deleted");
            }
            // Serialises ingests into one library so that the idempotency check below cannot race.
            tx.acquireWriteLock(library);
            String libraryUid = (String) library.getProperty("uid");
            List<String> stale = new ArrayList<>();
            var existing = tx.execute("""
                    MATCH (l:Library {uid: $library})-[:HAS_COLLECTION]->(c:Collection)-[:HAS_ITEM]->(i:Item)
                    WHERE i.content_hash = $hash AND coalesce(i.source_ref, '') = coalesce($ref, '')
                    RETURN i, c.uid AS collection""",
                    params("library", libraryUid, "hash", item.contentHash(), "ref", item.sourceRef()));
            while (existing.hasNext()) {
                Map<String, Object> row = existing.next();
                Node found = (Node) row.get("i");
                String status = (String) found.getProperty("embedding_status", "");
                ZonedDateTime updated = (ZonedDateTime) found.getProperty("updated_at", null);
                boolean active = updated != null && updated.isAfter(ZonedDateTime.now(ZoneOffset.UTC).minus(STALE_AFTER));
                if (COMPLETED.equals(status) || (!"failed".equals(status) && active)) {
                    IngestResult done = new IngestResult((String) found.getProperty("uid"), libraryUid,
                            (String) row.get("collection"), COMPLETED.equals(status) ? "existing" : "processing",
                            ((Number) found.getProperty("chunk_count", 0L)).longValue(),
                            ((Number) found.getProperty("concept_count", 0L)).longValue(), null,
                            (String) found.getProperty("embedding_model", null), 0);
                    return new Prepared(done, null, null, null, List.of());
                }
                stale.add((String) found.getProperty("uid"));
            }
            Node collection = collection(tx, library, item);
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            Node node = tx.createNode(ITEM);
            String uid = UUID.randomUUID().toString();
            node.setProperty("uid", uid);
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
            node.setProperty("embedding_status", "pending");
            node.setProperty("embedding_model", embedder.model());
            node.setProperty("chunk_count", 0L);
            node.setProperty("created_at", now);
            node.setProperty("updated_at", now);
            collection.createRelationshipTo(node, HAS_ITEM);
            String collectionUid = (String) collection.getProperty("uid");
            tx.commit();
            return new Prepared(null, uid, libraryUid, collectionUid, stale);
        }
    }

    private Node collection(Transaction tx, Node library, ItemSpec item) {
        if (item.collectionUid() != null) {
            Node collection = tx.findNode(COLLECTION, "uid", item.collectionUid());
            if (collection == null || !collection.getSingleRelationship(HAS_COLLECTION,
                    org.neo4j.graphdb.Direction.INCOMING).getStartNode().equals(library)) {
                throw new IllegalArgumentException(procedure + ": 'item.collection_uid' '" + item.collectionUid()
                        + "' is not a collection of library '" + library.getProperty("name") + "'");
            }
            return collection;
        }
        String name = item.collectionName() != null ? item.collectionName() : GraphModel.DEFAULT_COLLECTION;
        return (Node) tx.execute("""
                        MATCH (l:Library {uid: $library})
                        MERGE (l)-[:HAS_COLLECTION]->(c:Collection {name: $name})
                        ON CREATE SET c.uid = randomUUID(), c.created_at = datetime()
                        RETURN c""", params("library", library.getProperty("uid"), "name", name))
                .next()
                .get("c");
    }

    /** Writes chunks in batches and then the concept co-occurrences; returns the number of concepts linked. */
    private long write(String itemUid, List<ChunkDraft> drafts, List<String> conceptNames) {
        setStatus(itemUid, "processing");
        Map<String, String> nameByKey = new HashMap<>();
        for (String name : conceptNames) {
            nameByKey.putIfAbsent(Concepts.key(name), name);
        }
        List<String> keys = new ArrayList<>(nameByKey.keySet());
        ConceptMatcher matcher = new ConceptMatcher(keys);
        // Only concepts new to the graph need an embedding; most of a large corpus's concepts exist already.
        List<String> unembedded = withoutEmbedding(keys);
        Map<String, float[]> conceptVectors = new HashMap<>();
        if (!unembedded.isEmpty()) {
            List<float[]> vectors = embedder.embed(unembedded.stream().map(nameByKey::get).toList());
            for (int i = 0; i < unembedded.size(); i++) {
                conceptVectors.put(unembedded.get(i), vectors.get(i));
            }
        }
        Map<String, Long> pairs = new HashMap<>();
        Set<String> linked = new HashSet<>();
        String previous = null;
        for (int start = 0; start < drafts.size(); start += batchSize) {
            guard.run();
            List<ChunkDraft> batch = drafts.subList(start, Math.min(drafts.size(), start + batchSize));
            List<float[]> vectors = vectors(batch);
            int first = start;
            String after = previous;
            Written written = retryingTransient(() -> writeBatch(itemUid, first, after, batch, vectors, matcher,
                    nameByKey, conceptVectors));
            previous = written.last();
            linked.addAll(written.linked());
            written.pairs().forEach((pair, n) -> pairs.merge(pair, n, Long::sum));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        // In key order, for the same reason as the concepts above.
        new TreeMap<>(pairs).forEach((pair, weight) -> {
            String[] ab = pair.split("\u0000");
            rows.add(Map.of("a", ab[0], "b", ab[1], "w", weight));
        });
        long conceptCount = linked.size();
        retryingTransient(() -> {
            try (Transaction tx = db.beginTx()) {
                tx.execute("""
                        UNWIND $pairs AS p
                        MATCH (a:Concept {name_key: p.a}), (b:Concept {name_key: p.b})
                        MERGE (a)-[r:RELATED_TO]->(b)
                        ON CREATE SET r.weight = p.w
                        ON MATCH SET r.weight = r.weight + p.w""", Map.of("pairs", rows));
                Node item = tx.findNode(ITEM, "uid", itemUid);
                item.setProperty("related_counted", true);
                item.setProperty("concept_count", conceptCount);
                item.setProperty("embedding_status", COMPLETED);
                item.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
                tx.commit();
                return null;
            }
        });
        return linked.size();
    }

    /** What one committed batch wrote: its last chunk, the concepts it linked and their co-occurrences. */
    private record Written(String last, Set<String> linked, Map<String, Long> pairs) {}

    private Written writeBatch(String itemUid, int start, String previous, List<ChunkDraft> batch,
            List<float[]> vectors, ConceptMatcher matcher, Map<String, String> nameByKey,
            Map<String, float[]> conceptVectors) {
        Set<String> linked = new HashSet<>();
        Map<String, Long> pairs = new HashMap<>();
        try (Transaction tx = db.beginTx()) {
            Node item = tx.findNode(ITEM, "uid", itemUid);
            Node prev = previous == null ? null : tx.getNodeByElementId(previous);
            List<List<String>> mentions = new ArrayList<>(batch.size());
            TreeSet<String> batchKeys = new TreeSet<>();
            for (ChunkDraft draft : batch) {
                mentions.add(matcher.mentionedIn(draft.text()));
                batchKeys.addAll(mentions.get(mentions.size() - 1));
            }
            // Concepts are merged and locked in name order before any MENTIONS is created, so concurrent ingests
            // sharing concepts mostly wait for each other; the deadlocks left (dense nodes) are retried.
            Map<String, Node> conceptNodes = new HashMap<>();
            for (String key : batchKeys) {
                Node concept = concept(tx, key, nameByKey.get(key), conceptVectors.get(key));
                tx.acquireWriteLock(concept);
                conceptNodes.put(key, concept);
            }
            for (int i = 0; i < batch.size(); i++) {
                ChunkDraft draft = batch.get(i);
                Node chunk = tx.createNode(CHUNK);
                chunk.setProperty("uid", UUID.randomUUID().toString());
                chunk.setProperty("chunk_index", (long) (start + i));
                chunk.setProperty("text", draft.text());
                chunk.setProperty("text_preview", preview(draft.text()));
                chunk.setProperty("char_start", draft.charStart());
                chunk.setProperty("char_end", draft.charEnd());
                chunk.setProperty("embedding", vectors.get(i));
                item.createRelationshipTo(chunk, HAS_CHUNK);
                if (prev != null) {
                    prev.createRelationshipTo(chunk, NEXT);
                }
                prev = chunk;
                List<String> mentioned = mentions.get(i);
                for (String key : mentioned) {
                    chunk.createRelationshipTo(conceptNodes.get(key), MENTIONS);
                    linked.add(key);
                }
                for (int a = 0; a < mentioned.size(); a++) {
                    for (int b = a + 1; b < mentioned.size(); b++) {
                        String x = mentioned.get(a);
                        String y = mentioned.get(b);
                        pairs.merge(x.compareTo(y) < 0 ? x + "\u0000" + y : y + "\u0000" + x, 1L, Long::sum);
                    }
                }
            }
            item.setProperty("chunk_count", (long) (start + batch.size()));
            item.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
            String last = prev.getElementId();
            tx.commit();
            return new Written(last, linked, pairs);
        }
    }

    /**
     * Runs a self-contained transaction again when Neo4j aborted it as a deadlock victim or for another transient
     * reason: concurrent ingests share concept nodes, and the dense ones are locked in an order we do not control.
     */
    private static <T> T retryingTransient(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (TransientFailureException e) {
                if (attempt == TRANSIENT_ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50L * attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private List<String> withoutEmbedding(List<String> keys) {
        if (keys.isEmpty()) {
            return keys;
        }
        try (Transaction tx = db.beginTx()) {
            Set<String> embedded = new HashSet<>();
            tx.execute("UNWIND $keys AS key MATCH (c:Concept {name_key: key}) WHERE c.embedding IS NOT NULL "
                    + "RETURN key", Map.of("keys", keys)).forEachRemaining(r -> embedded.add((String) r.get("key")));
            return keys.stream().filter(k -> !embedded.contains(k)).toList();
        }
    }

    private List<float[]> vectors(List<ChunkDraft> batch) {
        List<String> missing = new ArrayList<>();
        for (ChunkDraft d : batch) {
            if (d.embedding() == null) {
                missing.add(d.text());
            }
        }
        List<float[]> computed = missing.isEmpty() ? List.of() : embedder.embed(missing);
        List<float[]> vectors = new ArrayList<>(batch.size());
        int next = 0;
        for (ChunkDraft d : batch) {
            vectors.add(d.embedding() != null ? d.embedding() : computed.get(next++));
        }
        return vectors;
    }

    private static Node concept(Transaction tx, String key, String name, float[] vector) {
        // MERGE on the unique name_key takes the lock that makes concurrent ingests share one node.
        Node concept = (Node) tx.execute("""
                        MERGE (c:Concept {name_key: $key})
                        ON CREATE SET c.uid = randomUUID(), c.name = $name
                        RETURN c""", params("key", key, "name", name))
                .next()
                .get("c");
        if (vector != null && !concept.hasProperty("embedding")) {
            concept.setProperty("embedding", vector);
        }
        return concept;
    }

    /** After the new item is complete, removes earlier versions of the same source_ref. */
    private String supersede(String libraryUid, ItemSpec item, String itemUid) {
        if (item.sourceRef() == null) {
            return null;
        }
        List<String> older = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            tx.execute("""
                    MATCH (:Library {uid: $library})-[:HAS_COLLECTION]->(:Collection)-[:HAS_ITEM]->(i:Item)
                    WHERE i.source_ref = $ref AND i.uid <> $item AND i.content_hash <> $hash
                      AND i.embedding_status IN ['completed', 'failed']
                    RETURN i.uid AS uid""",
                    params("library", libraryUid, "ref", item.sourceRef(), "item", itemUid, "hash", item.contentHash()))
                    .forEachRemaining(r -> older.add((String) r.get("uid")));
        }
        for (String uid : older) {
            Cascade.deleteItem(db, uid);
        }
        return older.isEmpty() ? null : older.get(0);
    }

    private void discard(String itemUid, Throwable cause) {
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

    private void setStatus(String itemUid, String status) {
        try (Transaction tx = db.beginTx()) {
            Node item = tx.findNode(ITEM, "uid", itemUid);
            item.setProperty("embedding_status", status);
            item.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
            tx.commit();
        }
    }

    static String preview(String text) {
        if (text.length() <= PREVIEW_CHARS) {
            return text;
        }
        int end = PREVIEW_CHARS;
        if (Character.isLowSurrogate(text.charAt(end))) {
            end--;
        }
        return text.substring(0, end);
    }

    private static String chunkDigestInput(List<ChunkDraft> drafts) {
        StringBuilder all = new StringBuilder();
        for (ChunkDraft d : drafts) {
            all.append(d.text()).append('\u0000');
        }
        return all.toString();
    }

    public static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> params(Object... keysAndValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

}
