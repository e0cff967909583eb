package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./mnemo script itself, in a copy of the project folder with a stand-in {@code mvn} (which prints what Maven
 * 3.8 prints in batch mode, then leaves the jars) and a stand-in JDK in JAVA_HOME (which prints how it was called):
 * the first run builds and shows each module as it starts instead of minutes of silence, later runs do not build,
 * a failed build shows Maven's last lines and keeps its log, and JAVA_HOME's java runs the command.
 */
class LauncherScriptTest {
    private static final String MAVEN_OUTPUT = """
            [INFO] Scanning for projects...
            [INFO] ------------------------------------------------------------------------
            [INFO] Reactor Build Order:
            [INFO] ----------------------------< org.mnemo:mnemo-parent >----------------------------
            [INFO] Building Mnemo 0.1.0-SNAPSHOT                                      [1/6]
            [INFO] --------------------------------[ pom ]---------------------------------
            [INFO] ----------------------< org.mnemo:mnemo-procedures >------------------------
            [INFO] Building Mnemo procedures (Neo4j plugin) 0.1.0-SNAPSHOT            [2/6]
            [INFO] --- maven-compiler-plugin:3.13.0:compile (default-compile) @ mnemo-procedures ---
            [INFO] Building Mnemo local embedder (all-MiniLM-L6-v2 through ONNX) 0.1.0-SNAPSHOT [3/6]
            [INFO] Building Mnemo gateway and launcher 0.1.0-SNAPSHOT                 [5/6]
            [INFO] BUILD SUCCESS
            """;

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private Run mnemo(String mvnScript, String... args) throws Exception {
        Path project = dir.resolve("project");
        Files.createDirectories(project);
        Files.copy(CliProcess.HOME.resolve("mnemo"), project.resolve("mnemo"), StandardCopyOption.REPLACE_EXISTING);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        executable(bin.resolve("mvn"), mvnScript);
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        executable(jdk.resolve("java"), "#!/usr/bin/env bash\necho \"java-args: $*\"\n");
        List<String> command = new java.util.ArrayList<>(
                List.of("bash", project.resolve("mnemo").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile());
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        builder.environment().put("TMPDIR", dir.toString());
        Process process = builder.start();
        CompletableFuture<String> out = CliProcess.drain(process.getInputStream());
        CompletableFuture<String> err = CliProcess.drain(process.getErrorStream());
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out.get(), err.get());
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A stand-in mvn: Maven's batch output, then the jars the launcher looks for. */
    private static String mvn(String output, int exit) {
        return "#!/usr/bin/env bash\necho \"mvn $*\" >> \"$TMPDIR/mvn-calls\"\ncat <<'OUT'\n" + output + "OUT\n"
                + (exit != 0 ? "exit " + exit + "\n" : """
                mkdir -p launcher/target/plugins launcher/target/lib
                touch launcher/target/mnemo-launcher.jar launcher/target/plugins/mnemo-procedures.jar
                """);
    }

    @Test
    void theFirstRunBuildsWithProgressAndLaterRunsGoStraightToJava() throws Exception {
        Run first = mnemo(mvn(MAVEN_OUTPUT, 0), "status", "--json");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err())
                .contains("Building Mnemo (first run")
                .contains("  [1/6] Mnemo, ")
                .contains("  [2/6] Mnemo procedures (Neo4j plugin), ")
                .contains("  [3/6] Mnemo local embedder (all-MiniLM-L6-v2 through ONNX), ")
                .contains("  [5/6] Mnemo gateway and launcher, ")
                .contains("Built.")
                // Maven's own chatter stays out of the way.
                .doesNotContain("Scanning for projects")
                .doesNotContain("maven-compiler-plugin");
        assertThat(Files.readString(dir.resolve("mvn-calls"))).isEqualTo("mvn -B -ntp -DskipTests package\n");
        assertThat(first.out())
                .startsWith("java-args: ")
                .contains("-Dmnemo.home=" + dir.resolve("project"))
                .contains("org.mnemo.launcher.Main status --json");

        Run second = mnemo(mvn(MAVEN_OUTPUT, 0), "status");
        assertThat(second.err()).isEmpty();
        assertThat(second.out()).contains("org.mnemo.launcher.Main status");
        assertThat(Files.readString(dir.resolve("mvn-calls")).lines()).hasSize(1);
    }

    @Test
    void aFailedBuildShowsMavensLastLinesAndKeepsTheLog() throws Exception {
        Run failed = mnemo(
                mvn("[INFO] Building Mnemo 0.1.0-SNAPSHOT [1/6]\n[ERROR] COMPILATION ERROR : boom\n", 1), "status");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).isEmpty();
        assertThat(failed.err())
                .contains("[ERROR] COMPILATION ERROR : boom")
                .contains("The build failed; its whole " + "log is in " + dir.resolve("mnemo-build."));
    }
}
