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
import org.mnemo.procedures.concept.ConceptMatcher;
import org.mnemo.procedures.concept.Concepts;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.library.Cascade;
import org.mnemo.procedures.library.GraphModel;
import org.mnemo.procedures.library.LibraryType;
import org.mnemo.procedures.library.Libraries;
import org.mnemo.procedures.library.Retry;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Writes a document into the graph: item, chunks with NEXT links and embeddings, concepts with MENTIONS and
 * co-occurrence. Work is committed in batches of chunks so that memory stays bounded on large inputs; the item is
 * searchable only once its status is {@code completed}, and a failure removes everything the call wrote.
 */
public final class Ingest {
    public static final int PREVIEW_CHARS = 500;
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

    private record Prepared(IngestResult done, String itemUid, String libraryUid, String collectionUid,
            List<String> stale) {}

    /** What the one transaction did with a document: found it done already, or wrote it. */
    private record Committed(IngestResult done, String itemUid, String libraryUid, String collectionUid,
            List<String> stale, long conceptCount) {}

    private final GraphDatabaseService db;
    private final Embedder embedder;
    private final Concepts concepts;
    private final int conceptsPerItem;
    private final int batchSize;
    /** Throws when the calling transaction was terminated; checked between batches. */
    private final Runnable guard;
    private final String procedure;
    private final ItemLedger ledger;

    public Ingest(GraphDatabaseService db, Embedder embedder, Concepts concepts, int conceptsPerItem, int batchSize,
            Runnable guard, String procedure) {
        this.db = db;
        this.embedder = embedder;
        this.concepts = concepts;
        this.conceptsPerItem = conceptsPerItem;
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

    private IngestResult run(String library, ItemSpec item, IngestOptions options, ChunkSource source,
            String conceptText) {
        long started = System.nanoTime();
        // Chunk before anything is written, so that bad chunking options leave no trace.
        List<ChunkDraft> drafts = source.chunks(libraryType(library));
        boolean preEmbedded = drafts.stream().allMatch(d -> d.embedding() != null);
        if (drafts.size() <= batchSize || (preEmbedded && drafts.size() <= MAX_BATCH_CHUNKS)) {
            return inOneTransaction(library, List.of(new Pending(item, drafts, conceptText)), options, started).get(0);
        }
        Prepared prepared = prepare(library, item);
        if (prepared.done() != null) {
            return settle(item, prepared.done());
        }
        for (String stale : prepared.stale()) {
            Cascade.deleteItem(db, stale);
        }
        try {
            long conceptCount = write(prepared.itemUid(), item, drafts, conceptsOf(conceptText, options));
            return finish(prepared.itemUid(), prepared.libraryUid(), prepared.collectionUid(), item, drafts.size(),
                    conceptCount, started);
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
    private List<IngestResult> inOneTransaction(String libraryRef, List<Pending> docs, IngestOptions options,
            long started) {
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
        Map<Integer, ConceptPlan> plans = new HashMap<>();
        List<ChunkDraft> drafts = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (int i : todo) {
            ConceptPlan plan = conceptsOf(docs.get(i).conceptText(), options);
            plans.put(i, plan);
            drafts.addAll(docs.get(i).drafts());
            plan.nameByKey().forEach(names::putIfAbsent);
        }
        List<String> unembedded;
        try (Transaction tx = db.beginTx()) {
            unembedded = withoutEmbedding(tx, List.copyOf(new TreeSet<>(names.keySet())));
        }
        List<float[]> vectors = vectors(drafts, unembedded.stream().map(names::get).toList());
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
                lockConcepts(tx, mentioned, names, conceptVectors, conceptNodes);
                List<Committed> out = new ArrayList<>();
                int offset = 0;
                for (int i : todo) {
                    Pending doc = docs.get(i);
                    List<float[]> docVectors = vectors.subList(offset, offset + doc.drafts().size());
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
                    Written chunks = writeChunks(tx, node, 0, null, doc.drafts(), docVectors, plans.get(i),
                            conceptVectors, conceptNodes);
                    linkPairs(tx, chunks.pairs());
                    complete(node, chunks.linked().size());
                    out.add(new Committed(null, (String) node.getProperty("uid"), libraryUid,
                            (String) collection.getProperty("uid"), stale, chunks.linked().size()));
                }
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
            results[i] = finish(c.itemUid(), c.libraryUid(), c.collectionUid(), docs.get(i).item(),
                    docs.get(i).drafts().size(), c.conceptCount(), started);
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

    private IngestResult finish(String itemUid, String libraryUid, String collectionUid, ItemSpec item,
            long chunkCount, long conceptCount, long started) {
        String superseded = ledger.supersede(libraryUid, item, itemUid);
        return new IngestResult(itemUid, libraryUid, collectionUid, superseded == null ? "created" : "superseded",
                chunkCount, conceptCount, superseded, embedder.model(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** The concepts to link: extracted names keyed by their normalised key, and a matcher for chunk texts. */
    private record ConceptPlan(Map<String, String> nameByKey, List<String> keys, ConceptMatcher matcher) {}

    private ConceptPlan conceptsOf(String conceptText, IngestOptions options) {
        List<String> names = options.extractConcepts() ? concepts.extract(conceptText, conceptsPerItem) : List.of();
        Map<String, String> nameByKey = new HashMap<>();
        for (String name : names) {
            nameByKey.putIfAbsent(Concepts.key(name), name);
        }
        List<String> keys = new ArrayList<>(nameByKey.keySet());
        return new ConceptPlan(nameByKey, keys, new ConceptMatcher(keys));
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
    private long write(String itemUid, ItemSpec spec, List<ChunkDraft> drafts, ConceptPlan plan) {
        ledger.setStatus(itemUid, "processing");
        // Only concepts new to the graph need an embedding; most of a large corpus's concepts exist already.
        List<String> unembedded;
        try (Transaction tx = db.beginTx()) {
            unembedded = withoutEmbedding(tx, plan.keys());
        }
        Map<String, float[]> conceptVectors = new HashMap<>();
        Map<String, Long> pairs = new HashMap<>();
        Set<String> linked = new HashSet<>();
        String previous = null;
        for (int start = 0; start < drafts.size(); start += batchSize) {
            guard.run();
            List<ChunkDraft> batch = drafts.subList(start, Math.min(drafts.size(), start + batchSize));
            // The new concept names ride along with the first batch's model call.
            List<String> names = start == 0 ? unembedded.stream().map(plan.nameByKey()::get).toList() : List.of();
            List<float[]> vectors = vectors(batch, names);
            for (int i = 0; i < names.size(); i++) {
                conceptVectors.put(unembedded.get(i), vectors.get(batch.size() + i));
            }
            int first = start;
            String after = previous;
            Written written = Retry.transientFailures(() -> {
                try (Transaction tx = db.beginTx()) {
                    Node item = tx.findNode(ITEM, "uid", itemUid);
                    Node prev = after == null ? null : tx.getNodeByElementId(after);
                    Written w = writeChunks(tx, item, first, prev, batch, vectors, plan, conceptVectors,
                            new HashMap<>());
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
                linkPairs(tx, pairs);
                complete(tx.findNode(ITEM, "uid", itemUid), linked.size());
                ledger.checkLease(tx, spec);
                tx.commit();
                return null;
            }
        });
        return linked.size();
    }

    /** Adds co-occurrence counts to RELATED_TO, in key order for the same reason as the concepts' locks. */
    private static void linkPairs(Transaction tx, Map<String, Long> pairs) {
        if (pairs.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        new TreeMap<>(pairs).forEach((pair, weight) -> {
            String[] ab = pair.split("\u0000");
            rows.add(Map.of("a", ab[0], "b", ab[1], "w", weight));
        });
        tx.execute("""
                UNWIND $pairs AS p
                MATCH (a:Concept {name_key: p.a}), (b:Concept {name_key: p.b})
                MERGE (a)-[r:RELATED_TO]->(b)
                ON CREATE SET r.weight = p.w
                ON MATCH SET r.weight = r.weight + p.w""", Map.of("pairs", rows));
    }

    private static void complete(Node item, long conceptCount) {
        item.setProperty("related_counted", true);
        item.setProperty("concept_count", conceptCount);
        item.setProperty("embedding_status", COMPLETED);
        item.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
    }

    /** What one batch wrote: its last chunk, the concepts it linked and their co-occurrences. */
    private record Written(String last, Set<String> linked, Map<String, Long> pairs) {}

    /** Writes chunks after prev; conceptNodes holds the concepts this transaction has locked already. */
    private Written writeChunks(Transaction tx, Node item, int start, Node prev, List<ChunkDraft> batch,
            List<float[]> vectors, ConceptPlan plan, Map<String, float[]> conceptVectors,
            Map<String, Node> conceptNodes) {
        Set<String> linked = new HashSet<>();
        Map<String, Long> pairs = new HashMap<>();
        List<List<String>> mentions = new ArrayList<>(batch.size());
        TreeSet<String> batchKeys = new TreeSet<>();
        for (ChunkDraft draft : batch) {
            mentions.add(plan.matcher().mentionedIn(draft.text()));
            batchKeys.addAll(mentions.get(mentions.size() - 1));
        }
        lockConcepts(tx, batchKeys, plan.nameByKey(), conceptVectors, conceptNodes);
        for (int i = 0; i < batch.size(); i++) {
            ChunkDraft draft = batch.get(i);
            Node chunk = tx.createNode(CHUNK);
            chunk.setProperty("uid", UUID.randomUUID().toString());
            chunk.setProperty("chunk_index", (long) (start + i));
            chunk.setProperty("text", draft.text());
            chunk.setProperty("text_preview", preview(draft.text()));
            chunk.setProperty("char_start", draft.charStart());
            chunk.setProperty("char_end", draft.charEnd());
            chunk.setProperty("heading_path", draft.headingPath());
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
        return new Written(prev == null ? null : prev.getElementId(), linked, pairs);
    }

    /**
     * Merges and locks concepts in name order before any MENTIONS is created, so concurrent ingests sharing
     * concepts mostly wait for each other; the deadlocks left (dense nodes) are retried.
     */
    private void lockConcepts(Transaction tx, Set<String> sortedKeys, Map<String, String> nameByKey,
            Map<String, float[]> conceptVectors, Map<String, Node> locked) {
        for (String key : sortedKeys) {
            if (!locked.containsKey(key)) {
                Node concept = concept(tx, key, nameByKey.get(key), conceptVectors.get(key));
                tx.acquireWriteLock(concept);
                locked.put(key, concept);
            }
        }
    }


    private static List<String> withoutEmbedding(Transaction tx, List<String> keys) {
        if (keys.isEmpty()) {
            return keys;
        }
        Set<String> embedded = new HashSet<>();
        tx.execute("UNWIND $keys AS key MATCH (c:Concept {name_key: key}) WHERE c.embedding IS NOT NULL "
                + "RETURN key", Map.of("keys", keys)).forEachRemaining(r -> embedded.add((String) r.get("key")));
        return keys.stream().filter(k -> !embedded.contains(k)).toList();
    }

    /**
     * The batch's chunk vectors (embedding those that came without one) followed by the vectors of the extra
     * texts, from one model call.
     */
    private List<float[]> vectors(List<ChunkDraft> batch, List<String> extra) {
        List<String> missing = new ArrayList<>();
        for (ChunkDraft d : batch) {
            if (d.embedding() == null) {
                missing.add(d.text());
            }
        }
        missing.addAll(extra);
        List<float[]> computed = missing.isEmpty() ? List.of() : embedder.embed(missing);
        List<float[]> vectors = new ArrayList<>(batch.size() + extra.size());
        int next = 0;
        for (ChunkDraft d : batch) {
            vectors.add(d.embedding() != null ? d.embedding() : computed.get(next++));
        }
        vectors.addAll(computed.subList(next, computed.size()));
        return vectors;
    }

    private Node concept(Transaction tx, String key, String name, float[] vector) {
        // MERGE on the unique name_key takes the lock that makes concurrent ingests share one node.
        Node concept = (Node) tx.execute("""
                        MERGE (c:Concept {name_key: $key})
                        ON CREATE SET c.uid = randomUUID(), c.name = $name
                        RETURN c""", params("key", key, "name", name))
                .next()
                .get("c");
        if (vector != null && !concept.hasProperty("embedding")) {
            concept.setProperty("embedding", vector);
            concept.setProperty("embedding_model", embedder.model());
        }
        return concept;
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
