package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.Processes.Run;
import org.mnemo.gateway.mcp.NodeTools;
import org.mnemo.gateway.rest.TestGateway;
import org.mnemo.gateway.web.Json;

/**
 * The MCP stdio bridge ({@code ./mnemo mcp stdio}) checked from outside the JVM, as the gateway's NodeInteropTest
 * checks its HTTP side: the official MCP conformance suite and a client written with the official TypeScript SDK,
 * on Node 22 installed from npm into target/node. Skipped only where npm is absent (.ci/run refuses to run without it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpStdioInteropTest {
    /** The scripts and lock file live with the gateway's interop tests. */
    private static final Path SOURCES = Path.of("../gateway/src/test/node");

    private static final Path NODE_DIR = Path.of("target/node");
    private final TestGateway gw = TestGateway.get();
    private NodeTools node;

    @BeforeAll
    void installNodeTools() throws Exception {
        node = NodeTools.install(SOURCES, NODE_DIR);
    }

    /**
     * The suite's server scenarios against {@code ./mnemo mcp stdio} (conformance-over-stdio.mjs: the suite's own
     * checks, with its HTTP client transport swapped for the SDK's stdio one). The same scenarios as over HTTP but
     * dns-rebinding-protection, which is about Host and Origin headers: a stdio server has no HTTP side a browser
     * could reach.
     */
    @Test
    void conformanceSuitePassesTheSameScenariosOverTheStdioBridge() throws Exception {
        Map<String, String> env = Map.of("MNEMO_STDIO_SERVER", stdioBridge(gw.user("stdio-conformance")));
        for (String scenario : List.of("server-initialize", "ping", "tools-list")) {
            Run result = node.run(
                    List.of(
                            node.node(),
                            "conformance-over-stdio.mjs",
                            "server",
                            "--url",
                            "http://stdio-bridge.invalid/mcp",
                            "--scenario",
                            scenario),
                    180,
                    env);
            assertThat(result.exit()).as(scenario + ":\n" + result.output()).isZero();
            assertThat(result.output()).as(scenario).contains("0 failed").doesNotContain("FAILURE");
        }
    }

    @Test
    void typeScriptSdkClientSearchesAndReadsAChunkThroughTheStdioBridge() throws Exception {
        String token = gw.user("ts-stdio-client");
        String library = gw.post(
                        "/library/api/libraries/", token, Map.of("name", "TS stdio shelf", "library_type", "technical"))
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
                        "Harbour tides",
                        "text",
                        "Spring tides occur when the sun and moon align; neap tides when they are at right angles."));
        Run result = node.run(
                List.of(node.node(), "mcp-client.mjs", "stdio", "-", "spring neap tides"),
                180,
                Map.of("MNEMO_STDIO_SERVER", stdioBridge(token)));
        assertThat(result.exit()).as(result.output()).isZero();
        String summaryLine = result.output()
                .lines()
                .filter(l -> l.startsWith("{\"tools\""))
                .reduce((a, b) -> b)
                .orElseThrow();
        JsonNode summary = Json.MAPPER.readTree(summaryLine);
        assertThat(summary.path("top_library").asText()).isEqualTo(library);
        assertThat(summary.path("top_item").asText()).isEqualTo("Harbour tides");
        assertThat(summary.path("chunk_text").asText()).contains("neap tides");
        assertThat(summary.path("libraries")).hasSize(1);
        assertThat(summary.path("server").asText()).isEqualTo("mnemo");
        assertThat(summary.path("protocol_session").asText()).isEqualTo("stdio");
    }

    /** How a stdio client starts the bridge: the launcher's java command, with the gateway and token in its env. */
    private String stdioBridge(String token) throws IOException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "mcp",
                "stdio");
        return Json.MAPPER.writeValueAsString(Map.of(
                "command",
                command.get(0),
                "args",
                command.subList(1, command.size()),
                "env",
                Map.of("MNEMO_URL", gw.url(""), "MNEMO_TOKEN", token)));
    }
}
