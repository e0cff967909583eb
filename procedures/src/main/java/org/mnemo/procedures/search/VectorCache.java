package org.mnemo.procedures.search;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.mnemo.procedures.library.GraphModel;
import org.mnemo.procedures.metrics.PluginMetrics;
import org.mnemo.procedures.scope.Parents;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.PropertyEntry;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListenerAdapter;
import org.neo4j.kernel.api.txstate.TxStateHolder;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Chunk vectors kept on the heap, so the vector leg's exact scoring (a restricted scope scanned, the index's
 * candidates re-ranked) does not read each 384-float array from the store: that read is most of a scan's cost
 * (about 9 µs a chunk, against well under 1 µs from here).
 *
 * <p>Exact by construction: a listener, registered as the database starts ({@link VectorCacheExtension}, before
 * any transaction of it can commit), drops the entry of every node deleted or given another {@code embedding} by a
 * committed transaction. A node's id may be reused after its delete, so a vector read while such a commit runs is
 * kept only when no invalidation ran meanwhile (the epoch). Only committed vectors are cached: a search in a
 * transaction that has written reads the store (its writes may yet roll back). Listeners hear only this instance's
 * commits: on a cluster member another member's re-embedding would go unseen, so the cache is used only where the
 * database cannot be clustered (Community Edition). Bounded by {@code mnemo.search.vector_cache_mb}, fixed by the
 * first search after a start; once full, further vectors are read from the store as before.
 */
public final class VectorCache {
    /**
     * Per database of each DBMS in this JVM (tests run several, each with a database called neo4j): a listener hears
     * one database's commits only.
     */
    private static final Map<Database, VectorCache> BY_DATABASE = new ConcurrentHashMap<>();

    private record Database(DatabaseManagementService dbms, String name) {}

    private static final long ENTRY_OVERHEAD_BYTES = 160;

    /** By node id (the cache is per database), each vector divided by its norm: a score is then one dot product. */
    private final Map<Long, float[]> vectors = new ConcurrentHashMap<>();
    /** By item node id, its chunks' node ids: a scope scan then walks no relationships. */
    private final Map<Long, long[]> itemChunks = new ConcurrentHashMap<>();
    /**
     * By chunk, item or collection node id, the id of its link to its parent (see {@link Parents}): a scope check
     * otherwise walks the chunk's relationships to find its item (its mentions first) and the item's to find its
     * collection. The link, not the parent, so that a hit is checked against the store (one relationship read: that
     * it still exists, is of the type asked and ends at this node) and a tenant's scope never rests on the listener
     * alone (a reused node id, its delete not heard yet).
     */
    private final Map<Long, Long> parentLinks = new ConcurrentHashMap<>();

    private static final long PARENT_ENTRY_BYTES = 80;

    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    /** Set by the first search (0 until then). */
    private final AtomicLong budgetBytes = new AtomicLong();

    private VectorCache() {}

    /** Called as a database starts: from here on its commits are heard. */
    static void listen(DatabaseManagementService dbms, String database) {
        VectorCache created = new VectorCache();
        if (BY_DATABASE.putIfAbsent(new Database(dbms, database), created) == null) {
            dbms.registerTransactionEventListener(database, created.new Invalidator());
            PluginMetrics.vectorCache(
                    database, () -> total(database, c -> c.vectors.size()), () -> total(database, c -> c.bytes.get()));
        }
    }

    /**
     * The database's cache, or null where it is off: budget 0, an edition that can cluster, or a database started
     * without the listener (a cache whose listener came later could miss a commit that was under way).
     */
    public static VectorCache of(GraphDatabaseService db, int budgetMb) {
        if (budgetMb <= 0 || !(db instanceof GraphDatabaseAPI api)) {
            return null;
        }
        DatabaseManagementService dbms = api.getDependencyResolver().resolveDependency(DatabaseManagementService.class);
        VectorCache cache = BY_DATABASE.get(new Database(dbms, db.databaseName()));
        if (cache == null || !Editions.community(db)) {
            return null;
        }
        cache.budgetBytes.compareAndSet(0, budgetMb * 1024L * 1024L);
        return cache;
    }

    /** Summed over the DBMSs of this JVM that have a database of that name (one, outside tests). */
    private static long total(String name, java.util.function.ToLongFunction<VectorCache> reading) {
        return BY_DATABASE.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .map(Map.Entry::getValue)
                .mapToLong(reading)
                .sum();
    }

    /**
     * Cosine of the chunk's stored vector with {@code unitQuery} (the query divided by its norm); NaN when it has
     * none or was deleted meanwhile, -1 for another dimension. {@code committedOnly}: the reading transaction has
     * written nothing, so what it reads is committed and may be kept.
     */
    @SuppressWarnings("deprecation") // node ids: the element id would do, at the cost of a string built and hashed
    double cosine(Node chunk, float[] unitQuery, boolean committedOnly) {
        return committedOnly ? cosine(chunk.getId(), unitQuery, id -> chunk) : cosine(unitQuery, read(chunk));
    }

    /**
     * {@link #cosine(Node, float[], boolean)} for a committed chunk known by its node id; {@code node} finds it in
     * the store when it is not kept yet (only then).
     */
    double cosine(long id, float[] unitQuery, LongFunction<Node> node) {
        float[] cached = vectors.get(id);
        if (cached != null) {
            return cached.length == unitQuery.length ? dot(unitQuery, cached) : -1;
        }
        Object stored;
        try {
            stored = readAndKeep(id, node.apply(id));
        } catch (NotFoundException deletedMeanwhile) {
            return Double.NaN;
        }
        return cosine(unitQuery, stored);
    }

    /** The chunk's stored vector, kept (divided by its norm) when it is a float[] of numbers and fits the budget. */
    private Object readAndKeep(long id, Node chunk) {
        long seen = epoch.get();
        Object stored = read(chunk);
        if (stored instanceof float[] v && Double.isFinite(sumOfSquares(v))) {
            long cost = v.length * 4L + ENTRY_OVERHEAD_BYTES;
            if (reserve(cost)) {
                if (vectors.putIfAbsent(id, unit(v)) != null) {
                    bytes.addAndGet(-cost); // another search kept it first
                } else if (epoch.get() != seen) {
                    // A commit deleted or re-embedded nodes while this was read: it may have been one of them.
                    forget(id);
                }
            }
        }
        return stored;
    }

    /**
     * The node ids of a committed item's chunks, walked once and kept until a commit adds a chunk to the item or
     * takes one from it; none for an item deleted meanwhile.
     */
    @SuppressWarnings("deprecation") // node ids, as above
    long[] chunkIds(Node item) {
        long key = item.getId();
        long[] cached = itemChunks.get(key);
        if (cached != null) {
            return cached;
        }
        long seen = epoch.get();
        long[] ids;
        Object counted;
        try (var chunks = item.getRelationships(Direction.OUTGOING, GraphModel.HAS_CHUNK)) {
            ids = chunks.stream().mapToLong(Relationship::getEndNodeId).toArray();
            counted = item.getProperty("chunk_count", null);
        } catch (NotFoundException deletedMeanwhile) {
            return new long[0];
        }
        // Readers take no locks: a walk that met a commit half applied is kept only if it found every chunk the
        // item counts (a new item's chunks are written with it and invalidate nothing).
        if (!(counted instanceof Number n) || n.longValue() != ids.length) {
            return ids;
        }
        long cost = ids.length * 8L + ENTRY_OVERHEAD_BYTES;
        if (reserve(cost)) {
            if (itemChunks.putIfAbsent(key, ids) != null) {
                bytes.addAndGet(-cost);
            } else if (epoch.get() != seen) {
                // A commit added or took chunks meanwhile: the walk may have missed it.
                forgetItem(key);
            }
        }
        return ids;
    }

    /**
     * Parents of committed nodes, kept until the node or its link to the parent is deleted; for a transaction that
     * has written nothing (as {@link #cosine(Node, float[], boolean)}'s {@code committedOnly}).
     */
    @SuppressWarnings("deprecation") // node and relationship ids, as above
    Parents parents(Transaction tx) {
        return (child, type) -> {
            long key = child.getId();
            Long cached = parentLinks.get(key);
            if (cached != null) {
                Relationship link = currentLink(tx, cached, type, key);
                if (link != null) {
                    return link.getStartNode();
                }
                forgetParent(key); // not this node's link any more: read the store again
            }
            long seen = epoch.get();
            Relationship link = child.getSingleRelationship(type, Direction.INCOMING);
            if (link == null) {
                return null;
            }
            keepParent(key, link.getId(), seen);
            return link.getStartNode();
        };
    }

    /** The kept link if it is still one of that type ending at the child, else null. */
    @SuppressWarnings("deprecation") // relationship ids, as above
    private static Relationship currentLink(Transaction tx, long id, RelationshipType type, long child) {
        try {
            Relationship link = tx.getRelationshipById(id);
            return link.isType(type) && link.getEndNodeId() == child ? link : null;
        } catch (NotFoundException deleted) {
            return null;
        }
    }

    /** Keeps a child's link to its parent read since epoch {@code seen}, when it fits. */
    private void keepParent(long child, long link, long seen) {
        if (reserve(PARENT_ENTRY_BYTES)) {
            if (parentLinks.putIfAbsent(child, link) != null) {
                bytes.addAndGet(-PARENT_ENTRY_BYTES);
            } else if (epoch.get() != seen) {
                forgetParent(child); // a commit deleted nodes or links meanwhile: this may have been one
            }
        }
    }

    /** What {@link #warm} read into the cache, and what it holds now. */
    public record Warmed(long items, long chunks, long entries, long bytes, long budget_bytes, boolean full) {}

    /**
     * Reads what searches keep — each searchable item's chunk list and collection, its chunks' vectors and parents —
     * until the cache is full or everything is in, so the first searches after a start do not pay the store reads.
     * For a transaction that has written nothing.
     */
    @SuppressWarnings("deprecation") // node ids, as above
    Warmed warm(Transaction tx, Runnable guard) {
        if (!readsCommitted(tx)) {
            return new Warmed(0, 0, vectors.size(), bytes.get(), budgetBytes.get(), full(ENTRY_OVERHEAD_BYTES));
        }
        Parents parents = parents(tx);
        long items = 0;
        long chunks = 0;
        long entry = ENTRY_OVERHEAD_BYTES; // one vector's cost, once one was read
        try (var found = tx.findNodes(GraphModel.ITEM)) {
            while (found.hasNext() && !full(entry)) {
                Node item = found.next();
                guard.run();
                try {
                    if (!GraphModel.COMPLETED.equals(item.getProperty("embedding_status", null))) {
                        continue;
                    }
                    Node collection = parents.of(item, GraphModel.HAS_ITEM);
                    if (collection != null) {
                        parents.of(collection, GraphModel.HAS_COLLECTION);
                    }
                    for (long id : chunkIds(item)) {
                        Node chunk = tx.getNodeById(id);
                        if (!vectors.containsKey(id) && readAndKeep(id, chunk) instanceof float[] v) {
                            entry = v.length * 4L + ENTRY_OVERHEAD_BYTES;
                        }
                        // From the chunk, as a search reads it (one with two items fails there and stays hidden).
                        parents.of(chunk, GraphModel.HAS_CHUNK);
                        chunks++;
                    }
                    items++;
                } catch (NotFoundException deletedMeanwhile) {
                    // gone since the label scan met it: nothing to keep
                }
            }
        }
        return new Warmed(items, chunks, vectors.size(), bytes.get(), budgetBytes.get(), full(entry));
    }

    /** No room left for an entry of that many bytes. */
    private boolean full(long entry) {
        return bytes.get() + entry > budgetBytes.get();
    }

    /** Whether the transaction has written nothing, so what it reads is committed and may be kept. */
    static boolean readsCommitted(Transaction tx) {
        // Unknown (not the kernel's own transaction types): treated as having written.
        return tx instanceof InternalTransaction internal
                && internal.kernelTransaction() instanceof TxStateHolder state
                && !state.hasTxStateWithChanges();
    }

    /** Counts {@code cost} bytes in when they fit the budget (false, and nothing counted, when they do not). */
    private boolean reserve(long cost) {
        if (bytes.get() + cost > budgetBytes.get()) {
            return false; // full: no write to the shared counter on every miss
        }
        if (bytes.addAndGet(cost) <= budgetBytes.get()) {
            return true;
        }
        bytes.addAndGet(-cost);
        return false;
    }

    /** Cosine of a unit query with a stored vector (float[] or double[]); NaN for none, -1 for another dimension. */
    static double cosine(float[] unitQuery, Object stored) {
        double dot = 0;
        double norm = 0;
        if (stored instanceof float[] v) {
            if (v.length != unitQuery.length) {
                return -1;
            }
            for (int i = 0; i < v.length; i++) {
                dot += unitQuery[i] * v[i];
                norm += v[i] * v[i];
            }
        } else if (stored instanceof double[] v) {
            if (v.length != unitQuery.length) {
                return -1;
            }
            for (int i = 0; i < v.length; i++) {
                dot += unitQuery[i] * v[i];
                norm += v[i] * v[i];
            }
        } else {
            return stored == null ? Double.NaN : -1;
        }
        return norm == 0 ? 0 : dot / Math.sqrt(norm);
    }

    /** The vector divided by its norm (a zero vector stays zero: its cosine is 0, as computed from the store). */
    static float[] unit(float[] v) {
        double sum = sumOfSquares(v);
        float[] unit = new float[v.length];
        if (sum > 0) {
            double scale = 1 / Math.sqrt(sum);
            for (int i = 0; i < v.length; i++) {
                unit[i] = (float) (v[i] * scale);
            }
        }
        return unit;
    }

    private static double sumOfSquares(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return sum;
    }

    /** Four independent sums, so the additions do not wait on one another (most of an exact scan's time). */
    private static double dot(float[] a, float[] b) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (int n = a.length & ~3; i < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < a.length; i++) {
            s0 += a[i] * b[i];
        }
        return s0 + s1 + s2 + s3;
    }

    static Object read(Node chunk) {
        try {
            return chunk.getProperty("embedding", null);
        } catch (NotFoundException deletedMeanwhile) {
            return null;
        }
    }

    private void forgetItem(long id) {
        long[] gone = itemChunks.remove(id);
        if (gone != null) {
            bytes.addAndGet(-(gone.length * 8L + ENTRY_OVERHEAD_BYTES));
        }
    }

    private void forgetParent(long id) {
        if (parentLinks.remove(id) != null) {
            bytes.addAndGet(-PARENT_ENTRY_BYTES);
        }
    }

    private void forget(long id) {
        float[] gone = vectors.remove(id);
        if (gone != null) {
            bytes.addAndGet(-(gone.length * 4L + ENTRY_OVERHEAD_BYTES));
        }
    }

    private final class Invalidator extends TransactionEventListenerAdapter<Object> {
        @Override
        @SuppressWarnings("deprecation") // node ids: see cosine
        public void afterCommit(TransactionData data, Object state, GraphDatabaseService db) {
            List<Long> changed = new ArrayList<>();
            List<Long> items = new ArrayList<>();
            List<Long> children = new ArrayList<>();
            Set<Long> created = new HashSet<>();
            try {
                data.deletedNodes().forEach(n -> changed.add(n.getId()));
                data.createdNodes().forEach(n -> created.add(n.getId()));
                for (Relationship r : data.createdRelationships()) {
                    // A new item's chunks change no kept list (its id may be a deleted node's: that delete was heard).
                    if (r.isType(GraphModel.HAS_CHUNK) && !created.contains(r.getStartNodeId())) {
                        items.add(r.getStartNodeId());
                    }
                    if (parentLink(r) && !created.contains(r.getEndNodeId())) {
                        children.add(r.getEndNodeId());
                    }
                }
                for (Relationship r : data.deletedRelationships()) {
                    if (r.isType(GraphModel.HAS_CHUNK)) {
                        items.add(r.getStartNodeId());
                    }
                    if (parentLink(r)) {
                        children.add(r.getEndNodeId());
                    }
                }
                for (PropertyEntry<Node> p : data.assignedNodeProperties()) {
                    // A new node's first vector replaces nothing (ingest would otherwise bump the epoch all the time).
                    if ("embedding".equals(p.key()) && p.previouslyCommittedValue() != null) {
                        changed.add(p.entity().getId());
                    }
                }
                for (PropertyEntry<Node> p : data.removedNodeProperties()) {
                    if ("embedding".equals(p.key())) {
                        changed.add(p.entity().getId());
                    }
                }
            } catch (RuntimeException unreadable) {
                // Whatever could not be read may have been a cached chunk: start over rather than risk a stale one.
                epoch.incrementAndGet();
                vectors.keySet().forEach(VectorCache.this::forget);
                itemChunks.keySet().forEach(VectorCache.this::forgetItem);
                parentLinks.keySet().forEach(VectorCache.this::forgetParent);
                return;
            }
            if (!changed.isEmpty() || !items.isEmpty() || !children.isEmpty()) {
                epoch.incrementAndGet();
                changed.forEach(VectorCache.this::forget);
                changed.forEach(VectorCache.this::forgetItem);
                changed.forEach(VectorCache.this::forgetParent);
                items.forEach(VectorCache.this::forgetItem);
                children.forEach(VectorCache.this::forgetParent);
            }
            // A new node may have a deleted node's id, and that delete's listener may not have run yet (listeners run
            // after the commit is visible): nothing kept under its id may serve it.
            created.forEach(VectorCache.this::forget);
            created.forEach(VectorCache.this::forgetItem);
            created.forEach(VectorCache.this::forgetParent);
        }

        private static boolean parentLink(Relationship r) {
            return r.isType(GraphModel.HAS_CHUNK)
                    || r.isType(GraphModel.HAS_ITEM)
                    || r.isType(GraphModel.HAS_COLLECTION);
        }
    }
}
