package org.mnemo.gateway.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityValidator;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.mnemo.gateway.auth.AuthFailure;
import org.mnemo.gateway.auth.Authenticator;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.ProcedureFailure;
import org.mnemo.gateway.config.GatewayConfig;
import org.mnemo.gateway.context.ContextService;
import org.mnemo.gateway.health.BuildInfo;
import org.mnemo.gateway.health.Health;
import org.mnemo.gateway.memory.MemoryService;
import org.mnemo.gateway.web.AccessLog;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Metrics;
import org.mnemo.gateway.web.RateLimits;
import org.mnemo.gateway.web.Route;
import org.mnemo.gateway.web.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP over Streamable HTTP at {@code /mcp} (and {@code /mcp/}), and over the legacy HTTP+SSE transport at
 * {@code /mcp/sse} (messages to {@code /mcp/message}) for clients configured for it, both served by the official
 * SDK's servlets inside the gateway's Jetty: one port, the same tools, request-size limit, Origin and Host checks
 * against DNS rebinding. Tool calls authenticate with the gateway's credentials; {@code initialize},
 * {@code tools/list} and {@code get_health} need none.
 */
public final class McpEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class);
    static final String PATH = "/mcp";
    static final String SSE_PATH = PATH + "/sse";
    static final String MESSAGE_PATH = PATH + "/message";
    private static final String AUTHORIZATION = "authorization";
    private static final String REQUEST_ID = "request_id";
    private static final String WORKSPACE = "workspace";
    /**
     * Without required auth, a caller without a token reads every library: for local development only. It holds no
     * workspace (memory tools refuse it) and is rate limited as one credential.
     */
    private static final Caller ANONYMOUS = new Caller(
            Caller.Kind.TURN,
            "anonymous",
            "anonymous",
            "anonymous",
            List.of("*"),
            List.of(),
            null,
            List.of(),
            true,
            "reader",
            List.of(),
            true,
            null,
            "anonymous");

    static final String INSTRUCTIONS = """
            Mnemo is a knowledge base of documents (chunked, embedded and linked to the concepts they mention) \
            organised in libraries. Recommended workflow: call list_libraries to see what you may read, then \
            search with a natural-language query (optionally narrowed by library_uid, library_type or \
            collection_uid), then get_chunk for the full text of the best hits; get_concept_neighbors pivots from \
            a hit to related concepts and chunks. Library types: fiction, nonfiction, technical, music, film, art, \
            journal, business, finance. Cite results by item_title and chunk_uid.""";

    private final HttpServletStreamableServerTransportProvider transport;
    private final HttpServletStatelessServerTransport statelessTransport;
    private final HttpServletSseServerTransportProvider sse;
    private final McpSyncServer server;
    private final McpStatelessSyncServer statelessServer;
    private final McpSyncServer sseServer;
    private final Metrics metrics;
    private final Authenticator authenticator;
    private final RateLimits limits;
    private final SessionBinding sessions;
    private final LegacySseGuard legacy;
    private final boolean requireAuth;

    public McpEndpoint(
            GatewayConfig config,
            MnemoClient client,
            Authenticator authenticator,
            Metrics metrics,
            RateLimits limits,
            Health health) {
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.limits = limits;
        this.requireAuth = config.mcp().requireAuth();
        Duration idle = Duration.ofSeconds(config.security().mcpSessionIdleSeconds());
        this.sessions = new SessionBinding(idle);
        int maxRequest = (int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes());
        this.legacy = new LegacySseGuard(SSE_PATH, idle, maxRequest);
        ServerTransportSecurityValidator origins = DefaultServerTransportSecurityValidator.builder()
                .allowedOrigins(config.mcp().allowedOrigins())
                .allowedHosts(config.mcp().allowedHosts())
                .build();
        // Sessions live in one gateway's memory; without them any gateway behind a balancer answers any call.
        this.statelessTransport = config.mcp().stateless()
                ? HttpServletStatelessServerTransport.builder()
                        .messageEndpoint(PATH)
                        .maxRequestSize(maxRequest)
                        .securityValidator(origins)
                        .contextExtractor(McpEndpoint::context)
                        .build()
                : null;
        this.transport = config.mcp().stateless()
                ? null
                : HttpServletStreamableServerTransportProvider.builder()
                        .mcpEndpoint(PATH)
                        // A session unused for a whole sweep interval is closed (the SDK's sweeper).
                        .sessionSweepInterval(idle)
                        .maxRequestSize(maxRequest)
                        .securityValidator(origins)
                        .contextExtractor(McpEndpoint::context)
                        .build();
        this.sse = HttpServletSseServerTransportProvider.builder()
                .sseEndpoint(SSE_PATH)
                .messageEndpoint(MESSAGE_PATH)
                // Comments on the open stream keep proxies from closing an idle one.
                .keepAliveInterval(Duration.ofSeconds(25))
                .maxRequestSize(maxRequest)
                .securityValidator(origins)
                .contextExtractor(McpEndpoint::context)
                .build();
        List<McpTools.Tool> all = new java.util.ArrayList<>(new McpTools(client, health).all());
        all.addAll(new McpMemoryTools(new MemoryService(client)).all());
        all.addAll(new McpContextTools(new ContextService(client)).all());
        List<McpServerFeatures.SyncToolSpecification> tools =
                all.stream().map(this::specification).toList();
        this.server = transport == null ? null : server(McpServer.sync(transport), tools);
        this.statelessServer = statelessTransport == null
                ? null
                : McpServer.sync(statelessTransport)
                        .serverInfo("mnemo", BuildInfo.VERSION)
                        .instructions(INSTRUCTIONS)
                        .capabilities(McpSchema.ServerCapabilities.builder()
                                .tools(false)
                                .build())
                        .tools(all.stream()
                                .map(tool -> McpStatelessServerFeatures.SyncToolSpecification.builder()
                                        .tool(definition(tool))
                                        .callHandler((context, request) -> call(tool, context, request))
                                        .build())
                                .toList())
                        .build();
        this.sseServer = server(McpServer.sync(sse), tools);
        if (!requireAuth) {
            LOG.warn("MNEMO_MCP_REQUIRE_AUTH=false: MCP tool calls without a token read every library");
        }
    }

    private static McpSyncServer server(
            McpServer.SyncSpecification<?> spec, List<McpServerFeatures.SyncToolSpecification> tools) {
        return spec.serverInfo("mnemo", BuildInfo.VERSION)
                .instructions(INSTRUCTIONS)
                .capabilities(
                        McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(tools)
                .build();
    }

    /**
     * Mounts the transport servlets at /mcp, /mcp/sse and /mcp/message, each also with a trailing slash (the SDK
     * matches paths exactly, so the slash is taken off), behind the filter that binds each session to the
     * credential that opened it.
     */
    public void mount(ServletContextHandler handler) {
        if (statelessTransport != null) {
            mount(
                    handler,
                    new ServletHolder("mcp", statelessTransport),
                    PATH,
                    (request, response, chain) -> chain.doFilter(request, response));
        } else {
            mount(handler, new ServletHolder("mcp", transport), PATH, sessions);
        }
        ServletHolder servlet = new ServletHolder("mcp-sse", sse);
        mount(handler, servlet, SSE_PATH, legacy);
        mount(handler, servlet, MESSAGE_PATH, legacy);
    }

    private static void mount(ServletContextHandler handler, ServletHolder holder, String path, Filter guard) {
        holder.setAsyncSupported(true);
        handler.addServlet(holder, path);
        handler.addServlet(holder, path + "/");
        FilterHolder binding = new FilterHolder(guard);
        binding.setAsyncSupported(true);
        handler.addFilter(binding, path, EnumSet.of(DispatcherType.REQUEST));
        handler.addFilter(binding, path + "/", EnumSet.of(DispatcherType.REQUEST));
        Filter slash = (request, response, chain) -> chain.doFilter(
                new HttpServletRequestWrapper((HttpServletRequest) request) {
                    @Override
                    public String getRequestURI() {
                        String uri = super.getRequestURI();
                        return uri.endsWith(path + "/") ? uri.substring(0, uri.length() - 1) : uri;
                    }
                },
                response);
        FilterHolder filter = new FilterHolder(slash);
        filter.setAsyncSupported(true);
        handler.addFilter(filter, path + "/", EnumSet.of(DispatcherType.REQUEST));
    }

    /** GET /mcp/health for load balancers (no auth). */
    public List<Route> routes() {
        return List.of(Route.get(
                        PATH + "/health",
                        "mcp",
                        "MCP endpoint status for load balancers",
                        ctx -> Json.send(
                                ctx,
                                200,
                                Map.of(
                                        "status",
                                        "ok",
                                        "transport",
                                        transport == null ? "streamable-http (stateless)" : "streamable-http",
                                        "protocol_versions",
                                        transport == null ? sse.protocolVersions() : transport.protocolVersions(),
                                        "legacy_sse",
                                        Map.of(
                                                "stream",
                                                SSE_PATH,
                                                "messages",
                                                MESSAGE_PATH,
                                                "protocol_versions",
                                                sse.protocolVersions()))))
                .open()
                .returns(
                        200,
                        "Up",
                        Schema.object("The transports and protocol versions served")
                                .required("status", Schema.string(null).values("ok"))
                                .required("transport", Schema.string("streamable-http, or streamable-http (stateless)"))
                                .required("protocol_versions", Schema.strings(null))
                                .required(
                                        "legacy_sse",
                                        Schema.object("The deprecated HTTP+SSE transport")
                                                .required("stream", Schema.string(null))
                                                .required("messages", Schema.string(null))
                                                .required("protocol_versions", Schema.strings(null)))));
    }

    private static McpTransportContext context(HttpServletRequest request) {
        Map<String, Object> values = new HashMap<>();
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            values.put(AUTHORIZATION, authorization);
        }
        values.put(REQUEST_ID, UUID.randomUUID().toString());
        String workspace = request.getHeader("X-Workspace-ID");
        if (workspace != null && !workspace.isBlank()) {
            values.put(WORKSPACE, workspace.strip());
        }
        return McpTransportContext.create(values);
    }

    private McpServerFeatures.SyncToolSpecification specification(McpTools.Tool tool) {
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(definition(tool))
                .callHandler((exchange, request) -> call(tool, exchange.transportContext(), request))
                .build();
    }

    private static McpSchema.Tool definition(McpTools.Tool tool) {
        return McpSchema.Tool.builder()
                .name(tool.name())
                .title(tool.title())
                .description(tool.description())
                .inputSchema(tool.input())
                .outputSchema(tool.output())
                // Truthful hints: only reads are read-only; forgetting destroys; nothing reaches outside Mnemo.
                .annotations(new McpSchema.ToolAnnotations(
                        tool.title(),
                        tool.effect() == McpTools.Effect.READ,
                        tool.effect() == McpTools.Effect.DESTROY,
                        tool.effect() != McpTools.Effect.WRITE,
                        false,
                        null))
                .build();
    }

    private McpSchema.CallToolResult call(
            McpTools.Tool tool, McpTransportContext context, McpSchema.CallToolRequest request) {
        long started = System.nanoTime();
        String requestId = String.valueOf(context.get(REQUEST_ID));
        String status = "ok";
        Caller caller = null;
        try {
            String authorization = (String) context.get(AUTHORIZATION);
            caller = tool.needsCaller() || authorization != null ? caller(authorization) : null;
            if (caller != null) {
                limits.check(caller.key());
            }
            if (caller != null && !caller.mayCallTool(tool.name())) {
                status = "denied";
                return error("tool_not_allowed", "this token may not call " + tool.name());
            }
            Map<String, Object> arguments =
                    new java.util.HashMap<>(request.arguments() == null ? Map.of() : request.arguments());
            // The X-Workspace-ID header picks the workspace when the arguments do not.
            if (context.get(WORKSPACE) != null) {
                arguments.putIfAbsent("workspace_id", context.get(WORKSPACE));
            }
            Object result = tool.handler().call(caller, new Json.Body(Json.MAPPER.valueToTree(arguments)));
            return success(result);
        } catch (AuthFailure e) {
            status = "denied";
            metrics.mcpAuthFailure(e.code());
            return authError(e);
        } catch (RateLimits.Limited e) {
            status = "denied";
            metrics.rateLimited();
            return error("rate_limited", e.getMessage());
        } catch (ApiError e) {
            status = "error";
            return error(e.code(), e.getMessage());
        } catch (ProcedureFailure e) {
            status = "error";
            return error(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            status = "error";
            LOG.error("MCP tool {} failed (request id {})", tool.name(), requestId, e);
            return error("internal_error", "an internal error occurred (request id " + requestId + ")");
        } finally {
            double seconds = (System.nanoTime() - started) / 1e9;
            metrics.toolCall(tool.name(), status, seconds);
            AccessLog.tool(requestId, caller == null ? null : caller.principal(), tool.name(), status, seconds);
        }
    }

    private Caller caller(String authorization) {
        if (authorization == null && !requireAuth) {
            return ANONYMOUS;
        }
        return authenticator.authenticate(authorization);
    }

    @SuppressWarnings("unchecked")
    private static McpSchema.CallToolResult success(Object result) {
        if (result instanceof TextResult text) {
            return McpSchema.CallToolResult.builder()
                    .addTextContent(text.text())
                    .build();
        }
        // Through the gateway's Jackson 2 mapper first: dates become ISO strings, as in REST.
        Map<String, Object> plain = Json.MAPPER.convertValue(result, Map.class);
        try {
            return McpSchema.CallToolResult.builder()
                    .structuredContent(plain)
                    .addTextContent(Json.MAPPER.writeValueAsString(plain))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a tool result as JSON", e);
        }
    }

    private static McpSchema.CallToolResult error(String code, String detail) {
        return McpSchema.CallToolResult.builder()
                .isError(true)
                .addTextContent(code + ": " + detail)
                .build();
    }

    /**
     * A refused credential reads as the clients written for Mnemosyne expect ("Invalid MCP token.", "Token has
     * expired.", …: the first text), followed by Mnemo's machine code and detail.
     */
    static McpSchema.CallToolResult authError(AuthFailure e) {
        return McpSchema.CallToolResult.builder()
                .isError(true)
                .addTextContent(legacyMessage(e))
                .addTextContent(e.code() + ": " + e.getMessage())
                .build();
    }

    static String legacyMessage(AuthFailure e) {
        if (e.status() == 403) {
            return "Permission denied.";
        }
        return switch (e.code()) {
            case "missing_credentials", "unsupported_scheme" -> "Authentication credentials were not provided.";
            case "token_expired" -> "Token has expired.";
            case "token_revoked" -> "Token has been revoked.";
            case "principal_inactive" -> "User inactive or deleted.";
            default -> "Invalid MCP token.";
        };
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (statelessServer != null) {
            statelessServer.close();
        }
        sseServer.close();
    }
}
