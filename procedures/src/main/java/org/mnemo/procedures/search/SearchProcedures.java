package org.mnemo.procedures.search;

import java.util.Map;
import java.util.stream.Stream;
import org.mnemo.procedures.config.MnemoConfig;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.embed.Embedders;
import org.mnemo.procedures.embed.Vectors;
import org.mnemo.procedures.ingest.TextNormalizer;
import org.mnemo.procedures.rerank.Rerankers;
import org.mnemo.procedures.schema.Schema;
import org.mnemo.procedures.scope.Analyst;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

public class SearchProcedures {
    static final int MAX_QUERY_CHARS = 10_000;

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "mnemo.search", mode = Mode.READ)
    @Description(
            "Hybrid search over chunks of the given libraries: vector and full-text legs (and the concept graph leg "
                    + "when search_types asks for it) fused at the "
                    + "level of items (a convex combination of normalised scores by default, or RRF); a row per chunk, or "
                    + "per item with group_by 'item'; each row shows the legs that found it with their ranks and raw scores.")
    public Stream<HybridSearch.Hit> search(
            @Name(value = "query", description = "The question or keywords; any text is safe.") String query,
            @Name(
                            value = "options",
                            description = "{libraries (required; [] finds nothing, ['*'] all), "
                                    + "library_type, collection_uid, search_types: ['vector','fulltext'] (add 'graph' for the concept leg), limit: 20 (max 200), "
                                    + "vector_top_k: 50, fulltext_top_k: 30, graph_top_k: 30, depth: 2, fusion: 'convex' | 'rrf', "
                                    + "rrf_k: 60, weights: {vector: 1.0, fulltext: 0.2, graph: 0.1}, group_by: 'chunk' | 'item', "
                                    + "evidence: 3 (chunks per item with group_by item), per_item: 0 (most chunks per item; 0 = any), "
                                    + "mmr: 0 (off; 0..1 = MMR's lambda), rerank: false (the configured reranker reorders the top "
                                    + "mnemo.rerank.candidates), "
                                    + "query_vector: the query's embedding when the caller already has it}")
                    Map<String, Object> options) {
        String procedure = "mnemo.search";
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException(procedure + ": 'query' must not be empty");
        }
        if (query.length() > MAX_QUERY_CHARS) {
            throw new IllegalArgumentException(
                    procedure + ": 'query' must be at most " + MAX_QUERY_CHARS + " characters, got " + query.length());
        }
        query = TextNormalizer.normalize(query);
        if (query.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": 'query' has no text once control characters are removed");
        }
        SearchOptions parsed = SearchOptions.from(procedure, options);
        parsed = parsed.withScope(Analyst.of(tx, db).scope(parsed.scope(), procedure));
        MnemoConfig config = MnemoConfig.of(db);
        Embedder embedder = Embedders.get(config.embedder());
        Schema.requireSearchable(tx, embedder.dimension(), embedder.model());
        if (parsed.scope().isEmpty()) {
            return Stream.empty();
        }
        // A caller that already embedded the query (same model) saves the embedding here.
        float[] vector = parsed.queryVector() != null
                ? Vectors.fromList(parsed.queryVector(), embedder.dimension(), procedure + ": 'query_vector'")
                : embedder.embedQuery(query);
        var search = new HybridSearch(
                tx,
                VectorCache.of(db, config.vectorCacheMb()),
                config.exactThreshold(),
                config.vectorOverfetch(),
                config.graphWalkBudget(),
                guard::check,
                parsed.rerank() ? Rerankers.get(config.rerank()) : null,
                config.rerank().candidates());
        return search.legsInParallel(db).search(query, vector, parsed).stream();
    }

    @Procedure(name = "mnemo.cache.warm", mode = Mode.READ)
    @Description(
            "Read the chunk vectors, chunk lists and parents the vector leg keeps (mnemo.search.vector_cache_mb) "
                    + "until the cache is full or holds everything, so the first searches after a start do not read them from "
                    + "the store; one row: items and chunks read, entries and bytes held, the budget, whether it is full. Not "
                    + "on editions that can cluster (the cache is off there). For the admin users (mnemo.security.admin_users).")
    public Stream<VectorCache.Warmed> warm() {
        // It reads every tenant's items (and says how many there are): the admin users' and the gateway's call.
        Analyst.of(tx, db).requireTrusted("mnemo.cache.warm");
        VectorCache cache = VectorCache.of(db, MnemoConfig.of(db).vectorCacheMb());
        if (cache == null) {
            return Stream.of(new VectorCache.Warmed(0, 0, 0, 0, 0, false));
        }
        return Stream.of(cache.warm(tx, guard::check));
    }
}
