package org.mnemo.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.TestGateway;

/** The Streamable HTTP transport at the wire level: versions, sessions, DELETE, limits. */
class StreamableHttpTest {
    private final TestGateway gw = TestGateway.get();

    private TestGateway.Response post(String path, String session, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gw.url(path)))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return gw.send(request.build());
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
            assertThat(r.json().path("result").path("serverInfo").path("name").asText()).isEqualTo("mnemo");
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
                .status()).isEqualTo(404);
        TestGateway.Response missing = post("/mcp", null, "{\"jsonrpc\": \"2.0\", \"id\": 4, \"method\": \"ping\"}");
        assertThat(missing.status()).isEqualTo(400);

        TestGateway.Response deleted = gw.send(HttpRequest.newBuilder(URI.create(gw.url("/mcp")))
                .header("Mcp-Session-Id", session).DELETE().build());
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(post("/mcp", session, "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"ping\"}").status())
                .isEqualTo(404);
    }

    @Test
    void oversizedRequestsAreRefused() {
        String big = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\", \"params\": {\"pad\": \""
                + "x".repeat(1_100_000) + "\"}}";
        assertThat(post("/mcp", null, big).status()).isEqualTo(413);
    }
}
