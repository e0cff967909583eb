package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.TestGateway;

/**
 * ./mnemo context and ./mnemo capture as a coding agent's hooks run them: a real process with MNEMO_URL and
 * MNEMO_TOKEN, against the real gateway — and against no server at all, where both must stay out of the way.
 */
class ContextHelpersTest {
    private static final String NOWHERE = "http://127.0.0.1:9";
    private final TestGateway gw = TestGateway.get();

    private record Run(int exit, String out, String err) {}

    private static Run run(String url, String token, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("MNEMO_URL", url);
        if (token != null) {
            builder.environment().put("MNEMO_TOKEN", token);
        }
        Process process = builder.start();
        process.getOutputStream().write((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), read(process.getInputStream()), read(process.getErrorStream()));
    }

    private static String read(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void contextPrintsThePackAndNothingWhenTheServerIsDown() throws Exception {
        String token = gw.user("cli-" + UUID.randomUUID().toString().substring(0, 8));
        String project = "Cli-" + UUID.randomUUID().toString().substring(0, 8);
        gw.post("/atocore/projects/register", token, Map.of("id", project, "aliases", List.of(project + "-x")));
        gw.post(
                "/atocore/project/state",
                token,
                Map.of("project", project, "category", "constraint", "key", "java", "value", "stay on Java 17"));

        Run pack = run(gw.url(""), token, null, "context", "Which Java do we target?", "--project", project + "-X");
        assertThat(pack.exit()).isZero();
        assertThat(pack.out()).startsWith("--- Trusted Project State ---\n[constraint] java: stay on Java 17");

        Run down = run(NOWHERE, token, null, "context", "Which Java do we target?");
        assertThat(down.exit()).isZero();
        assertThat(down.out()).isEmpty();
        assertThat(down.err()).contains("mnemo context: no context");
        Run refused = run(gw.url(""), "not-a-token", null, "context", "anything");
        assertThat(refused.exit()).isZero();
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("401");
    }

    @Test
    void captureRecordsWhatAStopHookSendsAndNeverFails() throws Exception {
        String token = gw.user("cap-" + UUID.randomUUID().toString().substring(0, 8));
        String session = "sess-" + UUID.randomUUID();
        String longResponse = "y".repeat(60_000);
        Run recorded = run(
                gw.url(""),
                token,
                "{\"prompt\": \"Refactor the parser to use a state machine\", " + "\"response\": \"" + longResponse
                        + "\", \"session_id\": \"" + session + "\"}",
                "capture",
                "--client",
                "claude-code");
        assertThat(recorded.exit()).as(recorded.err()).isZero();
        assertThat(recorded.err()).contains("mnemo capture: recorded ");
        var listed = gw.get("/atocore/interactions?session_id=" + session, token)
                .json()
                .path("interactions");
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).path("client").asText()).isEqualTo("claude-code");
        assertThat(listed.get(0).path("response").asText()).hasSize(CaptureCommand.MAX_CHARS);

        Run shortOne = run(gw.url(""), token, "{\"prompt\": \"ok\", \"session_id\": \"" + session + "\"}", "capture");
        assertThat(shortOne.exit()).isZero();
        assertThat(shortOne.err()).contains("skipped");
        Run garbage = run(gw.url(""), token, "this is not json", "capture");
        assertThat(garbage.exit()).isZero();
        assertThat(garbage.err()).contains("not recorded");
        Run down = run(NOWHERE, token, "{\"prompt\": \"Refactor the parser please\"}", "capture");
        assertThat(down.exit()).isZero();
        assertThat(down.err()).contains("not recorded");
        assertThat(gw.get("/atocore/interactions?session_id=" + session, token)
                        .json()
                        .path("interactions")
                        .size())
                .isEqualTo(1);
    }
}
