package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.mcp.McpTestClients;
import org.mnemo.gateway.rest.TestGateway;
import org.mnemo.gateway.web.Json;

/**
 * ./mnemo mcp-config prints each client's setup in that client's documented shape; each one is then read the way the
 * client reads it (placeholders resolved as the client resolves them) and used to connect to the real gateway and
 * call a tool — the HTTP ones with the SDK's HTTP client, Claude Desktop's by starting its command over stdio.
 */
class McpConfigTest {
    private final TestGateway gw = TestGateway.get();

    private CliProcess.Run config(String token, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("mcp-config", "--url", gw.url("")));
        all.addAll(List.of(args));
        CliProcess.Run run = CliProcess.run(CliProcess.env(gw.url(""), token), null, all.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        return run;
    }

    /** Connects as a Streamable HTTP client to {@code url} with the Authorization header value, lists libraries. */
    private static void worksOverHttp(String url, String authorization) {
        URI uri = URI.create(url);
        assertThat(authorization).startsWith("Bearer ");
        McpSyncClient client = McpTestClients.connect(
                uri.getScheme() + "://" + uri.getAuthority(),
                McpTestClients.STREAMABLE_HTTP,
                uri.getPath(),
                authorization.substring("Bearer ".length()));
        try {
            assertThat(McpTestClients.structured(McpTestClients.call(client, "list_libraries", Map.of())))
                    .containsKey("libraries");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void claudeCodeGetsAnAddCommandThatConnects() throws Exception {
        String token = gw.user("cfg-cc-" + UUID.randomUUID().toString().substring(0, 8));
        CliProcess.Run run = config(null, "--client", "claude-code", "--token", token);
        List<String> words = shellWords(run.out().strip());
        assertThat(words.subList(0, 8))
                .containsExactly("claude", "mcp", "add", "--transport", "http", "--scope", "user", "mnemo");
        assertThat(words.get(8)).isEqualTo(gw.url("/mcp"));
        assertThat(words.subList(9, 11)).containsExactly("--header", "Authorization: Bearer " + token);
        assertThat(words).hasSize(11);
        worksOverHttp(words.get(8), words.get(10).substring("Authorization: ".length()));
        // Without a token the command reads it from the shell, so it still runs as printed.
        assertThat(config(null, "--client", "claude-code").out()).contains("\"Authorization: Bearer $MNEMO_TOKEN\"");
    }

    @Test
    void cursorAndVsCodeGetTheirOwnJsonShapes() throws Exception {
        String token = gw.user("cfg-ide-" + UUID.randomUUID().toString().substring(0, 8));
        JsonNode cursor = Json.MAPPER.readTree(
                config(null, "--client", "cursor", "--token", token).out());
        JsonNode server = cursor.path("mcpServers").path("mnemo");
        assertThat(server.path("url").asText()).isEqualTo(gw.url("/mcp"));
        worksOverHttp(
                server.path("url").asText(),
                server.path("headers").path("Authorization").asText());
        // No token: Cursor's own ${env:NAME} interpolation, resolved here as Cursor resolves it.
        JsonNode fromEnv = Json.MAPPER
                .readTree(config(null, "--client", "cursor").out())
                .path("mcpServers")
                .path("mnemo");
        assertThat(fromEnv.path("headers").path("Authorization").asText()).isEqualTo("Bearer ${env:MNEMO_TOKEN}");
        worksOverHttp(
                fromEnv.path("url").asText(),
                fromEnv.path("headers").path("Authorization").asText().replace("${env:MNEMO_TOKEN}", token));

        CliProcess.Run vscodeRun = config(null, "--client", "vscode", "--token", token);
        JsonNode vscode = Json.MAPPER.readTree(vscodeRun.out());
        JsonNode http = vscode.path("servers").path("mnemo");
        assertThat(http.path("type").asText()).isEqualTo("http");
        // The token is never written into the file: VS Code asks for it (a password input) and keeps it itself.
        assertThat(vscodeRun.out()).doesNotContain(token);
        assertThat(vscodeRun.err()).contains(token);
        JsonNode input = vscode.path("inputs").get(0);
        assertThat(input.path("type").asText()).isEqualTo("promptString");
        assertThat(input.path("password").asBoolean()).isTrue();
        String header = http.path("headers").path("Authorization").asText();
        assertThat(header).isEqualTo("Bearer ${input:" + input.path("id").asText() + "}");
        worksOverHttp(
                http.path("url").asText(),
                header.replace("${input:" + input.path("id").asText() + "}", token));
    }

    @Test
    void codexGetsAMcpServersTableThatReadsTheTokenFromTheEnvironment() throws Exception {
        String token = gw.user("cfg-codex-" + UUID.randomUUID().toString().substring(0, 8));
        CliProcess.Run run = config(null, "--client", "codex", "--token", token);
        List<String> lines = run.out().strip().lines().toList();
        assertThat(lines.get(0)).isEqualTo("[mcp_servers.mnemo]");
        Map<String, String> table = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] pair = line.split(" = ", 2);
            assertThat(pair[1]).startsWith("\"").endsWith("\"");
            table.put(pair[0], pair[1].substring(1, pair[1].length() - 1));
        }
        assertThat(table.keySet()).containsExactly("url", "bearer_token_env_var");
        assertThat(run.out()).doesNotContain(token);
        assertThat(run.err()).contains("export MNEMO_TOKEN=" + token);
        Map<String, String> codexEnvironment = Map.of(table.get("bearer_token_env_var"), token);
        worksOverHttp(table.get("url"), "Bearer " + codexEnvironment.get("MNEMO_TOKEN"));
    }

    @Test
    void claudeDesktopStartsTheStdioBridgeWithItsOwnEnvironment() throws Exception {
        String token = gw.user("cfg-desktop-" + UUID.randomUUID().toString().substring(0, 8));
        JsonNode desktop = Json.MAPPER.readTree(
                config(null, "--client", "claude-desktop", "--token", token).out());
        JsonNode server = desktop.path("mcpServers").path("mnemo");
        Path command = Path.of(server.path("command").asText());
        assertThat(command).isAbsolute().isEqualTo(CliProcess.HOME.resolve("mnemo"));
        assertThat(Files.isExecutable(command)).isTrue();
        List<String> args = new ArrayList<>();
        server.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).containsExactly("mcp", "stdio");
        Map<String, String> env = new HashMap<>();
        server.path("env")
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        assertThat(env)
                .containsEntry("MNEMO_URL", gw.url(""))
                .containsEntry("MNEMO_TOKEN", token)
                .containsKey("JAVA_HOME");
        assertThat(Files.isExecutable(Path.of(env.get("JAVA_HOME"), "bin", "java")))
                .isTrue();

        // What the launcher script execs for "mcp stdio" (it would build first here: the jars are not packaged yet),
        // with exactly the environment Desktop passes.
        List<String> launched = CliProcess.command(args.toArray(String[]::new));
        launched.set(0, Path.of(env.get("JAVA_HOME"), "bin", "java").toString());
        McpSyncClient client = McpClient.sync(new StdioClientTransport(
                        ServerParameters.builder(launched.get(0))
                                .args(launched.subList(1, launched.size()))
                                .env(env)
                                .build(),
                        McpJsonDefaults.getMapper()))
                .requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60))
                .build();
        try {
            client.initialize();
            assertThat(McpTestClients.structured(McpTestClients.call(client, "list_libraries", Map.of())))
                    .containsKey("libraries");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void createTokenMintsATokenFromMnemoTokenAndAllClientsArePrintedWithoutClient() throws Exception {
        String user = "cfg-new-" + UUID.randomUUID().toString().substring(0, 8);
        String parent = gw.user(user);
        CliProcess.Run run =
                config(parent, "--client", "cursor", "--create-token", "--tool", "search", "--tool", "list_libraries");
        JsonNode server = Json.MAPPER.readTree(run.out()).path("mcpServers").path("mnemo");
        String authorization = server.path("headers").path("Authorization").asText();
        String created = authorization.substring("Bearer ".length());
        assertThat(created).startsWith("mnemo_").isNotEqualTo(parent);
        assertThat(run.err()).contains("'mcp-cursor' for " + user).contains("tools search,list_libraries");
        worksOverHttp(server.path("url").asText(), authorization);
        assertThat(gw.get("/api/tokens/", parent).json().path("results").findValuesAsText("name"))
                .contains("mcp-cursor");

        // Without MNEMO_TOKEN there is nothing to create it with: refused before anything is printed.
        CliProcess.Run refused = CliProcess.run(
                CliProcess.env(gw.url(""), null), null, "mcp-config", "--client", "cursor", "--create-token");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("MNEMO_TOKEN");

        String all = config(null).out();
        for (String client : List.of("claude-code", "claude-desktop", "cursor", "vscode", "codex")) {
            assertThat(all).contains("## " + client + " — ");
        }
    }

    /** Splits a command line as a POSIX shell would (double quotes, no expansion needed here). */
    private static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (c == ' ' && !quoted) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
