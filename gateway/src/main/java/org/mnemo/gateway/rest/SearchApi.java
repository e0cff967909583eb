package org.mnemo.gateway.rest;

import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Scopes;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.search.SearchService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hybrid search and chunk lookup over REST, always within the caller's resolved libraries. */
public final class SearchApi {
    private final MnemoClient client;
    private final SearchService search;

    SearchApi(MnemoClient client) {
        this.client = client;
        this.search = new SearchService(client);
    }

    List<Route> routes() {
        return List.of(
                Route.post("/library/api/search/", "search", "Hybrid search (vector, full-text, graph; fused by "
                        + "RRF) over the caller's libraries", "{query, library_uid?, library_type?, collection_uid?, "
                        + "limit? (1..200, 20), search_types? ([vector, fulltext, graph]), weights? ({vector, fulltext, graph}: "
                        + "0..10 each), group_by? (chunk | item), evidence? (1..20), rerank?}", this::search)
                        .scope(Scopes.SEARCH),
                Route.get("/library/api/chunks/{uid}/", "search", "A chunk's full text with its item and library",
                        this::chunk).scope(Scopes.GET_CHUNK),
                Route.get("/library/api/items/{uid}/chunks/", "search", "An item's chunks in document order, each "
                        + "with a preview (?limit, offset)", this::itemChunks).scope(Scopes.GET_CHUNK),
                Route.get("/library/api/chunks/{uid}/neighbors/", "search", "The concepts and chunks around a chunk "
                        + "in the concept graph, strongest links first (?depth 1..3, limit)", this::neighbours)
                        .scope(Scopes.NEIGHBORS));
    }

    private void search(Context ctx) {
        Json.send(ctx, 200, search.search(Requests.caller(ctx), Json.body(ctx)));
    }

    private void itemChunks(Context ctx) {
        Caller caller = Requests.caller(ctx);
        String uid = ctx.pathParam("uid");
        Requests.found(client.itemGet(uid, caller.libraries()), "item '" + uid + "'");
        Requests.Page page = Requests.page(ctx);
        Json.send(ctx, 200, page.wrap(client.itemChunks(uid, caller.libraries(), page.limit(), page.offset())));
    }

    /** As the MCP tool get_concept_neighbors walks from a chunk; a chunk the caller cannot read is 404. */
    private void neighbours(Context ctx) {
        Caller caller = Requests.caller(ctx);
        String uid = ctx.pathParam("uid");
        Requests.found(client.chunkGet(uid, caller.libraries()), "chunk '" + uid + "'");
        List<Map<String, Object>> neighbours = client.neighbours(uid, caller.libraries(), Map.of(
                "depth", Requests.integer(ctx, "depth", 1, 1, 3),
                "limit", Requests.integer(ctx, "limit", 25, 1, Requests.MAX_LIMIT)));
        Json.send(ctx, 200, Map.of("start", uid, "neighbors", neighbours, "total", neighbours.size()));
    }

    private void chunk(Context ctx) {
        Caller caller = Requests.caller(ctx);
        Json.send(ctx, 200, Requests.found(client.chunkGet(ctx.pathParam("uid"), caller.libraries()),
                "chunk '" + ctx.pathParam("uid") + "'"));
    }
}
