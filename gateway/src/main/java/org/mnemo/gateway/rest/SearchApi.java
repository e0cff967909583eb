package org.mnemo.gateway.rest;

import static org.mnemo.gateway.web.Schema.array;
import static org.mnemo.gateway.web.Schema.bool;
import static org.mnemo.gateway.web.Schema.fields;
import static org.mnemo.gateway.web.Schema.integer;
import static org.mnemo.gateway.web.Schema.map;
import static org.mnemo.gateway.web.Schema.number;
import static org.mnemo.gateway.web.Schema.object;
import static org.mnemo.gateway.web.Schema.page;
import static org.mnemo.gateway.web.Schema.string;
import static org.mnemo.gateway.web.Schema.strings;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Scopes;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.search.SearchService;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;
import org.mnemo.gateway.web.Schema;

/** Hybrid search and chunk lookup over REST, always within the caller's resolved libraries. */
public final class SearchApi {
    private final MnemoClient client;
    private final SearchService search;

    SearchApi(MnemoClient client) {
        this.client = client;
        this.search = new SearchService(client);
    }

    private static final Schema LEG = string("A search leg").values("vector", "fulltext", "graph");
    private static final String UID = "5733c4be-8f0e-4e0b-9d51-0c1f1e7b7c2a";

    static final Schema SEARCH = object("A hybrid search within the caller's libraries")
            .required("query", string("What to look for").maxLength(4000))
            .optional("library_uid", string("Only this library (404 when the caller cannot read it)"))
            .optional("library_type", LibraryApi.LIBRARY_TYPE.describe("Only libraries of this type"))
            .optional("collection_uid", string("Only this collection"))
            .optional(
                    "limit",
                    integer("How many candidates").range(1, Requests.MAX_LIMIT).defaultsTo(20))
            .optional(
                    "search_types",
                    array("The legs to run (default: vector and fulltext; add graph for the concept leg)", LEG))
            .optional(
                    "weights",
                    object("How much each leg counts in the fusion, 0..10 each; absent legs keep "
                                    + "their defaults (vector 1, fulltext 0.2, graph 0.1)")
                            .optional("vector", number(null).range(0, 10))
                            .optional("fulltext", number(null).range(0, 10))
                            .optional("graph", number(null).range(0, 10)))
            .optional(
                    "group_by",
                    string("chunk: one row per chunk; item: one per document, its best chunks in " + "evidence")
                            .values("chunk", "item")
                            .defaultsTo("chunk"))
            .optional(
                    "evidence",
                    integer("With group_by item: how many chunks per document")
                            .range(1, 20)
                            .defaultsTo(3))
            .optional(
                    "rerank",
                    bool("Let the configured reranker reorder the top candidates")
                            .defaultsTo(true))
            .example(fields("query", "where do the plugin jars go", "limit", 5))
            .named("SearchRequest");

    static final Schema CANDIDATE = object("A chunk found (with group_by item: a document, by its best chunk)")
            .required("chunk_uid", string(null))
            .required("chunk_index", integer("Its position in the document"))
            .required("item_uid", string(null))
            .required("item_title", string(null).nullable())
            .required("library_uid", string(null))
            .required("library_type", LibraryApi.LIBRARY_TYPE)
            .required("collection_uid", string(null).nullable())
            .required("text_preview", string("The start of the chunk's text"))
            .required("score", number("The fused score (with group_by item: the document's)"))
            .required(
                    "source",
                    string("The leg that ranked it best (vector, fulltext, graph)")
                            .nullable())
            .required("sources", strings("The legs that found it"))
            .required("ranks", map("Its rank in each leg that found it", integer(null)))
            .required(
                    "raw_scores",
                    map(
                            "Its own score in each leg (full-text and graph relative to the best of "
                                    + "the caller's results; rerank: the reranker's)",
                            number(null)))
            .optional(
                    "evidence",
                    array(
                            "With group_by item: the document's best chunks",
                            object(null)
                                    .required("chunk_uid", string(null))
                                    .required("chunk_index", integer(null))
                                    .required("text_preview", string(null))
                                    .required("score", number(null))))
            .named("Candidate");

    static final Schema RESULTS = object("Search results, best first")
            .required("query", string(null))
            .required("candidates", array(null, CANDIDATE))
            .required("total_candidates", integer(null))
            .required("search_time_ms", integer(null))
            .required("reranker_used", bool(null))
            .required("reranker_model", string(null).nullable())
            .optional("reranker_note", string("Why no reranker reordered the results"))
            .required("search_types_used", array(null, LEG))
            .example(fields(
                    "query",
                    "where do the plugin jars go",
                    "candidates",
                    List.of(fields(
                            "chunk_uid",
                            "9c62e0aa-3b7d-4f1e-8c2a-5d6e7f8a9b0c",
                            "chunk_index",
                            5,
                            "item_uid",
                            "c7cb2d1e-5f4a-4a8e-9b3c-6d2e1f0a9b8c",
                            "item_title",
                            "install",
                            "library_uid",
                            UID,
                            "library_type",
                            "technical",
                            "collection_uid",
                            "642b0f3e-1c1d-4f7e-8d6a-2b9e4c7a1f00",
                            "text_preview",
                            "The plugin jars go into plugins/ …",
                            "score",
                            0.0325,
                            "source",
                            "vector",
                            "sources",
                            List.of("vector", "fulltext"),
                            "ranks",
                            fields("vector", 1, "fulltext", 2),
                            "raw_scores",
                            fields("vector", 0.714, "fulltext", 1.0))),
                    "total_candidates",
                    1,
                    "search_time_ms",
                    41,
                    "reranker_used",
                    false,
                    "reranker_model",
                    null,
                    "search_types_used",
                    List.of("vector", "fulltext")))
            .named("SearchResults");

    static final Schema CHUNK = object("A chunk's full text with its place")
            .required("chunk_uid", string(null))
            .required("chunk_index", integer(null))
            .required("text", string(null))
            .required("char_start", integer("Where it starts in the normalised document"))
            .required("char_end", integer(null))
            .required("item_uid", string(null))
            .required("item_title", string(null).nullable())
            .required("collection_uid", string(null).nullable())
            .required("library_uid", string(null))
            .required("library_name", string(null))
            .required("library_type", LibraryApi.LIBRARY_TYPE)
            .required("previous_uid", string("The chunk before it, or null").nullable())
            .required("next_uid", string("The chunk after it, or null").nullable())
            .named("Chunk");

    static final Schema CHUNK_PREVIEW = object("A chunk in document order")
            .required("chunk_uid", string(null))
            .required("chunk_index", integer(null))
            .required("text_preview", string("Its first 300 characters"))
            .named("ChunkPreview");

    static final Schema NEIGHBOURS = object("What surrounds a chunk in the concept graph, strongest links first")
            .required("start", string("The chunk walked from"))
            .required(
                    "neighbors",
                    array(
                            null,
                            object("A concept or chunk near the start")
                                    .required("kind", string(null).values("concept", "chunk"))
                                    .required("uid", string(null))
                                    .required(
                                            "name",
                                            string("A concept's name, a chunk's text preview")
                                                    .nullable())
                                    .required("depth", integer("Steps from the start"))
                                    .required("weight", number("How strong the link is"))
                                    .required(
                                            "via",
                                            string("The concept or chunk it was reached through")
                                                    .nullable())))
            .required("total", integer(null))
            .named("Neighbours");

    List<Route> routes() {
        return List.of(
                Route.post(
                                "/library/api/search/",
                                "search",
                                "Hybrid search (vector, full-text, graph; fused) over " + "the caller's libraries",
                                SEARCH,
                                this::search)
                        .scope(Scopes.SEARCH)
                        .returns(200, "The candidates", RESULTS),
                Route.get(
                                "/library/api/chunks/{uid}/",
                                "search",
                                "A chunk's full text with its item and library",
                                this::chunk)
                        .scope(Scopes.GET_CHUNK)
                        .returns(200, "The chunk", CHUNK),
                Route.get(
                                "/library/api/items/{uid}/chunks/",
                                "search",
                                "An item's chunks in document order, each " + "with a preview",
                                this::itemChunks)
                        .scope(Scopes.GET_CHUNK)
                        .paged()
                        .returns(200, "One page of the item's chunks", page(CHUNK_PREVIEW)),
                Route.get(
                                "/library/api/chunks/{uid}/neighbors/",
                                "search",
                                "The concepts and chunks around a chunk "
                                        + "in the concept graph, strongest links first",
                                this::neighbours)
                        .scope(Scopes.NEIGHBORS)
                        .query("depth", integer("How many steps").range(1, 3).defaultsTo(1))
                        .query(
                                "limit",
                                integer("How many neighbours")
                                        .range(1, Requests.MAX_LIMIT)
                                        .defaultsTo(25))
                        .returns(200, "The neighbourhood", NEIGHBOURS));
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
        List<Rows.Neighbour> neighbours = client.neighbours(
                uid,
                caller.libraries(),
                Map.of(
                        "depth", Requests.integer(ctx, "depth", 1, 1, 3),
                        "limit", Requests.integer(ctx, "limit", 25, 1, Requests.MAX_LIMIT)));
        Json.send(ctx, 200, Map.of("start", uid, "neighbors", neighbours, "total", neighbours.size()));
    }

    private void chunk(Context ctx) {
        Caller caller = Requests.caller(ctx);
        Json.send(
                ctx,
                200,
                Requests.found(
                        client.chunkGet(ctx.pathParam("uid"), caller.libraries()),
                        "chunk '" + ctx.pathParam("uid") + "'"));
    }
}
