package org.mnemo.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;

/**
 * Not a test: the measurement behind the vector leg's choice of path for a restricted scope, on the Neo4j version the
 * harness runs (so it can compare 5.26 and 2026.x). Runs only when asked:
 * {@code mvn -pl procedures,harness-tests verify -DskipITs -Dtest=VectorPathBench -Dmnemo.bench.out=docs/benchmarks
 * [-Dmnemo.bench.chunks=100000] [-Dneo4j.version=2026.08.1 with JAVA_HOME on a JDK 21+]}. Writes
 * vector-paths-&lt;neo4j version&gt;.md: per scope share, p50 per path (median and range of 3 repeats, paths
 * interleaved per query in rotated order after a warm-up) and recall@10 against the exact top 10.
 */
@EnabledIfSystemProperty(named = "mnemo.bench.out", matches = ".+")
class VectorPathBench {
    static final int K = 10;
    static final int LIBRARIES = 100;
    static final int QUERIES = 200;
    static final int REPEATS = 3;
    static final int WARM_UP = 50;
    private static final String SCOPED_CHUNKS = """
            MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item {embedding_status: 'completed'})
                  -[:HAS_CHUNK]->(c:Chunk) WHERE l.uid IN $libs""";

    private GraphDatabaseService db;

    private List<String> uids(String cypher, Map<String, Object> params) {
        return TestDatabase.call(db, cypher, params).stream()
                .map(r -> (String) r.get("uid"))
                .toList();
    }

    @Test
    void measure() throws IOException {
        int chunks = Integer.getInteger("mnemo.bench.chunks", 100_000);
        try (Neo4j neo4j = TestDatabase.builder().build()) {
            db = neo4j.defaultDatabaseService();
            TestDatabase.call(db, "CALL mnemo.schema.apply()", Map.of());
            ClusteredVectors vectors = new ClusteredVectors(11, 500);
            List<String> libraries = new ArrayList<>();
            long loadStarted = System.nanoTime();
            for (int l = 0; l < LIBRARIES; l++) {
                libraries.add((String) TestDatabase.call(
                                db,
                                "CALL mnemo.library.create($n, 'technical') YIELD uid " + "RETURN uid",
                                Map.of("n", "lib-" + l))
                        .get(0)
                        .get("uid"));
                for (int done = 0; done < chunks / LIBRARIES; done += 1000) {
                    List<Map<String, Object>> batch = new ArrayList<>();
                    for (int i = 0; i < Math.min(1000, chunks / LIBRARIES - done); i++) {
                        batch.add(Map.of("text", "c" + l + "-" + done + "-" + i, "embedding", vectors.next()));
                    }
                    TestDatabase.call(
                            db,
                            "CALL mnemo.ingest.chunks($lib, $chunks, {title: $t}, " + "{extract_concepts: false})",
                            Map.of("lib", libraries.get(l), "chunks", batch, "t", "part " + done));
                }
            }
            double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
            TestDatabase.call(db, "CALL db.awaitIndexes(3600)", Map.of());
            String version = (String) TestDatabase.call(
                            db, "CALL dbms.components() YIELD versions " + "RETURN versions[0] AS v", Map.of())
                    .get(0)
                    .get("v");
            boolean filterable = !TestDatabase.call(
                            db,
                            "SHOW VECTOR INDEXES YIELD name, properties WHERE name = "
                                    + "'mnemo_chunk_embedding' AND 'library_key' IN properties RETURN name",
                            Map.of())
                    .isEmpty();
            List<List<Double>> queries = new ArrayList<>();
            for (int q = 0; q < QUERIES; q++) {
                queries.add(vectors.next());
            }

            Map<String, BiFunction<List<Double>, List<String>, List<String>>> paths = new LinkedHashMap<>();
            paths.put(
                    "mnemo.search (vector leg)",
                    (v, libs) -> uids(
                            "CALL mnemo.search('q', {libraries: $libs, "
                                    + "query_vector: $v, search_types: ['vector'], vector_top_k: $k, limit: $k}) "
                                    + "YIELD chunk_uid RETURN chunk_uid AS uid",
                            Map.of("libs", libs, "v", v, "k", K)));
            paths.put(
                    "exact scan",
                    (v, libs) -> uids(
                            SCOPED_CHUNKS + " RETURN c.uid AS uid "
                                    + "ORDER BY vector.similarity.cosine(c.embedding, $v) DESC LIMIT $k",
                            Map.of("libs", libs, "v", v, "k", K)));
            paths.put(
                    "index then filter (k = 20 / share)",
                    (v, libs) -> uids(
                            """
                    CALL db.index.vector.queryNodes('mnemo_chunk_embedding', $n, $v) YIELD node AS c, score
                    MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item {embedding_status: 'completed'})
                          -[:HAS_CHUNK]->(c) WHERE l.uid IN $libs
                    RETURN c.uid AS uid ORDER BY score DESC LIMIT $k""",
                            Map.of("libs", libs, "v", v, "k", K, "n", Math.max(100, 20 * LIBRARIES / libs.size()))));
            if (filterable) {
                paths.put(
                        "in-index filter (SEARCH, k = 100)",
                        (v, libs) -> uids(
                                "CYPHER 25 MATCH (c:Chunk) SEARCH c "
                                        + "IN (VECTOR INDEX mnemo_chunk_embedding FOR $v WHERE c.library_key IN $keys LIMIT 100) "
                                        + "SCORE AS s RETURN c.uid AS uid ORDER BY s DESC LIMIT $k",
                                Map.of(
                                        "v",
                                        v,
                                        "keys",
                                        libs.stream()
                                                .map(u -> "l" + u.replace("-", ""))
                                                .toList(),
                                        "k",
                                        K)));
            }

            StringBuilder md = new StringBuilder(String.format(
                    Locale.ROOT,
                    "# Vector leg paths for a restricted scope, "
                            + "Neo4j %s%n%n%,d chunks (clustered 384-d vectors, %d libraries of equal size, loaded in %.0f s "
                            + "through mnemo.ingest.chunks); %d queries per path and scope, %d repeats after %d warm-up "
                            + "queries, paths interleaved per query in rotated order; p50 in ms as median [min–max] of the "
                            + "repeats; recall@10 against the exact scan. Command: `%s`. Machine: %s, %d cores; %s %s.%n%n"
                            + "| scope | path | p50 ms | recall@10 |%n|---|---|---:|---:|%n",
                    version,
                    chunks,
                    LIBRARIES,
                    loadSeconds,
                    QUERIES,
                    REPEATS,
                    WARM_UP,
                    System.getProperty(
                            "mnemo.bench.command",
                            "mvn -pl procedures,harness-tests verify -DskipITs -Dtest=VectorPathBench "
                                    + "-Dmnemo.bench.out=docs/benchmarks"),
                    cpu(),
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name"),
                    System.getProperty("java.version")));
            for (int share : List.of(1, 5, 25)) {
                List<String> scope = libraries.subList(0, LIBRARIES * share / 100);
                List<String> names = new ArrayList<>(paths.keySet());
                for (int q = 0; q < WARM_UP; q++) {
                    for (String name : names) {
                        paths.get(name).apply(queries.get(q), scope);
                    }
                }
                Map<String, double[]> p50s = new LinkedHashMap<>();
                Map<String, Double> recall = new LinkedHashMap<>();
                names.forEach(n -> p50s.put(n, new double[REPEATS]));
                for (int r = 0; r < REPEATS; r++) {
                    Map<String, double[]> millis = new LinkedHashMap<>();
                    names.forEach(n -> millis.put(n, new double[QUERIES]));
                    for (int q = 0; q < QUERIES; q++) {
                        List<String> truth = r == 0 ? paths.get("exact scan").apply(queries.get(q), scope) : null;
                        for (int i = 0; i < names.size(); i++) {
                            String name = names.get((q + i) % names.size());
                            long started = System.nanoTime();
                            List<String> found = paths.get(name).apply(queries.get(q), scope);
                            millis.get(name)[q] = (System.nanoTime() - started) / 1e6;
                            if (truth != null) {
                                Set<String> hit = new HashSet<>(found);
                                hit.retainAll(truth);
                                recall.merge(name, hit.size() / (double) K / QUERIES, Double::sum);
                            }
                        }
                    }
                    for (String name : names) {
                        double[] values = millis.get(name);
                        Arrays.sort(values);
                        p50s.get(name)[r] = values[values.length / 2];
                    }
                }
                for (String name : names) {
                    double[] p = p50s.get(name).clone();
                    Arrays.sort(p);
                    md.append(String.format(
                            Locale.ROOT,
                            "| %d%% | %s | %.1f [%.1f–%.1f] | %.3f |%n",
                            share,
                            name,
                            p[p.length / 2],
                            p[0],
                            p[p.length - 1],
                            recall.get(name)));
                }
            }
            Path out = Path.of(System.getProperty("mnemo.bench.out"));
            Files.createDirectories(out);
            Files.writeString(out.resolve("vector-paths-" + version + ".md"), md.toString());
            System.out.print(md);
        }
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
