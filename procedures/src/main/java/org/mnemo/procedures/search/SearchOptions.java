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
        Object queryVector,
        Fusion.Method fusion,
        boolean groupByItem,
        int evidence,
        int perItem,
        double mmr,
        boolean rerank) {

    public static final String VECTOR = Fusion.VECTOR;
    public static final String FULLTEXT = Fusion.FULLTEXT;
    public static final String GRAPH = Fusion.GRAPH;
    private static final List<String> ALL_TYPES = Fusion.LEGS;
    /**
     * Default fusion: a convex combination of each leg's min–max normalised scores over items, the dense leg
     * carrying most of the weight. Chosen on the BEIR development sets with all-MiniLM-L6-v2 and the English
     * analyzer (docs/benchmarks/quality.md: weights tuned by 2-fold cross-validation; equal-weight RRF ranked below
     * the dense leg alone on both sets, as did every RRF variant on one of them).
     */
    static final Map<String, Double> DEFAULT_WEIGHTS = Map.of(VECTOR, 1.0, FULLTEXT, 0.2, GRAPH, 0.1);

    /**
     * The legs run unless search_types names others: the concept (graph) leg is asked for, not default. Weights tuned
     * on all queries put it at 0 on both BEIR sets, and leaving it out changed fused nDCG@10 within noise (+0.002
     * msmarco, −0.004 dbpedia) while it was about half of a search's time (docs/benchmarks/quality.md).
     */
    public static final List<String> DEFAULT_TYPES = List.of(VECTOR, FULLTEXT);

    static final Fusion.Method DEFAULT_FUSION = Fusion.Method.CONVEX;

    /** The same options over another scope (the caller's, once narrowed). */
    public SearchOptions withScope(Scope narrowed) {
        return new SearchOptions(
                narrowed,
                libraryType,
                collectionUid,
                searchTypes,
                limit,
                vectorTopK,
                fulltextTopK,
                graphTopK,
                depth,
                rrfK,
                weights,
                queryVector,
                fusion,
                groupByItem,
                evidence,
                perItem,
                mmr,
                rerank);
    }

    public static SearchOptions from(String procedure, Map<String, Object> options) {
        Options o = Options.of(
                procedure,
                options,
                Set.of(
                        "libraries",
                        "library_type",
                        "collection_uid",
                        "search_types",
                        "limit",
                        "vector_top_k",
                        "fulltext_top_k",
                        "graph_top_k",
                        "depth",
                        "rrf_k",
                        "weights",
                        "query_vector",
                        "fusion",
                        "group_by",
                        "evidence",
                        "per_item",
                        "mmr",
                        "rerank"));
        if (!o.has("libraries")) {
            throw o.error("libraries", "is required: the list of library uids the caller may read (['*'] for all)");
        }
        Scope scope = Scope.of(o.strings("libraries", null), procedure);
        String type = o.has("library_type")
                ? LibraryType.parse(o.string("library_type", null), procedure + ": 'library_type'")
                        .key()
                : null;
        List<String> types = o.strings("search_types", DEFAULT_TYPES);
        if (types.isEmpty() || !ALL_TYPES.containsAll(types)) {
            throw o.error("search_types", "must be a non-empty subset of " + ALL_TYPES + ", got " + types);
        }
        return new SearchOptions(
                scope,
                type,
                o.string("collection_uid", null),
                new LinkedHashSet<>(types),
                (int) o.integer("limit", 20, 1, 200),
                (int) o.integer("vector_top_k", 50, 1, 1000),
                (int) o.integer("fulltext_top_k", 30, 1, 1000),
                (int) o.integer("graph_top_k", 30, 1, 1000),
                (int) o.integer("depth", 2, 0, 3),
                (int) o.integer("rrf_k", 60, 1, 10_000),
                Fusion.weights(o, DEFAULT_WEIGHTS),
                o.raw("query_vector"),
                Fusion.Method.parse(o.string("fusion", DEFAULT_FUSION.name()), procedure + ": 'fusion'"),
                groupBy(o),
                (int) o.integer("evidence", 3, 1, 20),
                (int) o.integer("per_item", 0, 0, 200),
                mmr(o),
                o.bool("rerank", false));
    }

    /** MMR's lambda: 1 = relevance only; absent or 0 = off (the default: no measurement showed it helping). */
    private static double mmr(Options o) {
        if (!o.has("mmr")) {
            return 0;
        }
        if (!(o.raw("mmr") instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
            throw o.error("mmr", "must be a number from 0 (off) to 1 (relevance only), like 0.7");
        }
        return n.doubleValue();
    }

    private static boolean groupBy(Options o) {
        String value = o.string("group_by", "chunk");
        if (!List.of("chunk", "item").contains(value)) {
            throw o.error(
                    "group_by",
                    "must be 'chunk' (a row per chunk) or 'item' (a row per item with its best "
                            + "chunks as evidence), got '" + value + "'");
        }
        return value.equals("item");
    }
}
