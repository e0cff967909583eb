package org.mnemo.procedures.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>Exact by construction: a listener on the database drops the entry of every node deleted or given another
 * {@code embedding} by a committed transaction. A node's id may be reused after its delete, so a vector read while
 * a delete commits is kept only when no such invalidation ran meanwhile (the epoch). Listeners hear only this
 * instance's commits: on a cluster member, another member's re-embedding would go unseen, so the cache is used only
 * where the database cannot be clustered (Community Edition). Bounded by {@code mnemo.search.vector_cache_mb}; once
 * full, further vectors are read from the store as before.
 */
public final class VectorCache {
    /**
     * Per database of each DBMS in this JVM (tests run several, each with a database called neo4j): a listener hears
     * one database's commits only.
     */
    private static final Map<Database, Optional<VectorCache>> BY_DATABASE = new ConcurrentHashMap<>();

    private record Database(DatabaseManagementService dbms, String name) {}

    private static final long ENTRY_OVERHEAD_BYTES = 160;

    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final long budgetBytes;

    private VectorCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /**
     * The database's cache, or null where it is off (budget 0, or an edition that can cluster). The budget of the
     * first call holds until restart.
     */
    public static VectorCache of(GraphDatabaseService db, int budgetMb) {
        if (budgetMb <= 0 || !(db instanceof GraphDatabaseAPI api)) {
            return null;
        }
        DatabaseManagementService dbms = api.getDependencyResolver().resolveDependency(DatabaseManagementService.class);
        return BY_DATABASE
                .computeIfAbsent(new Database(dbms, db.databaseName()), key -> {
                    if (!Editions.community(db)) {
                        return Optional.empty();
                    }
                    VectorCache created = new VectorCache(budgetMb * 1024L * 1024L);
                    // Registered before the first vector is cached: no commit after that goes unheard.
                    dbms.registerTransactionEventListener(key.name(), created.new Invalidator());
                    PluginMetrics.vectorCache(
                            key.name(),
                            () -> total(key.name(), c -> c.vectors.size()),
                            () -> total(key.name(), c -> c.bytes.get()));
                    return Optional.of(created);
                })
                .orElse(null);
    }

    /** Summed over the DBMSs of this JVM that have a database of that name (one, outside tests). */
    private static long total(String name, java.util.function.ToLongFunction<VectorCache> reading) {
        return BY_DATABASE.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .flatMap(e -> e.getValue().stream())
                .mapToLong(reading)
                .sum();
    }

    /** The chunk's stored vector: float[], double[], or null when it has none or was deleted meanwhile. */
    Object vector(Node chunk) {
        String id = chunk.getElementId();
        float[] cached = vectors.get(id);
        if (cached != null) {
            return cached;
        }
        long seen = epoch.get();
        Object stored = read(chunk);
        if (stored instanceof float[] v) {
            long cost = v.length * 4L + ENTRY_OVERHEAD_BYTES;
            if (bytes.get() + cost <= budgetBytes && vectors.putIfAbsent(id, v) == null) {
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
                vectors.clear();
                bytes.set(0);
                return;
            }
            if (!changed.isEmpty()) {
                epoch.incrementAndGet();
                changed.forEach(VectorCache.this::forget);
            }
        }
    }
}
