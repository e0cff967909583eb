package org.mnemo.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mnemo.gateway.web.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Bearer tokens through the running gateway's /api/tokens/ with the token in MNEMO_TOKEN: the gateway decides what
 * that token may create, list and revoke (a token never makes a wider one), exactly as for any REST client.
 */
@Command(
        name = "token",
        description = "Create, list and revoke bearer tokens through the running gateway (MNEMO_URL) "
                + "with the token in MNEMO_TOKEN.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this), "name a subcommand: create, list or revoke");
    }

    @Command(
            name = "create",
            description = "Create a token, never wider than MNEMO_TOKEN's; prints the new token "
                    + "alone on stdout (shown only this once) and what it may do on stderr.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "What it is for (e.g. laptop, claude-desktop).")
        String name;

        @Option(
                names = "--library",
                paramLabel = "UID",
                description = "A library it may read (repeatable; '*' = "
                        + "every library the owner may read). Default: those of MNEMO_TOKEN.")
        List<String> libraries;

        @Option(
                names = "--tool",
                paramLabel = "SCOPE",
                description = "A tool or management scope it may use "
                        + "(repeatable, e.g. search, get_chunk, manage_tokens). Default: those of MNEMO_TOKEN.")
        List<String> tools;

        @Option(
                names = "--workspace",
                paramLabel = "ID",
                description = "A workspace it acts as for memory " + "(repeatable). Default: those of MNEMO_TOKEN.")
        List<String> workspaces;

        @Option(
                names = "--expires",
                paramLabel = "RFC3339",
                description = "When it stops working, e.g. " + "2027-06-30T00:00:00Z. Default: as MNEMO_TOKEN.")
        String expires;

        @Option(
                names = "--owner",
                paramLabel = "USER",
                description = "The user it is for (admin only; its fields " + "then default to none).")
        String owner;

        @Option(names = "--json", description = "Print the gateway's whole answer as JSON instead.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            GatewayClient gateway = new GatewayClient();
            gateway.requireToken("token create");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            putIfSet(body, "allowed_libraries", libraries);
            putIfSet(body, "allowed_tools", tools);
            putIfSet(body, "workspace_ids", workspaces);
            putIfSet(body, "expires_at", expires);
            putIfSet(body, "owner", owner);
            JsonNode token = gateway.post("/api/tokens/", body);
            if (json) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(token));
                return 0;
            }
            System.err.println("Created " + describe(token) + " (the token is shown only this once)");
            System.out.println(token.path("token").asText());
            return 0;
        }
    }

    @Command(name = "list", description = "List the tokens MNEMO_TOKEN manages, masked (the admin: everyone's).")
    static final class ListTokens implements Callable<Integer> {
        @Option(names = "--owner", paramLabel = "USER", description = "Only this user's (admin only).")
        String owner;

        @Option(names = "--json", description = "Print the gateway's answer as JSON instead.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            GatewayClient gateway = new GatewayClient();
            gateway.requireToken("token list");
            JsonNode answer =
                    gateway.get("/api/tokens/" + (owner == null ? "" : "?owner=" + GatewayClient.encode(owner)));
            if (json) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ID", "NAME", "OWNER", "TOKEN", "ACTIVE", "LIBRARIES", "TOOLS", "EXPIRES", "LAST USED"));
            for (JsonNode token : answer.path("results")) {
                rows.add(List.of(
                        token.path("id").asText(),
                        token.path("name").asText(),
                        token.path("owner").asText(),
                        token.path("prefix").asText(),
                        token.path("active").asBoolean() ? "yes" : "no",
                        list(token.path("allowed_libraries"), "none"),
                        list(token.path("allowed_tools"), "all"),
                        text(token.path("expires_at"), "never"),
                        text(token.path("last_used_at"), "-")));
            }
            Table.print(rows);
            return 0;
        }
    }

    @Command(
            name = "revoke",
            description = "Revoke a token and every token made from it; it fails from the next " + "request on.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "The token's id (tok_…, from token list).")
        String id;

        @Override
        public Integer call() throws Exception {
            GatewayClient gateway = new GatewayClient();
            gateway.requireToken("token revoke");
            gateway.delete("/api/tokens/" + GatewayClient.encode(id) + "/");
            System.out.println("Revoked " + id);
            return 0;
        }
    }

    /** One line on what a token may do, from the gateway's answer. */
    static String describe(JsonNode token) {
        return token.path("id").asText() + " '" + token.path("name").asText() + "' for "
                + token.path("owner").asText()
                + ": libraries " + list(token.path("allowed_libraries"), "none") + ", tools "
                + list(token.path("allowed_tools"), "all") + ", workspaces " + list(token.path("workspace_ids"), "none")
                + ", expires " + text(token.path("expires_at"), "never");
    }

    static String list(JsonNode values, String whenEmpty) {
        List<String> items = new ArrayList<>();
        values.forEach(v -> items.add(v.asText()));
        return items.isEmpty() ? whenEmpty : String.join(",", items);
    }

    static String text(JsonNode value, String whenMissing) {
        return value.isMissingNode() || value.isNull() ? whenMissing : value.asText();
    }

    static void putIfSet(Map<String, Object> body, String field, Object value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
