package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.TestGateway;

/**
 * The commands ./mnemo serve prints run as printed: each line is given to bash from the project folder, with
 * {@code ./mnemo} standing for what the script execs (it would build first here), against the real gateway.
 */
class BannerCommandsTest {
    private final TestGateway gw = TestGateway.get();

    private static CliProcess.Run bash(String line) throws Exception {
        String launcher = "mnemo() { "
                + String.join(
                        " ",
                        CliProcess.command().stream().map(w -> "'" + w + "'").toList()) + " \"$@\"; }; ";
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", launcher + line.replace("./mnemo ", "mnemo "))
                .directory(CliProcess.HOME.toFile());
        CliProcess.environment(builder, Map.of());
        Process process = builder.start();
        CompletableFuture<String> out = CliProcess.drain(process.getInputStream());
        CompletableFuture<String> err = CliProcess.drain(process.getErrorStream());
        process.getOutputStream().close();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        return new CliProcess.Run(process.exitValue(), out.get(), err.get());
    }

    private static String command(List<String> lines, String label) {
        return lines.stream()
                .filter(l -> l.startsWith("  " + label + ":"))
                .findFirst()
                .orElseThrow()
                .substring(("  " + label + ":").length())
                .strip();
    }

    @Test
    void withTheAdminTokenJustGeneratedEveryCommandWorksAsPrinted() throws Exception {
        int port = URI.create(gw.url("")).getPort();
        List<String> lines = ServeCommand.commands("127.0.0.1", port, TestGateway.ADMIN_TOKEN);

        CliProcess.Run curl = bash(command(lines, "Try"));
        assertThat(curl.exit()).as(curl.err()).isZero();
        assertThat(curl.out()).startsWith("{\"results\":");

        CliProcess.Run status = bash(command(lines, "Status"));
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("ready").containsPattern("Counts +\\d+ libraries");

        CliProcess.Run token = bash(command(lines, "Token"));
        assertThat(token.exit()).as(token.err()).isZero();
        assertThat(token.out().strip()).startsWith("mnemo_");
        assertThat(gw.get("/library/api/libraries/", token.out().strip()).status())
                .isEqualTo(200);

        assertThat(command(lines, "Ingest")).isEqualTo("./mnemo ingest docs/ --library notes");
        assertThat(CliProcess.HOME.resolve("docs")).isDirectory();
    }

    @Test
    void withoutTheTokenTheCommandsNeedNone() throws Exception {
        int port = URI.create(gw.url("")).getPort();
        List<String> lines = ServeCommand.commands("0.0.0.0", port, null);
        assertThat(String.join("\n", lines)).doesNotContain("<").doesNotContain("0.0.0.0");

        CliProcess.Run ready = bash(command(lines, "Try"));
        assertThat(ready.exit()).as(ready.err()).isZero();
        assertThat(ready.out()).contains("\"status\":\"ready\"");
        CliProcess.Run status = bash(command(lines, "Status"));
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("ready");

        // On the default address the CLI needs no MNEMO_URL.
        assertThat(command(ServeCommand.commands("127.0.0.1", 8080, null), "Status"))
                .isEqualTo("./mnemo status");
    }
}
