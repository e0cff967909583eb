package org.mnemo.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.health.BuildInfo;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.web.Json;

/**
 * The ingest comparison. With the local embedder: chunks/s of {@code mnemo.ingest} against the embedder alone
 * ({@code mnemo.embed.batch} over the very chunks the ingest produced) at document sizes from 2 KB to 2 MB. With
 * pre-embedded chunks: the bulk path ({@code mnemo.ingest.chunks}, with and without concept extraction) against a
 * bare {@code UNWIND … CREATE} of the same chunk nodes, in calls of the same size. Peak heap of the database
 * process (this JVM) is sampled during each run.
 */
final class IngestSuite {
    private static final int[] DOC_BYTES = {2_000, 20_000, 200_000, 2_000_000};
    private static final int BULK_CHUNKS = 20_000;
    private static final int BULK_DOC_CHUNKS = 100;
    /** Documents per mnemo.ingest.batch call, for the sizes that come as many documents. */
    private static final int BATCH_DOCS = 25;

    private final BenchCommand.Params p;
    private final MnemoClient client;
    /** The gateway's ingest jobs (its workers: MNEMO_INGEST_WORKERS, batching small files across jobs). */
    private final IngestJobs jobs;

    IngestSuite(BenchCommand.Params p, MnemoClient client, IngestJobs jobs) {
        this.p = p;
        this.client = client;
        this.jobs = jobs;
    }

    Map<String, Object> run() throws Exception {
        Corpus corpus = new Corpus(p.seed(), 2, 4000, 500, 16);
        // Warm the embedder and the code paths once, the job queue's included (its queries compiled, its workers
        // polling): a server that has run a while has all of that.
        String warm = client.ensureLibrary("bench-ingest-warmup", "nonfiction");
        client.ingest(warm, text(corpus, 5_000), Map.of("title", "warm-up"));
        List<String> warmTexts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            warmTexts.add(text(corpus, 2_000));
        }
        throughJobs(warm, warmTexts);

        List<Map<String, Object>> embedderRows = new ArrayList<>();
        for (int bytes : DOC_BYTES) {
            int docs = Math.max(1, 400_000 / bytes);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < docs; i++) {
                texts.add(text(corpus, bytes));
            }
            // Primed: the texts' concepts exist before anything is measured (as in a database that has run a
            // while), so that no path pays for new concept names that a later one then finds.
            String primed = client.ensureLibrary("bench-ingest-primed-" + bytes, "nonfiction");
            for (int i = 0; i < texts.size(); i++) {
                client.ingest(primed, texts.get(i), Map.of("title", "doc " + i));
            }
            List<String> chunkTexts = client
                    .rows(
                            MnemoClient.Mode.READ,
                            "MATCH (:Library {uid: $l})"
                                    + "-[:HAS_COLLECTION]->()-[:HAS_ITEM]->()-[:HAS_CHUNK]->(c:Chunk) RETURN c.text AS t",
                            Map.of("l", primed))
                    .stream()
                    .map(r -> (String) r.get("t"))
                    .toList();
            List<String> paths = new ArrayList<>(List.of("embedder", "ingest", "batch", "jobs"));
            if (docs < BATCH_DOCS) {
                paths.remove("batch");
            }
            // Rounds alternate the paths (in rotated order), so that a machine's drift reaches every path alike and
            // each ratio divides two runs minutes apart at most.
            List<Map<String, Measured>> rounds = new ArrayList<>();
            for (int round = 0; round < p.repeats(); round++) {
                Map<String, Measured> measured = new LinkedHashMap<>();
                for (int k = 0; k < paths.size(); k++) {
                    String path = paths.get((k + round) % paths.size());
                    String library = "bench-ingest-" + path + "-" + bytes + "-" + round;
                    measured.put(
                            path,
                            switch (path) {
                                case "embedder" -> measure(() -> embedOnly(chunkTexts));
                                case "ingest" ->
                                    measure(() -> onePerCall(client.ensureLibrary(library, "nonfiction"), texts));
                                case "batch" ->
                                    measure(() -> batched(client.ensureLibrary(library, "nonfiction"), texts));
                                default ->
                                    measure(() -> throughJobs(client.ensureLibrary(library, "nonfiction"), texts));
                            });
                }
                rounds.add(measured);
                System.err.println("ingest " + bytes + " B, round " + (round + 1) + ": " + measured);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("doc_bytes", bytes);
            row.put("docs", docs);
            row.put("chunks", rounds.get(0).get("ingest").items());
            row.put("rounds", rounds.size());
            row.put(
                    "embedder_chunks_per_s",
                    median(rounds, r -> r.get("embedder").rate()));
            row.put("embedder_peak_heap_mb", max(rounds, r -> r.get("embedder").peakHeapMb()));
            putPath(row, rounds, "ingest", "ingest_chunks_per_s", "ratio", "ingest_peak_heap_mb");
            if (paths.contains("batch")) {
                row.put("batch_docs_per_call", BATCH_DOCS);
                putPath(row, rounds, "batch", "batch_chunks_per_s", "batch_ratio", "batch_peak_heap_mb");
            }
            putPath(row, rounds, "jobs", "jobs_chunks_per_s", "jobs_ratio", null);
            embedderRows.add(row);
            System.err.println("ingest: " + row);
        }

        List<List<Map<String, Object>>> docs = new ArrayList<>();
        for (int d = 0; d < BULK_CHUNKS / BULK_DOC_CHUNKS; d++) {
            docs.add(Loader.chunks(corpus.doc(0, d, BULK_DOC_CHUNKS), corpus));
        }
        Map<String, Call> bulkPaths = new LinkedHashMap<>();
        bulkPaths.put(
                "bare UNWIND … CREATE",
                (lib, i, chunks) -> client.row(
                        MnemoClient.Mode.WRITE, """
                MATCH (l:Library {uid: $library})-[:HAS_COLLECTION]->(c:Collection)
                CREATE (c)-[:HAS_ITEM]->(i:Item {uid: randomUUID(), title: $title, embedding_status: 'completed',
                        chunk_count: size($chunks)})
                WITH i UNWIND range(0, size($chunks) - 1) AS n
                CREATE (i)-[:HAS_CHUNK]->(:Chunk {uid: randomUUID(), chunk_index: n, text: $chunks[n].text,
                        embedding: $chunks[n].embedding})
                RETURN count(*) AS n""", Map.of("library", lib, "title", "bare " + i, "chunks", chunks)));
        bulkPaths.put(
                "mnemo.ingest.chunks, no concepts",
                (lib, i, chunks) -> client.row(
                        MnemoClient.Mode.AUTO_COMMIT,
                        "CALL mnemo.ingest.chunks($library, $chunks, {title: $title}, " + "{extract_concepts: false})",
                        Map.of("library", lib, "title", "bulk " + i, "chunks", chunks)));
        bulkPaths.put(
                "mnemo.ingest.chunks, with concepts",
                (lib, i, chunks) -> client.row(
                        MnemoClient.Mode.AUTO_COMMIT,
                        "CALL mnemo.ingest.chunks($library, $chunks, {title: $title})",
                        Map.of("library", lib, "title", "concepts " + i, "chunks", chunks)));
        // In rounds as above: every path once per round, in rotated order, each ratio to the bare write of its round.
        List<String> bulkNames = List.copyOf(bulkPaths.keySet());
        List<Map<String, Measured>> bulkRounds = new ArrayList<>();
        for (int round = 0; round < p.repeats(); round++) {
            Map<String, Measured> measured = new LinkedHashMap<>();
            for (int k = 0; k < bulkNames.size(); k++) {
                String name = bulkNames.get((k + round) % bulkNames.size());
                measured.put(name, bulk(name + " " + round, docs, bulkPaths.get(name)));
            }
            bulkRounds.add(measured);
            System.err.println("bulk, round " + (round + 1) + ": " + measured);
        }
        List<Map<String, Object>> bulkRows = new ArrayList<>();
        for (String name : bulkNames) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("path", name);
            row.put("chunks_per_s", median(bulkRounds, r -> r.get(name).rate()));
            List<Double> ratios = bulkRounds.stream()
                    .map(r -> r.get(name).rate() / r.get(bulkNames.get(0)).rate())
                    .sorted()
                    .toList();
            row.put(
                    "ratio_to_bare",
                    median(
                            bulkRounds,
                            r -> r.get(name).rate() / r.get(bulkNames.get(0)).rate()));
            row.put("ratio_to_bare_range", List.of(ratios.get(0), ratios.get(ratios.size() - 1)));
            row.put("peak_heap_mb", max(bulkRounds, r -> r.get(name).peakHeapMb()));
            bulkRows.add(row);
        }

        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("machine", Machine.describe(client).json());
        raw.put("command", p.command());
        raw.put("code_version", BuildInfo.describe().get("build_sha"));
        raw.put("embedder", client.embed("x").model());
        raw.put("local_embedder", embedderRows);
        raw.put("bulk", bulkRows);
        raw.put("bulk_chunks", BULK_CHUNKS);
        raw.put("bulk_chunks_per_call", BULK_DOC_CHUNKS);
        write(raw);
        return raw;
    }

    /** One document per mnemo.ingest call. */
    private long onePerCall(String library, List<String> texts) {
        long chunks = 0;
        for (int i = 0; i < texts.size(); i++) {
            chunks += client.ingest(library, texts.get(i), Map.of("title", "doc " + i, "source_ref", "doc-" + i))
                    .chunk_count();
        }
        return chunks;
    }

    /** The embedder alone over the very chunks an ingest of the texts produced, 1,000 per call. */
    private long embedOnly(List<String> chunkTexts) {
        long n = 0;
        for (int start = 0; start < chunkTexts.size(); start += 1000) {
            n += (long) client.row(
                            MnemoClient.Mode.READ,
                            "CALL mnemo.embed.batch($t) YIELD index RETURN count(index) AS n",
                            Map.of("t", chunkTexts.subList(start, Math.min(chunkTexts.size(), start + 1000))))
                    .get("n");
        }
        return n;
    }

    /** Many small documents, BATCH_DOCS per mnemo.ingest.batch call. */
    private long batched(String library, List<String> texts) {
        long n = 0;
        for (int start = 0; start < texts.size(); start += BATCH_DOCS) {
            List<Map<String, Object>> documents = new ArrayList<>();
            for (int i = start; i < Math.min(texts.size(), start + BATCH_DOCS); i++) {
                documents.add(
                        Map.of("text", texts.get(i), "item", Map.of("title", "doc " + i, "source_ref", "doc-" + i)));
            }
            n += client.ingestBatch(library, documents).stream()
                    .mapToLong(Rows.Ingested::chunk_count)
                    .sum();
        }
        return n;
    }

    /** A path's median rate, its median ratio to the embedder of the same round and the range of those ratios. */
    private static void putPath(
            Map<String, Object> row,
            List<Map<String, Measured>> rounds,
            String path,
            String rate,
            String ratio,
            String heap) {
        row.put(rate, median(rounds, r -> r.get(path).rate()));
        List<Double> ratios = rounds.stream()
                .map(r -> r.get(path).rate() / r.get("embedder").rate())
                .sorted()
                .toList();
        row.put(
                ratio,
                median(rounds, r -> r.get(path).rate() / r.get("embedder").rate()));
        row.put(ratio + "_range", List.of(ratios.get(0), ratios.get(ratios.size() - 1)));
        if (heap != null) {
            row.put(heap, max(rounds, r -> r.get(path).peakHeapMb()));
        }
    }

    private static double median(List<Map<String, Measured>> rounds, ToDoubleFunction<Map<String, Measured>> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double max(List<Map<String, Measured>> rounds, ToDoubleFunction<Map<String, Measured>> f) {
        return rounds.stream().mapToDouble(f).max().orElse(0);
    }

    private interface Call {
        void run(String library, int doc, List<Map<String, Object>> chunks);
    }

    private Measured bulk(String name, List<List<Map<String, Object>>> docs, Call call) throws Exception {
        String library = client.ensureLibrary("bench-bulk-" + name.replaceAll("[^a-z0-9]+", "-"), "nonfiction");
        // A default collection for the bare variant to write into (the bulk path makes its own).
        client.row(
                MnemoClient.Mode.WRITE,
                "MATCH (l:Library {uid: $l}) MERGE (l)-[:HAS_COLLECTION]->"
                        + "(c:Collection {name: 'default'}) ON CREATE SET c.uid = randomUUID()",
                Map.of("l", library));
        return measure(() -> {
            for (int i = 0; i < docs.size(); i++) {
                call.run(library, i, docs.get(i));
            }
            return (long) BULK_CHUNKS;
        });
    }

    /** A Markdown document of about {@code bytes} characters. */
    private static String text(Corpus corpus, int bytes) {
        StringBuilder text = new StringBuilder();
        int doc = 0;
        while (text.length() < bytes) {
            text.append(corpus.doc(0, doc++, 10).text());
        }
        return text.substring(0, bytes);
    }

    record Measured(long items, double seconds, double peakHeapMb) {
        double rate() {
            return items / seconds;
        }
    }

    /** Runs the work with a sampler thread that records the heap in use every 20 ms. */
    /** Uploads submitted at once, as {@code ./mnemo ingest} does. */
    private static final int SUBMITTERS = 4;

    /** Submits every text as an upload job, waits for all of them, and returns the chunks they wrote. */
    private long throughJobs(String library, List<String> texts) {
        java.util.concurrent.ExecutorService submitters = java.util.concurrent.Executors.newFixedThreadPool(SUBMITTERS);
        List<java.util.concurrent.Future<String>> submitted = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            byte[] content = texts.get(i).getBytes(StandardCharsets.UTF_8);
            String title = "doc " + i;
            submitted.add(submitters.submit(
                    () -> (String) jobs.submit(IngestJobs.Request.upload(library, title, "md", content), content)
                            .job()
                            .get("id")));
        }
        submitters.shutdown();
        List<String> ids = new ArrayList<>();
        for (java.util.concurrent.Future<String> id : submitted) {
            try {
                ids.add(id.get());
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("submitting an ingest job failed: " + e.getMessage(), e);
            }
        }
        long chunks = 0;
        for (String id : ids) {
            Map<String, Object> job;
            try {
                job = jobs.await(id, List.of("*"), 3_600_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (!"completed".equals(job.get("status"))) {
                throw new IllegalStateException(
                        "ingest job " + id + " ended " + job.get("status") + ": " + job.get("error"));
            }
            chunks += ((Number) job.get("chunks_created")).longValue();
        }
        return chunks;
    }

    static Measured measure(Supplier<Long> work) throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long started = System.nanoTime();
        long items = work.get();
        double seconds = (System.nanoTime() - started) / 1e9;
        sampler.interrupt();
        sampler.join();
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        return new Measured(items, seconds, peak.get() / (1024.0 * 1024.0));
    }

    /** "0.52 (0.49–0.55)": the median ratio over the rounds and their range. */
    @SuppressWarnings("unchecked")
    private static String ratio(Map<String, Object> row, String key) {
        List<Double> range = (List<Double>) row.get(key + "_range");
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", row.get(key), range.get(0), range.get(1));
    }

    @SuppressWarnings("unchecked")
    private void write(Map<String, Object> raw) throws Exception {
        Machine machine = Machine.describe(client);
        StringBuilder md = new StringBuilder("# Ingest benchmark\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%s Embedder: %s. Command: `%s` (code %s).%n%n",
                machine.markdown(),
                raw.get("embedder"),
                p.command(),
                raw.get("code_version")));
        md.append("## With the local embedder: mnemo.ingest against the embedder alone\n\n"
                + "The embedder alone embeds the very chunks the ingest produced (`mnemo.embed.batch`, 1,000 per "
                + "call): the ceiling of an ingest that also chunks, extracts concepts and writes the graph. "
                + "`mnemo.ingest` takes one document per call; where the size comes as many documents, the same "
                + "texts also go through `mnemo.ingest.batch`, " + BATCH_DOCS + " documents per call. `jobs` = the "
                + "same texts uploaded to the gateway's ingest job queue (" + SUBMITTERS
                + " at a time, as `./mnemo ingest` does), all submitted and then awaited: its "
                + "workers (2) take them, small files of one library several per `mnemo.ingest.batch` call "
                + "(`MNEMO_INGEST_BATCH_DOCUMENTS`). Each size runs in rounds (`--repeats`), every path once per "
                + "round in rotated order, each into a library of its own; a ratio divides a path's rate by the "
                + "embedder's in the same round: the median over rounds, the range in brackets. The texts are "
                + "ingested once before the rounds, so that their concepts exist (as in a database that has run a "
                + "while) and no path pays for concept names that a later one finds; the job queue is warmed with "
                + "a few uploads first.\n\n"
                + "| document size | documents | chunks | ingest chunks/s | embedder chunks/s | ratio | batch chunks/s "
                + "| batch ratio | jobs chunks/s | jobs ratio | peak heap MB (ingest / embedder / batch) |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : (List<Map<String, Object>>) raw.get("local_embedder")) {
            boolean batched = r.containsKey("batch_ratio");
            md.append(String.format(
                    Locale.ROOT,
                    "| %,d B | %d | %d | %.0f | %.0f | %s | %s | %s | %.0f | %s | %.0f / %.0f / %s |%n",
                    r.get("doc_bytes"),
                    r.get("docs"),
                    r.get("chunks"),
                    r.get("ingest_chunks_per_s"),
                    r.get("embedder_chunks_per_s"),
                    ratio(r, "ratio"),
                    batched ? String.format(Locale.ROOT, "%.0f", r.get("batch_chunks_per_s")) : "—",
                    batched ? ratio(r, "batch_ratio") : "—",
                    r.get("jobs_chunks_per_s"),
                    ratio(r, "jobs_ratio"),
                    r.get("ingest_peak_heap_mb"),
                    r.get("embedder_peak_heap_mb"),
                    batched ? String.format(Locale.ROOT, "%.0f", r.get("batch_peak_heap_mb")) : "—"));
        }
        md.append(String.format(
                Locale.ROOT,
                "%n## Pre-embedded chunks: the bulk path against a bare UNWIND%n%n"
                        + "%,d chunks with 384-d vectors, %d chunks per call (one document), one call at a time; the bare "
                        + "variant creates the same Item and Chunk nodes (same labels, so the same vector and full-text "
                        + "indexes are maintained) without Mnemo's bookkeeping. In rounds, as above: the median "
                        + "ratio to the bare write of the same round, the range in brackets.%n%n| path | chunks/s | ratio to bare | peak heap "
                        + "MB |%n|---|---:|---:|---:|%n",
                raw.get("bulk_chunks"),
                raw.get("bulk_chunks_per_call")));
        for (Map<String, Object> r : (List<Map<String, Object>>) raw.get("bulk")) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %s | %.0f |%n",
                    r.get("path"),
                    r.get("chunks_per_s"),
                    ratio(r, "ratio_to_bare"),
                    r.get("peak_heap_mb")));
        }
        md.append("\nPeak heap: the heap in use of the JVM that runs Neo4j (and the bench client), sampled every "
                + "20 ms after a GC; it includes garbage not yet collected.\n");
        Files.createDirectories(p.out());
        Files.writeString(p.out().resolve("ingest.md"), md.toString());
        Files.writeString(
                p.out().resolve("ingest.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(raw));
        System.out.print(md);
    }
}
