package org.mnemo.procedures.ingest;

import static org.mnemo.procedures.library.GraphModel.COLLECTION;
import static org.mnemo.procedures.library.GraphModel.HAS_COLLECTION;
import static org.mnemo.procedures.library.GraphModel.ITEM;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mnemo.procedures.concept.Concepts;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.library.Cascade;
import org.mnemo.procedures.library.GraphModel;
import org.mnemo.procedures.library.Libraries;
import org.mnemo.procedures.library.LibraryType;
import org.mnemo.procedures.library.Retry;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Writes a document into the graph: item ({@link ItemLedger}: idempotency, supersede, status), chunks with NEXT
 * links and embeddings ({@link ChunkWriter}), concepts with MENTIONS and co-occurrence ({@link ConceptLinker}),
 * transient failures retried ({@link Retry}). Work is committed in batches of chunks so that memory stays bounded on large inputs; the item is
 * searchable only once its status is {@code completed}, and a failure removes everything the call wrote.
 */
public final class Ingest {
    /**
     * Chunks one transaction may hold when a call is written whole: a mnemo.ingest.batch call, or pre-embedded
     * chunks (already in memory, nothing to embed between batches).
     */
    public static final int MAX_BATCH_CHUNKS = 2_000;

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

    private record Prepared(
            IngestResult done, String itemUid, String libraryUid, String collectionUid, List<String> stale) {}

    /** What the one transaction did with a document: found it done already, or wrote it. */
    private record Committed(
            IngestResult done,
            String itemUid,
            String libraryUid,
            String collectionUid,
            List<String> stale,
            long conceptCount) {}

    private final GraphDatabaseService db;
    private final Embedder embedder;
    private final ConceptLinker linker;
    private final ChunkWriter chunks;
    private final int batchSize;
    /** Throws when the calling transaction was terminated; checked between batches. */
    private final Runnable guard;

    private final String procedure;
    private final ItemLedger ledger;

    public Ingest(
            GraphDatabaseService db,
            Embedder embedder,
            Concepts concepts,
            int conceptsPerItem,
            int batchSize,
            Runnable guard,
            String procedure) {
        this.db = db;
        this.embedder = embedder;
        this.linker = new ConceptLinker(concepts, conceptsPerItem, embedder.model());
        this.chunks = new ChunkWriter(embedder, linker);
        this.batchSize = batchSize;
        this.guard = guard;
        this.procedure = procedure;
        this.ledger = new ItemLedger(db, embedder.model(), procedure);
    }

    /** Ingests a text: normalise, chunk per the library type, embed, link concepts. */
    public IngestResult text(String library, String text, ItemSpec item, IngestOptions options) {
        String normalized = normalized(text, "'text'");
        ItemSpec spec = item.contentHash() != null ? item : item.withContentHash(sha256(normalized));
        return run(library, spec, options, type -> chunk(normalized, type, options), normalized);
    }

    /** One document of mnemo.ingest.batch. */
    public record Document(String text, ItemSpec item) {}

    /**
     * Ingests many small documents in one transaction, their chunks and new concept names embedded in one model
     * call: for sets of notes or messages, where a commit per document would cost more than the document.
     */
    public List<IngestResult> texts(String library, List<Document> documents, IngestOptions options) {
        long started = System.nanoTime();
        LibraryType type = libraryType(library);
        List<Pending> pending = new ArrayList<>(documents.size());
        int chunks = 0;
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            String normalized = normalized(d.text(), "'documents[" + i + "].text'");
            List<ChunkDraft> drafts = chunk(normalized, type, options);
            chunks += drafts.size();
            if (chunks > MAX_BATCH_CHUNKS) {
                throw new IllegalArgumentException(procedure + ": 'documents' are cut into more than "
                        + MAX_BATCH_CHUNKS + " chunks; send fewer documents per call, and large ones to mnemo.ingest");
            }
            ItemSpec spec = d.item().contentHash() != null ? d.item() : d.item().withContentHash(sha256(normalized));
            pending.add(new Pending(spec, drafts, normalized));
        }
        return inOneTransaction(library, pending, options, started);
    }

    private String normalized(String text, String argument) {
        String normalized = TextNormalizer.normalize(text);
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": " + argument + " has no content after normalisation");
        }
        return normalized;
    }

    private List<ChunkDraft> chunk(String normalized, LibraryType type, IngestOptions options) {
        try {
            return options.chunker(type).chunk(normalized);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(procedure + ": 'options' " + e.getMessage());
        }
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

    private IngestResult run(
            String library, ItemSpec item, IngestOptions options, ChunkSource source, String conceptText) {
        long started = System.nanoTime();
        // Chunk before anything is written, so that bad chunking options leave no trace.
        List<ChunkDraft> drafts = source.chunks(libraryType(library));
        boolean preEmbedded = drafts.stream().allMatch(d -> d.embedding() != null);
        if (drafts.size() <= batchSize || (preEmbedded && drafts.size() <= MAX_BATCH_CHUNKS)) {
            return inOneTransaction(library, List.of(new Pending(item, drafts, conceptText)), options, started)
                    .get(0);
        }
        Prepared prepared = prepare(library, item);
        if (prepared.done() != null) {
            return settle(item, prepared.done());
        }
        for (String stale : prepared.stale()) {
            Cascade.deleteItem(db, stale);
        }
        try {
            long conceptCount = write(prepared.itemUid(), item, drafts, linker.plan(conceptText, options));
            return finish(
                    prepared.itemUid(),
                    prepared.libraryUid(),
                    prepared.collectionUid(),
                    item,
                    drafts.size(),
                    conceptCount,
                    started);
        } catch (RuntimeException | Error e) {
            ledger.discard(prepared.itemUid(), e);
            throw e;
        }
    }

    /** A document ready to be written: its metadata, its chunks and the text its concepts are taken from. */
    private record Pending(ItemSpec item, List<ChunkDraft> drafts, String conceptText) {}

    /**
     * Writes documents whose chunks fit one batch in a single transaction. Every commit that touches a
     * Lucene-backed index (full-text, vector) pays an index refresh that costs more than a small item's own
     * writes, so one commit for the whole of a small item, or of many (mnemo.ingest.batch).
     */
    private List<IngestResult> inOneTransaction(
            String libraryRef, List<Pending> docs, IngestOptions options, long started) {
        IngestResult[] results = new IngestResult[docs.size()];
        List<Integer> todo = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            // Checked before extracting concepts and embedding: re-sending unchanged content costs no model call.
            String libraryUid = (String) requireLibrary(tx, libraryRef).getProperty("uid");
            for (int i = 0; i < docs.size(); i++) {
                results[i] = ledger.existing(tx, libraryUid, docs.get(i).item(), new ArrayList<>());
                if (results[i] == null) {
                    todo.add(i);
                }
            }
        }
        if (todo.isEmpty()) {
            for (int i = 0; i < results.length; i++) {
                settle(docs.get(i).item(), results[i]);
            }
            return List.of(results);
        }
        Map<Integer, ConceptLinker.ConceptPlan> plans = new HashMap<>();
        List<ChunkDraft> drafts = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (int i : todo) {
            ConceptLinker.ConceptPlan plan = linker.plan(docs.get(i).conceptText(), options);
            plans.put(i, plan);
            drafts.addAll(docs.get(i).drafts());
            plan.nameByKey().forEach(names::putIfAbsent);
        }
        List<String> unembedded;
        try (Transaction tx = db.beginTx()) {
            unembedded = ConceptLinker.withoutEmbedding(tx, List.copyOf(new TreeSet<>(names.keySet())));
        }
        List<float[]> vectors =
                chunks.vectors(drafts, unembedded.stream().map(names::get).toList());
        Map<String, float[]> conceptVectors = new HashMap<>();
        for (int i = 0; i < unembedded.size(); i++) {
            conceptVectors.put(unembedded.get(i), vectors.get(drafts.size() + i));
        }
        guard.run();
        List<Committed> committed = Retry.transientFailures(() -> {
            try (Transaction tx = db.beginTx()) {
                Node library = requireLibrary(tx, libraryRef);
                tx.acquireWriteLock(library);
                String libraryUid = (String) library.getProperty("uid");
                // All the concepts the documents mention, locked in name order before any is linked.
                Set<String> mentioned = new TreeSet<>();
                for (int i : todo) {
                    for (ChunkDraft d : docs.get(i).drafts()) {
                        mentioned.addAll(plans.get(i).matcher().mentionedIn(d.text()));
                    }
                }
                Map<String, Node> conceptNodes = new HashMap<>();
                linker.lock(tx, mentioned, names, conceptVectors, conceptNodes);
                List<Committed> out = new ArrayList<>();
                Map<String, Long> pairs = new HashMap<>();
                int offset = 0;
                for (int i : todo) {
                    Pending doc = docs.get(i);
                    List<float[]> docVectors =
                            vectors.subList(offset, offset + doc.drafts().size());
                    offset += doc.drafts().size();
                    List<String> stale = new ArrayList<>();
                    // Again under the library's lock; also catches a document sent twice in one batch.
                    IngestResult done = ledger.existing(tx, libraryUid, doc.item(), stale);
                    if (done != null) {
                        out.add(new Committed(done, null, null, null, List.of(), 0));
                        continue;
                    }
                    ledger.checkLease(tx, doc.item());
                    Node collection = collection(tx, library, doc.item());
                    Node node = ledger.create(tx, collection, doc.item(), "processing");
                    ChunkWriter.Written written = chunks.write(
                            tx, node, 0, null, doc.drafts(), docVectors, plans.get(i), conceptVectors, conceptNodes);
                    written.pairs().forEach((pair, n) -> pairs.merge(pair, n, Long::sum));
                    ChunkWriter.complete(node, written.linked().size());
                    out.add(new Committed(
                            null,
                            (String) node.getProperty("uid"),
                            libraryUid,
                            (String) collection.getProperty("uid"),
                            stale,
                            written.linked().size()));
                }
                ConceptLinker.linkPairs(tx, pairs, conceptNodes);
                tx.commit();
                return out;
            }
        });
        for (int n = 0; n < todo.size(); n++) {
            Committed c = committed.get(n);
            int i = todo.get(n);
            if (c.done() != null) {
                results[i] = settle(docs.get(i).item(), c.done());
                continue;
            }
            for (String uid : c.stale()) {
                Cascade.deleteItem(db, uid);
            }
            results[i] = finish(
                    c.itemUid(),
                    c.libraryUid(),
                    c.collectionUid(),
                    docs.get(i).item(),
                    docs.get(i).drafts().size(),
                    c.conceptCount(),
                    started);
        }
        return List.of(results);
    }

    /**
     * A document found stored already: an earlier attempt that crashed or failed after writing it may not have
     * removed the older versions of its source_ref yet, so that is done (again) now.
     */
    private IngestResult settle(ItemSpec item, IngestResult done) {
        if ("existing".equals(done.status())) {
            ledger.supersede(done.library_uid(), item, done.item_uid());
        }
        return done;
    }

    private IngestResult finish(
            String itemUid,
            String libraryUid,
            String collectionUid,
            ItemSpec item,
            long chunkCount,
            long conceptCount,
            long started) {
        String superseded = ledger.supersede(libraryUid, item, itemUid);
        return new IngestResult(
                itemUid,
                libraryUid,
                collectionUid,
                superseded == null ? "created" : "superseded",
                chunkCount,
                conceptCount,
                superseded,
                embedder.model(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
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
            Node library = requireLibrary(tx, libraryRef);
            // Serialises ingests into one library so that the idempotency check below cannot race.
            tx.acquireWriteLock(library);
            String libraryUid = (String) library.getProperty("uid");
            List<String> stale = new ArrayList<>();
            IngestResult done = ledger.existing(tx, libraryUid, item, stale);
            if (done != null) {
                return new Prepared(done, null, null, null, List.of());
            }
            ledger.checkLease(tx, item);
            Node collection = collection(tx, library, item);
            Node node = ledger.create(tx, collection, item, "pending");
            String uid = (String) node.getProperty("uid");
            String collectionUid = (String) collection.getProperty("uid");
            tx.commit();
            return new Prepared(null, uid, libraryUid, collectionUid, stale);
        }
    }

    private Node requireLibrary(Transaction tx, String libraryRef) {
        Node library = Libraries.find(tx, libraryRef);
        if (library == null) {
            throw new IllegalArgumentException(procedure + ": 'library' '" + libraryRef + "' was deleted");
        }
        return library;
    }

    private Node collection(Transaction tx, Node library, ItemSpec item) {
        if (item.collectionUid() != null) {
            Node collection = tx.findNode(COLLECTION, "uid", item.collectionUid());
            if (collection == null
                    || !collection
                            .getSingleRelationship(HAS_COLLECTION, org.neo4j.graphdb.Direction.INCOMING)
                            .getStartNode()
                            .equals(library)) {
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
    private long write(String itemUid, ItemSpec spec, List<ChunkDraft> drafts, ConceptLinker.ConceptPlan plan) {
        ledger.setStatus(itemUid, "processing");
        // Only concepts new to the graph need an embedding; most of a large corpus's concepts exist already.
        List<String> unembedded;
        try (Transaction tx = db.beginTx()) {
            unembedded = ConceptLinker.withoutEmbedding(tx, plan.keys());
        }
        Map<String, float[]> conceptVectors = new HashMap<>();
        Map<String, Long> pairs = new HashMap<>();
        Set<String> linked = new HashSet<>();
        String previous = null;
        for (int start = 0; start < drafts.size(); start += batchSize) {
            guard.run();
            List<ChunkDraft> batch = drafts.subList(start, Math.min(drafts.size(), start + batchSize));
            // The new concept names ride along with the first batch's model call.
            List<String> names =
                    start == 0 ? unembedded.stream().map(plan.nameByKey()::get).toList() : List.of();
            List<float[]> vectors = chunks.vectors(batch, names);
            for (int i = 0; i < names.size(); i++) {
                conceptVectors.put(unembedded.get(i), vectors.get(batch.size() + i));
            }
            int first = start;
            String after = previous;
            ChunkWriter.Written written = Retry.transientFailures(() -> {
                try (Transaction tx = db.beginTx()) {
                    Node item = tx.findNode(ITEM, "uid", itemUid);
                    Node prev = after == null ? null : tx.getNodeByElementId(after);
                    ChunkWriter.Written w =
                            chunks.write(tx, item, first, prev, batch, vectors, plan, conceptVectors, new HashMap<>());
                    ledger.checkLease(tx, spec);
                    tx.commit();
                    return w;
                }
            });
            previous = written.last();
            linked.addAll(written.linked());
            written.pairs().forEach((pair, n) -> pairs.merge(pair, n, Long::sum));
        }
        Retry.transientFailures(() -> {
            try (Transaction tx = db.beginTx()) {
                ConceptLinker.linkPairs(tx, pairs, Map.of());
                ChunkWriter.complete(tx.findNode(ITEM, "uid", itemUid), linked.size());
                ledger.checkLease(tx, spec);
                tx.commit();
                return null;
            }
        });
        return linked.size();
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
