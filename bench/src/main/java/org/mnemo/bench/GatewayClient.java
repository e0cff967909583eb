package org.mnemo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.web.Json;

/** The gateway's search as a caller meets it: the REST route and the MCP search tool, with a bearer token. */
final class GatewayClient implements AutoCloseable {
    private final String baseUrl;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final McpSyncClient mcp;

    GatewayClient(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
        mcp = McpClient.sync(HttpClientStreamableHttpTransport.builder(baseUrl)
                        .endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                        .build())
                .requestTimeout(Duration.ofSeconds(60))
                .build();
        mcp.initialize();
    }

    List<String> rest(String query, int limit) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/library/api/search/"))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    Json.MAPPER.writeValueAsString(Map.of("query", query, "limit", limit))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "REST search answered " + response.statusCode() + ": " + response.body());
            }
            List<String> uids = new ArrayList<>();
            for (JsonNode candidate : Json.MAPPER.readTree(response.body()).path("candidates")) {
                uids.add(candidate.path("chunk_uid").asText());
            }
            return uids;
        } catch (IOException e) {
            throw new IllegalStateException("REST search failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @SuppressWarnings("unchecked")
    List<String> mcp(String query, int limit) {
        McpSchema.CallToolResult result =
                mcp.callTool(new McpSchema.CallToolRequest("search", Map.of("query", query, "limit", limit)));
        if (Boolean.TRUE.equals(result.isError())) {
            throw new IllegalStateException("MCP search failed: " + result.content());
        }
        List<Map<String, Object>> candidates =
                (List<Map<String, Object>>) ((Map<String, Object>) result.structuredContent()).get("candidates");
        return candidates.stream().map(c -> (String) c.get("chunk_uid")).toList();
    }

    @Override
    public void close() {
        mcp.closeGracefully();
    }
}
