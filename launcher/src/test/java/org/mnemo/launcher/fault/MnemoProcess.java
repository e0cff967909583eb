package org.mnemo.launcher.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Mnemo as a separate operating-system process, started from the packaged distribution exactly as {@code ./mnemo}
 * starts it (the gateway jar, target/lib and target/plugins on the class path), so a test can kill it with SIGKILL,
 * stop it with SIGTERM and run the CLI beside it. Output goes to a log file per start.
 */
final class MnemoProcess implements AutoCloseable {
    private static final Path TARGET =
            Path.of(System.getProperty("mnemo.target", "target")).toAbsolutePath();

    final String name;
    final Path log;
    private final Process process;

    private MnemoProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code java … org.mnemo.launcher.Main args} with the environment; {@code home} is -Dmnemo.home. */
    static MnemoProcess start(String name, Path home, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dmnemo.home=" + home,
                "-cp",
                TARGET.resolve("mnemo-launcher.jar") + ":" + TARGET.resolve("lib") + "/*:" + TARGET.resolve("plugins")
                        + "/*",
                "org.mnemo.launcher.Main"));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(home.resolve("logs"));
            Path log = Files.createTempFile(home.resolve("logs"), name + "-", ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> environment = builder.environment();
            environment.keySet().removeIf(k -> k.startsWith("MNEMO_") || k.equals("NEO4J_CONF"));
            environment.put("MNEMO_PLUGINS", TARGET.resolve("plugins").toString());
            environment.putAll(env);
            return new MnemoProcess(name, log, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code ./mnemo serve} and waits until its /ready/ answers 200. */
    static MnemoProcess serve(String name, Path home, Map<String, String> env, int httpPort) {
        MnemoProcess server = start(name, home, env, "serve");
        server.awaitReady(httpPort, Duration.ofSeconds(180));
        return server;
    }

    void awaitReady(int httpPort, Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<String> ready = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ready/"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + ":\n" + output());
    }

    /** Waits until the output contains {@code text}. */
    void awaitOutput(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output());
            }
            sleep(250);
        }
        throw new IllegalStateException(name + " did not print '" + text + "' within " + timeout + ":\n" + output());
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed — a crash. */
    void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGTERM: the shutdown hooks stop the gateway and Neo4j cleanly. */
    void stop() {
        process.destroy();
        if (!waitFor(Duration.ofSeconds(90))) {
            kill();
        }
    }

    boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The exit code, once it exited within the timeout (else it is killed and the test fails). */
    int exitCode(Duration timeout) {
        if (!waitFor(timeout)) {
            kill();
            throw new AssertionError(name + " did not finish within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    static Map<String, String> env(Object... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put((String) pairs[i], String.valueOf(pairs[i + 1]));
        }
        return env;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }
}
