package org.mnemo.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

/** The MCP Java SDK's own clients against a test gateway, and the readings of their results the tests share. */
public final class McpTestClients {
    public static final String STREAMABLE_HTTP = "streamable-http";
    public static final String SSE = "sse";

    private McpTestClients() {}

    /** An initialized client of {@code base} over Streamable HTTP at {@code /mcp}; {@code bearer} may be null. */
    public static McpSyncClient connect(String base, String bearer) {
        return connect(base, STREAMABLE_HTTP, "/mcp", bearer);
    }

    /** An initialized client over the transport ({@link #STREAMABLE_HTTP} or {@link #SSE}) at {@code endpoint}. */
    public static McpSyncClient connect(String base, String transport, String endpoint, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        McpClientTransport wire = transport.equals(SSE)
                ? HttpClientSseClientTransport.builder(base)
                        .sseEndpoint(endpoint)
                        .requestBuilder(request)
                        .build()
                : HttpClientStreamableHttpTransport.builder(base)
                        .endpoint(endpoint)
                        .requestBuilder(request)
                        .build();
        McpSyncClient client =
                McpClient.sync(wire).requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        return client;
    }

    public static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    /** The structured result of a call that must have succeeded. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> structured(McpSchema.CallToolResult result) {
        assertThat(result.isError()).as(String.valueOf(result.content())).isNotEqualTo(Boolean.TRUE);
        return (Map<String, Object>) result.structuredContent();
    }

    /** The first text of a call that must have failed. */
    public static String errorText(McpSchema.CallToolResult result) {
        assertThat(result.isError()).isTrue();
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }
}
