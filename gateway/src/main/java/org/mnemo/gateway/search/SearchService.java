package org.mnemo.gateway.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hybrid search within a caller's resolved libraries: the one service REST and MCP both answer with. */
public final class SearchService {
    private static final Logger AUDIT = LoggerFactory.getLogger("org.mnemo.gateway.audit");
    public static final List<String> SEARCH_TYPES = List.of("vector", "fulltext", "graph");
    /** What runs unless search_types says otherwise: mnemo.search's default (the concept leg is asked for). */
    public static final List<String> DEFAULT_SEARCH_TYPES = List.of("vector", "fulltext");

    private static final int PREVIEW = 500;

    private final MnemoClient client;

    public SearchService(MnemoClient client) {
        this.client = client;
    }

    /**
     * A hybrid search within the caller's libraries, as REST and the MCP search tool answer it. Invalid
     * parameters are {@link ApiError}s naming the field; a library the caller cannot read is 404.
     */
    public Map<String, Object> search(Caller caller, Json.Body body) {
        String query = body.string("query", 4000);
        int limit = body.integer("limit", 20, 1, Requests.MAX_LIMIT);
        List<String> types = body.strings("search_types", 3);
        if (types == null || types.isEmpty()) {
            types = DEFAULT_SEARCH_TYPES;
        }
        for (String type : types) {
            if (!SEARCH_TYPES.contains(type)) {
                throw ApiError.badRequest(
                        "invalid_field", "'search_types' may hold vector, fulltext and graph, not '" + type + "'");
            }
        }
        boolean rerank = body.bool("rerank", true);
        List<String> scope = caller.libraries();
        String libraryUid = body.optionalString("library_uid", 100);
        if (libraryUid != null) {
            Rows.Library library = client.libraryGet(libraryUid, scope);
            if (library == null || !libraryUid.equals(library.uid())) {
                throw ApiError.notFound("library '" + libraryUid + "'");
            }
            scope = List.of(libraryUid);
        }
        Map<String, Object> options = new HashMap<>();
        options.put("libraries", scope);
        options.put("limit", limit);
        options.put("search_types", types);
        Requests.putIfPresent(options, "library_type", body.optionalString("library_type", 50));
        Requests.putIfPresent(options, "collection_uid", body.optionalString("collection_uid", 100));
        String groupBy = body.optionalString("group_by", 10);
        if (groupBy != null && !List.of("chunk", "item").contains(groupBy)) {
            throw ApiError.badRequest("invalid_field", "'group_by' must be 'chunk' or 'item', not '" + groupBy + "'");
        }
        Requests.putIfPresent(options, "group_by", groupBy);
        options.put("rerank", rerank);
        if (body.has("weights")) {
            options.put("weights", weights(body));
        }
        if (body.has("evidence")) {
            options.put("evidence", body.integer("evidence", 3, 1, 20));
        }
        long started = System.nanoTime();
        List<Rows.Hit> rows = client.search(query, options);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (Rows.Hit row : rows) {
            candidates.add(candidate(row));
        }
        relativeScores(candidates);
        // The audit trail keeps who searched what scope, and only a hash of the query.
        AUDIT.info(
                "search principal={} libraries={} query_sha256={} results={} took_ms={}",
                caller.principal(),
                scope.size(),
                Tokens.sha256Hex(query),
                candidates.size(),
                tookMs);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("query", query);
        response.put("candidates", candidates);
        response.put("total_candidates", candidates.size());
        response.put("search_time_ms", tookMs);
        // Each row names the reranker that ordered it, or why none did (none configured, or it failed).
        String reranker = rows.isEmpty() ? null : rows.get(0).reranker();
        boolean used = reranker != null && !reranker.startsWith("unavailable");
        response.put("reranker_used", used);
        response.put("reranker_model", used ? reranker : null);
        if (rerank && !used && reranker != null) {
            response.put("reranker_note", reranker);
        }
        response.put("search_types_used", types);
        return response;
    }

    /** How much each leg counts in the fusion: {vector?, fulltext?, graph?}, each 0..10; absent legs keep theirs. */
    private static Map<String, Object> weights(Json.Body body) {
        com.fasterxml.jackson.databind.JsonNode node = body.node().path("weights");
        if (!node.isObject()) {
            throw ApiError.badRequest(
                    "invalid_field",
                    "'weights' must be an object like {\"vector\": 1, " + "\"fulltext\": 0.2, \"graph\": 0.1}");
        }
        Map<String, Object> weights = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            double value = e.getValue().asDouble(-1);
            if (!SEARCH_TYPES.contains(e.getKey()) || !e.getValue().isNumber() || value < 0 || value > 10) {
                throw ApiError.badRequest(
                        "invalid_field",
                        "'weights' takes vector, fulltext and graph with a " + "number 0..10 each, not '" + e.getKey()
                                + "': " + e.getValue());
            }
            weights.put(e.getKey(), value);
        });
        return weights;
    }

    /**
     * Full-text and concept scores come from database-wide term statistics (BM25's IDF, concept frequencies): as
     * absolute numbers they would tell a caller whether a word occurs in other tenants' documents. Callers get them
     * relative to the best of their own results (1.0 = the best); vector similarities and ranks are scope-local and
     * stay as they are.
     */
    @SuppressWarnings("unchecked")
    static void relativeScores(List<Map<String, Object>> candidates) {
        for (String leg : List.of("fulltext", "graph")) {
            double best = candidates.stream()
                    .map(c -> (Map<String, Object>) c.get("raw_scores"))
                    .filter(s -> s != null && s.get(leg) instanceof Number)
                    .mapToDouble(s -> ((Number) s.get(leg)).doubleValue())
                    .max()
                    .orElse(0);
            for (Map<String, Object> c : candidates) {
                Map<String, Object> scores = (Map<String, Object>) c.get("raw_scores");
                if (scores != null && scores.get(leg) instanceof Number n && best > 0) {
                    Map<String, Object> copy = new LinkedHashMap<>(scores);
                    copy.put(leg, Math.round(n.doubleValue() / best * 10_000) / 10_000.0);
                    c.put("raw_scores", copy);
                }
            }
        }
    }

    static Map<String, Object> candidate(Rows.Hit row) {
        Map<String, Object> candidate = new LinkedHashMap<>();
        candidate.put("chunk_uid", row.chunk_uid());
        candidate.put("chunk_index", row.chunk_index());
        candidate.put("item_uid", row.item_uid());
        candidate.put("item_title", row.item_title());
        candidate.put("library_uid", row.library_uid());
        candidate.put("library_type", row.library_type());
        candidate.put("collection_uid", row.collection_uid());
        String preview = String.valueOf(row.text_preview());
        candidate.put("text_preview", preview.length() > PREVIEW ? preview.substring(0, PREVIEW) : preview);
        candidate.put("score", row.score());
        List<String> sources = row.sources();
        Map<String, Object> ranks = row.ranks();
        // The leg that ranked the chunk best is its primary source.
        candidate.put(
                "source",
                sources.stream()
                        .min((a, b) ->
                                Long.compare(((Number) ranks.get(a)).longValue(), ((Number) ranks.get(b)).longValue()))
                        .orElse(null));
        candidate.put("sources", sources);
        candidate.put("ranks", ranks);
        candidate.put("raw_scores", row.raw_scores());
        if (row.evidence() != null) {
            candidate.put("evidence", row.evidence());
        }
        return candidate;
    }
}
