package org.mnemo.gateway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.server.EmbeddedServer;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./mnemo bench}: search latency and throughput of Mnemo against client-side orchestration, the graphrag
 * hybrid query and the bare-index floor, on a generated corpus in a fresh embedded Neo4j.
 */
@Command(name = "bench", description = "Benchmark search against the alternatives on a generated corpus; writes "
        + "tables and raw results (docs/benchmarks/ by default).")
public final class BenchCommand implements Callable<Integer> {
    private static final String PASSWORD = "bench-password-only";

    @Option(names = "--chunks", defaultValue = "10000", description = "Corpus size in chunks (default ${DEFAULT-VALUE}).")
    int chunks;

    @Option(names = "--queries", defaultValue = "100", description = "Queries per system (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--seed", defaultValue = "42", description = "Corpus seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Where results go (default docs/benchmarks).")
    Path out;

    @Option(names = "--plugins", description = "Plugin jars directory (default gateway/target/plugins).")
    Path plugins;

    /** Runs against an existing database (the smoke test) instead of a fresh embedded one. */
    public static boolean run(MnemoClient client, Driver driver, int chunks, int queries, Path out) throws Exception {
        BenchCommand command = new BenchCommand();
        command.chunks = chunks;
        command.queries = queries;
        command.seed = 42;
        command.out = out;
        return command.run(client, driver);
    }

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("mnemo.home", ".")).toAbsolutePath();
        out = out != null ? out : home.resolve("docs/benchmarks");
        plugins = plugins != null ? plugins : home.resolve("gateway/target/plugins");
        Path data = Files.createTempDirectory("mnemo-bench");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (EmbeddedServer server = EmbeddedServer.start(new EmbeddedServer.Settings(data, plugins.toAbsolutePath(),
                        "127.0.0.1", port, PASSWORD));
                MnemoClient client = new MnemoClient(server.boltUri(), "neo4j", PASSWORD);
                Driver driver = GraphDatabase.driver(server.boltUri(), AuthTokens.basic("neo4j", PASSWORD))) {
            return run(client, driver) ? 0 : 1;
        }
    }

    boolean run(MnemoClient client, Driver driver) throws Exception {
        Corpus corpus = new Corpus(seed, 4000, Math.max(50, chunks / 40));
        int[] sizes = Corpus.librarySizes(Math.max(5, Math.min(200, chunks / 100)), chunks);
        List<String> libraries = new ArrayList<>();
        long loadStarted = System.nanoTime();
        for (int lib = 0; lib < sizes.length; lib++) {
            String uid = client.ensureLibrary(String.format(Locale.ROOT, "bench-%03d", lib), "nonfiction");
            libraries.add(uid);
            int remaining = sizes[lib];
            for (int doc = 0; remaining > 0; doc++) {
                int docChunks = Math.min(remaining, 20);
                Corpus.Doc d = corpus.doc(lib, doc, docChunks);
                client.ingest(uid, d.text(), Map.of("title", d.title(), "source", "bench", "file_type", "md",
                        "source_ref", d.title()));
                remaining -= docChunks;
            }
        }
        double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
        long stored = (long) client.row(MnemoClient.Mode.READ, "MATCH (c:Chunk) RETURN count(c) AS n", Map.of())
                .get("n");
        // The restricted caller: the smallest libraries until about 1% of the chunks.
        List<String> restricted = new ArrayList<>();
        long restrictedChunks = 0;
        for (int lib = sizes.length - 1; lib >= 0 && restrictedChunks < Math.max(1, stored / 100); lib--) {
            restricted.add(libraries.get(lib));
            restrictedChunks += sizes[lib];
        }
        SearchBench bench = new SearchBench(driver);
        List<SearchBench.Query> qs = new ArrayList<>();
        try (var session = driver.session()) {
            for (int i = 0; i < queries; i++) {
                String text = corpus.query();
                qs.add(new SearchBench.Query(text, bench.embed(session, text)));
            }
        }
        // Warm up every path once over all queries (JIT, page cache, query plans).
        for (String system : SearchBench.SYSTEMS) {
            bench.latencies(system, qs, List.of("*"));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<String, List<String>> scope : Map.of("all", List.of("*"), "1%", restricted).entrySet()) {
            for (String system : SearchBench.SYSTEMS) {
                double[] latency = bench.latencies(system, qs, scope.getValue());
                rows.add(SearchBench.row(scope.getKey(), system, latency,
                        bench.throughput(system, qs, scope.getValue(), 4),
                        bench.throughput(system, qs, scope.getValue(), 16)));
            }
        }
        rows.sort(java.util.Comparator.<Map<String, Object>, String>comparing(r -> (String) r.get("scope"))
                .thenComparing(SearchBench.order()));
        Map<String, Double> recall = bench.vectorRecall(qs, restricted);
        write(rows, recall, stored, restrictedChunks, loadSeconds);
        return true;
    }

    private void write(List<Map<String, Object>> rows, Map<String, Double> recall, long stored, long restrictedChunks,
            double loadSeconds) throws IOException {
        var os = ManagementFactory.getOperatingSystemMXBean();
        StringBuilder md = new StringBuilder("# Search benchmark\n\n");
        md.append(String.format(Locale.ROOT, "Corpus: %d chunks (seed %d) in libraries of Zipf-distributed sizes, "
                        + "loaded through `mnemo.ingest` with the local embedder in %.0f s; %d queries per system; the "
                        + "restricted caller reads the smallest libraries, %d chunks (~1%%). Machine: %d cores, Java "
                        + "%s, max heap %d MB, Neo4j 5.26 embedded with default heap and page cache. Command: "
                        + "`./mnemo bench --chunks %d --queries %d --seed %d`.%n%n",
                stored, seed, loadSeconds, queries, restrictedChunks, os.getAvailableProcessors(),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / (1024 * 1024), chunks, queries,
                seed));
        md.append("| scope | system | p50 ms | p95 ms | p99 ms | q/s at 4 | q/s at 16 |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.0f | %.0f |%n", r.get("scope"),
                    r.get("system"), r.get("p50_ms"), r.get("p95_ms"), r.get("p99_ms"), r.get("qps_c4"),
                    r.get("qps_c16")));
        }
        md.append(String.format(Locale.ROOT, "%nVector-leg recall@10 against exact search for the restricted caller: "
                + "Mnemo %.3f, client-side (top 50 from the index, then filtered) %.3f.%n", recall.get("mnemo"),
                recall.get("client")));
        md.append("""

                Systems: `mnemo` = one `mnemo.search` call (embedding, three legs and RRF in the database);
                `client` = the query's embedding, then vector, full-text and graph queries as separate round trips,
                each joined to its library and filtered, RRF in the client; `graphrag` = the hybrid query shape of
                neo4j-graphrag's HybridRetriever (neo4j_graphrag/neo4j_queries.py: vector and full-text top-k, each
                divided by its maximum score, UNION, max per node) plus the library filter, after the embedding
                round trip; `floor` = bare vector and full-text `queryNodes` with a precomputed vector and no joins.
                """);
        Files.createDirectories(out);
        Files.writeString(out.resolve("search.md"), md.toString());
        StringBuilder csv = new StringBuilder("scope,system,p50_ms,p95_ms,p99_ms,qps_c4,qps_c16\n");
        for (Map<String, Object> r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%.3f,%.3f,%.3f,%.1f,%.1f%n", r.get("scope"), r.get("system"),
                    r.get("p50_ms"), r.get("p95_ms"), r.get("p99_ms"), r.get("qps_c4"), r.get("qps_c16")));
        }
        Files.writeString(out.resolve("search.csv"), csv.toString());
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("chunks", stored);
        raw.put("restricted_chunks", restrictedChunks);
        raw.put("queries", queries);
        raw.put("seed", seed);
        raw.put("rows", rows);
        raw.put("vector_recall_at_10_restricted", recall);
        Files.writeString(out.resolve("search.json"), org.mnemo.gateway.rest.Json.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsString(raw));
        System.out.print(md);
    }
}
