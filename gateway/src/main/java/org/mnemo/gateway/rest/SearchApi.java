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
                        + "limit? (1..200, 20), search_types? ([vector, fulltext, graph]), rerank?}", this::search)
                        .scope(Scopes.SEARCH),
                Route.get("/library/api/chunks/{uid}/", "search", "A chunk's full text with its item and library",
                        this::chunk).scope(Scopes.GET_CHUNK));
    }

    private void search(Context ctx) {
        Json.send(ctx, 200, search.search(Requests.caller(ctx), Json.body(ctx)));
    }

    private void chunk(Context ctx) {
        Caller caller = Requests.caller(ctx);
        Json.send(ctx, 200, Requests.found(client.chunkGet(ctx.pathParam("uid"), caller.libraries()),
                "chunk '" + ctx.pathParam("uid") + "'"));
    }
}
