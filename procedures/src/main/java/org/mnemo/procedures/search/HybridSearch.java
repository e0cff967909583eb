package org.mnemo.procedures.search;

import static org.mnemo.procedures.library.GraphModel.CHUNK;
import static org.mnemo.procedures.library.GraphModel.HAS_CHUNK;
import static org.mnemo.procedures.library.GraphModel.MENTIONS;
import static org.mnemo.procedures.library.GraphModel.RELATED_TO;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mnemo.procedures.library.LibraryType;
import org.mnemo.procedures.metrics.PluginMetrics;
import org.mnemo.procedures.rerank.Reranker;
import org.mnemo.procedures.schema.LibraryKeys;
import org.mnemo.procedures.schema.Schema;
import org.mnemo.procedures.scope.Parents;
import org.mnemo.procedures.scope.Scope;
import org.mnemo.procedures.scope.ScopedChunks;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;

/**
 * Hybrid retrieval over chunks: a vector leg, a full-text leg and a graph leg (concepts named by the query,
 * expanded over RELATED_TO, to the chunks that mention them), fused by Reciprocal Rank Fusion on ranks.
 *
 * <p>Every leg returns the top results <em>within the caller's scope</em>. The vector leg scores a small scope
 * exactly and otherwise asks the HNSW index for more candidates until enough of them are in scope; the full-text
 * leg pages through Lucene hits the same way.
 */
public final class HybridSearch {
    /** Upper bound of candidates the full-text leg pages through before it gives up widening. */
    private static final int MAX_CANDIDATES = 100_000;

    private static final int MIN_CANDIDATES = 100;
    private static final int SEED_CONCEPTS = 10;
    private static final int NEIGHBOURS_PER_CONCEPT = 10;
    private static final int MAX_CONCEPTS = 30;
    /** Concepts mentioned more often are walked only when the query names them (and then only this far). */
    private static final int MAX_MENTIONS_PER_CONCEPT = 5_000;
    /** Best first; ties in a stable order. */
    private static final Comparator<LegHit> BY_SCORE_THEN_ID = Comparator.comparingDouble(LegHit::score)
            .reversed()
            .thenComparing(h -> h.chunk().getElementId());

    private static final double DEPTH_DECAY = 0.5;
    private static final double CONCEPT_VECTOR_MIN_SCORE = 0.8;
    /**
     * The index's cost grows with k much faster than an exact scan's with the scope: asking it for more than a
     * quarter of the scope is slower than scoring the scope (1M chunks, 10k in scope: k = 9,500 took 425 ms,
     * the exact scan about a fifth of that).
     */
    private static final int EXACT_WHEN_K_EXCEEDS_SCOPE_SHARE = 4;

    /** One ranked chunk of one leg. */
    record LegHit(Node chunk, double score) {}

    /** One row of mnemo.search. */
    public record Hit(
            String chunk_uid,
            String item_uid,
            String item_title,
            String library_uid,
            String library_type,
            String collection_uid,
            long chunk_index,
            String text_preview,
            double score,
            List<String> sources,
            Map<String, Object> ranks,
            Map<String, Object> raw_scores,
            List<Map<String, Object>> evidence,
            String reranker) {}

    private final Transaction tx;
    /** Chunk vectors already read (null: read each from the store). */
    private final VectorCache vectors;

    private final int exactThreshold;
    private final int overfetch;
    /**
     * Mentions the graph leg walks at most (mnemo.search.graph_walk_budget); a scope whose chunks carry fewer
     * mentions than the walk would read is scanned instead.
     */
    private final int walkBudget;
    /** Throws when the calling transaction was terminated; checked in long loops. */
    private final Runnable guard;

    private long chunkCount = -1;
    private long mentionCount = -1;
    private long inScope = -1;
    /** How long the reranker took in this search (timed apart from the fusion around it). */
    private long rerankNanos;

    /** The labels of this search's latencies in mnemo.metrics. */
    private static final String TARGET = "documents";

    private static final String FUSION = "fusion";
    private static final String RERANK = "rerank";

    /** The configured reranker (null: none) and how many fused rows it reorders. */
    private final Reranker reranker;

    private final int rerankCandidates;

    public HybridSearch(
            Transaction tx,
            VectorCache vectors,
            int exactThreshold,
            int overfetch,
            int walkBudget,
            Runnable guard,
            Reranker reranker,
            int rerankCandidates) {
        this.tx = tx;
        this.vectors = vectors;
        this.exactThreshold = exactThreshold;
        this.overfetch = overfetch;
        this.walkBudget = walkBudget;
        this.reranker = reranker;
        this.rerankCandidates = rerankCandidates;
        this.guard = guard;
    }

    public List<Hit> search(String query, float[] queryVector, SearchOptions options) {
        if (options.scope().isEmpty()) {
            return List.of();
        }
        ScopedChunks visible = visibility(options);
        Map<String, List<LegHit>> legs = new LinkedHashMap<>();
        long started = System.nanoTime();
        boolean vector = options.searchTypes().contains(SearchOptions.VECTOR);
        boolean fulltext = options.searchTypes().contains(SearchOptions.FULLTEXT);
        Future<List<Aside>> fulltextAside = vector && fulltext && db != null ? fulltextAside(query, options) : null;
        if (vector) {
            try {
                legs.put(SearchOptions.VECTOR, vectorLeg(queryVector, options, visible));
            } catch (RuntimeException | Error e) {
                if (fulltextAside != null) {
                    fulltextAside.cancel(true);
                }
                throw e;
            }
            started = timed(SearchOptions.VECTOR, started);
        }
        if (fulltextAside != null) {
            legs.put(SearchOptions.FULLTEXT, rebind(fulltextAside));
            started = System.nanoTime();
        } else if (fulltext) {
            legs.put(SearchOptions.FULLTEXT, fulltextLeg(query, options.fulltextTopK(), options, visible));
            started = timed(SearchOptions.FULLTEXT, started);
        }
        if (options.searchTypes().contains(SearchOptions.GRAPH)) {
            legs.put(SearchOptions.GRAPH, graphLeg(query, queryVector, options, visible));
            started = timed(SearchOptions.GRAPH, started);
        }
        rerankNanos = 0;
        List<Hit> hits = fuse(query, legs, options, visible);
        PluginMetrics.searchLeg(TARGET, FUSION, System.nanoTime() - started - rerankNanos);
        return hits;
    }

    /**
     * Legs run one after the other in the caller's transaction unless {@link #legsInParallel} gave a database: then
     * the full-text leg runs on a thread of {@link #LEGS}, in a read transaction of its own, while the vector leg
     * runs here — a search then takes about as long as its slower leg, as a client running its legs at once does.
     * Its hits come back as element ids and are looked up again here; one deleted meanwhile is dropped. When every
     * thread is busy the caller runs the leg itself.
     */
    private static final ExecutorService LEGS = new ThreadPoolExecutor(
            0,
            Math.max(2, Runtime.getRuntime().availableProcessors() * 2),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            runnable -> {
                Thread thread = new Thread(runnable, "mnemo-search-leg");
                thread.setDaemon(true);
                return thread;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());

    /** Bounds the aside leg's own transaction (the caller's timeout does not reach it). */
    private static final long ASIDE_TIMEOUT_SECONDS = 60;

    /** A hit of a leg run aside: the chunk's element id and the leg's raw score. */
    private record Aside(String chunk, double score) {}

    private GraphDatabaseService db;

    /**
     * Runs the full-text leg beside the vector leg, in a transaction of its own on {@code db} — on Community Edition
     * only (see {@link Editions}); elsewhere the legs stay in the caller's transaction.
     */
    public HybridSearch legsInParallel(GraphDatabaseService db) {
        this.db = Editions.community(db) ? db : null;
        return this;
    }

    private Future<List<Aside>> fulltextAside(String query, SearchOptions options) {
        return LEGS.submit(() -> {
            long started = System.nanoTime();
            try (Transaction aside = db.beginTx(ASIDE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                HybridSearch search =
                        new HybridSearch(aside, vectors, exactThreshold, overfetch, walkBudget, guard, null, 0);
                List<Aside> hits =
                        search.fulltextLeg(query, options.fulltextTopK(), options, search.visibility(options)).stream()
                                .map(h -> new Aside(h.chunk().getElementId(), h.score()))
                                .toList();
                timed(SearchOptions.FULLTEXT, started);
                return hits;
            }
        });
    }

    private List<LegHit> rebind(Future<List<Aside>> aside) {
        List<Aside> found = null;
        try {
            while (found == null) {
                try {
                    found = aside.get(50, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    guard.run(); // the caller's transaction was terminated: stop waiting
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the full-text leg", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (found == null) {
                aside.cancel(true);
            }
        }
        List<LegHit> hits = new ArrayList<>(found.size());
        for (Aside hit : found) {
            try {
                hits.add(new LegHit(tx.getNodeByElementId(hit.chunk()), hit.score()));
            } catch (NotFoundException deletedMeanwhile) {
                // Read-committed, as every leg: a chunk deleted since the other transaction saw it is gone.
            }
        }
        return hits;
    }

    /** Records a leg that began at {@code since} (for mnemo.metrics) and returns when it ended. */
    private static long timed(String leg, long since) {
        long now = System.nanoTime();
        PluginMetrics.searchLeg(TARGET, leg, now - since);
        return now;
    }

    // ---- vector leg ----

    List<LegHit> vectorLeg(float[] vector, SearchOptions options, ScopedChunks visible) {
        int topK = options.vectorTopK();
        long total = chunkCount();
        if (total == 0) {
            return List.of();
        }
        long inScope = inScope(options);
        if (inScope == 0) {
            return List.of();
        }
        List<String> libraries = options.scope().libraries();
        if (inScope > exactThreshold
                && !options.scope().all()
                && libraries.size() <= LibraryKeys.MAX_IN_QUERY
                && Schema.vectorsFilterable(tx)) {
            return filteredVector(vector, options, visible, topK, inScope);
        }
        // Ask for enough candidates that, at the scope's share of all chunks, about overfetch x top_k are in scope.
        // HNSW's recall is poorest for small k, hence a floor.
        long k = Math.max(MIN_CANDIDATES, (long) Math.ceil(topK * (double) overfetch * total / inScope));
        if (inScope <= exactThreshold || k * EXACT_WHEN_K_EXCEEDS_SCOPE_SHARE >= inScope) {
            PluginMetrics.scopePath(Fusion.VECTOR, "exact");
            return exactVector(vector, options, topK);
        }
        float[] unitQuery = VectorCache.unit(vector);
        while (true) {
            List<LegHit> hits = new ArrayList<>();
            long fetched = 0;
            var result = tx.execute(
                    "CALL db.index.vector.queryNodes($index, $k, $vector) YIELD node " + "RETURN node",
                    Map.of("index", Schema.CHUNK_VECTOR, "k", k, "vector", vector));
            while (result.hasNext()) {
                fetched++;
                Node chunk = (Node) result.next().get("node");
                if (visible.allows(chunk)) {
                    // The index ranks by quantised vectors; the stored ones give the exact order of its candidates.
                    hits.add(new LegHit(chunk, exactScore(unitQuery, chunk)));
                }
            }
            if (hits.size() >= topK || fetched < k) {
                PluginMetrics.scopePath(Fusion.VECTOR, "index");
                hits.sort(Comparator.comparingDouble(LegHit::score).reversed());
                return hits.subList(0, Math.min(topK, hits.size()));
            }
            guard.run();
            k *= 4;
            if (k * EXACT_WHEN_K_EXCEEDS_SCOPE_SHARE >= inScope) {
                // The scope is sparse among the index's nearest neighbours: score it exactly rather than lose results.
                PluginMetrics.scopePath(Fusion.VECTOR, "index_then_exact");
                return exactVector(vector, options, topK);
            }
        }
    }

    /**
     * The index filters by library itself (Neo4j 2026+, Cypher 25 SEARCH): it is asked for overfetch x top_k of the
     * scope's chunks, re-scored exactly; items not yet searchable or outside a type or collection filter are
     * dropped after, widening the ask when they leave too few.
     */
    private List<LegHit> filteredVector(
            float[] vector, SearchOptions options, ScopedChunks visible, int topK, long inScope) {
        List<String> keys = options.scope().libraries().stream()
                .map(LibraryKeys::of)
                .distinct()
                .toList();
        float[] unitQuery = VectorCache.unit(vector);
        long k = Math.max(MIN_CANDIDATES, (long) topK * overfetch);
        while (true) {
            List<LegHit> hits = new ArrayList<>();
            long fetched = 0;
            var result = tx.execute(
                    "CYPHER 25 MATCH (c:Chunk) SEARCH c IN (VECTOR INDEX " + Schema.CHUNK_VECTOR
                            + " FOR $vector WHERE c." + Schema.LIBRARY_KEY + " IN $keys LIMIT $k) RETURN c",
                    Map.of("vector", vector, "keys", keys, "k", k));
            while (result.hasNext()) {
                fetched++;
                Node chunk = (Node) result.next().get("c");
                if (visible.allows(chunk)) {
                    hits.add(new LegHit(chunk, exactScore(unitQuery, chunk)));
                }
            }
            if (hits.size() >= topK || fetched < k) {
                PluginMetrics.scopePath(Fusion.VECTOR, "in_index");
                hits.sort(Comparator.comparingDouble(LegHit::score).reversed());
                return hits.subList(0, Math.min(topK, hits.size()));
            }
            guard.run();
            k *= 4;
            if (k >= inScope) {
                PluginMetrics.scopePath(Fusion.VECTOR, "index_then_exact");
                return exactVector(vector, options, topK);
            }
        }
    }

    /** Chunks the caller's scope holds (computed once per search). */
    private long inScope(SearchOptions options) {
        if (inScope < 0) {
            inScope = options.scope().all() && options.libraryType() == null && options.collectionUid() == null
                    ? chunkCount()
                    : scopeSize(options);
        }
        return inScope;
    }

    private long chunkCount() {
        if (chunkCount < 0) {
            // The kernel's count store, as Cypher's count(c) reads it, without a query run per search.
            chunkCount = tx instanceof InternalTransaction internal
                    ? labelCount(internal.kernelTransaction(), CHUNK.name())
                    : count("MATCH (c:Chunk) RETURN count(c) AS n", Map.of());
        }
        return chunkCount;
    }

    private static long labelCount(KernelTransaction ktx, String label) {
        int id = ktx.tokenRead().nodeLabel(label);
        return id < 0 ? 0 : ktx.dataRead().countsForNode(id); // no such label yet
    }

    private long mentionCount() {
        if (mentionCount < 0) {
            mentionCount = count("MATCH ()-[m:MENTIONS]->() RETURN count(m) AS n", Map.of());
        }
        return mentionCount;
    }

    private long scopeSize(SearchOptions options) {
        Map<String, Object> params = scopeParameters(options);
        return count(String.format(Locale.ROOT, """
                MATCH (l:Library) WHERE %s AND ($type IS NULL OR l.library_type = $type)
                MATCH (l)-[:HAS_COLLECTION]->(c:Collection)-[:HAS_ITEM]->(i:Item {embedding_status: 'completed'})
                WHERE $collection IS NULL OR c.uid = $collection
                RETURN coalesce(sum(i.chunk_count), 0) AS n""", Scope.predicate("l")), params);
    }

    /** Cosine over every chunk in scope, normalised like the index's score: (1 + cos) / 2. */
    private List<LegHit> exactVector(float[] vector, SearchOptions options, int topK) {
        float[] unitQuery = VectorCache.unit(vector);
        if (vectors != null && readsCommitted()) {
            return cachedExactVector(unitQuery, options, topK);
        }
        PriorityQueue<Scored<Node>> best = new PriorityQueue<>(Comparator.comparingDouble(Scored::score));
        forEachScopeChunk(options, chunk -> keepBest(best, topK, chunk, exactScore(unitQuery, chunk)));
        List<LegHit> hits = new ArrayList<>();
        best.forEach(s -> hits.add(new LegHit(s.of(), s.score())));
        hits.sort(Comparator.comparingDouble(LegHit::score).reversed());
        return hits;
    }

    private record Scored<T>(T of, double score) {}

    /** Keeps the k best scores seen (a min-heap: the weakest leaves first); NaN (no vector) is never kept. */
    private static <T> void keepBest(PriorityQueue<Scored<T>> best, int k, T candidate, double score) {
        if (Double.isNaN(score)) {
            return;
        }
        if (best.size() < k) {
            best.add(new Scored<>(candidate, score));
        } else if (score > best.peek().score()) {
            best.poll();
            best.add(new Scored<>(candidate, score));
        }
    }

    /**
     * The exact scan from the cache: each item's chunk ids and their vectors are kept, so only the best chunks
     * become nodes (a scan is then mostly dot products).
     */
    @SuppressWarnings("deprecation") // node ids, as the cache keeps them
    private List<LegHit> cachedExactVector(float[] unitQuery, SearchOptions options, int topK) {
        PriorityQueue<Scored<Long>> best = new PriorityQueue<>(Comparator.comparingDouble(Scored::score));
        long[] seen = {0};
        forEachScopeItem(options, item -> {
            for (long id : vectors.chunkIds(item)) {
                if (++seen[0] % 10_000 == 0) {
                    guard.run();
                }
                double score = (1 + vectors.cosine(id, unitQuery, tx::getNodeById)) / 2;
                if (best.size() < topK || score > best.peek().score()) { // the id is boxed only when it may stay
                    keepBest(best, topK, id, score);
                }
            }
        });
        List<LegHit> hits = new ArrayList<>();
        for (Scored<Long> s : best) {
            try {
                hits.add(new LegHit(tx.getNodeById(s.of()), s.score()));
            } catch (NotFoundException deletedMeanwhile) {
                // Its delete committed during the scan: the store no longer has it.
            }
        }
        hits.sort(Comparator.comparingDouble(LegHit::score).reversed());
        return hits;
    }

    /**
     * Every visible chunk in the caller's scope, in turn: the scope's searchable items from Cypher, their chunks by
     * the core API (a Cypher row per chunk cost more than scoring it).
     */
    private void forEachScopeChunk(SearchOptions options, java.util.function.Consumer<Node> each) {
        long[] seen = {0};
        forEachScopeItem(options, item -> {
            try (var chunks = item.getRelationships(Direction.OUTGOING, HAS_CHUNK)) {
                for (var hasChunk : chunks) {
                    if (++seen[0] % 10_000 == 0) {
                        guard.run();
                    }
                    each.accept(hasChunk.getEndNode());
                }
            } catch (NotFoundException deletedMeanwhile) {
                // The item (or a chunk) went in a delete that committed during the scan: the store no longer has it.
            }
        });
    }

    /** The scope's searchable items. */
    private void forEachScopeItem(SearchOptions options, java.util.function.Consumer<Node> each) {
        var items = tx.execute(String.format(Locale.ROOT, """
                MATCH (l:Library) WHERE %s AND ($type IS NULL OR l.library_type = $type)
                MATCH (l)-[:HAS_COLLECTION]->(c:Collection)-[:HAS_ITEM]->(i:Item {embedding_status: 'completed'})
                WHERE $collection IS NULL OR c.uid = $collection
                RETURN i""", Scope.predicate("l")), scopeParameters(options));
        while (items.hasNext()) {
            each.accept((Node) items.next().get("i"));
        }
    }

    /** Which chunks the caller may see, their parents found through the cache when this transaction may use it. */
    private ScopedChunks visibility(SearchOptions options) {
        return new ScopedChunks(
                options.scope(),
                options.libraryType(),
                options.collectionUid(),
                vectors != null && readsCommitted() ? vectors.parents(tx) : Parents.STORE);
    }

    private Boolean readsCommitted;

    /** Whether this search's transaction has written nothing (so what it reads may be cached). */
    private boolean readsCommitted() {
        if (readsCommitted == null) {
            readsCommitted = VectorCache.readsCommitted(tx);
        }
        return readsCommitted;
    }

    /** Cosine with the chunk's stored embedding, normalised like the index's score: (1 + cos) / 2; NaN without one. */
    private double exactScore(float[] unitQuery, Node chunk) {
        double cosine = vectors != null
                ? vectors.cosine(chunk, unitQuery, readsCommitted())
                : VectorCache.cosine(unitQuery, VectorCache.read(chunk));
        return (1 + cosine) / 2;
    }

    // ---- full-text leg ----

    List<LegHit> fulltextLeg(String query, int topK, SearchOptions options, ScopedChunks visible) {
        String terms = FulltextQuery.of(FulltextQuery.terms(query));
        if (terms == null) {
            return List.of();
        }
        String lucene = "text:(" + terms + ")";
        long k = Math.max(topK * 2L, 100);
        List<String> libraries = options.scope().libraries();
        if (!options.scope().all() && libraries.size() <= LibraryKeys.MAX_IN_QUERY && Schema.hasLibraryKeys(tx)) {
            // Lucene keeps only the scope's chunks, so a small library costs what a large one does.
            lucene = "+" + lucene + " " + LibraryKeys.filter(libraries);
            PluginMetrics.scopePath(Fusion.FULLTEXT, "in_index");
        } else {
            PluginMetrics.scopePath(Fusion.FULLTEXT, "per_hit");
            // Lucene's hits are not scoped: start from enough of them that about 2 x top_k are in scope.
            k = Math.min(MAX_CANDIDATES, k * Math.max(1, chunkCount() / Math.max(1, inScope(options))));
        }
        while (true) {
            List<LegHit> hits = new ArrayList<>();
            long fetched = 0;
            var result = tx.execute(
                    "CALL db.index.fulltext.queryNodes($index, $query) YIELD node, score "
                            + "RETURN node, score LIMIT $k",
                    Map.of("index", Schema.CHUNK_FULLTEXT, "query", lucene, "k", k));
            while (result.hasNext() && hits.size() < topK) {
                Map<String, Object> row = result.next();
                fetched++;
                Node chunk = (Node) row.get("node");
                if (visible.allows(chunk)) {
                    hits.add(new LegHit(chunk, ((Number) row.get("score")).doubleValue()));
                }
            }
            result.close();
            if (hits.size() >= topK || fetched < k || k >= MAX_CANDIDATES) {
                return hits;
            }
            guard.run();
            k = Math.min(MAX_CANDIDATES, k * 4);
        }
    }

    // ---- graph leg ----

    List<LegHit> graphLeg(String query, float[] vector, SearchOptions options, ScopedChunks visible) {
        Map<Node, Double> weights = conceptWeights(query, vector, options);
        if (weights.isEmpty()) {
            return List.of();
        }
        long walk = 0;
        for (Map.Entry<Node, Double> concept : weights.entrySet()) {
            walk += Math.min(MAX_MENTIONS_PER_CONCEPT, concept.getKey().getDegree(MENTIONS, Direction.INCOMING));
        }
        long inScope = options.scope().all() ? chunkCount() : inScope(options);
        long scan = inScope * Math.max(1, mentionCount() / Math.max(1, chunkCount()));
        if (scan <= Math.min(walk, walkBudget)) {
            PluginMetrics.scopePath(Fusion.GRAPH, "scope_scan");
            return scanScope(weights, options);
        }
        PluginMetrics.scopePath(Fusion.GRAPH, "walk");
        return walkConcepts(weights, options.graphTopK(), visible);
    }

    /**
     * The concepts the query reaches (seeds, then their strongest co-occurring neighbours up to the depth) with
     * their weights: closeness to the query times rarity (IDF) — a concept that most chunks mention says little
     * about any of them. Only seeds may be mentioned by more than {@link #MAX_MENTIONS_PER_CONCEPT} chunks.
     */
    private Map<Node, Double> conceptWeights(String query, float[] vector, SearchOptions options) {
        Map<Node, Double> seeds = seedConcepts(query, vector);
        Map<Node, Double> concepts = new HashMap<>(seeds);
        Map<Node, Double> frontier = new HashMap<>(seeds);
        double decay = 1;
        for (int depth = 1; depth <= options.depth() && concepts.size() < MAX_CONCEPTS; depth++) {
            decay *= DEPTH_DECAY;
            Map<Node, Double> next = new HashMap<>();
            for (Map.Entry<Node, Double> e : frontier.entrySet()) {
                for (Map.Entry<Node, Double> n : strongestNeighbours(e.getKey()).entrySet()) {
                    if (!concepts.containsKey(n.getKey())) {
                        next.merge(n.getKey(), e.getValue() * decay * n.getValue(), Math::max);
                    }
                }
            }
            for (Map.Entry<Node, Double> e : next.entrySet()) {
                if (concepts.size() >= MAX_CONCEPTS) {
                    break;
                }
                concepts.put(e.getKey(), e.getValue());
            }
            frontier = next;
        }
        long total = Math.max(1, chunkCount());
        Map<Node, Double> weights = new HashMap<>();
        concepts.forEach((concept, closeness) -> {
            int mentions = concept.getDegree(MENTIONS, Direction.INCOMING);
            if (mentions > 0 && (seeds.containsKey(concept) || mentions <= MAX_MENTIONS_PER_CONCEPT)) {
                weights.put(concept, closeness * Math.log(1 + (double) total / mentions));
            }
        });
        return weights;
    }

    /** A small scope: every chunk in it scored by the concepts it mentions — exact, and no hit is out of scope. */
    private List<LegHit> scanScope(Map<Node, Double> weights, SearchOptions options) {
        PriorityQueue<LegHit> best = new PriorityQueue<>(BY_SCORE_THEN_ID.reversed());
        forEachScopeChunk(options, chunk -> {
            double score = mentionedWeight(chunk, weights);
            if (score > 0) {
                best.add(new LegHit(chunk, score));
                if (best.size() > options.graphTopK()) {
                    best.poll();
                }
            }
        });
        List<LegHit> hits = new ArrayList<>(best);
        hits.sort(BY_SCORE_THEN_ID);
        return hits;
    }

    /**
     * A large scope: walk the concepts' mentions, heaviest concept first, within a budget of
     * {@code walkBudget} mentions — a frequent concept weighs little (IDF) and costs the most to walk. Chunks
     * found that way are then scored exactly (their own mentions of the concepts left unwalked), in order, until
     * no unscored candidate can still reach the top k. A chunk that mentions only unwalked concepts is not found;
     * its score would be at most their summed weight, below any chunk that also mentions a walked one.
     */
    private List<LegHit> walkConcepts(Map<Node, Double> weights, int topK, ScopedChunks visible) {
        List<Map.Entry<Node, Double>> byWeight = new ArrayList<>(weights.entrySet());
        byWeight.sort(Map.Entry.<Node, Double>comparingByValue().reversed());
        Map<Node, Double> partial = new HashMap<>(walkBudget * 4 / 3);
        Map<Node, Double> unwalked = new HashMap<>();
        long budget = walkBudget;
        for (Map.Entry<Node, Double> concept : byWeight) {
            int mentions = concept.getKey().getDegree(MENTIONS, Direction.INCOMING);
            if (budget <= 0 || (mentions > budget && !partial.isEmpty())) {
                unwalked.put(concept.getKey(), concept.getValue());
                continue;
            }
            for (Relationship mention : concept.getKey().getRelationships(Direction.INCOMING, MENTIONS)) {
                if (--budget < 0) {
                    break;
                }
                partial.merge(mention.getStartNode(), concept.getValue(), Double::sum);
            }
            guard.run();
        }
        double unwalkedWeight =
                unwalked.values().stream().mapToDouble(Double::doubleValue).sum();
        // Usually a few times k candidates settle the top k; all of them are ranked only when those do not.
        for (int limit = topK * 4; ; limit *= 8) {
            Leading leading = leading(partial, limit);
            PriorityQueue<LegHit> best = new PriorityQueue<>(BY_SCORE_THEN_ID.reversed());
            boolean settled = false;
            for (LegHit candidate : leading.hits()) {
                if (best.size() >= topK
                        && candidate.score() + unwalkedWeight <= best.peek().score()) {
                    settled = true;
                    break;
                }
                if (!visible.allows(candidate.chunk())) {
                    continue;
                }
                double score = unwalked.isEmpty()
                        ? candidate.score()
                        : candidate.score() + mentionedWeight(candidate.chunk(), unwalked);
                best.add(new LegHit(candidate.chunk(), score));
                if (best.size() > topK) {
                    best.poll();
                }
            }
            if (settled
                    || leading.hits().size() == partial.size()
                    || (best.size() >= topK
                            && leading.bestLeftOut() + unwalkedWeight
                                    <= best.peek().score())) {
                List<LegHit> hits = new ArrayList<>(best);
                hits.sort(BY_SCORE_THEN_ID);
                return hits;
            }
            guard.run();
        }
    }

    /** The {@code limit} best of the scores, best first, and the best score left out. */
    private record Leading(List<LegHit> hits, double bestLeftOut) {}

    /**
     * Selects by score alone, in one pass: sorting every candidate, or an element id per candidate, costs more
     * than the walk. Ties at the edge are settled by the walk's order.
     */
    private static Leading leading(Map<Node, Double> scores, int limit) {
        PriorityQueue<LegHit> kept = new PriorityQueue<>(Comparator.comparingDouble(LegHit::score));
        double bestLeftOut = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Node, Double> e : scores.entrySet()) {
            double score = e.getValue();
            if (kept.size() < limit) {
                kept.add(new LegHit(e.getKey(), score));
            } else if (score > kept.peek().score()) {
                bestLeftOut = Math.max(bestLeftOut, kept.poll().score());
                kept.add(new LegHit(e.getKey(), score));
            } else {
                bestLeftOut = Math.max(bestLeftOut, score);
            }
        }
        List<LegHit> hits = new ArrayList<>(kept);
        hits.sort(Comparator.comparingDouble(LegHit::score).reversed());
        return new Leading(hits, bestLeftOut);
    }

    /** The summed weight of the given concepts that a chunk mentions. */
    private static double mentionedWeight(Node chunk, Map<Node, Double> weights) {
        double score = 0;
        for (Relationship mention : chunk.getRelationships(Direction.OUTGOING, MENTIONS)) {
            Double weight = weights.get(mention.getEndNode());
            if (weight != null) {
                score += weight;
            }
        }
        return score;
    }

    /** Concepts the query names (full-text on names, best = 1) or is close to (concept vectors). */
    private Map<Node, Double> seedConcepts(String query, float[] vector) {
        Map<Node, Double> seeds = new HashMap<>();
        List<String> terms = FulltextQuery.terms(query);
        String lucene = FulltextQuery.of(terms);
        if (lucene != null) {
            var result = tx.execute(
                    "CALL db.index.fulltext.queryNodes($index, $query) YIELD node, score "
                            + "RETURN node, score LIMIT $k",
                    Map.of("index", Schema.CONCEPT_FULLTEXT, "query", lucene, "k", SEED_CONCEPTS));
            double max = 0;
            List<Map<String, Object>> rows = new ArrayList<>();
            result.forEachRemaining(rows::add);
            for (Map<String, Object> row : rows) {
                max = Math.max(max, ((Number) row.get("score")).doubleValue());
            }
            for (Map<String, Object> row : rows) {
                seeds.merge((Node) row.get("node"), ((Number) row.get("score")).doubleValue() / max, Math::max);
            }
        }
        tx.execute(
                        "CALL db.index.vector.queryNodes($index, $k, $vector) YIELD node, score "
                                + "WHERE score >= $min RETURN node, score",
                        Map.of(
                                "index",
                                Schema.CONCEPT_VECTOR,
                                "k",
                                SEED_CONCEPTS,
                                "vector",
                                vector,
                                "min",
                                CONCEPT_VECTOR_MIN_SCORE))
                .forEachRemaining(row ->
                        seeds.merge((Node) row.get("node"), ((Number) row.get("score")).doubleValue(), Math::max));
        return seeds;
    }

    /** The most co-occurring neighbours of a concept, weights scaled so that the strongest is 1. */
    private Map<Node, Double> strongestNeighbours(Node concept) {
        PriorityQueue<Map.Entry<Node, Double>> best = new PriorityQueue<>(Map.Entry.comparingByValue());
        for (Relationship r : concept.getRelationships(RELATED_TO)) {
            double weight = ((Number) r.getProperty("weight", 1L)).doubleValue();
            best.add(Map.entry(r.getOtherNode(concept), weight));
            if (best.size() > NEIGHBOURS_PER_CONCEPT) {
                best.poll();
            }
        }
        double max = best.stream().mapToDouble(Map.Entry::getValue).max().orElse(1);
        Map<Node, Double> neighbours = new HashMap<>();
        best.forEach(e -> neighbours.put(e.getKey(), e.getValue() / max));
        return neighbours;
    }

    // ---- fusion ----

    /**
     * Fuses each leg's lists (RRF or convex, {@link Fusion}) twice: over chunks, and over items — each leg's chunks
     * become its ranked items (an item ranks where its best chunk ranks, with that chunk's raw score), as a reader
     * judges documents. Chunk rows come in the chunks' fused order (a passage ranks by its own relevance, so a leg
     * alone returns exactly its ranking); with {@code group_by: 'item'} one row stands for each item, in the items'
     * fused order, its best chunks as evidence — so one document's many chunks cannot crowd the list.
     */
    private List<Hit> fuse(String query, Map<String, List<LegHit>> legs, SearchOptions options, ScopedChunks visible) {
        Map<Node, String> uids = new HashMap<>();
        Map<Node, ScopedChunks.Context> places = new HashMap<>();
        Map<String, List<Fusion.Ranked<Node>>> chunkLegs = new LinkedHashMap<>();
        Map<String, List<Fusion.Ranked<String>>> itemLegs = new LinkedHashMap<>();
        Map<Node, Map<String, Object>> ranks = new HashMap<>();
        Map<Node, Map<String, Object>> raw = new HashMap<>();
        legs.forEach((leg, hits) -> {
            List<Fusion.Ranked<Node>> chunks = new ArrayList<>();
            List<Fusion.Ranked<String>> items = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (LegHit hit : hits) {
                Node chunk = hit.chunk();
                if (!uids.containsKey(chunk) && !place(chunk, visible, uids, places)) {
                    continue; // deleted by a concurrent write since its leg found it (reads are read-committed)
                }
                chunks.add(new Fusion.Ranked<>(chunk, hit.score()));
                ranks.computeIfAbsent(chunk, c -> new LinkedHashMap<>()).put(leg, (long) chunks.size());
                raw.computeIfAbsent(chunk, c -> new LinkedHashMap<>()).put(leg, hit.score());
                String item = itemUid(places.get(chunk));
                if (seen.add(item)) {
                    items.add(new Fusion.Ranked<>(item, hit.score()));
                }
            }
            chunkLegs.put(leg, chunks);
            itemLegs.put(leg, items);
        });
        Map<Node, Double> chunkScores = Fusion.fuse(options.fusion(), chunkLegs, options.weights(), options.rrfK());
        Map<String, Double> itemScores = Fusion.fuse(options.fusion(), itemLegs, options.weights(), options.rrfK());
        List<Node> order = new ArrayList<>(chunkScores.keySet());
        Comparator<Node> byChunk =
                Comparator.<Node>comparingDouble(chunkScores::get).reversed();
        order.sort(
                options.groupByItem()
                        ? Comparator.<Node>comparingDouble(c -> itemScores.get(itemUid(places.get(c))))
                                .reversed()
                                .thenComparing(byChunk)
                                .thenComparing(uids::get)
                        : byChunk.thenComparing(uids::get));
        List<Hit> hits = new ArrayList<>();
        List<Node> hitChunks = new ArrayList<>();
        // Reranking and diversity pick from a wider pool than is returned.
        int pool = Math.max(
                options.limit(),
                (options.mmr() > 0 ? options.limit() * 3 : 0)
                        + (options.rerank() && reranker != null ? rerankCandidates : 0));
        Map<String, List<Map<String, Object>>> evidence = new HashMap<>();
        Map<String, Integer> perItem = new HashMap<>();
        for (Node chunk : order) {
            String item = itemUid(places.get(chunk));
            int nth = perItem.merge(item, 1, Integer::sum);
            Hit hit;
            try {
                hit = hit(
                        chunk,
                        uids.get(chunk),
                        places.get(chunk),
                        options.groupByItem() ? itemScores.get(item) : chunkScores.get(chunk),
                        ranks.get(chunk),
                        raw.get(chunk),
                        options.groupByItem() ? evidence.computeIfAbsent(item, i -> new ArrayList<>()) : null);
            } catch (NotFoundException deletedMeanwhile) {
                continue;
            }
            if (options.groupByItem()) {
                if (nth <= options.evidence()) {
                    evidence.get(item)
                            .add(Map.of(
                                    "chunk_uid",
                                    hit.chunk_uid(),
                                    "chunk_index",
                                    hit.chunk_index(),
                                    "text_preview",
                                    hit.text_preview(),
                                    "score",
                                    chunkScores.get(chunk)));
                }
                if (nth > 1) {
                    continue;
                }
            } else if (options.perItem() > 0 && nth > options.perItem()) {
                continue;
            }
            if (hits.size() < pool) {
                hits.add(hit);
                hitChunks.add(chunk);
            } else if (!options.groupByItem()) {
                break;
            }
        }
        if (options.rerank()) {
            reranked(query, hits, hitChunks, options);
        }
        List<Hit> out = options.mmr() > 0 ? diversified(hits, hitChunks, options.mmr(), options.limit()) : hits;
        return out.size() > options.limit() ? out.subList(0, options.limit()) : out;
    }

    /**
     * Reorders the first {@code rerankCandidates} rows by the reranker's scores (in {@code raw_scores.rerank}); the
     * rest follow in fused order. Every row says whether it happened: {@code reranker} is the model, or
     * "unavailable: …" when none is configured or the reranker failed (the fused order then stands).
     */
    private void reranked(String query, List<Hit> hits, List<Node> chunks, SearchOptions options) {
        String outcome;
        if (reranker == null) {
            outcome = "unavailable: no reranker is configured (mnemo.rerank.provider)";
        } else if (hits.isEmpty()) {
            return;
        } else {
            int n = Math.min(rerankCandidates, hits.size());
            try {
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    texts.add(String.valueOf(
                            chunks.get(i).getProperty("text", hits.get(i).text_preview())));
                }
                long asked = System.nanoTime();
                List<Double> scores;
                try {
                    scores = reranker.scores(query, texts, instruction(hits.subList(0, n), options));
                } finally {
                    rerankNanos = System.nanoTime() - asked;
                    PluginMetrics.searchLeg(TARGET, RERANK, rerankNanos);
                }
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    order.add(i);
                }
                order.sort(Comparator.<Integer>comparingDouble(scores::get).reversed());
                List<Hit> top = new ArrayList<>();
                List<Node> topChunks = new ArrayList<>();
                for (int i : order) {
                    Hit h = hits.get(i);
                    Map<String, Object> raw = new LinkedHashMap<>(h.raw_scores());
                    raw.put("rerank", scores.get(i));
                    top.add(withReranker(h, raw, reranker.model()));
                    topChunks.add(chunks.get(i));
                }
                for (int i = 0; i < n; i++) {
                    hits.set(i, top.get(i));
                    chunks.set(i, topChunks.get(i));
                }
                for (int i = n; i < hits.size(); i++) {
                    hits.set(i, withReranker(hits.get(i), hits.get(i).raw_scores(), reranker.model()));
                }
                return;
            } catch (RuntimeException e) {
                outcome = "unavailable: the reranker failed (" + e.getMessage() + "); fused order kept";
            }
        }
        for (int i = 0; i < hits.size(); i++) {
            hits.set(i, withReranker(hits.get(i), hits.get(i).raw_scores(), outcome));
        }
    }

    /** The library type's reranker instruction: the requested type's, or the one type all candidates share. */
    private static String instruction(List<Hit> candidates, SearchOptions options) {
        String type = options.libraryType();
        if (type == null) {
            List<String> types =
                    candidates.stream().map(Hit::library_type).distinct().toList();
            type = types.size() == 1 ? types.get(0) : null;
        }
        if (type == null) {
            return null;
        }
        try {
            return LibraryType.parse(type, "library_type").rerankerInstruction();
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    private static Hit withReranker(Hit h, Map<String, Object> raw, String reranker) {
        return new Hit(
                h.chunk_uid(),
                h.item_uid(),
                h.item_title(),
                h.library_uid(),
                h.library_type(),
                h.collection_uid(),
                h.chunk_index(),
                h.text_preview(),
                h.score(),
                h.sources(),
                h.ranks(),
                raw,
                h.evidence(),
                reranker);
    }

    /**
     * Maximal Marginal Relevance over the fused rows: repeatedly takes the row with the best
     * {@code lambda × relevance − (1 − lambda) × (highest cosine to a row already taken)}, relevance falling
     * linearly from 1 with the row's place in the fused (or reranked) order — so near-duplicate chunks (the same passage in two documents, a document's repeated
     * boilerplate) do not crowd out other evidence.
     */
    private static List<Hit> diversified(List<Hit> hits, List<Node> chunks, double lambda, int limit) {
        List<float[]> vectors = new ArrayList<>();
        for (Node chunk : chunks) {
            Object v;
            try {
                v = chunk.getProperty("embedding", null);
            } catch (NotFoundException deletedMeanwhile) {
                v = null;
            }
            vectors.add(v instanceof float[] f ? f : null);
        }
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            left.add(i);
        }
        List<Integer> taken = new ArrayList<>();
        while (taken.size() < limit && !left.isEmpty()) {
            int best = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i : left) {
                // Relevance by position: the order is the fused (or reranked) one.
                double relevance = 1.0 - (double) i / hits.size();
                double redundancy = 0;
                for (int j : taken) {
                    redundancy = Math.max(redundancy, similarity(vectors.get(i), vectors.get(j)));
                }
                double value = lambda * relevance - (1 - lambda) * redundancy;
                if (value > bestValue) {
                    bestValue = value;
                    best = i;
                }
            }
            taken.add(best);
            left.remove(Integer.valueOf(best));
        }
        return taken.stream().map(hits::get).toList();
    }

    private static double similarity(float[] a, float[] b) {
        if (a == null || b == null || a.length != b.length) {
            return 0;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** Finds a chunk's item and library (false when it is gone or not visible). */
    private static boolean place(
            Node chunk, ScopedChunks visible, Map<Node, String> uids, Map<Node, ScopedChunks.Context> places) {
        try {
            ScopedChunks.Context where = visible.context(chunk);
            if (where == null) {
                return false;
            }
            uids.put(chunk, (String) chunk.getProperty("uid"));
            places.put(chunk, where);
            return true;
        } catch (NotFoundException deletedMeanwhile) {
            return false;
        }
    }

    private static String itemUid(ScopedChunks.Context where) {
        return where.item().getElementId();
    }

    private static Hit hit(
            Node chunk,
            String uid,
            ScopedChunks.Context where,
            double score,
            Map<String, Object> ranks,
            Map<String, Object> raw,
            List<Map<String, Object>> evidence) {
        return new Hit(
                uid,
                (String) where.item().getProperty("uid"),
                (String) where.item().getProperty("title", null),
                (String) where.library().getProperty("uid"),
                (String) where.library().getProperty("library_type", null),
                (String) where.collection().getProperty("uid"),
                ((Number) chunk.getProperty("chunk_index", 0L)).longValue(),
                (String) chunk.getProperty("text_preview", ""),
                score,
                List.copyOf(ranks.keySet()),
                ranks,
                raw,
                evidence,
                null);
    }

    private Map<String, Object> scopeParameters(SearchOptions options) {
        Map<String, Object> params = new HashMap<>(options.scope().parameters());
        params.put("type", options.libraryType());
        params.put("collection", options.collectionUid());
        return params;
    }

    private long count(String cypher, Map<String, Object> params) {
        return ((Number) tx.execute(cypher, params).next().get("n")).longValue();
    }
}
