package org.mnemo.procedures.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.mnemo.procedures.metrics.PluginMetrics;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.event.PropertyEntry;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListenerAdapter;
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

    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();
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
     * The chunk's stored vector: float[], double[], or null when it has none or was deleted meanwhile.
     * {@code committedOnly}: the reading transaction has written nothing, so what it reads is committed.
     */
    Object vector(Node chunk, boolean committedOnly) {
        if (!committedOnly) {
            return read(chunk);
        }
        String id = chunk.getElementId();
        float[] cached = vectors.get(id);
        if (cached != null) {
            return cached;
        }
        long seen = epoch.get();
        Object stored = read(chunk);
        if (stored instanceof float[] v) {
            long cost = v.length * 4L + ENTRY_OVERHEAD_BYTES;
            if (bytes.get() + cost <= budgetBytes.get() && vectors.putIfAbsent(id, v) == null) {
                bytes.addAndGet(cost);
                if (epoch.get() != seen) {
                    // A commit deleted or re-embedded nodes while this was read: it may have been one of them.
                    forget(id);
                }
            }
        }
        return stored;
    }

    static Object read(Node chunk) {
        try {
            return chunk.getProperty("embedding", null);
        } catch (NotFoundException deletedMeanwhile) {
            return null;
        }
    }

    private void forget(String id) {
        float[] gone = vectors.remove(id);
        if (gone != null) {
            bytes.addAndGet(-(gone.length * 4L + ENTRY_OVERHEAD_BYTES));
        }
    }

    private final class Invalidator extends TransactionEventListenerAdapter<Object> {
        @Override
        public void afterCommit(TransactionData data, Object state, GraphDatabaseService db) {
            List<String> changed = new ArrayList<>();
            try {
                data.deletedNodes().forEach(n -> changed.add(n.getElementId()));
                for (PropertyEntry<Node> p : data.assignedNodeProperties()) {
                    // A new node's first vector replaces nothing (ingest would otherwise bump the epoch all the time).
                    if ("embedding".equals(p.key()) && p.previouslyCommittedValue() != null) {
                        changed.add(p.entity().getElementId());
                    }
                }
                for (PropertyEntry<Node> p : data.removedNodeProperties()) {
                    if ("embedding".equals(p.key())) {
                        changed.add(p.entity().getElementId());
                    }
                }
            } catch (RuntimeException unreadable) {
                // Whatever could not be read may have been a cached chunk: start over rather than risk a stale one.
                epoch.incrementAndGet();
                vectors.keySet().forEach(VectorCache.this::forget);
                return;
            }
            if (!changed.isEmpty()) {
                epoch.incrementAndGet();
                changed.forEach(VectorCache.this::forget);
            }
        }
    }
}
