package org.mnemo.gateway.mcp;

import static org.mnemo.gateway.mcp.Schemas.anyObject;
import static org.mnemo.gateway.mcp.Schemas.array;
import static org.mnemo.gateway.mcp.Schemas.bool;
import static org.mnemo.gateway.mcp.Schemas.enumeration;
import static org.mnemo.gateway.mcp.Schemas.integer;
import static org.mnemo.gateway.mcp.Schemas.nullableString;
import static org.mnemo.gateway.mcp.Schemas.number;
import static org.mnemo.gateway.mcp.Schemas.object;
import static org.mnemo.gateway.mcp.Schemas.page;
import static org.mnemo.gateway.mcp.Schemas.props;
import static org.mnemo.gateway.mcp.Schemas.string;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.client.LibraryTypes;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.health.Health;
import org.mnemo.gateway.search.SearchService;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;

/**
 * The retrieval tools agents call: their schemas and what each does for a caller. Every tool reads only the
 * caller's resolved libraries; the parameter checks are the REST API's, so both answer bad input alike.
 */
final class McpTools {
    /** What a tool does to stored data, for its MCP annotations (clients decide from them whether to ask first). */
    enum Effect {
        READ,
        WRITE,
        DESTROY
    }

    /** A tool: its name, description, schemas, whether it needs a caller, its effect, and what it does. */
    record Tool(
            String name,
            String title,
            String description,
            Map<String, Object> input,
            Map<String, Object> output,
            boolean needsCaller,
            Effect effect,
            Handler handler) {}

    @FunctionalInterface
    interface Handler {
        /** A JSON object: a map, a record, or a {@link TextResult}. */
        Object call(Caller caller, Json.Body args);
    }

    private final MnemoClient client;
    private final SearchService search;
    private final Health health;

    McpTools(MnemoClient client, Health health) {
        this.client = client;
        this.search = new SearchService(client);
        this.health = health;
    }

    List<Tool> all() {
        return List.of(
                search(), getChunk(), listLibraries(), listCollections(), listItems(), neighbours(), getHealth());
    }

    private Tool search() {
        Map<String, Object> candidate = object(
                props(
                        "chunk_uid", string("Chunk id; pass it to get_chunk for the full text"),
                        "item_uid", string("Document id"),
                        "item_title", nullableString("Document title"),
                        "library_uid", string("Library id"),
                        "library_type", string("Library type"),
                        "text_preview", string("The chunk's first characters"),
                        "score", number("Fused score of the chunk's document (higher is better)"),
                        "source", string("The search type that ranked this chunk best"),
                        "sources", array("Every search type that found it", Map.of("type", "string")),
                        "ranks", anyObject("Rank per search type"),
                        "evidence", array("With group_by item: the document's best chunks", anyObject("A chunk"))),
                "chunk_uid",
                "item_uid",
                "text_preview",
                "score",
                "source");
        return new Tool(
                "search",
                "Search the knowledge base",
                "Hybrid search over the libraries you may read: vector similarity, full-text and concept-graph "
                        + "search fused by Reciprocal Rank Fusion. Returns ranked chunks with their documents; call "
                        + "get_chunk for a chunk's full text.",
                object(
                        props(
                                "query", string("What to look for, in natural language or keywords"),
                                "library_uid", string("Search only this library (from list_libraries)"),
                                "library_type", enumeration("Search only libraries of this type", LibraryTypes.NAMES),
                                "collection_uid", string("Search only this collection (from list_collections)"),
                                "limit",
                                        Map.of(
                                                "type",
                                                "integer",
                                                "description",
                                                "How many chunks (or documents, with "
                                                        + "group_by item) to return; more than " + Requests.MAX_LIMIT
                                                        + " is cut to "
                                                        + Requests.MAX_LIMIT,
                                                "default",
                                                20,
                                                "minimum",
                                                1),
                                "group_by",
                                        enumeration(
                                                "chunk: a row per chunk; item: a row per document, its best chunks "
                                                        + "as evidence",
                                                List.of("chunk", "item")),
                                "rerank", bool("Rerank the fused results when a reranker is configured", true),
                                "include_images", bool("Include images that belong to the results", true),
                                "search_types",
                                        Map.of(
                                                "type",
                                                "array",
                                                "description",
                                                "Which searches to fuse; add graph for the concept leg",
                                                "items",
                                                Map.of("type", "string", "enum", SearchService.SEARCH_TYPES),
                                                "default",
                                                SearchService.DEFAULT_SEARCH_TYPES)),
                        "query"),
                object(
                        props(
                                "query", string("The query"),
                                "candidates", array("Ranked chunks", candidate),
                                "images", array("Images of the results (none are stored yet)", anyObject("An image")),
                                "total_candidates", Map.of("type", "integer"),
                                "search_time_ms", Map.of("type", "integer"),
                                "reranker_used", Map.of("type", "boolean"),
                                "reranker_model", nullableString("The reranker's model, if one was used"),
                                "reranker_note",
                                        string("Why no reranker ordered the results, when rerank was asked for"),
                                "images_note", string("Why images is empty, when include_images was asked for"),
                                "search_types_used", array("The searches that ran", Map.of("type", "string"))),
                        "query",
                        "candidates",
                        "total_candidates"),
                true,
                Effect.READ,
                (caller, args) -> {
                    boolean images = args.bool("include_images", true);
                    Map<String, Object> result = search.search(caller, capLimit(args));
                    result.put("images", List.of());
                    if (images) {
                        result.put(
                                "images_note",
                                "no images are included: Mnemo ingests the text of documents and "
                                        + "stores no images yet");
                    }
                    return result;
                });
    }

    private Tool getChunk() {
        return new Tool(
                "get_chunk",
                "Read a chunk",
                "The full text of one chunk (from search results) with its document and library.",
                object(props("chunk_uid", string("The chunk id from a search result")), "chunk_uid"),
                object(
                        props(
                                "chunk_uid", string("Chunk id"),
                                "chunk_index", Map.of("type", "integer", "description", "Position in the document"),
                                "item_uid", string("Document id"),
                                "item_title", nullableString("Document title"),
                                "library_uid", string("Library id"),
                                "library_type", string("Library type"),
                                "text", string("The chunk's full text"),
                                "previous_uid", nullableString("The chunk before it in the document"),
                                "next_uid", nullableString("The chunk after it in the document")),
                        "chunk_uid",
                        "chunk_index",
                        "item_uid",
                        "text"),
                true,
                Effect.READ,
                (caller, args) -> {
                    String uid = args.string("chunk_uid", 100);
                    Rows.Chunk chunk = Requests.found(client.chunkGet(uid, caller.libraries()), "chunk '" + uid + "'");
                    return new ChunkView(
                            chunk.chunk_uid(),
                            chunk.chunk_index(),
                            chunk.item_uid(),
                            chunk.item_title(),
                            chunk.library_uid(),
                            chunk.library_name(),
                            chunk.library_type(),
                            chunk.text(),
                            chunk.previous_uid(),
                            chunk.next_uid());
                });
    }

    /** What get_chunk answers: the chunk without its character offsets and collection. */
    record ChunkView(
            String chunk_uid,
            long chunk_index,
            String item_uid,
            String item_title,
            String library_uid,
            String library_name,
            String library_type,
            String text,
            String previous_uid,
            String next_uid) {}

    /** An item as list_items answers it: the procedure's row and its image count. */
    record ListedItem(@JsonUnwrapped Rows.Item item, int image_count) {}

    private Tool listLibraries() {
        return new Tool(
                "list_libraries",
                "List libraries",
                "The libraries you may read, by name, with their type and item and chunk counts.",
                object(pageProps()),
                page("libraries"),
                true,
                Effect.READ,
                (caller, args) -> {
                    Requests.Page page = args.cappedPage();
                    return page.wrap("libraries", client.libraryList(caller.libraries(), page.options()));
                });
    }

    private Tool listCollections() {
        return new Tool(
                "list_collections",
                "List collections",
                "Collections (groups of documents) in the libraries you may read.",
                object(withPage("library_uid", string("Only collections of this library"))),
                page("collections"),
                true,
                Effect.READ,
                (caller, args) -> {
                    Requests.Page page = args.cappedPage();
                    Map<String, Object> options = page.options();
                    Requests.putIfPresent(options, "library_uid", args.optionalString("library_uid", 100));
                    return page.wrap("collections", client.collectionList(caller.libraries(), options));
                });
    }

    private Tool listItems() {
        return new Tool(
                "list_items",
                "List documents",
                "Documents in the libraries you may read, newest first, with chunk_count, image_count and "
                        + "embedding_status.",
                object(withPage(
                        "collection_uid",
                        string("Only documents of this collection"),
                        "library_uid",
                        string("Only documents of this library"))),
                page("items"),
                true,
                Effect.READ,
                (caller, args) -> {
                    Requests.Page page = args.cappedPage();
                    Map<String, Object> options = page.options();
                    Requests.putIfPresent(options, "library_uid", args.optionalString("library_uid", 100));
                    Requests.putIfPresent(options, "collection_uid", args.optionalString("collection_uid", 100));
                    return page.wrap(
                            "items",
                            client.itemList(caller.libraries(), options).stream()
                                    .map(item -> new ListedItem(item, 0))
                                    .toList());
                });
    }

    private Tool neighbours() {
        return new Tool(
                "get_concept_neighbors",
                "Explore the concept graph",
                "The concepts and chunks around a concept (by name) or a chunk (by id), strongest links first: "
                        + "for pivoting from a search hit to related material. Give concept or chunk_uid.",
                object(props(
                        "concept", string("A concept name, e.g. a keyphrase seen in a chunk"),
                        "chunk_uid", string("A chunk id from search results"),
                        "depth", integer("How many hops to walk", 1, 1, 3),
                        "limit", integer("How many neighbours to return", 25, 1, Requests.MAX_LIMIT))),
                object(
                        props(
                                "start", string("What the walk started from"),
                                "neighbors",
                                        array(
                                                "Concepts and chunks around it",
                                                object(props(
                                                        "kind",
                                                                enumeration(
                                                                        "concept or chunk",
                                                                        List.of("concept", "chunk")),
                                                        "uid", string("Id"),
                                                        "name", nullableString("Concept name, or the chunk's preview"),
                                                        "depth", Map.of("type", "integer"),
                                                        "weight", Map.of("type", List.of("number", "null")),
                                                        "via", nullableString("The concept it was reached through")))),
                                "total", Map.of("type", "integer")),
                        "start",
                        "neighbors"),
                true,
                Effect.READ,
                (caller, args) -> {
                    String concept = args.optionalString("concept", 200);
                    String chunk = args.optionalString("chunk_uid", 100);
                    if ((concept == null) == (chunk == null)) {
                        throw ApiError.badRequest("invalid_field", "give exactly one of 'concept' and 'chunk_uid'");
                    }
                    String start = concept != null ? concept : chunk;
                    List<Rows.Neighbour> neighbours = client.neighbours(
                            start,
                            caller.libraries(),
                            Map.of(
                                    "depth", args.integer("depth", 1, 1, 3),
                                    "limit", args.integer("limit", 25, 1, Requests.MAX_LIMIT)));
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("start", start);
                    result.put("neighbors", neighbours);
                    result.put("total", neighbours.size());
                    return result;
                });
    }

    private Tool getHealth() {
        Map<String, Object> check = object(
                props(
                        "status", string("ok, error, unknown or (s3) not_configured"),
                        "duration_ms", Map.of("type", "integer")),
                "status");
        return new Tool(
                "get_health",
                "Service health",
                "Whether Mnemo can serve: Neo4j, the S3 buckets, the embedding model and the search indexes. "
                        + "Needs no token (then the last result of the past few seconds is reused).",
                object(props()),
                object(
                        props(
                                "status",
                                        enumeration(
                                                "ok, degraded (searches may fail) or error",
                                                List.of("ok", "degraded", "error")),
                                "checks",
                                        object(
                                                props("neo4j", check, "s3", check, "embedding", check, "schema", check),
                                                "neo4j",
                                                "s3",
                                                "embedding",
                                                "schema")),
                        "status",
                        "checks"),
                false,
                Effect.READ,
                (caller, args) -> {
                    Health.Report report = caller == null ? health.cached() : health.run();
                    Map<String, Object> checks = new LinkedHashMap<>();
                    checks.put("neo4j", report.neo4j().toMap());
                    checks.put("s3", report.s3().toMap());
                    checks.put("embedding", report.embedder().toMap());
                    checks.put("schema", report.schema().toMap());
                    Map<String, Object> result = new LinkedHashMap<>();
                    // An unreachable bucket is an error, as for the clients this tool's shape comes from.
                    boolean broken =
                            !report.neo4j().ok() || "error".equals(report.s3().status());
                    result.put("status", broken ? "error" : report.allOk() ? "ok" : "degraded");
                    result.put("checks", checks);
                    return result;
                });
    }

    /** The arguments with a limit above the maximum cut to it, as Mnemosyne's tools do (not an error). */
    private static Json.Body capLimit(Json.Body args) {
        if (args.node().path("limit").isIntegralNumber()
                && args.node().path("limit").asLong() > Requests.MAX_LIMIT) {
            com.fasterxml.jackson.databind.node.ObjectNode capped = args.node().deepCopy();
            capped.put("limit", Requests.MAX_LIMIT);
            return new Json.Body(capped);
        }
        return args;
    }

    private static Map<String, Object> pageProps() {
        return props(
                "limit",
                        Map.of(
                                "type",
                                "integer",
                                "description",
                                "Page size (more than " + Requests.MAX_LIMIT + " is cut to " + Requests.MAX_LIMIT + ")",
                                "default",
                                50,
                                "minimum",
                                1),
                "offset", integer("How many to skip", 0, 0, Integer.MAX_VALUE));
    }

    private static Map<String, Object> withPage(Object... namesAndSchemas) {
        Map<String, Object> properties = props(namesAndSchemas);
        properties.putAll(pageProps());
        return properties;
    }
}
