package org.mnemo.gateway;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Running the tools some tests drive (node, npm, python, a generator): output collected, a deadline kept. */
public final class Processes {
    /** A finished process: its exit code and its output (stdout and stderr interleaved). */
    public record Run(int exit, String output) {
        public String lastLine() {
            return output.lines().reduce((a, b) -> b).orElse("");
        }
    }

    private Processes() {}

    public static Run run(List<String> command, Path directory, Map<String, String> environment, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(
                () -> new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                        .lines()
                        .forEach(lines::add));
        reader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        reader.join();
        return new Run(process.exitValue(), String.join("\n", lines));
    }

    /** The program's path on PATH, or null. */
    public static String onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
