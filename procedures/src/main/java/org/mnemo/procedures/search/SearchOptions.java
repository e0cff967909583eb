package org.mnemo.procedures.search;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mnemo.procedures.library.LibraryType;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Scope;

/** The options of mnemo.search, checked and with their defaults. */
public record SearchOptions(
        Scope scope,
        String libraryType,
        String collectionUid,
        Set<String> searchTypes,
        int limit,
        int vectorTopK,
        int fulltextTopK,
        int graphTopK,
        int depth,
        int rrfK,
        Map<String, Double> weights,
        Object queryVector) {

    public static final String VECTOR = "vector";
    public static final String FULLTEXT = "fulltext";
    public static final String GRAPH = "graph";
    private static final List<String> ALL_TYPES = List.of(VECTOR, FULLTEXT, GRAPH);
    /**
     * RRF weight per leg. The concept graph is the weakest single signal on the BEIR sets and on LoCoMo
     * (docs/benchmarks): at full weight it pulls the fusion below the vector leg alone.
     */
    static final Map<String, Double> DEFAULT_WEIGHTS = Map.of(VECTOR, 1.0, FULLTEXT, 1.0, GRAPH, 0.25);

    /** The same options over another scope (the caller's, once narrowed). */
    public SearchOptions withScope(Scope narrowed) {
        return new SearchOptions(narrowed, libraryType, collectionUid, searchTypes, limit, vectorTopK, fulltextTopK,
                graphTopK, depth, rrfK, weights, queryVector);
    }

    public static SearchOptions from(String procedure, Map<String, Object> options) {
        Options o = Options.of(procedure, options, Set.of("libraries", "library_type", "collection_uid",
                "search_types", "limit", "vector_top_k", "fulltext_top_k", "graph_top_k", "depth", "rrf_k", "weights", "query_vector"));
        if (!o.has("libraries")) {
            throw o.error("libraries", "is required: the list of library uids the caller may read (['*'] for all)");
        }
        Scope scope = Scope.of(o.strings("libraries", null), procedure);
        String type = o.has("library_type")
                ? LibraryType.parse(o.string("library_type", null), procedure + ": 'library_type'").key() : null;
        List<String> types = o.strings("search_types", ALL_TYPES);
        if (types.isEmpty() || !ALL_TYPES.containsAll(types)) {
            throw o.error("search_types", "must be a non-empty subset of " + ALL_TYPES + ", got " + types);
        }
        return new SearchOptions(scope, type, o.string("collection_uid", null), new LinkedHashSet<>(types),
                (int) o.integer("limit", 20, 1, 200),
                (int) o.integer("vector_top_k", 50, 1, 1000),
                (int) o.integer("fulltext_top_k", 30, 1, 1000),
                (int) o.integer("graph_top_k", 30, 1, 1000),
                (int) o.integer("depth", 2, 0, 3),
                (int) o.integer("rrf_k", 60, 1, 10_000),
                weights(o),
                o.raw("query_vector"));
    }

    private static Map<String, Double> weights(Options o) {
        if (!o.has("weights")) {
            return DEFAULT_WEIGHTS;
        }
        if (!(o.raw("weights") instanceof Map<?, ?> given)) {
            throw o.error("weights", "must be a map like {vector: 1.0, fulltext: 1.0, graph: 0.25}");
        }
        Map<String, Double> weights = new java.util.HashMap<>(DEFAULT_WEIGHTS);
        for (Map.Entry<?, ?> e : given.entrySet()) {
            if (!ALL_TYPES.contains(String.valueOf(e.getKey())) || !(e.getValue() instanceof Number n)
                    || n.doubleValue() < 0 || n.doubleValue() > 10) {
                throw o.error("weights", "takes vector, fulltext and graph with a number 0..10 each, got "
                        + e.getKey() + ": " + e.getValue());
            }
            weights.put(String.valueOf(e.getKey()), n.doubleValue());
        }
        return weights;
    }
}
