package org.mnemo.bench;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mnemo.embedded.Credentials;
import org.mnemo.embedded.EmbeddedServer;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.config.GatewayConfig;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./mnemo bench}: the benchmark suites on an embedded Neo4j (fresh, or kept with {@code --data}) with the
 * gateway in front of it. {@code search}: Mnemo against client-side orchestration, the graphrag hybrid query and the
 * bare-index floor; {@code ingest}: ingest against the embedder alone and the bulk path against a bare UNWIND;
 * {@code quality}: nDCG@10 and recall@10 on the BEIR sets per leg and fused, against BM25 and exact dense retrieval.
 * Every run rewrites docs/benchmarks/README.md from the results present.
 */
@Command(
        name = "bench",
        description = "Benchmark suites (search | ingest | quality); writes tables, charts and raw "
                + "results under docs/benchmarks/ and regenerates its README.")
public final class BenchCommand implements Callable<Integer> {
    private static final String PASSWORD = "bench-password-only";

    /** Everything a suite needs to know about the run. */
    record Params(
            String suite,
            int chunks,
            int queries,
            int recallQueries,
            int repeats,
            long seed,
            String vectors,
            int loaders,
            Path out,
            Path eval,
            List<String> datasets,
            List<String> hnswSweep,
            String command) {}

    @Option(
            names = "--suite",
            defaultValue = "search",
            description = "search, ingest, quality, or report (only "
                    + "rewrite README.md and the charts from the results present) (default ${DEFAULT-VALUE}).")
    String suite;

    @Option(
            names = "--chunks",
            defaultValue = "10000",
            description = "Search corpus size in chunks (default " + "${DEFAULT-VALUE}).")
    int chunks;

    @Option(
            names = "--queries",
            defaultValue = "1000",
            description = "Queries per system and scope in the search suite (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(
            names = "--repeats",
            defaultValue = "3",
            description = "Repeats of each search measurement, rounds of each ingest size; results give the "
                    + "median and range (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(
            names = "--recall-queries",
            defaultValue = "100",
            description = "Queries scored against exact search " + "(default ${DEFAULT-VALUE}).")
    int recallQueries;

    @Option(names = "--seed", defaultValue = "42", description = "Corpus seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--vectors",
            defaultValue = "synthetic",
            description = "synthetic: clustered 384-d vectors "
                    + "through the bulk path; model: mnemo.ingest with the local embedder (default ${DEFAULT-VALUE}).")
    String vectors;

    @Option(
            names = "--loaders",
            defaultValue = "2",
            description = "Parallel loading calls (default " + "${DEFAULT-VALUE}).")
    int loaders;

    @Option(
            names = "--data",
            description = "Keep the database here and reuse a corpus loaded by an earlier run "
                    + "(default: a fresh temporary one).")
    Path data;

    @Option(
            names = "--hnsw-m",
            defaultValue = "0",
            description = "vector.hnsw.m of a new chunk vector index (0: " + "Neo4j's default).")
    int hnswM;

    @Option(
            names = "--hnsw-ef-construction",
            defaultValue = "0",
            description = "vector.hnsw.ef_construction of a " + "new chunk vector index (0: Neo4j's default).")
    int hnswEfConstruction;

    @Option(
            names = "--embedder",
            description = "mnemo.embedding.provider for this run: local (MiniLM) or bge-small "
                    + "(default: the plugin's); use a database of its own (--data) per embedder.")
    String embedder;

    @Option(
            names = "--fulltext-analyzer",
            description = "mnemo.search.fulltext_analyzer for this run (default: the "
                    + "plugin's); a kept database's full-text indexes are rebuilt when it differs.")
    String fulltextAnalyzer;

    @Option(
            names = "--hnsw-sweep",
            split = ",",
            description =
                    "After the search comparison, rebuild the chunk "
                            + "vector index with each m:ef_construction pair (e.g. 16:100,32:200) and measure build time and recall.")
    List<String> hnswSweep = List.of();

    @Option(names = "--eval", description = "BEIR sets directory (default ../shared/eval beside the project).")
    Path eval;

    @Option(
            names = "--datasets",
            split = ",",
            defaultValue = "msmarco-5k,dbpedia-5k",
            description = "BEIR sets of " + "the quality suite (default ${DEFAULT-VALUE}).")
    List<String> datasets;

    @Option(names = "--out", description = "Where results go (default docs/benchmarks).")
    Path out;

    @Option(names = "--plugins", description = "Plugin jars directory (default launcher/target/plugins).")
    Path plugins;

    /** The search suite against an existing database and gateway (the smoke test). */
    public static Map<String, Object> search(
            MnemoClient client, Driver driver, String gatewayUrl, String token, int chunks, int queries, Path out)
            throws Exception {
        Params p = new Params(
                "search",
                chunks,
                queries,
                queries,
                2,
                42,
                "synthetic",
                2,
                out,
                null,
                List.of(),
                List.of(),
                "BenchSmokeTest");
        try (GatewayClient gateway = new GatewayClient(gatewayUrl, token)) {
            Map<String, Object> raw = new SearchSuite(p, client, driver, gateway).run();
            Report.write(out);
            return raw;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!List.of("search", "ingest", "quality", "report").contains(suite)) {
            throw new IllegalArgumentException("--suite must be search, ingest, quality or report, got " + suite);
        }
        if (!List.of("synthetic", "model").contains(vectors)) {
            throw new IllegalArgumentException("--vectors must be synthetic or model, got " + vectors);
        }
        Path home = Path.of(System.getProperty("mnemo.home", ".")).toAbsolutePath();
        out = out != null ? out : home.resolve("docs/benchmarks");
        plugins = plugins != null ? plugins : home.resolve("launcher/target/plugins");
        eval = eval != null ? eval : home.resolve("../shared/eval").normalize();
        if ("report".equals(suite)) {
            Report.write(out);
            return 0;
        }
        Path dir = data != null ? data.toAbsolutePath() : Files.createTempDirectory("mnemo-bench");
        Files.createDirectories(dir);
        // HNSW settings reach the plugin through its own configuration file.
        Path conf = dir.resolve("mnemo.conf");
        Files.writeString(
                conf,
                (hnswM > 0 ? "mnemo.vector.hnsw.m=" + hnswM + "\n" : "")
                        + (hnswEfConstruction > 0
                                ? "mnemo.vector.hnsw.ef_construction=" + hnswEfConstruction + "\n"
                                : "")
                        + (fulltextAnalyzer != null ? "mnemo.search.fulltext_analyzer=" + fulltextAnalyzer + "\n" : "")
                        + (embedder != null ? "mnemo.embedding.provider=" + embedder + "\n" : ""));
        System.setProperty("mnemo.config", conf.toString());
        Params p = new Params(
                suite,
                chunks,
                queries,
                recallQueries,
                repeats,
                seed,
                vectors,
                loaders,
                out,
                eval,
                datasets,
                hnswSweep,
                commandLine());
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String token = Tokens.generate();
        try (EmbeddedServer server = EmbeddedServer.start(
                        new EmbeddedServer.Settings(dir, plugins.toAbsolutePath(), "127.0.0.1", port, PASSWORD));
                MnemoClient client = new MnemoClient(server.boltUri(), "neo4j", PASSWORD);
                Driver driver = GraphDatabase.driver(server.boltUri(), AuthTokens.basic("neo4j", PASSWORD));
                Gateway gw = Gateway.start(gatewayConfig(server.boltUri(), token, dir));
                GatewayClient gateway = new GatewayClient("http://127.0.0.1:" + gw.port(), token)) {
            switch (suite) {
                case "search" -> new SearchSuite(p, client, driver, gateway).run();
                case "ingest" -> new IngestSuite(p, client, gw.jobs()).run();
                case "quality" -> new QualitySuite(p, client).run();
                default -> throw new IllegalStateException(suite);
            }
        }
        Report.write(out);
        return 0;
    }

    private static GatewayConfig gatewayConfig(String boltUri, String adminToken, Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("MNEMO_HTTP_PORT", "0");
        env.put("MNEMO_NEO4J_URI", boltUri);
        env.put("MNEMO_NEO4J_PASSWORD", PASSWORD);
        env.put("MNEMO_ADMIN_TOKEN", adminToken);
        // The suites measure the engine at up to 16 concurrent callers of one token, not the rate limiter.
        env.put("MNEMO_RATE_LIMIT_PER_SECOND", "1000000");
        env.put("MNEMO_RATE_LIMIT_BURST", "1000000");
        return GatewayConfig.from(env).withSecretKey(Credentials.secretKey(dir));
    }

    private String commandLine() {
        StringBuilder command = new StringBuilder("./mnemo bench --suite ").append(suite);
        if ("search".equals(suite)) {
            command.append(" --chunks ").append(chunks).append(" --queries ").append(queries);
            if (recallQueries != 100) {
                command.append(" --recall-queries ").append(recallQueries);
            }
            if (!"synthetic".equals(vectors)) {
                command.append(" --vectors ").append(vectors);
            }
            if (hnswM > 0) {
                command.append(" --hnsw-m ").append(hnswM);
            }
            if (hnswEfConstruction > 0) {
                command.append(" --hnsw-ef-construction ").append(hnswEfConstruction);
            }
            if (!hnswSweep.isEmpty()) {
                command.append(" --hnsw-sweep ").append(String.join(",", hnswSweep));
            }
        }
        if (fulltextAnalyzer != null) {
            command.append(" --fulltext-analyzer ").append(fulltextAnalyzer);
        }
        if (embedder != null) {
            command.append(" --embedder ").append(embedder);
        }
        if ("quality".equals(suite)) {
            command.append(" --datasets ").append(String.join(",", datasets));
        }
        if (seed != 42) {
            command.append(" --seed ").append(seed);
        }
        String javaOpts = System.getenv("MNEMO_JAVA_OPTS");
        return javaOpts == null || javaOpts.isBlank()
                ? command.toString()
                : "MNEMO_JAVA_OPTS='" + javaOpts + "' " + command;
    }
}
