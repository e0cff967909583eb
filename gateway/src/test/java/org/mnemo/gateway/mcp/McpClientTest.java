package org.mnemo.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.rest.Jwt;
import org.mnemo.gateway.rest.TestGateway;

/** The MCP endpoint driven by the MCP Java SDK's own client over Streamable HTTP, with real credentials. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpClientTest {
    private final TestGateway gw = TestGateway.get();
    private String ivy;
    private String jack;
    private String ivyLibrary;
    private String jackLibrary;
    private McpSyncClient anonymous;

    @BeforeAll
    void twoUsersWithDocuments() {
        ivy = gw.user("ivy");
        jack = gw.user("jack");
        ivyLibrary = library(ivy, "Ivy astronomy", "Cepheid variables pulse with a period tied to their luminosity.");
        jackLibrary = library(jack, "Jack astronomy", "Cepheid variables let astronomers measure galactic distances.");
        anonymous = client(null, "/mcp");
    }

    @AfterAll
    void close() {
        anonymous.closeGracefully();
    }

    private String library(String token, String name, String text) {
        String uid = gw.post("/library/api/libraries/", token, Map.of("name", name, "library_type", "nonfiction"))
                .json()
                .path("uid")
                .asText();
        gw.post("/library/api/items/", token, Map.of("library_uid", uid, "title", name, "text", text));
        return uid;
    }

    private McpSyncClient client(String token, String endpoint) {
        return McpTestClients.connect(gw.url(""), McpTestClients.STREAMABLE_HTTP, endpoint, token);
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return McpTestClients.call(client, tool, args);
    }

    private static Map<String, Object> structured(McpSchema.CallToolResult result) {
        assertThat(result.content()).singleElement().isInstanceOf(McpSchema.TextContent.class);
        return McpTestClients.structured(result);
    }

    private static String errorText(McpSchema.CallToolResult result) {
        return McpTestClients.errorText(result);
    }

    /** A refused credential: the message Mnemosyne's clients expect first, then Mnemo's code and detail. */
    private static String authError(McpSchema.CallToolResult result, String legacy) {
        assertThat(errorText(result)).isEqualTo(legacy);
        assertThat(result.content()).hasSize(2);
        return ((McpSchema.TextContent) result.content().get(1)).text();
    }

    @Test
    @SuppressWarnings("unchecked")
    void initializeAndListToolsNeedNoToken() {
        List<McpSchema.Tool> tools = anonymous.listTools().tools();
        assertThat(tools)
                .extracting(McpSchema.Tool::name)
                .containsExactlyInAnyOrder(
                        "search",
                        "get_chunk",
                        "list_libraries",
                        "list_collections",
                        "list_items",
                        "get_concept_neighbors",
                        "get_health",
                        "list_writable_namespaces",
                        "list_readable_namespaces",
                        "commit_memory_v2",
                        "search_memory",
                        "commit_summary",
                        "forget_memory",
                        "commit_memory",
                        "recall_memory",
                        "build_context",
                        "get_project_state",
                        "record_interaction",
                        "list_projects");
        for (McpSchema.Tool tool : tools) {
            assertThat(tool.description()).isNotBlank();
            assertThat(tool.inputSchema())
                    .containsEntry("type", "object")
                    .doesNotContainKeys("anyOf", "oneOf", "allOf");
            if (tool.name().equals("recall_memory")) {
                // The legacy recall answers text (a bare JSON list or "No memories found."), as it always did.
                assertThat(tool.outputSchema()).isNull();
            } else {
                assertThat(tool.outputSchema()).containsEntry("type", "object");
            }
        }
        McpSchema.Tool search = tools.stream()
                .filter(t -> t.name().equals("search"))
                .findFirst()
                .orElseThrow();
        assertThat((List<Object>) search.inputSchema().get("required")).containsExactly("query");
        assertThat((Map<String, Object>) search.inputSchema().get("properties"))
                .containsKeys(
                        "query",
                        "library_uid",
                        "library_type",
                        "collection_uid",
                        "limit",
                        "rerank",
                        "include_images",
                        "search_types");

        Map<String, Object> health = structured(call(anonymous, "get_health", Map.of()));
        // The test gateway has an S3 source whose server is down, so the whole is an error (see the contract test).
        assertThat(health.get("status")).isEqualTo("error");
        Map<String, Map<String, Object>> checks = (Map<String, Map<String, Object>>) health.get("checks");
        assertThat(checks).containsKeys("neo4j", "s3", "embedding", "schema");
        assertThat(checks.get("neo4j").get("status")).isEqualTo("ok");
        assertThat(checks.get("s3").get("status")).isEqualTo("error");
    }

    @Test
    void toolsWithoutATokenAreRefused() {
        String text = authError(
                call(anonymous, "search", Map.of("query", "cepheid")), "Authentication credentials were not provided.");
        assertThat(text).startsWith("missing_credentials");
        assertThat(authError(call(client("mnemo_bogus", "/mcp"), "list_libraries", Map.of()), "Invalid MCP token."))
                .startsWith("token_unknown");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyToolStaysInsideTheCallersLibraries() {
        McpSyncClient client = client(ivy, "/mcp/");
        Map<String, Object> found = structured(call(client, "search", Map.of("query", "Cepheid variables")));
        List<Map<String, Object>> candidates = (List<Map<String, Object>>) found.get("candidates");
        assertThat(candidates)
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.get("library_uid")).isEqualTo(ivyLibrary));
        assertThat(found)
                .containsKeys(
                        "images",
                        "total_candidates",
                        "search_time_ms",
                        "reranker_used",
                        "reranker_model",
                        "search_types_used");

        String chunk = (String) candidates.get(0).get("chunk_uid");
        Map<String, Object> got = structured(call(client, "get_chunk", Map.of("chunk_uid", chunk)));
        assertThat((String) got.get("text")).contains("luminosity");
        assertThat(got).containsKeys("chunk_index", "item_uid", "item_title", "library_type");

        List<Map<String, Object>> libraries = (List<Map<String, Object>>)
                structured(call(client, "list_libraries", Map.of())).get("libraries");
        assertThat(libraries).extracting(l -> l.get("uid")).containsExactly(ivyLibrary);
        List<Map<String, Object>> items =
                (List<Map<String, Object>>) structured(call(client, "list_items", Map.of("library_uid", ivyLibrary)))
                        .get("items");
        assertThat(items).singleElement().satisfies(i -> {
            assertThat(i).containsKeys("chunk_count", "image_count", "embedding_status");
            assertThat(i.get("library_uid")).isEqualTo(ivyLibrary);
        });
        assertThat((List<?>)
                        structured(call(client, "list_collections", Map.of())).get("collections"))
                .isNotEmpty();
        Map<String, Object> around = structured(call(client, "get_concept_neighbors", Map.of("chunk_uid", chunk)));
        assertThat((List<?>) around.get("neighbors")).isNotEmpty();

        // Jack's chunk and library are invisible to Ivy.
        McpSyncClient jackClient = client(jack, "/mcp");
        String jackChunk = (String) ((List<Map<String, Object>>)
                        structured(call(jackClient, "search", Map.of("query", "Cepheid variables")))
                                .get("candidates"))
                .get(0)
                .get("chunk_uid");
        assertThat(errorText(call(client, "get_chunk", Map.of("chunk_uid", jackChunk))))
                .startsWith("not_found");
        assertThat(errorText(call(client, "search", Map.of("query", "x", "library_uid", jackLibrary))))
                .startsWith("not_found");
        assertThat((List<?>) structured(call(client, "get_concept_neighbors", Map.of("chunk_uid", jackChunk)))
                        .get("neighbors"))
                .isEmpty();

        // A turn JWT scoped to nothing gets empty results, not errors.
        McpSyncClient nothing = client(Jwt.daedalus(List.of(), Duration.ofMinutes(5)), "/mcp");
        assertThat((List<?>) structured(call(nothing, "search", Map.of("query", "Cepheid")))
                        .get("candidates"))
                .isEmpty();
        assertThat((List<?>)
                        structured(call(nothing, "list_libraries", Map.of())).get("libraries"))
                .isEmpty();
    }

    @Test
    void allowedToolsRestrictAToken() {
        String searchOnly = gw.post(
                        "/api/tokens/",
                        ivy,
                        Map.of(
                                "name",
                                "search only",
                                "allowed_libraries",
                                List.of("*"),
                                "allowed_tools",
                                List.of("search")))
                .json()
                .path("token")
                .asText();
        McpSyncClient client = client(searchOnly, "/mcp");
        assertThat(structured(call(client, "search", Map.of("query", "Cepheid"))))
                .containsKey("candidates");
        assertThat(errorText(call(client, "list_libraries", Map.of()))).startsWith("tool_not_allowed");
    }

    @Test
    void invalidArgumentsAreClearErrors() {
        McpSyncClient client = client(ivy, "/mcp");
        assertThat(errorText(call(client, "search", Map.of("query", "x", "limit", 0))))
                .contains("limit");
        assertThat(errorText(call(client, "search", Map.of("query", 42)))).contains("query");
        assertThat(errorText(call(client, "search", Map.of()))).contains("query");
        assertThat(errorText(call(client, "list_items", Map.of("limit", "ten"))))
                .contains("limit");
        assertThat(errorText(call(client, "get_concept_neighbors", Map.of()))).contains("concept");
    }

    @Test
    void healthEndpointAndRevocationAtOnce() {
        TestGateway.Response health = gw.get("/mcp/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("ok");

        var created = gw.post("/api/tokens/", ivy, Map.of("name", "short", "allowed_libraries", List.of("*")));
        McpSyncClient client = client(created.json().path("token").asText(), "/mcp");
        assertThat(structured(call(client, "list_libraries", Map.of()))).containsKey("libraries");
        gw.delete("/api/tokens/" + created.json().path("id").asText() + "/", ivy);
        assertThat(authError(call(client, "list_libraries", Map.of()), "Token has been revoked."))
                .startsWith("token_revoked");

        String metrics = gw.get("/metrics", null).raw().body();
        assertThat(metrics)
                .contains("mnemo_mcp_tool_invocations_total{status=\"ok\",tool=\"list_libraries\"}")
                .contains("mnemo_mcp_tool_duration_seconds")
                .contains("mnemo_mcp_auth_failures_total{reason=\"token_revoked\"}")
                .doesNotContain("\nmcp_");
    }

    @Test
    void foreignOriginsAndHostsAreRefused() {
        assertThat(initializeFrom("http://evil.example").status()).isEqualTo(403);
        TestGateway.Response local = initializeFrom("http://localhost:3000");
        assertThat(local.status()).isEqualTo(200);
        assertThat(local.header("Mcp-Session-Id")).isNotBlank();
    }

    private TestGateway.Response initializeFrom(String origin) {
        return gw.send(HttpRequest.newBuilder(URI.create(gw.url("/mcp")))
                .header("Origin", origin)
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE))
                .build());
    }

    static final String INITIALIZE = """
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
             "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}""";
}
