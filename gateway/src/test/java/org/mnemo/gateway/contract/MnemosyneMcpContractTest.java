package org.mnemo.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.mcp.McpTestClients;
import org.mnemo.gateway.rest.TestGateway;

/**
 * The contract Mnemosyne's MCP agents were written against, asserted as those clients read it — {@code
 * result["libraries"]}, {@code result["checks"]["s3"]}, the first text of a refusal — over Streamable HTTP and the
 * legacy SSE transport, with the MCP Java SDK's own clients. The shapes come from Mnemosyne's documented tools, not
 * from Mnemo's answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MnemosyneMcpContractTest {
    private final TestGateway gw = TestGateway.get();
    private final List<McpSyncClient> clients = new ArrayList<>();
    private String token;
    private String libraryName;
    private String library;

    @BeforeAll
    void aUserWithADocumentInACollection() {
        String user = "mnemosyne-" + UUID.randomUUID().toString().substring(0, 8);
        token = gw.user(user);
        libraryName = "Harbour records " + user;
        library = gw.post("/library/api/libraries/", token, Map.of("name", libraryName, "library_type", "fiction"))
                .json()
                .path("uid")
                .asText();
        String collection = gw.post(
                        "/library/api/collections/", token, Map.of("library_uid", library, "name", "Cranes"))
                .json()
                .path("uid")
                .asText();
        // One long sentence: a chunk (up to 700 characters in a fiction library) longer than a preview.
        String sentence = "The harbour crane logbook records every lift of the gantry crane" + ", with the load, the "
                + "wind speed at the jib, the operator on shift and the berth it served".repeat(6) + ".";
        TestGateway.Response item = gw.post(
                "/library/api/items/",
                token,
                Map.of(
                        "library_uid",
                        library,
                        "collection_uid",
                        collection,
                        "title",
                        "Gantry crane logbook",
                        "text",
                        sentence));
        assertThat(item.status()).as(item.raw().body()).isEqualTo(201);
    }

    @AfterAll
    void close() {
        clients.forEach(McpSyncClient::closeGracefully);
    }

    static Stream<String> transports() {
        return Stream.of("streamable-http", "sse");
    }

    private McpSyncClient client(String transport, String bearer) {
        return client(gw.url(""), transport, bearer);
    }

    private McpSyncClient client(String base, String transport, String bearer) {
        McpSyncClient client = McpTestClients.connect(
                base, transport, transport.equals(McpTestClients.SSE) ? "/mcp/sse" : "/mcp", bearer);
        clients.add(client);
        return client;
    }

    private static Map<String, Object> result(McpSyncClient client, String tool, Map<String, Object> args) {
        return McpTestClients.structured(McpTestClients.call(client, tool, args));
    }

    private static String firstText(McpSchema.CallToolResult r) {
        assertThat(r.isError()).isTrue();
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> result, String key) {
        return (List<Map<String, Object>>) result.get(key);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void listToolsAnswerUnderTheirOwnNames(String transport) {
        McpSyncClient client = client(transport, token);
        Map<String, Object> libraries = result(client, "list_libraries", Map.of());
        assertThat(libraries).containsKeys("libraries", "limit", "offset").doesNotContainKey("results");
        assertThat(list(libraries, "libraries")).extracting(l -> l.get("uid")).contains(library);
        assertThat(((Number) libraries.get("limit")).intValue()).isEqualTo(50);
        assertThat(((Number) libraries.get("offset")).intValue()).isZero();

        Map<String, Object> collections = result(client, "list_collections", Map.of("library_uid", library));
        assertThat(list(collections, "collections"))
                .singleElement()
                .satisfies(
                        c -> assertThat(c).containsEntry("name", "Cranes").containsEntry("library_name", libraryName));

        Map<String, Object> items = result(client, "list_items", Map.of("library_uid", library));
        assertThat(list(items, "items")).singleElement().satisfies(i -> {
            assertThat(i).containsEntry("title", "Gantry crane logbook");
            assertThat(((Number) i.get("image_count")).intValue()).isZero();
            assertThat(((Number) i.get("chunk_count")).intValue()).isPositive();
        });
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aLimitAboveTwoHundredIsCutNotRefused(String transport) {
        McpSyncClient client = client(transport, token);
        for (String tool : List.of("list_libraries", "list_collections", "list_items")) {
            Map<String, Object> page = result(client, tool, Map.of("limit", 500));
            assertThat(((Number) page.get("limit")).intValue()).as(tool).isEqualTo(200);
        }
        Map<String, Object> search = result(client, "search", Map.of("query", "gantry crane", "limit", 1000));
        assertThat(list(search, "candidates")).isNotEmpty().hasSizeLessThanOrEqualTo(200);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void searchSaysWhatItDidNotApply(String transport) {
        McpSyncClient client = client(transport, token);
        Map<String, Object> search = result(
                client,
                "search",
                Map.of(
                        "query",
                        "gantry crane wind speed",
                        "library_uid",
                        library,
                        "rerank",
                        true,
                        "include_images",
                        true));
        Map<String, Object> top = list(search, "candidates").get(0);
        String preview = (String) top.get("text_preview");
        // The chunk is longer than 500 characters: the preview is about that long, cut at a word.
        assertThat(preview.length()).isBetween(400, 520);
        assertThat(search.get("reranker_used")).isEqualTo(false);
        assertThat((String) search.get("reranker_note")).contains("no reranker is configured");
        assertThat(list(search, "images")).isEmpty();
        assertThat((String) search.get("images_note")).contains("no images");

        Map<String, Object> plain =
                result(client, "search", Map.of("query", "gantry crane", "rerank", false, "include_images", false));
        assertThat(plain).doesNotContainKeys("reranker_note", "images_note");
    }

    @ParameterizedTest
    @MethodSource("transports")
    @SuppressWarnings("unchecked")
    void healthNamesNeo4jS3AndTheEmbedding(String transport) {
        McpSyncClient client = client(transport, token);
        Map<String, Object> health = result(client, "get_health", Map.of());
        Map<String, Map<String, Object>> checks = (Map<String, Map<String, Object>>) health.get("checks");
        assertThat(checks).containsKeys("neo4j", "s3", "embedding");
        assertThat(checks.get("neo4j").get("status")).isEqualTo("ok");
        assertThat(checks.get("embedding").get("status")).isEqualTo("ok");
        // The test gateway configures a source bucket whose server is down: S3 fails, so the whole is an error.
        assertThat(checks.get("s3").get("status")).isEqualTo("error");
        assertThat((String) checks.get("s3").get("detail")).contains("offline");
        assertThat(health.get("status")).isEqualTo("error");
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutABucketS3IsNotConfiguredAndHealthIsOk() {
        try (Gateway bare =
                Gateway.start(TestGateway.config(gw.neo4j.boltUri(), Map.of("MNEMO_INGEST_WORKERS", "0"), false))) {
            for (String transport : List.of("streamable-http", "sse")) {
                McpSyncClient client = client("http://127.0.0.1:" + bare.port(), transport, token);
                Map<String, Object> health = result(client, "get_health", Map.of());
                Map<String, Map<String, Object>> checks = (Map<String, Map<String, Object>>) health.get("checks");
                assertThat(checks.get("s3").get("status")).isEqualTo("not_configured");
                assertThat(health.get("status")).isEqualTo("ok");
                client.closeGracefully();
                clients.remove(client);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void refusedCredentialsReadAsMnemosyneWroteThem(String transport) throws InterruptedException {
        McpSchema.CallToolRequest list = new McpSchema.CallToolRequest("list_libraries", Map.of());
        McpSchema.CallToolResult none = client(transport, null).callTool(list);
        assertThat(firstText(none)).isEqualTo("Authentication credentials were not provided.");
        McpSchema.CallToolResult bogus = client(transport, "mnemo_not_a_token").callTool(list);
        assertThat(firstText(bogus)).isEqualTo("Invalid MCP token.");
        // Mnemo's machine code stays, after the message.
        assertThat(((McpSchema.TextContent) bogus.content().get(1)).text()).startsWith("token_unknown");

        String expiring = gw.post(
                        "/api/tokens/",
                        token,
                        Map.of(
                                "name",
                                "brief",
                                "expires_at",
                                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2).toString()))
                .json()
                .path("token")
                .asText();
        McpSyncClient soon = client(transport, expiring);
        TimeUnit.MILLISECONDS.sleep(2_500);
        assertThat(firstText(soon.callTool(list))).isEqualTo("Token has expired.");

        TestGateway.Response revocable = gw.post("/api/tokens/", token, Map.of("name", "revocable"));
        McpSyncClient revoked = client(transport, revocable.json().path("token").asText());
        gw.delete("/api/tokens/" + revocable.json().path("id").asText() + "/", token);
        assertThat(firstText(revoked.callTool(list))).isEqualTo("Token has been revoked.");
    }

    @Test
    void theSseStreamAlsoAnswersWithATrailingSlashAndChecksTheOrigin() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<Void> foreign = http.send(
                HttpRequest.newBuilder(URI.create(gw.url("/mcp/sse")))
                        .header("Accept", "text/event-stream")
                        .header("Origin", "http://evil.example")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(foreign.statusCode()).isEqualTo(403);

        try (SseSession session = SseSession.open(http, gw.url("/mcp/sse/"), token)) {
            assertThat(session.endpoint()).startsWith("/mcp/message?sessionId=");
        }
    }

    @Test
    void anSseSessionBelongsToTheCredentialThatOpenedItsStream() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String intruder =
                gw.user("mnemosyne-intruder-" + UUID.randomUUID().toString().substring(0, 8));
        try (SseSession session = SseSession.open(http, gw.url("/mcp/sse"), token)) {
            String initialize = """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05",
                     "capabilities":{},"clientInfo":{"name":"contract","version":"1"}}}""";
            String call = """
                    {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_health","arguments":{}}}""";
            // Another credential, or none, cannot even start it.
            assertThat(session.post(http, intruder, initialize).statusCode()).isEqualTo(403);
            assertThat(session.post(http, null, initialize).statusCode()).isEqualTo(403);
            assertThat(session.post(http, token, initialize).statusCode()).isBetween(200, 202);
            // A request before notifications/initialized is refused at once (the SDK would hold it open forever).
            HttpResponse<String> early = session.post(http, token, call);
            assertThat(early.statusCode()).isEqualTo(409);
            assertThat(early.body()).contains("session_not_initialized");
            assertThat(session.post(http, token, """
                    {"jsonrpc":"2.0","method":"notifications/initialized"}""").statusCode()).isBetween(200, 202);
            assertThat(session.post(http, token, call).statusCode()).isBetween(200, 202);
            assertThat(session.post(http, intruder, call).statusCode()).isEqualTo(403);
        }
        // Unknown sessions and broken requests answer Mnemo's JSON: no stack, no state kept for the id.
        for (String path : List.of("/mcp/message?sessionId=" + UUID.randomUUID(), "/mcp/message")) {
            HttpResponse<String> unknown = http.send(
                    HttpRequest.newBuilder(URI.create(gw.url(path)))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isIn(400, 404);
            assertThat(unknown.body())
                    .startsWith("{")
                    .doesNotContain("Exception")
                    .doesNotContain("at org.");
        }
    }

    /** A raw legacy SSE session: the stream, and the message endpoint it announced. */
    private record SseSession(HttpResponse<Stream<String>> stream, String endpoint, String base)
            implements AutoCloseable {
        static SseSession open(HttpClient http, String url, String bearer) throws IOException, InterruptedException {
            HttpResponse<Stream<String>> response = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Accept", "text/event-stream")
                            .header("Authorization", "Bearer " + bearer)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            Iterator<String> lines = response.body().iterator();
            String event = null;
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:") && "endpoint".equals(event)) {
                    String base = url.substring(0, url.indexOf("/mcp/"));
                    return new SseSession(response, line.substring(5).strip(), base);
                }
            }
            throw new IllegalStateException("the stream ended before announcing its endpoint");
        }

        HttpResponse<String> post(HttpClient http, String bearer, String json)
                throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + endpoint))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .timeout(Duration.ofSeconds(20));
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() {
            stream.body().close();
        }
    }
}
