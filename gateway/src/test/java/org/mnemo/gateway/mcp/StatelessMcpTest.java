package org.mnemo.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpSyncClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.rest.TestGateway;
import org.mnemo.gateway.web.Json;

/**
 * With MNEMO_MCP_STATELESS, MCP keeps no session in a gateway: behind a load balancer, a client initialized by
 * one gateway is answered by the next — what a stateful session (held in one gateway's memory) cannot do.
 */
class StatelessMcpTest {
    private final TestGateway gw = TestGateway.get();

    private static HttpResponse<String> post(HttpClient http, String base, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anyGatewayAnswersAnyCall() throws Exception {
        String user = "stateless-" + UUID.randomUUID().toString().substring(0, 8);
        String token = gw.user(user);
        String library = gw.post("/library/api/libraries/", token, Map.of("name", user, "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        Map<String, String> stateless = Map.of("MNEMO_MCP_STATELESS", "true", "MNEMO_INGEST_WORKERS", "0");
        try (Gateway a = Gateway.start(TestGateway.config(gw.neo4j.boltUri(), stateless));
                Gateway b = Gateway.start(TestGateway.config(gw.neo4j.boltUri(), stateless))) {
            String first = "http://127.0.0.1:" + a.port();
            String second = "http://127.0.0.1:" + b.port();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> init = post(http, first, token, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                     "capabilities":{},"clientInfo":{"name":"balanced","version":"1"}}}""");
            assertThat(init.statusCode()).isEqualTo(200);
            assertThat(init.headers().firstValue("Mcp-Session-Id")).isEmpty();
            HttpResponse<String> call = post(http, second, token, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_libraries","arguments":{}}}""");
            assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
            JsonNode result = Json.MAPPER.readTree(call.body()).path("result");
            assertThat(result.path("isError").asBoolean(false)).isFalse();
            assertThat(result.path("structuredContent").path("libraries").findValuesAsText("uid"))
                    .contains(library);
            // Every call authenticates on its own: without a credential the tool refuses.
            HttpResponse<String> anonymous = post(http, second, null, """
                    {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_libraries","arguments":{}}}""");
            assertThat(Json.MAPPER
                            .readTree(anonymous.body())
                            .path("result")
                            .path("isError")
                            .asBoolean())
                    .isTrue();

            // The SDK's own client works against it too.
            McpSyncClient client = McpTestClients.connect(second, token);
            assertThat(McpTestClients.structured(McpTestClients.call(client, "list_libraries", Map.of())))
                    .containsKey("libraries");
            assertThat(client.listTools().tools()).extracting(t -> t.name()).contains("search", "get_chunk");
            client.closeGracefully();
        }
        // The default, stateful endpoint answers a call outside a session with an error: hence this mode.
        HttpResponse<String> sessionless = post(HttpClient.newHttpClient(), gw.url(""), token, """
                {"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_libraries","arguments":{}}}""");
        assertThat(sessionless.statusCode()).isEqualTo(400);
    }
}
