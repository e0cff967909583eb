package org.mnemo.gateway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.server.Credentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ingest", description = "Ingest .md and .txt files (or folders of them) into a library of the running server.")
final class IngestCommand implements Callable<Integer> {
    private static final List<String> EXTENSIONS = List.of("md", "markdown", "txt");

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders.")
    List<Path> paths;

    @Option(names = "--library", required = true, description = "Library name (created when missing).")
    String library;

    @Option(names = "--type", defaultValue = "nonfiction",
            description = "Library type when the library is created (default ${DEFAULT-VALUE}).")
    String type;

    @Override
    public Integer call() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("no such file or folder: " + path);
            }
            try (Stream<Path> walk = Files.walk(path)) {
                walk.filter(Files::isRegularFile).filter(IngestCommand::supported).sorted().forEach(files::add);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .md or .txt files under " + paths);
        }
        String password = Credentials.forClient(Environment.dataDir(), System.getenv("MNEMO_NEO4J_PASSWORD"));
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        try (MnemoClient client = new MnemoClient(Environment.neo4jUri(), Environment.neo4jUser(), password)) {
            String uid = client.libraryUid(library);
            if (uid == null) {
                uid = client.ensureLibrary(library, type);
            }
            long chunks = 0;
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("Ingesting").setInitialMax(files.size())
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" files", 1).build()) {
                for (Path file : files) {
                    bar.setExtraMessage(file.getFileName().toString());
                    try {
                        Map<String, Object> row = client.ingest(uid, Files.readString(file, StandardCharsets.UTF_8),
                                Map.of("title", file.getFileName().toString(), "source", "cli",
                                        "source_ref", file.toAbsolutePath().normalize().toString(),
                                        "file_type", extension(file)));
                        outcomes.merge((String) row.get("status"), 1, Integer::sum);
                        chunks += ((Number) row.get("chunk_count")).longValue();
                    } catch (RuntimeException | IOException e) {
                        failures.add(file + ": " + e.getMessage());
                    }
                    bar.step();
                }
            }
            System.out.println("Library " + library + " (" + uid + "): " + outcomes + ", " + chunks + " chunks");
        }
        failures.forEach(f -> System.err.println("failed: " + f));
        return failures.isEmpty() ? 0 : 1;
    }

    private static boolean supported(Path file) {
        return EXTENSIONS.contains(extension(file));
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
