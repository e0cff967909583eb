package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** ./mnemo as a real process (what the script execs: java … org.mnemo.launcher.Main), with its environment. */
final class CliProcess {
    /** The project folder, which ./mnemo passes as mnemo.home (tests run in launcher/). */
    static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    record Run(int exit, String out, String err) {}

    private CliProcess() {}

    /** The java command line of ./mnemo (classpath of this test JVM). */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmnemo.home=" + HOME,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs one command to its end; env entries with a null value are removed from the inherited environment. */
    static Run run(Map<String, String> env, String stdin, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        environment(builder, env);
        Process process = builder.start();
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        process.getOutputStream().write((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(90, TimeUnit.SECONDS))
                .as(String.join(" ", args))
                .isTrue();
        return new Run(process.exitValue(), out.get(), err.get());
    }

    static void environment(ProcessBuilder builder, Map<String, String> env) {
        // The CLI must not pick up a developer's own gateway or token.
        builder.environment().remove("MNEMO_URL");
        builder.environment().remove("MNEMO_TOKEN");
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
    }

    static Map<String, String> env(String url, String token) {
        Map<String, String> env = new HashMap<>();
        env.put("MNEMO_URL", url);
        env.put("MNEMO_TOKEN", token);
        return env;
    }

    /** Reads a stream to its end on a thread of its own (the common pool may have one thread on 2 cores). */
    static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try {
                        text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        text.complete("");
                    }
                },
                "cli-drain");
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
