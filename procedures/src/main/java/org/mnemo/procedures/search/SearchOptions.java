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
        Object queryVector) {

    public static final String VECTOR = "vector";
    public static final String FULLTEXT = "fulltext";
    public static final String GRAPH = "graph";
    private static final List<String> ALL_TYPES = List.of(VECTOR, FULLTEXT, GRAPH);

    public static SearchOptions from(String procedure, Map<String, Object> options) {
        Options o = Options.of(procedure, options, Set.of("libraries", "library_type", "collection_uid",
                "search_types", "limit", "vector_top_k", "fulltext_top_k", "graph_top_k", "depth", "rrf_k", "query_vector"));
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
                o.raw("query_vector"));
    }
}
