package org.mnemo.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mnemo.gateway.web.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Users and service accounts through the running gateway's /api/users/ (the admin's token in MNEMO_TOKEN). */
@Command(
        name = "user",
        description = "Create users and service accounts through the running gateway (MNEMO_URL) "
                + "with the admin token in MNEMO_TOKEN.",
        subcommands = UserCommand.Create.class)
final class UserCommand implements Runnable {

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a subcommand: create");
    }

    @Command(
            name = "create",
            description = "Create a user (or a service account) with a first token; prints that "
                    + "token alone on stdout (shown only this once) and the account on stderr.")
    static final class Create implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "Lower-case letters, digits, '.', '_', '@' or '-'.")
        String id;

        @Option(names = "--name", description = "Display name (default: the id).")
        String name;

        @Option(names = "--service", description = "A service account instead of a user.")
        boolean service;

        @Option(
                names = "--capability",
                paramLabel = "CAPABILITY",
                description =
                        "A service account's capability " + "(repeatable): manage_workspaces, trusted_namespaces.")
        List<String> capabilities;

        @Option(
                names = "--managed-by",
                paramLabel = "SERVICE",
                description = "The service account whose grants " + "this user accepts without asking.")
        String managedBy;

        @Option(names = "--json", description = "Print the gateway's whole answer as JSON instead.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            GatewayClient gateway = new GatewayClient();
            gateway.requireToken("user create");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("name", name != null ? name : id);
            body.put("role", service ? "service" : "user");
            TokenCommand.putIfSet(body, "capabilities", capabilities);
            TokenCommand.putIfSet(body, "managed_by", managedBy);
            JsonNode user = gateway.post("/api/users/", body);
            if (json) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(user));
                return 0;
            }
            System.err.println("Created " + user.path("role").asText() + " "
                    + user.path("id").asText() + " ("
                    + user.path("name").asText() + ") with a first token " + TokenCommand.describe(user.path("token"))
                    + " (the token is shown only this once)");
            System.out.println(user.path("token").path("token").asText());
            return 0;
        }
    }
}
