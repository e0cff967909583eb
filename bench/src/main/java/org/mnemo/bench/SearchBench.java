package org.mnemo.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * The ways of answering one hybrid query that the benchmark compares, over Bolt on the same database, each given
 * the query's vector (the embedding is the same work for all, measured by the ingest suite):
 * <ol>
 *   <li>{@code mnemo}: one {@code mnemo.search} call with its defaults (the vector and full-text legs and fusion
 *       inside the database; the concept leg, not a default, is timed alone as {@code mnemo:graph});
 *   <li>{@code client}: what a competent client writes without Mnemo — the same legs with Mnemo's per-leg top-k
 *       (vector 50, full-text 30), run concurrently on two sessions, each within the caller's
 *       libraries (the vector leg scores a scope of up to {@value #CLIENT_EXACT_SHARE}% exactly, so it reaches
 *       Mnemo's recall, and asks the index for 50 / share candidates above that; the full-text leg asks Lucene for
 *       30 / share hits), fused by RRF in the client;
 *   <li>{@code graphrag}: the query shape of neo4j-graphrag's HybridRetriever (vector and full-text in one Cypher,
 *       each normalised by its maximum score, UNION, max per node — neo4j_graphrag/neo4j_queries.py,
 *       get_search_query(SearchType.HYBRID)), plus the library filter a multi-tenant caller must add;
 *   <li>{@code floor}: exactly the index calls {@code mnemo.search} makes for the scope, with its k (the vector
 *       index with top_k x overfetch / share candidates, or the exact scan where Mnemo scans; Lucene with
 *       Mnemo's query and limit), returning the raw hits: no joins, no fusion.
 * </ol>
 * End to end, with the query's text embedded by Mnemo: {@code bolt} ({@code mnemo.search} over Bolt), {@code rest}
 * (the gateway's search route) and {@code mcp} (the gateway's MCP search tool). {@code mnemo:<leg>} runs one leg
 * of {@code mnemo.search} alone.
 */
final class SearchBench implements AutoCloseable {
    static final List<String> SYSTEMS = List.of("mnemo", "client", "graphrag", "floor");
    static final List<String> END_TO_END = List.of("bolt", "rest", "mcp");
    static final List<String> LEGS = List.of("mnemo:vector", "mnemo:fulltext", "mnemo:graph");
    static final int TOP = 10;
    /** Mnemo's defaults (mnemo.search's vector_top_k, fulltext_top_k; mnemo.search.*). */
    static final int VECTOR_TOP_K = 50;

    static final int FULLTEXT_TOP_K = 30;
    static final int OVERFETCH = 2;
    static final int EXACT_THRESHOLD = 1_000;
    static final int CLIENT_EXACT_SHARE = 5;
    private static final String SCOPE_JOIN = "MATCH (l:Library)-[:HAS_COLLECTION]->(:Collection)-[:HAS_ITEM]->"
            + "(:Item)-[:HAS_CHUNK]->(node) WHERE $all OR l.uid IN $libraries";

    /** One query with its embedding. */
    record Query(String text, List<Double> vector) {}

    /** The libraries a caller reads and how many chunks they hold. */
    record Scope(String name, List<String> libraries, long chunks) {
        boolean all() {
            return libraries.contains("*");
        }
    }

    private final Driver driver;
    private final GatewayClient gateway;
    private final long total;
    /** The client's legs run here, three at a time per query. */
    private final ExecutorService legs = Executors.newCachedThreadPool();

    SearchBench(Driver driver, GatewayClient gateway, long total) {
        this.driver = driver;
        this.gateway = gateway;
        this.total = total;
    }

    /** Runs one query through one system; returns the chunk uids it ranks first. */
    List<String> run(String system, Query query, Scope scope) {
        List<String> libraries = scope.libraries();
        if (system.startsWith("mnemo:")) {
            return mnemo(query, libraries, Map.of("search_types", List.of(system.substring("mnemo:".length()))));
        }
        return switch (system) {
            case "mnemo" -> mnemo(query, libraries, Map.of());
            case "bolt" -> mnemo(new Query(query.text(), null), libraries, Map.of());
            case "rest" -> gateway.rest(query.text(), TOP);
            case "mcp" -> gateway.mcp(query.text(), TOP);
            case "client" -> client(query, scope);
            default -> {
                try (Session session = driver.session()) {
                    yield switch (system) {
                        case "graphrag" -> graphrag(session, query, libraries, scope.all());
                        case "floor" -> floor(session, query, scope);
                        default -> throw new IllegalArgumentException(system);
                    };
                }
            }
        };
    }

    private List<String> mnemo(Query query, List<String> libraries, Map<String, Object> extra) {
        Map<String, Object> options = new HashMap<>(extra);
        options.put("libraries", libraries);
        options.put("limit", TOP);
        if (query.vector() != null) {
            options.put("query_vector", query.vector());
        }
        try (Session session = driver.session()) {
            return uids(session.run(
                            "CALL mnemo.search($q, $options) YIELD chunk_uid RETURN chunk_uid AS uid",
                            Map.of("q", query.text(), "options", options))
                    .list());
        }
    }

    /** The scope's share of all chunks, in (0, 1]. */
    private double share(Scope scope) {
        return scope.all() ? 1 : Math.max(1, scope.chunks()) / (double) Math.max(1, total);
    }

    /** The client's vector leg: exact over a small scope, else the index asked for 50 / share, then filtered. */
    private String clientVector(Scope scope) {
        return !scope.all() && share(scope) * 100 <= CLIENT_EXACT_SHARE
                ? "MATCH (node:Chunk) WITH node " + SCOPE_JOIN + " RETURN node.uid AS uid "
                        + "ORDER BY vector.similarity.cosine(node.embedding, $v) DESC LIMIT " + VECTOR_TOP_K
                : "CALL db.index.vector.queryNodes('mnemo_chunk_embedding', $vk, $v) YIELD node, score " + SCOPE_JOIN
                        + " RETURN node.uid AS uid ORDER BY score DESC LIMIT " + VECTOR_TOP_K;
    }

    private List<String> client(Query query, Scope scope) {
        Map<String, Object> params = new HashMap<>(Map.of(
                "libraries", scope.libraries(), "all", scope.all(), "v", query.vector(), "q", fulltext(query.text())));
        double share = share(scope);
        params.put("vk", (long) Math.ceil(VECTOR_TOP_K / share));
        params.put("fk", (long) Math.min(100_000, Math.ceil(FULLTEXT_TOP_K / share)));
        String vector = clientVector(scope);
        String text = "CALL db.index.fulltext.queryNodes('mnemo_chunk_text', $q, {limit: $fk}) YIELD node, score "
                + SCOPE_JOIN + " RETURN node.uid AS uid ORDER BY score DESC LIMIT " + FULLTEXT_TOP_K;
        List<CompletableFuture<List<String>>> lists = new ArrayList<>();
        for (String cypher : List.of(vector, text)) {
            lists.add(CompletableFuture.supplyAsync(
                    () -> {
                        try (Session session = driver.session()) {
                            return uids(session.run(cypher, params).list());
                        }
                    },
                    legs));
        }
        Map<String, Double> fused = new HashMap<>();
        for (CompletableFuture<List<String>> leg : lists) {
            List<String> hits = leg.join();
            for (int i = 0; i < hits.size(); i++) {
                fused.merge(hits.get(i), 1.0 / (60 + i + 1), Double::sum);
            }
        }
        return fused.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(TOP)
                .map(Map.Entry::getKey)
                .toList();
    }

    private List<String> graphrag(Session session, Query query, List<String> libraries, boolean all) {
        return uids(session.run(
                        """
                CALL () {
                    CALL db.index.vector.queryNodes('mnemo_chunk_embedding', $k, $v) YIELD node, score
                    WITH collect({node: node, score: score}) AS nodes, max(score) AS vector_index_max_score
                    UNWIND nodes AS n
                    RETURN n.node AS node, (n.score / vector_index_max_score) AS score
                    UNION
                    CALL db.index.fulltext.queryNodes('mnemo_chunk_text', $q, {limit: $k}) YIELD node, score
                    WITH collect({node: node, score: score}) AS nodes, max(score) AS ft_index_max_score
                    UNWIND nodes AS n
                    RETURN n.node AS node, (n.score / ft_index_max_score) AS score
                }
                WITH node, max(score) AS score
                """ + SCOPE_JOIN + " RETURN node.uid AS uid ORDER BY score DESC LIMIT $top",
                        Map.of(
                                "k",
                                50,
                                "v",
                                query.vector(),
                                "q",
                                fulltext(query.text()),
                                "libraries",
                                libraries,
                                "all",
                                all,
                                "top",
                                TOP))
                .list());
    }

    /**
     * Mnemo's own index calls for the scope (HybridSearch's vector and full-text legs at the default settings),
     * with nothing around them. The vector call is the exact scan where Mnemo scans (a small scope, or one the
     * index would have to be asked for more than a quarter of); the full-text call filters by library inside Lucene
     * as Mnemo does for a restricted scope (the library key is the uid's letters and digits).
     */
    private List<String> floor(Session session, Query query, Scope scope) {
        double share = share(scope);
        long k = Math.max(100, (long) Math.ceil(VECTOR_TOP_K * OVERFETCH / share));
        long inScope = scope.all() ? total : scope.chunks();
        List<String> hits = new ArrayList<>();
        if (inScope <= EXACT_THRESHOLD || k * 4 >= inScope) {
            hits.addAll(uids(session.run(
                            "MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item {embedding_status: "
                                    + "'completed'})-[:HAS_CHUNK]->(node) WHERE $all OR l.uid IN $libraries RETURN "
                                    + "node.uid AS uid ORDER BY vector.similarity.cosine(node.embedding, $v) DESC "
                                    + "LIMIT $top",
                            Map.of(
                                    "libraries",
                                    scope.libraries(),
                                    "all",
                                    scope.all(),
                                    "v",
                                    query.vector(),
                                    "top",
                                    VECTOR_TOP_K))
                    .list()));
        } else {
            hits.addAll(uids(session.run(
                            "CALL db.index.vector.queryNodes('mnemo_chunk_embedding', $k, $v) YIELD node "
                                    + "RETURN node.uid AS uid",
                            Map.of("k", k, "v", query.vector()))
                    .list()));
        }
        String lucene = "text:(" + fulltext(query.text()) + ")";
        if (!scope.all()) {
            lucene = "+" + lucene + " +library_key:("
                    + scope.libraries().stream()
                            .map(uid -> "l" + uid.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""))
                            .collect(Collectors.joining(" "))
                    + ")^0";
        }
        hits.addAll(uids(session.run(
                        "CALL db.index.fulltext.queryNodes('mnemo_chunk_text', $q, {limit: $k}) "
                                + "YIELD node RETURN node.uid AS uid",
                        Map.of("k", Math.max(FULLTEXT_TOP_K * 2, 100), "q", lucene))
                .list()));
        return hits;
    }

    /** The exact top 10 by cosine within the libraries (brute force in Cypher): the ground truth for recall. */
    List<List<String>> exact(List<Query> queries, Scope scope) {
        List<List<String>> exact = new ArrayList<>();
        try (Session session = driver.session()) {
            for (Query query : queries) {
                exact.add(uids(session.run(
                                "MATCH (node:Chunk) WITH node " + SCOPE_JOIN
                                        + " WITH node, vector.similarity.cosine(node.embedding, $v) AS s "
                                        + "RETURN node.uid AS uid ORDER BY s DESC LIMIT $top",
                                Map.of(
                                        "v",
                                        query.vector(),
                                        "libraries",
                                        scope.libraries(),
                                        "all",
                                        scope.all(),
                                        "top",
                                        TOP))
                        .list()));
            }
        }
        return exact;
    }

    /**
     * Recall@10 of the vector leg against exact search: Mnemo's ({@code mnemo.search} with only the vector leg) and
     * the client's (its vector query, top 10 of its 50).
     */
    Map<String, Double> vectorRecall(List<Query> queries, List<List<String>> exact, Scope scope) {
        double mnemo = 0;
        double client = 0;
        try (Session session = driver.session()) {
            for (int i = 0; i < queries.size(); i++) {
                Query query = queries.get(i);
                mnemo += overlap(exact.get(i), run("mnemo:vector", query, scope));
                List<String> clientHits = uids(session.run(
                                clientVector(scope),
                                Map.of(
                                        "v",
                                        query.vector(),
                                        "libraries",
                                        scope.libraries(),
                                        "all",
                                        scope.all(),
                                        "vk",
                                        (long) Math.ceil(VECTOR_TOP_K / share(scope))))
                        .list());
                client += overlap(exact.get(i), clientHits.subList(0, Math.min(TOP, clientHits.size())));
            }
        }
        return Map.of("mnemo", mnemo / queries.size(), "client", client / queries.size());
    }

    /**
     * Recall@10 and p50 latency of the bare HNSW index when asked for its top {@code k} (k = over-fetch × 10), and
     * recall@10 of the same candidates re-scored exactly with their stored vectors (what Mnemo's vector leg does).
     */
    double[] indexRecall(List<Query> queries, List<List<String>> exact, int k) {
        double recall = 0;
        double rescored = 0;
        double[] millis = new double[queries.size()];
        try (Session session = driver.session()) {
            for (int i = 0; i < queries.size(); i++) {
                Map<String, Object> params = Map.of("k", k, "v", queries.get(i).vector(), "top", TOP);
                long started = System.nanoTime();
                List<String> found = uids(session.run(
                                "CALL db.index.vector.queryNodes('mnemo_chunk_embedding', $k, "
                                        + "$v) YIELD node RETURN node.uid AS uid LIMIT $top",
                                params)
                        .list());
                millis[i] = (System.nanoTime() - started) / 1e6;
                recall += overlap(exact.get(i), found);
                rescored += overlap(
                        exact.get(i),
                        uids(session.run(
                                        "CALL db.index.vector.queryNodes("
                                                + "'mnemo_chunk_embedding', $k, $v) YIELD node RETURN node.uid AS uid ORDER BY "
                                                + "vector.similarity.cosine(node.embedding, $v) DESC LIMIT $top",
                                        params)
                                .list()));
            }
        }
        Arrays.sort(millis);
        return new double[] {recall / queries.size(), SearchSuite.percentile(millis, 50), rescored / queries.size()};
    }

    /** Queries per second with {@code threads} callers, each running the query list once. */
    double throughput(String system, List<Query> queries, Scope scope, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < queries.size(); i++) {
                        run(system, queries.get((i + offset) % queries.size()), scope);
                        done.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return done.get() / ((System.nanoTime() - started) / 1e9);
    }

    @Override
    public void close() {
        legs.shutdownNow();
    }

    List<Double> embed(Session session, String text) {
        return session.run("CALL mnemo.embed($t) YIELD embedding RETURN embedding", Map.of("t", text))
                .single()
                .get("embedding")
                .asList(v -> v.asDouble());
    }

    private static double overlap(List<String> exact, List<String> found) {
        return exact.isEmpty() ? 1 : found.stream().filter(exact::contains).count() / (double) exact.size();
    }

    private static List<String> uids(List<Record> records) {
        return records.stream().map(r -> r.get("uid").asString()).toList();
    }

    /** The query as Lucene terms (the same safe reduction Mnemo applies). */
    static String fulltext(String text) {
        return String.join(" ", terms(text));
    }

    static List<String> terms(String text) {
        return Arrays.stream(text.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(t -> !t.isBlank())
                .distinct()
                .toList();
    }
}
