package org.mnemo.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mnemo.gateway.web.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Records a prompt/response pair a coding agent's stop hook sends as JSON on stdin. Never blocks the agent: empty
 * or very short prompts are skipped, long texts truncated, and any failure is a note on stderr with exit 0.
 */
@Command(
        name = "capture",
        description = "Record an interaction from JSON on stdin ({prompt, response, project?, "
                + "session_id?, client?}) with the running gateway (MNEMO_URL, MNEMO_TOKEN); never fails the caller.")
final class CaptureCommand implements Callable<Integer> {
    static final int MAX_CHARS = 50_000;
    /** Shorter prompts ("ok", "yes", "go on") say nothing worth keeping. */
    static final int MIN_PROMPT_CHARS = 8;

    private static final int MAX_INPUT_BYTES = 4 * MAX_CHARS * 4;

    @Option(names = "--project", description = "Project id or alias (overrides the input's).")
    String project;

    @Option(names = "--client", defaultValue = "cli", description = "Who is capturing (default ${DEFAULT-VALUE}).")
    String clientName;

    @Override
    public Integer call() {
        try {
            JsonNode input = Json.MAPPER.readTree(read(System.in));
            String prompt = text(input, "prompt", "user_prompt");
            if (prompt == null || prompt.strip().length() < MIN_PROMPT_CHARS) {
                System.err.println(
                        "mnemo capture: skipped (no prompt, or shorter than " + MIN_PROMPT_CHARS + " characters)");
                return 0;
            }
            Map<String, Object> body = new HashMap<>();
            body.put("prompt", truncated(prompt));
            String response = text(input, "response", "last_assistant_message");
            if (response != null) {
                body.put("response", truncated(response));
            }
            String named = project != null ? project : text(input, "project");
            if (named != null) {
                body.put("project", named);
            }
            String session = text(input, "session_id");
            if (session != null) {
                body.put("session_id", session);
            }
            body.put("client", text(input, "client") != null ? text(input, "client") : clientName);
            JsonNode recorded = new GatewayClient().post("/atocore/interactions", body);
            System.err.println("mnemo capture: recorded " + recorded.path("id").asText());
        } catch (Exception e) {
            System.err.println("mnemo capture: not recorded (" + e.getMessage() + ")");
        }
        return 0;
    }

    private static String read(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_INPUT_BYTES);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The first of the fields present as a non-blank string. */
    private static String text(JsonNode input, String... fields) {
        for (String field : fields) {
            JsonNode value = input == null ? null : input.get(field);
            if (value != null && value.isTextual() && !value.asText().isBlank()) {
                return value.asText();
            }
        }
        return null;
    }

    private static String truncated(String text) {
        return text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
    }
}
