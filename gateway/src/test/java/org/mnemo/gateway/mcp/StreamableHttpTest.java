package org.mnemo.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.rest.TestGateway;

/** The Streamable HTTP transport at the wire level: versions, sessions, DELETE, limits. */
class StreamableHttpTest {
    private final TestGateway gw = TestGateway.get();

    private TestGateway.Response post(String path, String session, String body) {
        return post(gw.url(path), session, body, null);
    }

    private TestGateway.Response post(String url, String session, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return gw.send(request.build());
    }

    private static final String PING = "{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": \"ping\"}";

    @Test
    void aSessionIsBoundToTheCredentialThatOpenedIt() {
        String alice = gw.user("session-alice");
        String mallory = gw.user("session-mallory");
        String url = gw.url("/mcp");
        String session = post(url, null, initialize("2025-06-18"), alice).header("Mcp-Session-Id");
        assertThat(post(url, session, PING, alice).status()).isEqualTo(200);
        // A stolen session id is worth nothing without the credential that opened it.
        TestGateway.Response stolen = post(url, session, PING, mallory);
        assertThat(stolen.status()).isEqualTo(403);
        assertThat(stolen.raw().body()).contains("session_credential_mismatch");
        assertThat(post(url, session, PING, null).status()).isEqualTo(403);
        assertThat(post(url, session, PING, alice).status()).isEqualTo(200);
    }

    @Test
    void idleSessionsAreClosed() throws Exception {
        try (Gateway quick = Gateway.start(TestGateway.config(
                gw.neo4j.boltUri(), Map.of("MNEMO_MCP_SESSION_IDLE_SECONDS", "2", "MNEMO_INGEST_WORKERS", "0")))) {
            String url = "http://127.0.0.1:" + quick.port() + "/mcp";
            String session = post(url, null, initialize("2025-06-18"), null).header("Mcp-Session-Id");
            assertThat(post(url, session, PING, null).status()).isEqualTo(200);
            Thread.sleep(6_000);
            assertThat(post(url, session, PING, null).status()).isEqualTo(404);
        }
    }

    @Test
    void toolAnnotationsTellTheTruth() {
        String url = gw.url("/mcp");
        String session = post(url, null, initialize("2025-06-18"), null).header("Mcp-Session-Id");
        post(url, session, "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}", null);
        TestGateway.Response listed =
                post(url, session, "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": " + "\"tools/list\"}", null);
        // The answer comes as one server-sent event: its data line is the JSON-RPC response.
        String data = listed.raw()
                .body()
                .lines()
                .filter(l -> l.startsWith("data:"))
                .findFirst()
                .map(l -> l.substring(5).strip())
                .orElse(listed.raw().body());
        JsonNode tools;
        try {
            tools = org.mnemo.gateway.web.Json.MAPPER
                    .readTree(data)
                    .path("result")
                    .path("tools");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        assertThat(tools.size()).as(listed.raw().body()).isGreaterThan(10);
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        tools.forEach(t -> byName.put(t.path("name").asText(), t.path("annotations")));
        for (String reader : List.of(
                "search",
                "get_chunk",
                "list_libraries",
                "search_memory",
                "recall_memory",
                "list_readable_namespaces",
                "get_health")) {
            assertThat(byName.get(reader).path("readOnlyHint").asBoolean())
                    .as(reader)
                    .isTrue();
            assertThat(byName.get(reader).path("destructiveHint").asBoolean())
                    .as(reader)
                    .isFalse();
        }
        for (String writer : List.of("commit_memory_v2", "commit_summary", "commit_memory")) {
            assertThat(byName.get(writer).path("readOnlyHint").asBoolean())
                    .as(writer)
                    .isFalse();
            assertThat(byName.get(writer).path("destructiveHint").asBoolean())
                    .as(writer)
                    .isFalse();
        }
        assertThat(byName.get("forget_memory").path("readOnlyHint").asBoolean()).isFalse();
        assertThat(byName.get("forget_memory").path("destructiveHint").asBoolean())
                .isTrue();
    }

    private static String initialize(String version) {
        return """
                {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "%s",
                 "capabilities": {}, "clientInfo": {"name": "wire-test", "version": "1"}}}""".formatted(version);
    }

    @Test
    void bothProtocolVersionsAreNegotiated() {
        for (String version : new String[] {"2025-06-18", "2025-11-25"}) {
            TestGateway.Response r = post("/mcp", null, initialize(version));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("result").path("protocolVersion").asText()).isEqualTo(version);
            assertThat(r.json().path("result").path("serverInfo").path("name").asText())
                    .isEqualTo("mnemo");
            assertThat(r.json().path("result").path("instructions").asText()).contains("list_libraries");
        }
    }

    @Test
    void sessionsLiveUntilDeletedAndUnknownSessionsAre404() {
        TestGateway.Response init = post("/mcp/", null, initialize("2025-06-18"));
        String session = init.header("Mcp-Session-Id");
        assertThat(session).isNotBlank();
        post("/mcp", session, "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}");
        TestGateway.Response ping = post("/mcp", session, "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"ping\"}");
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.raw().body()).contains("\"id\":2");

        assertThat(post("/mcp", "no-such-session", "{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": \"ping\"}")
                        .status())
                .isEqualTo(404);
        TestGateway.Response missing = post("/mcp", null, "{\"jsonrpc\": \"2.0\", \"id\": 4, \"method\": \"ping\"}");
        assertThat(missing.status()).isEqualTo(400);

        TestGateway.Response deleted = gw.send(HttpRequest.newBuilder(URI.create(gw.url("/mcp")))
                .header("Mcp-Session-Id", session)
                .DELETE()
                .build());
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(post("/mcp", session, "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"ping\"}")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void oversizedRequestsAreRefused() {
        String big = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\", \"params\": {\"pad\": \""
                + "x".repeat(1_100_000) + "\"}}";
        // The server answers before reading the body and may close the connection under a client still sending
        // it (HTTP/1.1 has no other way to stop it): then the client sees no answer, and tries again.
        for (int attempt = 1; ; attempt++) {
            try {
                assertThat(post("/mcp", null, big).status()).isEqualTo(413);
                return;
            } catch (java.io.UncheckedIOException closedWhileSending) {
                if (attempt == 5) {
                    throw closedWhileSending;
                }
            }
        }
    }
}
