package org.mnemo.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mnemo.gateway.web.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The exact setup of each MCP client for this gateway, in each client's own documented format: Claude Code's
 * {@code claude mcp add --transport http}, Cursor's {@code mcp.json} ({@code mcpServers}, {@code url}, {@code
 * headers}), VS Code's {@code mcp.json} ({@code servers}, {@code type: http}, the token as a password input), Codex's
 * {@code config.toml} ({@code [mcp_servers.NAME]} with {@code bearer_token_env_var}) and Claude Desktop, which starts
 * only local servers from its config file, through {@code ./mnemo mcp stdio}. The configuration goes to stdout, the
 * notes (where it goes, the token) to stderr.
 */
@Command(
        name = "mcp-config",
        description = "Print the MCP setup for a client (claude-code, claude-desktop, cursor, "
                + "vscode, codex; all without --client) for the gateway at MNEMO_URL, optionally with a new token.")
final class McpConfigCommand implements Callable<Integer> {
    enum Client {
        CLAUDE_CODE("claude-code"),
        CLAUDE_DESKTOP("claude-desktop"),
        CURSOR("cursor"),
        VSCODE("vscode"),
        CODEX("codex");

        final String id;

        Client(String id) {
            this.id = id;
        }

        static Client of(String id) {
            for (Client client : values()) {
                if (client.id.equals(id)) {
                    return client;
                }
            }
            throw new IllegalArgumentException("--client must be one of claude-code, claude-desktop, cursor, "
                    + "vscode, codex; got '" + id + "'");
        }
    }

    @Option(
            names = "--client",
            paramLabel = "CLIENT",
            description = "claude-code, claude-desktop, cursor, vscode or " + "codex (default: all of them).")
    String client;

    @Option(
            names = "--url",
            description = "The gateway's base URL as the client will reach it (default MNEMO_URL, "
                    + "else http://127.0.0.1:8080).")
    String url;

    @Option(
            names = "--name",
            defaultValue = "mnemo",
            description = "The server's name in the client (default " + "${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--token", description = "Put this bearer token into the setup.")
    String token;

    @Option(
            names = "--create-token",
            description = "Create a token for the client first (POST /api/tokens/ with "
                    + "MNEMO_TOKEN, never wider than it) and put it into the setup.")
    boolean createToken;

    @Option(names = "--token-name", description = "The new token's name (default mcp-<client>).")
    String tokenName;

    @Option(
            names = "--tool",
            paramLabel = "SCOPE",
            description = "With --create-token: a tool the new token may call "
                    + "(repeatable; default: those of MNEMO_TOKEN).")
    List<String> tools;

    @Override
    public Integer call() throws Exception {
        List<Client> clients = client == null ? List.of(Client.values()) : List.of(Client.of(client));
        if (token != null && createToken) {
            throw new IllegalArgumentException("--token and --create-token exclude each other");
        }
        String base = stripSlash(url != null ? url : Environment.gatewayUrl());
        String bearer = token;
        if (createToken) {
            GatewayClient gateway = new GatewayClient();
            gateway.requireToken("--create-token");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", tokenName != null ? tokenName : "mcp-" + (client == null ? "clients" : client));
            TokenCommand.putIfSet(body, "allowed_tools", tools);
            JsonNode created = gateway.post("/api/tokens/", body);
            bearer = created.path("token").asText();
            System.err.println("Created " + TokenCommand.describe(created) + "; revoke it with ./mnemo token revoke "
                    + created.path("id").asText());
        }
        boolean all = clients.size() > 1;
        for (Client each : clients) {
            if (all) {
                System.out.println("## " + each.id + " — " + where(each));
            } else {
                System.err.println("# " + where(each));
            }
            System.out.println(setup(each, base, bearer));
            String note = note(each, base, bearer);
            if (note != null) {
                (all ? System.out : System.err).println((all ? "" : "# ") + note);
            }
            if (all) {
                System.out.println();
            }
        }
        if (bearer == null) {
            System.err.println("# No token given: the setups read MNEMO_TOKEN where the client can, or show where "
                    + "to put one. --create-token makes one (with MNEMO_TOKEN set), --token puts in yours.");
        }
        return 0;
    }

    /** The configuration or command itself, exactly as the client reads it. */
    String setup(Client client, String base, String bearer) throws Exception {
        String mcp = base + "/mcp";
        return switch (client) {
            case CLAUDE_CODE ->
                "claude mcp add --transport http --scope user " + name + " " + mcp
                        + " --header \"Authorization: Bearer " + (bearer != null ? bearer : "$MNEMO_TOKEN") + "\"";
            case CURSOR -> {
                ObjectNode server = Json.MAPPER.createObjectNode().put("url", mcp);
                server.putObject("headers")
                        .put("Authorization", "Bearer " + (bearer != null ? bearer : "${env:MNEMO_TOKEN}"));
                yield pretty(wrap("mcpServers", server));
            }
            case VSCODE -> {
                ObjectNode root = Json.MAPPER.createObjectNode();
                ArrayNode inputs = root.putArray("inputs");
                inputs.addObject()
                        .put("type", "promptString")
                        .put("id", name + "-token")
                        .put("description", "Mnemo bearer token")
                        .put("password", true);
                ObjectNode server = root.putObject("servers").putObject(name);
                server.put("type", "http").put("url", mcp);
                server.putObject("headers").put("Authorization", "Bearer ${input:" + name + "-token}");
                yield pretty(root);
            }
            case CODEX -> "[mcp_servers." + name + "]\nurl = \"" + mcp + "\"\nbearer_token_env_var = \"MNEMO_TOKEN\"";
            case CLAUDE_DESKTOP -> {
                ObjectNode server = Json.MAPPER
                        .createObjectNode()
                        .put("command", Environment.home().resolve("mnemo").toString());
                server.putArray("args").add("mcp").add("stdio");
                ObjectNode env = server.putObject("env");
                env.put("MNEMO_URL", base);
                env.put(
                        "MNEMO_TOKEN",
                        bearer != null ? bearer : "<a token: ./mnemo token create --name claude-desktop>");
                // Desktop starts servers with a bare PATH: name the JDK the launcher runs on.
                env.put("JAVA_HOME", System.getProperty("java.home"));
                yield pretty(wrap("mcpServers", server));
            }
        };
    }

    private String where(Client client) {
        return switch (client) {
            case CLAUDE_CODE ->
                "Claude Code: run this (stored in ~/.claude.json; --scope project writes .mcp.json, "
                        + "where \"Bearer ${MNEMO_TOKEN}\" keeps the token out of the repository)";
            case CLAUDE_DESKTOP ->
                "Claude Desktop: merge into claude_desktop_config.json (macOS: ~/Library/Application "
                        + "Support/Claude/, Windows: %APPDATA%\\Claude\\) and restart Desktop";
            case CURSOR -> "Cursor: merge into ~/.cursor/mcp.json (every project) or .cursor/mcp.json";
            case VSCODE ->
                "VS Code: save as .vscode/mcp.json in the workspace (or run \"MCP: Open User "
                        + "Configuration\"); VS Code asks for the token once and keeps it in its secret storage";
            case CODEX -> "Codex: append to ~/.codex/config.toml";
        };
    }

    private String note(Client client, String base, String bearer) {
        return switch (client) {
            case VSCODE -> bearer != null ? "The token to paste when VS Code asks: " + bearer : null;
            case CODEX ->
                "Codex reads the token from MNEMO_TOKEN in its environment: export MNEMO_TOKEN="
                        + (bearer != null ? bearer : "<token>") + " before starting codex (or: codex mcp add " + name
                        + " --url "
                        + base + "/mcp --bearer-token-env-var MNEMO_TOKEN)";
            case CLAUDE_DESKTOP ->
                "Run ./mnemo status once first: the launcher builds Mnemo on first use, which "
                        + "takes longer than Desktop waits for a server to start.";
            default -> null;
        };
    }

    private ObjectNode wrap(String key, ObjectNode server) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putObject(key).set(name, server);
        return root;
    }

    /** Indented as the clients' own documentation shows it ("key": value). */
    private static String pretty(JsonNode node) throws Exception {
        com.fasterxml.jackson.core.util.DefaultPrettyPrinter printer =
                new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
                        .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                                .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));
        return Json.MAPPER.writer(printer).writeValueAsString(node);
    }

    private static String stripSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }
}
