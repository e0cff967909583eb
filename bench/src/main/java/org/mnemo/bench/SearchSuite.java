package org.mnemo.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.health.BuildInfo;
import org.mnemo.gateway.web.Json;
import org.neo4j.driver.Driver;

/**
 * The search comparison: loads the corpus, then runs the same queries through every system (interleaved query by
 * query in rotated order, repeated) for callers reading everything, ~25 %, ~5 %, ~1 % and one small library, measures
 * throughput at 4 and 16 callers, the gateway's end-to-end overhead, the vector leg's recall against exact search
 * and what the index's over-fetch costs; writes search-&lt;scale&gt;.md/.csv/.json and a PNG chart.
 */
final class SearchSuite {
    static final int[] OVERFETCH_K = {10, 20, 50, 100, 200, 400, 800};

    private final BenchCommand.Params p;
    private final MnemoClient client;
    private final Driver driver;
    private final GatewayClient gateway;

    SearchSuite(BenchCommand.Params p, MnemoClient client, Driver driver, GatewayClient gateway) {
        this.p = p;
        this.client = client;
        this.driver = driver;
        this.gateway = gateway;
    }

    static String scaleLabel(long chunks) {
        return chunks >= 1_000_000 && chunks % 1_000_000 == 0
                ? chunks / 1_000_000 + "m"
                : chunks >= 1000 && chunks % 1000 == 0 ? chunks / 1000 + "k" : String.valueOf(chunks);
    }

    Map<String, Object> run() throws Exception {
        Corpus corpus = corpus(p, 0);
        Loader.Loaded loaded = Loader.load(client, corpus, p);
        long stored = count("MATCH (c:Chunk) RETURN count(c) AS n");
        List<SearchBench.Scope> scopes = scopes(loaded, stored);
        SearchBench.Scope all = scopes.get(0);
        SearchBench.Scope restricted =
                scopes.stream().filter(s -> s.name().equals("1%")).findFirst().orElseThrow();
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Object> recall = new LinkedHashMap<>();
        List<Map<String, Object>> overfetch = new ArrayList<>();
        List<Map<String, Object>> hnsw = new ArrayList<>();
        int queryCount;
        int recallCount;
        int warmUp;
        Rows.CacheWarmed warmed;
        try (SearchBench bench = new SearchBench(driver, gateway, stored)) {
            List<SearchBench.Query> queries = queries(bench, corpus(p, 1));
            queryCount = queries.size();
            List<String> systems = new ArrayList<>(SearchBench.SYSTEMS);
            List<String> endToEnd = gateway == null ? List.of() : SearchBench.END_TO_END;
            // As a gateway does at its start: the plugin's search cache read before anything is measured.
            warmed = client.warmCache();
            warmUp = warmUp(bench, concat(systems, SearchBench.LEGS, endToEnd), queries, all);
            for (SearchBench.Scope scope : scopes) {
                Map<String, double[][]> latency = repeated(bench, systems, queries, scope, p.repeats());
                // Throughput where the targets need it: the whole corpus and the 1% caller.
                boolean qps = scope == all || scope == restricted;
                for (String system : systems) {
                    rows.add(row(
                            "compare",
                            scope.name(),
                            system,
                            latency.get(system),
                            qps ? bench.throughput(system, queries, scope, 4) : Double.NaN,
                            qps ? bench.throughput(system, queries, scope, 16) : Double.NaN));
                }
            }
            for (SearchBench.Scope scope : scopes) {
                Map<String, double[][]> legs = repeated(bench, SearchBench.LEGS, queries, scope, 1);
                for (String leg : SearchBench.LEGS) {
                    rows.add(row("legs", scope.name(), leg, legs.get(leg), Double.NaN, Double.NaN));
                }
            }
            if (!endToEnd.isEmpty()) {
                Map<String, double[][]> e2e = repeated(bench, endToEnd, queries, all, p.repeats());
                for (String system : endToEnd) {
                    rows.add(row(
                            "end_to_end",
                            "all",
                            system,
                            e2e.get(system),
                            bench.throughput(system, queries, all, 4),
                            bench.throughput(system, queries, all, 16)));
                }
            }

            List<SearchBench.Query> recallQueries = queries.subList(0, Math.min(queries.size(), p.recallQueries()));
            recallCount = recallQueries.size();
            List<List<String>> exactAll = null;
            for (SearchBench.Scope scope : scopes) {
                List<List<String>> exact = bench.exact(recallQueries, scope);
                exactAll = scope == all ? exact : exactAll;
                recall.put(scope.name(), bench.vectorRecall(recallQueries, exact, scope));
            }
            // The names the report reads (the 1% caller is "restricted").
            recall.put("restricted", recall.get(restricted.name()));
            for (int k : OVERFETCH_K) {
                double[] r = bench.indexRecall(recallQueries, exactAll, k);
                overfetch.add(Map.of("k", k, "recall_at_10", r[0], "p50_ms", r[1], "rescored_recall_at_10", r[2]));
            }
            for (String config : p.hnswSweep()) {
                hnsw.add(hnswConfig(bench, recallQueries, exactAll, config));
            }
        }
        if (!hnsw.isEmpty()) {
            // Back to the index mnemo.schema.apply made (Neo4j's defaults unless mnemo.conf says otherwise).
            rebuildIndex(null, null);
        }
        List<Map<String, Object>> scopeRows = scopes.stream()
                .map(s -> Map.<String, Object>of(
                        "scope",
                        s.name(),
                        "libraries",
                        s.all() ? loaded.libraries().size() : s.libraries().size(),
                        "chunks",
                        s.chunks()))
                .toList();

        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("scale", scaleLabel(p.chunks()));
        raw.put("chunks", stored);
        raw.put("vectors", p.vectors());
        raw.put("libraries", loaded.libraries().size());
        raw.put("restricted_chunks", restricted.chunks());
        raw.put("restricted_libraries", restricted.libraries().size());
        raw.put("scopes", scopeRows);
        raw.put("queries", queryCount);
        raw.put("repeats", p.repeats());
        raw.put("warm_up_queries", warmUp);
        raw.put(
                "cache_warm",
                Map.of(
                        "chunks_read", warmed.chunks(),
                        "vectors_held", warmed.entries(),
                        "bytes", warmed.bytes(),
                        "budget_bytes", warmed.budget_bytes(),
                        "full", warmed.full()));
        raw.put("recall_queries", recallCount);
        raw.put("seed", p.seed());
        raw.put("load_seconds", loaded.seconds());
        raw.put("load_reused", loaded.reused());
        raw.put("load_chunks_per_second", loaded.reused() ? null : stored / loaded.seconds());
        raw.put(
                "vector_index",
                client.row(
                                MnemoClient.Mode.READ,
                                "SHOW INDEXES YIELD name, options WHERE name = "
                                        + "'mnemo_chunk_embedding' RETURN options",
                                Map.of())
                        .get("options"));
        raw.put("machine", Machine.describe(client).json());
        raw.put("command", p.command());
        raw.put("code_version", BuildInfo.describe().get("build_sha"));
        raw.put("rows", rows);
        raw.put("vector_recall_at_10", recall);
        raw.put("index_overfetch", overfetch);
        raw.put("hnsw_sweep", hnsw);
        write(raw, rows);
        return raw;
    }

    /** Rebuilds the chunk vector index with HNSW "m:ef_construction" and measures build time and recall per k. */
    private Map<String, Object> hnswConfig(
            SearchBench bench, List<SearchBench.Query> queries, List<List<String>> exact, String config) {
        String[] parts = config.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--hnsw-sweep takes m:ef_construction pairs, got " + config);
        }
        int m = Integer.parseInt(parts[0].strip());
        int ef = Integer.parseInt(parts[1].strip());
        double seconds = rebuildIndex(m, ef);
        List<Map<String, Object>> byK = new ArrayList<>();
        for (int k : OVERFETCH_K) {
            double[] r = bench.indexRecall(queries, exact, k);
            byK.add(Map.of("k", k, "recall_at_10", r[0], "p50_ms", r[1], "rescored_recall_at_10", r[2]));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("m", m);
        result.put("ef_construction", ef);
        result.put("build_seconds", seconds);
        result.put("by_k", byK);
        System.err.println("hnsw: " + result);
        return result;
    }

    /** Drops and recreates the chunk vector index (null settings: the plugin's own) and waits until it is online. */
    private double rebuildIndex(Integer m, Integer ef) {
        client.rows(MnemoClient.Mode.AUTO_COMMIT, "DROP INDEX mnemo_chunk_embedding IF EXISTS", Map.of());
        long started = System.nanoTime();
        if (m == null) {
            client.applySchema();
        } else {
            client.rows(
                    MnemoClient.Mode.AUTO_COMMIT,
                    "CREATE VECTOR INDEX mnemo_chunk_embedding FOR (n:Chunk) ON "
                            + "(n.embedding) OPTIONS {indexConfig: {`vector.dimensions`: " + Corpus.DIMENSION
                            + ", `vector.similarity_function`: 'cosine', `vector.hnsw.m`: " + m
                            + ", `vector.hnsw.ef_construction`: " + ef + "}}",
                    Map.of());
        }
        client.rows(MnemoClient.Mode.AUTO_COMMIT, "CALL db.awaitIndex('mnemo_chunk_embedding', 86400)", Map.of());
        return (System.nanoTime() - started) / 1e9;
    }

    static Corpus corpus(BenchCommand.Params p, int stream) {
        return new Corpus(p.seed(), stream, 4000, Math.max(50, p.chunks() / 40), Math.max(16, p.chunks() / 1000));
    }

    private List<SearchBench.Query> queries(SearchBench bench, Corpus queryCorpus) {
        List<SearchBench.Query> queries = new ArrayList<>();
        try (var session = driver.session()) {
            for (int i = 0; i < p.queries(); i++) {
                Corpus.Query q = queryCorpus.query();
                queries.add(new SearchBench.Query(
                        q.text(),
                        "synthetic".equals(p.vectors())
                                ? queryCorpus.vector(q.concept())
                                : bench.embed(session, q.text())));
            }
        }
        return queries;
    }

    /**
     * The caller scopes: everything, the smallest libraries until about 25 %, 5 % and 1 % of the chunks, and the
     * single smallest library.
     */
    static List<SearchBench.Scope> scopes(Loader.Loaded loaded, long stored) {
        List<SearchBench.Scope> scopes = new ArrayList<>();
        scopes.add(new SearchBench.Scope("all", List.of("*"), stored));
        for (int share : new int[] {25, 5, 1}) {
            List<String> libraries = new ArrayList<>();
            long chunks = 0;
            for (int lib = loaded.sizes().length - 1; lib >= 0 && chunks < Math.max(1, stored * share / 100); lib--) {
                libraries.add(loaded.libraries().get(lib));
                chunks += loaded.sizes()[lib];
            }
            scopes.add(new SearchBench.Scope(share + "%", libraries, chunks));
        }
        int smallest = loaded.sizes().length - 1;
        scopes.add(new SearchBench.Scope("small", List.of(loaded.libraries().get(smallest)), loaded.sizes()[smallest]));
        return scopes;
    }

    /**
     * Warms every path up (JIT, page cache, query plans) in rounds of up to 50 queries until the summed p50 of a
     * round is within 10 % of the round before (at most 10 rounds); returns how many queries each path ran.
     */
    static int warmUp(
            SearchBench bench, List<String> systems, List<SearchBench.Query> queries, SearchBench.Scope scope) {
        int round = Math.min(50, queries.size());
        double previous = Double.NaN;
        for (int r = 1; r <= 10; r++) {
            Map<String, double[]> latency = latencies(bench, systems, queries.subList(0, round), scope);
            double sum = latency.values().stream().mapToDouble(l -> l[0]).sum();
            if (Math.abs(sum - previous) <= 0.1 * previous) {
                return r * round;
            }
            previous = sum;
        }
        return 10 * round;
    }

    /** p50/p95/p99 (ms) per repeat of each system: [repeat][percentile]. */
    static Map<String, double[][]> repeated(
            SearchBench bench,
            List<String> systems,
            List<SearchBench.Query> queries,
            SearchBench.Scope scope,
            int repeats) {
        Map<String, double[][]> all = new LinkedHashMap<>();
        systems.forEach(system -> all.put(system, new double[repeats][]));
        for (int r = 0; r < repeats; r++) {
            Map<String, double[]> latency = latencies(bench, systems, queries, scope);
            for (String system : systems) {
                all.get(system)[r] = latency.get(system);
            }
        }
        return all;
    }

    /**
     * p50/p95/p99 (ms) of each system at concurrency 1, interleaved query by query with the systems' order rotated
     * from one query to the next, so that drift and caches favour none of them.
     */
    static Map<String, double[]> latencies(
            SearchBench bench, List<String> systems, List<SearchBench.Query> queries, SearchBench.Scope scope) {
        Map<String, double[]> millis = new LinkedHashMap<>();
        systems.forEach(s -> millis.put(s, new double[queries.size()]));
        for (int i = 0; i < queries.size(); i++) {
            for (int j = 0; j < systems.size(); j++) {
                String system = systems.get((i + j) % systems.size());
                long started = System.nanoTime();
                bench.run(system, queries.get(i), scope);
                millis.get(system)[i] = (System.nanoTime() - started) / 1e6;
            }
        }
        Map<String, double[]> percentiles = new LinkedHashMap<>();
        millis.forEach((system, values) -> {
            Arrays.sort(values);
            percentiles.put(
                    system, new double[] {percentile(values, 50), percentile(values, 95), percentile(values, 99)});
        });
        return percentiles;
    }

    static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** One result row: each percentile the median of the repeats, p50 and p95 with their range. */
    private static Map<String, Object> row(
            String part, String scope, String system, double[][] repeats, double qps4, double qps16) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("part", part);
        row.put("scope", scope);
        row.put("system", system);
        String[] names = {"p50", "p95", "p99"};
        for (int i = 0; i < names.length; i++) {
            double[] values = new double[repeats.length];
            for (int r = 0; r < repeats.length; r++) {
                values[r] = repeats[r][i];
            }
            Arrays.sort(values);
            int n = values.length;
            row.put(names[i] + "_ms", n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2);
            if (i < 2) {
                row.put(names[i] + "_min_ms", values[0]);
                row.put(names[i] + "_max_ms", values[values.length - 1]);
            }
        }
        row.put("qps_c4", Double.isNaN(qps4) ? null : qps4);
        row.put("qps_c16", Double.isNaN(qps16) ? null : qps16);
        return row;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    /** The warming's result in words (absent from result files written before it existed). */
    private static String cacheWarm(Map<String, Object> warm) {
        if (warm == null) {
            return "not recorded";
        }
        return String.format(
                Locale.ROOT,
                "%,d vectors held in %,d of %,d MB%s",
                ((Number) warm.get("vectors_held")).longValue(),
                ((Number) warm.get("bytes")).longValue() >> 20,
                ((Number) warm.get("budget_bytes")).longValue() >> 20,
                Boolean.TRUE.equals(warm.get("full")) ? ", full" : "");
    }

    private long count(String cypher) {
        return ((Number) client.row(MnemoClient.Mode.READ, cypher, Map.of()).get("n")).longValue();
    }

    @SuppressWarnings("unchecked")
    private void write(Map<String, Object> raw, List<Map<String, Object>> rows) throws Exception {
        String scale = (String) raw.get("scale");
        StringBuilder md = new StringBuilder("# Search benchmark, " + scale + " chunks\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Corpus: %,d chunks (seed %d, vectors: %s) in %d libraries of "
                        + "Zipf-distributed sizes, %s; %d queries per system and scope, %d repeats after a warm-up of "
                        + "%d queries per path (until a round's p50 settles), systems interleaved per query in rotated "
                        + "order; every latency is the median of the repeats, p50 and p95 with their range "
                        + "[min–max]; before them, Mnemo's search cache was warmed (`mnemo.cache.warm()`, as a "
                        + "gateway does at its start): %s. Scopes: %s. %s Vector index: %s. Command: `%s`, code %s.%n%n",
                raw.get("chunks"),
                p.seed(),
                p.vectors(),
                raw.get("libraries"),
                Boolean.TRUE.equals(raw.get("load_reused"))
                        ? "loaded earlier into the kept database"
                        : String.format(
                                Locale.ROOT,
                                "loaded in %.0f s (%.0f chunks/s)",
                                raw.get("load_seconds"),
                                raw.get("load_chunks_per_second")),
                raw.get("queries"),
                raw.get("repeats"),
                raw.get("warm_up_queries"),
                cacheWarm((Map<String, Object>) raw.get("cache_warm")),
                ((List<Map<String, Object>>) raw.get("scopes"))
                        .stream()
                                .map(sc -> String.format(
                                        Locale.ROOT,
                                        "%s (%s of the libraries, %,d chunks)",
                                        sc.get("scope"),
                                        sc.get("libraries"),
                                        ((Number) sc.get("chunks")).longValue()))
                                .collect(java.util.stream.Collectors.joining(", ")),
                Machine.describe(client).markdown(),
                raw.get("vector_index"),
                p.command(),
                raw.get("code_version")));
        md.append("| part | scope | system | p50 ms | p95 ms | p99 ms | q/s at 4 | q/s at 16 |\n"
                + "|---|---|---|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : rows) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %.1f [%.1f–%.1f] | %.1f [%.1f–%.1f] | %.1f | %s | %s |%n",
                    r.get("part"),
                    r.get("scope"),
                    r.get("system"),
                    r.get("p50_ms"),
                    r.get("p50_min_ms"),
                    r.get("p50_max_ms"),
                    r.get("p95_ms"),
                    r.get("p95_min_ms"),
                    r.get("p95_max_ms"),
                    r.get("p99_ms"),
                    qps(r.get("qps_c4")),
                    qps(r.get("qps_c16"))));
        }
        Map<String, Map<String, Double>> recall = (Map<String, Map<String, Double>>) raw.get("vector_recall_at_10");
        md.append(String.format(
                Locale.ROOT,
                "%nVector-leg recall@10 against exact search over the scope (%d queries):%n%n"
                        + "| scope | Mnemo | client |%n|---|---:|---:|%n",
                raw.get("recall_queries")));
        for (Map<String, Object> sc : (List<Map<String, Object>>) raw.get("scopes")) {
            Map<String, Double> r = recall.get((String) sc.get("scope"));
            md.append(String.format(
                    Locale.ROOT, "| %s | %.3f | %.3f |%n", sc.get("scope"), r.get("mnemo"), r.get("client")));
        }
        md.append("\n");
        md.append("Bare HNSW index, unrestricted: recall@10 when asking for the top k (over-fetch k/10), as the index "
                + "ranks them and re-scored exactly with the stored vectors\n\n"
                + "| k | recall@10 | re-scored recall@10 | p50 ms (index call) |\n|---:|---:|---:|---:|\n");
        for (Map<String, Object> o : (List<Map<String, Object>>) raw.get("index_overfetch")) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %.3f | %.3f | %.1f |%n",
                    o.get("k"),
                    o.get("recall_at_10"),
                    o.get("rescored_recall_at_10"),
                    o.get("p50_ms")));
        }
        for (Map<String, Object> h : (List<Map<String, Object>>) raw.get("hnsw_sweep")) {
            md.append(String.format(
                    Locale.ROOT,
                    "%nHNSW m = %d, ef_construction = %d: index built in %.0f s%n%n"
                            + "| k | recall@10 | re-scored recall@10 | p50 ms (index call) |%n|---:|---:|---:|---:|%n",
                    h.get("m"),
                    h.get("ef_construction"),
                    h.get("build_seconds")));
            for (Map<String, Object> o : (List<Map<String, Object>>) h.get("by_k")) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %d | %.3f | %.3f | %.1f |%n",
                        o.get("k"),
                        o.get("recall_at_10"),
                        o.get("rescored_recall_at_10"),
                        o.get("p50_ms")));
            }
        }
        md.append("""

                Parts: `compare` = the four systems, each given the query's vector: `mnemo` = one `mnemo.search` call
                (its default legs, vector and full-text, and fusion in the database); `client` = what a competent
                client writes: the same two legs with Mnemo's per-leg top-k (50, 30) on two sessions at once, each
                within the caller's
                libraries (vector: exact over a scope of up to 5 %, else the index asked for 50 / share; full-text:
                Lucene asked for 30 / share hits), RRF in the client; `graphrag` = the hybrid query shape of
                neo4j-graphrag's HybridRetriever (neo4j_graphrag/neo4j_queries.py: vector and full-text top-k, each
                divided by its maximum score, UNION, max per node) plus the library filter; `floor` = exactly the
                index calls `mnemo.search` makes for the scope with its k (or its exact scan), raw hits, no joins or
                fusion. `legs` = one leg of `mnemo.search` alone, in each scope (one repeat). `end_to_end` = the
                query's text (embedded by Mnemo's local model) through `mnemo.search` over Bolt, the gateway's REST
                search route and its MCP search tool (bearer token, scope resolution, JSON).
                """);
        Files.createDirectories(p.out());
        Files.writeString(p.out().resolve("search-" + scale + ".md"), md.toString());
        StringBuilder csv = new StringBuilder("part,scope,system,p50_ms,p95_ms,p99_ms,qps_c4,qps_c16\n");
        for (Map<String, Object> r : rows) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%s,%.3f,%.3f,%.3f,%s,%s%n",
                    r.get("part"),
                    r.get("scope"),
                    r.get("system"),
                    r.get("p50_ms"),
                    r.get("p95_ms"),
                    r.get("p99_ms"),
                    qps(r.get("qps_c4")),
                    qps(r.get("qps_c16"))));
        }
        Files.writeString(p.out().resolve("search-" + scale + ".csv"), csv.toString());
        Files.writeString(
                p.out().resolve("search-" + scale + ".json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(raw));
        System.out.print(md);
    }

    private static String qps(Object value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.0f", ((Number) value).doubleValue());
    }
}
