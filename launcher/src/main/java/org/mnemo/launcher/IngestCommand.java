package org.mnemo.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.mnemo.embedded.Credentials;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.config.GatewayConfig;
import org.mnemo.gateway.ingest.FileTypes;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.ingest.JobStore;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "ingest",
        description = "Ingest files or folders (PDF, DOCX, PPTX, HTML, Markdown, text, JSON, CSV, RTF, ODT) into a "
                + "library, through the running server's ingest jobs.")
final class IngestCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders.")
    List<Path> paths;

    @Option(names = "--library", required = true, description = "Library name (created when missing).")
    String library;

    @Option(
            names = "--type",
            defaultValue = "nonfiction",
            description = "Library type when the library is created (default ${DEFAULT-VALUE}).")
    String type;

    @Option(
            names = "--exclude",
            paramLabel = "GLOB",
            description = "Skip what matches (repeatable): a glob on the "
                    + "path below each PATH ('drafts/**', '**/*.tmp') or on any one file or folder name ('node_modules', "
                    + "'*.log', '.*'). An excluded folder is not entered.")
    List<String> excludes = List.of();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Exclusions exclusions = new Exclusions(excludes);
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("no such file or folder: " + path);
            }
            files.addAll(exclusions.supportedFiles(path));
        }
        if (exclusions.skipped() > 0) {
            System.err.println("Excluded " + exclusions.skipped() + " file(s) or folder(s) matching " + excludes);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no supported files (" + FileTypes.SUPPORTED + ") under " + paths
                    + (excludes.isEmpty() ? "" : " that --exclude " + excludes + " leaves"));
        }
        String password = Credentials.forClient(Environment.dataDir(), System.getenv("MNEMO_NEO4J_PASSWORD"));
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        try (MnemoClient client = new MnemoClient(Environment.neo4jUri(), Environment.neo4jUser(), password);
                IngestJobs jobs = new IngestJobs(
                        client, GatewayConfig.fromEnvironment().ingest().submitOnly())) {
            String uid = reconnecting(() -> {
                String existing = client.libraryUid(library);
                return existing != null ? existing : client.ensureLibrary(library, type);
            });
            // Every file becomes a job; the workers of ./mnemo serve (or any gateway) process them in parallel.
            // Submitting waits on two durable writes (the upload's bytes and the job), so several go at once.
            Map<Path, java.util.concurrent.Future<JobStore.Created>> submissions = new LinkedHashMap<>();
            java.util.concurrent.ExecutorService submitters =
                    java.util.concurrent.Executors.newFixedThreadPool(SUBMITTERS);
            try {
                for (Path file : files) {
                    submissions.put(file, submitters.submit(() -> submit(jobs, uid, file)));
                }
            } finally {
                submitters.shutdown();
            }
            Map<Path, String> submitted = new LinkedHashMap<>();
            java.util.Set<String> unchanged = new java.util.HashSet<>(); // ingested before with this content
            for (Map.Entry<Path, java.util.concurrent.Future<JobStore.Created>> s : submissions.entrySet()) {
                JobStore.Created submission;
                try {
                    submission = s.getValue().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    submitters.shutdownNow();
                    throw e.getCause() instanceof RuntimeException r
                            ? r
                            : new IllegalStateException(e.getCause().getMessage(), e.getCause());
                }
                String id = (String) submission.job().get("id");
                submitted.put(s.getKey(), id);
                if (!submission.created()) {
                    unchanged.add(id);
                }
            }
            long chunks = 0;
            try (ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName("Ingesting")
                    .setInitialMax(files.size())
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" files", 1)
                    .build()) {
                for (Map.Entry<Path, String> entry : submitted.entrySet()) {
                    bar.setExtraMessage(entry.getKey().getFileName().toString());
                    Map<String, Object> job = awaitWithHint(jobs, entry.getValue());
                    if ("completed".equals(job.get("status"))) {
                        boolean before = unchanged.contains(entry.getValue());
                        outcomes.merge(before ? "existing" : String.valueOf(job.get("ingest_status")), 1, Integer::sum);
                        // A count missing from a completed job must not end the report of all the others.
                        chunks += before || !(job.get("chunks_created") instanceof Number n) ? 0 : n.longValue();
                    } else if ("stale".equals(job.get("status"))) {
                        outcomes.merge("stale", 1, Integer::sum);
                    } else {
                        failures.add(entry.getKey() + ": " + job.get("error"));
                    }
                    bar.step();
                }
            }
            System.out.println("Library " + library + " (" + uid + "): " + outcomes + ", " + chunks + " chunks");
        }
        failures.forEach(f -> System.err.println("failed: " + f));
        return failures.isEmpty() ? 0 : 1;
    }

    /** Uploads being submitted at once. */
    private static final int SUBMITTERS = 4;

    /** Submits one file as a job; idempotent (same library, ref and content: the same job), so a retry is safe. */
    private static JobStore.Created submit(IngestJobs jobs, String library, Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        String ref = file.toAbsolutePath().normalize().toString();
        return reconnecting(() -> jobs.submit(
                new IngestJobs.Request(
                        library,
                        null,
                        null,
                        file.getFileName().toString(),
                        FileTypes.ofName(file.toString()),
                        content.length,
                        Tokens.sha256Hex(content),
                        "cli",
                        ref,
                        null,
                        null,
                        null),
                content));
    }

    /**
     * Runs a call to the server, waiting out a restart: the jobs live in the database and complete server-side,
     * so the command reconnects and goes on reporting them (up to MNEMO_CLI_RECONNECT_SECONDS, 600 by default).
     */
    static <T> T reconnecting(Supplier<T> call) {
        long deadline = System.currentTimeMillis()
                + Long.parseLong(Environment.get("MNEMO_CLI_RECONNECT_SECONDS", "600")) * 1000;
        boolean told = false;
        while (true) {
            try {
                return call.get();
            } catch (ServiceUnavailableException | SessionExpiredException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                if (!told) {
                    System.err.println("the server is unavailable ("
                            + e.getMessage().lines().findFirst().orElse("") + "); waiting for it to come back …");
                    told = true;
                }
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Waits for a job to finish; says once what to do when nothing picks it up. */
    private Map<String, Object> awaitWithHint(IngestJobs jobs, String id) throws InterruptedException {
        boolean hinted = false;
        while (true) {
            Map<String, Object> job = reconnecting(() -> {
                try {
                    return jobs.await(id, List.of("*"), 30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            if (IngestJobs.finished(job)) {
                return job;
            }
            if (!hinted && "queued".equals(job.get("status"))) {
                System.err.println("waiting for an ingest worker: is ./mnemo serve running (MNEMO_INGEST_WORKERS > 0) "
                        + "on this machine's upload spool, or MNEMO_UPLOAD_BUCKET set for both?");
                hinted = true;
            }
        }
    }
}
