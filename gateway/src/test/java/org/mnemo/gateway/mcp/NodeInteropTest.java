package org.mnemo.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.Processes.Run;
import org.mnemo.gateway.rest.TestGateway;
import org.mnemo.gateway.web.Json;

/**
 * Independent checks from outside the JVM: the official MCP conformance suite and a client written with the
 * official TypeScript SDK, both on Node 22 installed from npm into target/node. Skipped only where npm is absent
 * (.ci/run refuses to run without it). The same checks of ./mnemo's stdio bridge are the launcher's
 * McpStdioInteropTest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeInteropTest {
    private static final Path SOURCES = Path.of("src/test/node");
    private static final Path NODE_DIR = Path.of("target/node");
    private final TestGateway gw = TestGateway.get();
    private NodeTools node;

    @BeforeAll
    void installNodeTools() throws Exception {
        node = NodeTools.install(SOURCES, NODE_DIR);
    }

    @Test
    void conformanceSuitePassesTheScenariosOfAToolsOnlyServer() throws Exception {
        for (String scenario : List.of("server-initialize", "ping", "tools-list", "dns-rebinding-protection")) {
            Run result = node.run(
                    List.of(
                            node.node(),
                            "node_modules/@modelcontextprotocol/conformance/dist/index.js",
                            "server",
                            "--url",
                            gw.url("/mcp"),
                            "--scenario",
                            scenario),
                    120);
            assertThat(result.exit()).as(scenario + ":\n" + result.output()).isZero();
            assertThat(result.output()).as(scenario).contains("0 failed").doesNotContain("FAILURE");
        }
    }

    @Test
    void typeScriptSdkClientSearchesAndReadsAChunk() throws Exception {
        String token = gw.user("ts-client");
        String library = gw.post(
                        "/library/api/libraries/",
                        token,
                        Map.of("name", "TS client shelf", "library_type", "technical"))
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
        Run result = node.run(List.of(node.node(), "mcp-client.mjs", gw.url("/mcp"), token, "spring neap tides"), 120);
        assertThat(result.exit()).as(result.output()).isZero();
        String last = result.output().lines().reduce((a, b) -> b).orElse("");
        JsonNode summary = Json.MAPPER.readTree(last);
        assertThat(summary.path("top_library").asText()).isEqualTo(library);
        assertThat(summary.path("top_item").asText()).isEqualTo("Tide tables");
        assertThat(summary.path("chunk_text").asText()).contains("neap tides");
        assertThat(summary.path("libraries").findValuesAsText("")).isEmpty();
        assertThat(summary.path("libraries")).hasSize(1);
        assertThat(summary.path("protocol_session").asText()).isEqualTo("yes");
    }
}
