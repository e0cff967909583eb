package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.mcp.McpTestClients;
import org.mnemo.gateway.rest.TestGateway;
import org.mnemo.gateway.web.Json;

/**
 * {@code ./mnemo mcp stdio} started as a real process, as Claude Desktop starts it, against the real gateway:
 * the MCP Java SDK's stdio client on one side, compared call by call with the same SDK's HTTP client talking to the
 * gateway directly. Also the raw stream (only JSON-RPC on stdout), a gateway that is down, one that dropped the
 * session, and one that went away.
 */
class McpStdioBridgeTest {
    private static final String NOWHERE = "http://127.0.0.1:9";
    private final TestGateway gw = TestGateway.get();

    /** An initialized stdio client of a bridge process for the gateway at {@code url} with {@code token}. */
    static McpSyncClient bridge(String url, String token) {
        List<String> command = CliProcess.command("mcp", "stdio");
        Map<String, String> env = new HashMap<>();
        env.put("MNEMO_URL", url);
        if (token != null) {
            env.put("MNEMO_TOKEN", token);
        }
        ServerParameters server = ServerParameters.builder(command.get(0))
                .args(command.subList(1, command.size()))
                .env(env)
                .build();
        McpSyncClient client = McpClient.sync(new StdioClientTransport(server, McpJsonDefaults.getMapper()))
                .requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60))
                .build();
        client.initialize();
        return client;
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    @Test
    void theBridgeOffersTheGatewaysToolsAndForwardsEveryCallUnchanged() throws Exception {
        String user = "bridge-" + UUID.randomUUID().toString().substring(0, 8);
        String token = gw.user(user);
        String library = gw.post("/library/api/libraries/", token, Map.of("name", user, "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        gw.post(
                "/library/api/items/",
                token,
                Map.of(
                        "library_uid",
                        library,
                        "title",
                        "Tide tables",
                        "text",
                        "Spring tides occur when the sun and moon align; neap tides when they are at right angles."));
        McpSyncClient direct = McpTestClients.connect(gw.url(""), token);
        McpSyncClient bridged = bridge(gw.url(""), token);
        try {
            assertThat(bridged.getServerInfo().name())
                    .isEqualTo(direct.getServerInfo().name());
            assertThat(bridged.getServerInstructions()).isEqualTo(direct.getServerInstructions());
            Map<String, McpSchema.Tool> tools = byName(direct.listTools().tools());
            Map<String, McpSchema.Tool> viaBridge = byName(bridged.listTools().tools());
            assertThat(viaBridge.keySet()).isEqualTo(tools.keySet()).contains("search", "get_chunk", "forget_memory");
            for (String name : tools.keySet()) {
                // Schemas, annotations (readOnlyHint, destructiveHint), titles and descriptions as the gateway has
                // them.
                assertThat(json(viaBridge.get(name))).as(name).isEqualTo(json(tools.get(name)));
            }

            McpSchema.CallToolResult search = call(bridged, "search", Map.of("query", "spring neap tides"));
            Map<String, Object> found = McpTestClients.structured(search);
            List<?> candidates = (List<?>) found.get("candidates");
            assertThat(candidates).isNotEmpty();
            assertThat(chunkUids(found))
                    .isEqualTo(chunkUids(
                            McpTestClients.structured(call(direct, "search", Map.of("query", "spring neap tides")))));
            assertThat(((McpSchema.TextContent) search.content().get(0)).text()).contains("Tide tables");
            String chunk = (String) ((Map<?, ?>) candidates.get(0)).get("chunk_uid");
            assertThat(McpTestClients.structured(call(bridged, "get_chunk", Map.of("chunk_uid", chunk))))
                    .containsEntry("chunk_uid", chunk)
                    .containsEntry("library_uid", library);

            // Domain errors stay results with isError, word for word as the gateway wrote them.
            for (Map<String, Object> args :
                    List.<Map<String, Object>>of(Map.of("chunk_uid", "no-such-chunk"), Map.of("chunk_uid", 42))) {
                McpSchema.CallToolResult viaBridge1 = call(bridged, "get_chunk", args);
                McpSchema.CallToolResult viaHttp = call(direct, "get_chunk", args);
                assertThat(viaBridge1.isError()).as(args.toString()).isTrue();
                assertThat(json(viaBridge1.content())).isEqualTo(json(viaHttp.content()));
            }
            // Protocol errors stay protocol errors, with the same code.
            McpError unknownDirect = catchMcp(() -> call(direct, "no_such_tool", Map.of()));
            McpError unknownBridged = catchMcp(() -> call(bridged, "no_such_tool", Map.of()));
            assertThat(unknownBridged.getJsonRpcError().code())
                    .isEqualTo(unknownDirect.getJsonRpcError().code());
        } finally {
            bridged.closeGracefully();
            direct.closeGracefully();
        }
    }

    @Test
    void aRefusedTokenReadsAsOverHttpAndTheScopesAreTheTokens() throws Exception {
        McpSyncClient forged = bridge(gw.url(""), "mnemo_forged-token-0123456789abcdef");
        McpSyncClient anonymous = bridge(gw.url(""), null);
        try {
            // initialize and tools/list need no credential; calls are refused as the gateway refuses them.
            assertThat(forged.listTools().tools()).isNotEmpty();
            assertThat(McpTestClients.errorText(call(forged, "list_libraries", Map.of())))
                    .isEqualTo("Invalid MCP token.");
            assertThat(McpTestClients.errorText(call(anonymous, "list_libraries", Map.of())))
                    .isEqualTo("Authentication credentials were not provided.");
            assertThat(McpTestClients.structured(call(anonymous, "get_health", Map.of())))
                    .containsKey("status");
        } finally {
            forged.closeGracefully();
            anonymous.closeGracefully();
        }
        // Another user's library is as invisible through the bridge as over HTTP.
        String owner = gw.user("bridge-owner-" + UUID.randomUUID().toString().substring(0, 8));
        String foreign = gw.post(
                        "/library/api/libraries/", owner, Map.of("name", "private shelf", "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        String strangerToken =
                gw.user("bridge-stranger-" + UUID.randomUUID().toString().substring(0, 8));
        McpSyncClient stranger = bridge(gw.url(""), strangerToken);
        McpSyncClient strangerDirect = McpTestClients.connect(gw.url(""), strangerToken);
        try {
            Map<String, Object> listed = McpTestClients.structured(call(stranger, "list_libraries", Map.of()));
            assertThat(Json.MAPPER.valueToTree(listed).findValuesAsText("uid")).doesNotContain(foreign);
            McpSchema.CallToolResult items = call(stranger, "list_items", Map.of("library_uid", foreign));
            assertThat(json(items)).isEqualTo(json(call(strangerDirect, "list_items", Map.of("library_uid", foreign))));
            assertThat(json(items).toString()).doesNotContain("private shelf");
        } finally {
            stranger.closeGracefully();
            strangerDirect.closeGracefully();
        }
    }

    @Test
    void stdoutCarriesOnlyJsonRpcAndClosingStdinEndsTheBridge() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(CliProcess.command("mcp", "stdio"));
        CliProcess.environment(
                builder,
                CliProcess.env(
                        gw.url(""),
                        gw.user("raw-" + UUID.randomUUID().toString().substring(0, 8))));
        Process process = builder.start();
        CompletableFuture<String> err = CliProcess.drain(process.getErrorStream());
        OutputStream in = process.getOutputStream();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        send(in, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
                "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        JsonNode initialized = Json.MAPPER.readTree(out.readLine());
        assertThat(initialized.path("id").asInt()).isEqualTo(1);
        assertThat(initialized.path("result").path("serverInfo").path("name").asText())
                .isEqualTo("mnemo");
        send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        send(
                in,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"list_libraries\","
                        + "\"arguments\":{}}}");
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}");
        List<JsonNode> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String line = out.readLine();
            assertThat(line).as("a line of stdout").isNotNull();
            JsonNode message = Json.MAPPER.readTree(line); // anything but JSON fails here
            assertThat(message.path("jsonrpc").asText()).isEqualTo("2.0");
            answers.add(message);
        }
        Map<Integer, JsonNode> byId =
                answers.stream().collect(Collectors.toMap(a -> a.path("id").asInt(), a -> a));
        assertThat(byId.get(2).path("result").path("tools").size()).isGreaterThan(5);
        assertThat(byId.get(3).path("result").path("structuredContent").has("libraries"))
                .isTrue();
        assertThat(byId.get(4).path("result").isObject()).isTrue();
        in.close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS))
                .as("the bridge ends when stdin closes")
                .isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(out.readLine()).isNull();
        assertThat(err.get()).contains("mnemo mcp stdio: ").contains(gw.url("/mcp"));
    }

    @Test
    void aGatewayThatIsDownIsSaidOnStderrAndStdoutStaysEmpty() throws Exception {
        CliProcess.Run down =
                CliProcess.run(CliProcess.env(NOWHERE, "mnemo_anything-0123456789abcdef"), null, "mcp", "stdio");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.out()).isEmpty();
        assertThat(down.err()).contains("cannot reach the MCP endpoint " + NOWHERE + "/mcp");
    }

    @Test
    void aDroppedSessionIsReopenedAndAGatewayThatWentAwayIsAProtocolError() throws Exception {
        String token = gw.user("bridge-idle-" + UUID.randomUUID().toString().substring(0, 8));
        Gateway shortLived = Gateway.start(TestGateway.config(
                gw.neo4j.boltUri(), Map.of("MNEMO_MCP_SESSION_IDLE_SECONDS", "2", "MNEMO_INGEST_WORKERS", "0")));
        McpSyncClient bridged;
        try {
            bridged = bridge("http://127.0.0.1:" + shortLived.port(), token);
        } catch (RuntimeException e) {
            shortLived.close();
            throw e;
        }
        try {
            assertThat(McpTestClients.structured(call(bridged, "list_libraries", Map.of())))
                    .containsKey("libraries");
            // The gateway closes the idle session; the bridge opens a new one and the call still succeeds.
            Thread.sleep(6_000);
            assertThat(McpTestClients.structured(call(bridged, "list_libraries", Map.of())))
                    .containsKey("libraries");
        } finally {
            shortLived.close();
        }
        try {
            assertThatThrownBy(() -> call(bridged, "list_libraries", Map.of()))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("did not answer");
            // The bridge itself is still there to answer.
            bridged.ping();
        } finally {
            bridged.close();
        }
    }

    private static void send(OutputStream in, String line) throws Exception {
        in.write((line.replace("\n", "") + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static Map<String, McpSchema.Tool> byName(List<McpSchema.Tool> tools) {
        return tools.stream().collect(Collectors.toMap(McpSchema.Tool::name, Function.identity()));
    }

    private static JsonNode json(Object value) throws Exception {
        return Json.MAPPER.readTree(McpJsonDefaults.getMapper().writeValueAsString(value));
    }

    private static List<?> chunkUids(Map<String, Object> result) {
        return ((List<?>) result.get("candidates"))
                .stream().map(c -> (Object) ((Map<?, ?>) c).get("chunk_uid")).toList();
    }

    private static McpError catchMcp(Runnable call) {
        try {
            call.run();
        } catch (McpError e) {
            return e;
        }
        throw new AssertionError("expected a JSON-RPC error");
    }
}
