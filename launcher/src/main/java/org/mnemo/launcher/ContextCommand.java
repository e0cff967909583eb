package org.mnemo.launcher;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints the context pack for a prompt, for a coding agent to inject (a prompt hook). Fail-open: when the server
 * cannot answer it prints nothing, says why on stderr and exits 0, so the agent goes on without context.
 */
@Command(
        name = "context",
        description = "Print the context pack for a prompt from the running gateway (MNEMO_URL, "
                + "MNEMO_TOKEN); prints nothing and exits 0 when the server cannot answer.")
final class ContextCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PROMPT")
    String prompt;

    @Option(names = "--project", description = "Project id or alias.")
    String project;

    @Option(names = "--budget", description = "Characters at most (default: the server's, 3000).")
    Integer budget;

    @Override
    public Integer call() {
        if (prompt == null || prompt.isBlank()) {
            return 0;
        }
        GatewayClient client = new GatewayClient();
        Map<String, Object> body = new HashMap<>();
        body.put(
                "prompt",
                prompt.length() > CaptureCommand.MAX_CHARS ? prompt.substring(0, CaptureCommand.MAX_CHARS) : prompt);
        if (project != null) {
            body.put("project", project);
        }
        if (budget != null) {
            body.put("budget", budget);
        }
        try {
            System.out.print(client.post("/atocore/context/build", body)
                    .path("formatted_context")
                    .asText());
            System.out.flush();
        } catch (Exception e) {
            System.err.println("mnemo context: no context (" + client.base() + ": " + e.getMessage() + ")");
        }
        return 0;
    }
}
