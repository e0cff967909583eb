package org.mnemo.launcher;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.mnemo.gateway.health.BuildInfo;

/**
 * MCP over stdin/stdout in front of a gateway's Streamable HTTP endpoint, for clients that only launch local
 * servers (Claude Desktop and others): the official SDK's stdio server on one side, its HTTP client on the other.
 * The gateway's tools are listed once at start and offered as they are (schemas, annotations); each call goes to
 * the gateway with the bearer token and its result — structured content, error results — comes back unchanged.
 * The gateway's protocol errors come back as the same JSON-RPC errors; an unreachable gateway is a JSON-RPC error
 * naming it. Nothing but protocol is written to the output stream.
 */
final class McpBridge implements AutoCloseable {
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

    private final McpSyncClient gateway;
    private final McpSyncServer server;
    private final CountDownLatch inputClosed = new CountDownLatch(1);
    private final String url;

    /**
     * Connects to the gateway (initialize, tools/list) and then starts serving stdio; throws when the gateway
     * cannot be reached, before a byte is written to {@code out}.
     */
    McpBridge(String base, String token, String workspace, InputStream in, OutputStream out) {
        URI uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.url = uri + "/mcp";
        HttpRequest.Builder request = HttpRequest.newBuilder();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (workspace != null) {
            request.header("X-Workspace-ID", workspace);
        }
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(origin)
                .endpoint((uri.getRawPath() == null ? "" : uri.getRawPath()) + "/mcp")
                .requestBuilder(request)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.gateway = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("mnemo-stdio-bridge", BuildInfo.VERSION))
                .requestTimeout(CALL_TIMEOUT)
                .build();
        McpSchema.InitializeResult initialized;
        List<McpSchema.Tool> tools = new ArrayList<>();
        try {
            initialized = gateway.initialize();
            String cursor = null;
            do {
                McpSchema.ListToolsResult page = gateway.listTools(cursor);
                tools.addAll(page.tools());
                cursor = page.nextCursor();
            } while (cursor != null);
        } catch (RuntimeException e) {
            gateway.close();
            throw new IllegalStateException(
                    "cannot reach the MCP endpoint " + url + " (MNEMO_URL): " + rootMessage(e), e);
        }
        List<McpServerFeatures.SyncToolSpecification> specifications = tools.stream()
                .map(tool -> McpServerFeatures.SyncToolSpecification.builder()
                        .tool(tool)
                        .callHandler((exchange, call) -> forward(call))
                        .build())
                .toList();
        InputStream watched = new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return ended(super.read());
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return ended(super.read(buffer, offset, length));
            }

            private int ended(int read) {
                if (read < 0) {
                    inputClosed.countDown();
                }
                return read;
            }
        };
        McpServer.SyncSpecification<?> spec = McpServer.sync(
                        new StdioServerTransportProvider(McpJsonDefaults.getMapper(), watched, out))
                .serverInfo(initialized.serverInfo())
                .capabilities(
                        McpSchema.ServerCapabilities.builder().tools(false).build())
                // The gateway validates arguments with its own messages, as it does for HTTP clients.
                .validateToolInputs(false)
                .requestTimeout(CALL_TIMEOUT)
                .tools(specifications);
        if (initialized.instructions() != null) {
            spec.instructions(initialized.instructions());
        }
        this.server = spec.build();
    }

    int toolCount() {
        return server.listTools().size();
    }

    /** Blocks until the client closes stdin (its way of ending a stdio server). */
    void awaitInputClosed() throws InterruptedException {
        inputClosed.await();
    }

    /**
     * One tool call, sent as it came. A session the gateway has dropped (idle, or a restart) is opened anew by the
     * SDK and the call retried once: an unknown session means the gateway never ran it.
     */
    private McpSchema.CallToolResult forward(McpSchema.CallToolRequest call) {
        try {
            return gateway.callTool(call);
        } catch (RuntimeException e) {
            if (cause(e, McpTransportSessionNotFoundException.class) != null) {
                try {
                    return gateway.callTool(call);
                } catch (RuntimeException again) {
                    throw protocolError(again);
                }
            }
            throw protocolError(e);
        }
    }

    /** The gateway's own JSON-RPC error as it was; anything else (unreachable, timed out) as an internal error. */
    private McpError protocolError(RuntimeException e) {
        McpError error = cause(e, McpError.class);
        if (error != null && error.getJsonRpcError() != null) {
            return error;
        }
        return McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                .message("the Mnemo gateway at " + url + " did not answer: " + rootMessage(e))
                .build();
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable at = e; at != null; at = at.getCause()) {
            if (type.isInstance(at)) {
                return type.cast(at);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    @Override
    public void close() {
        server.closeGracefully();
        gateway.closeGracefully();
    }
}
