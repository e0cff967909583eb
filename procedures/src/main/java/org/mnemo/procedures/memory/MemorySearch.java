package org.mnemo.procedures.memory;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mnemo.procedures.concept.Keyphrases;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.metrics.PluginMetrics;
import org.mnemo.procedures.namespace.Namespaces;
import org.mnemo.procedures.schema.Schema;
import org.mnemo.procedures.search.FulltextQuery;
import org.mnemo.procedures.search.Fusion;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Searching memories: vector, full-text and concept legs over the active, unexpired memories of the namespaces the
 * caller may read, fused by the same {@link Fusion} as document search.
 */
public final class MemorySearch {
    private static final int CONCEPTS_PER_QUERY = 8;
    private static final int LEG_TOP_K = 50;
    private static final int RRF_K = 60;
    /**
     * Default fusion, chosen on LoCoMo (docs/benchmarks/locomo-memory.md: chosen on half of the conversations,
     * checked on the other): a convex combination of vector and full-text scores, equal weights. Chat turns are
     * short, so exact words matter as much as meaning; RRF fell below the full-text leg alone. The concept leg
     * (YAKE keyphrases of a chat turn) did not help at any weight tried, so it does not count by default.
     */
    public static final Map<String, Double> DEFAULT_WEIGHTS =
            Map.of(Fusion.VECTOR, 1.0, Fusion.FULLTEXT, 1.0, Fusion.GRAPH, 0.0);

    public static final Fusion.Method DEFAULT_FUSION = Fusion.Method.CONVEX;

    /** How a memory search fuses its legs: the method and a weight per leg. */
    public record Fusing(Fusion.Method method, Map<String, Double> weights) {
        public static final Fusing DEFAULT = new Fusing(DEFAULT_FUSION, DEFAULT_WEIGHTS);
    }

    /** A search hit; {@code content} of org: memories carries the delimiter prefix. */
    public record Found(
            String id,
            String namespace,
            String kind,
            String content,
            List<String> tags,
            String source,
            Double confidence,
            ZonedDateTime created_at,
            ZonedDateTime expires_at,
            double score,
            List<String> sources,
            Map<String, Long> ranks) {}

    private final Transaction tx;
    private final Embedder embedder;

    public MemorySearch(Transaction tx, Embedder embedder) {
        this.tx = tx;
        this.embedder = embedder;
    }

    /**
     * Hybrid search over the active, unexpired memories of the requested namespaces that the caller may read
     * (all readable ones when none are requested); vector, full-text and concept legs fused as {@code fusing} says.
     */
    public List<Found> search(
            Namespaces.Resolution caller,
            String query,
            List<String> requested,
            List<String> kinds,
            int limit,
            List<String> legs,
            Fusing fusing) {
        List<String> namespaces = requested == null || requested.isEmpty()
                ? caller.readable()
                : requested.stream()
                        .filter(caller.readable()::contains)
                        .distinct()
                        .toList();
        if (namespaces.isEmpty()) {
            return List.of();
        }
        Map<String, Object> params = new HashMap<>();
        params.put("namespaces", namespaces);
        params.put("kinds", kinds == null || kinds.isEmpty() ? null : kinds);
        Map<String, List<Fusion.Ranked<Node>>> legLists = new LinkedHashMap<>();
        long started = System.nanoTime();
        if (legs.contains(Fusion.VECTOR)) {
            legLists.put(Fusion.VECTOR, vectorLeg(query, params));
            started = timed(Fusion.VECTOR, started);
        }
        List<String> terms = FulltextQuery.terms(query);
        if (!terms.isEmpty() && legs.contains(Fusion.FULLTEXT)) {
            params.put("query", FulltextQuery.of(terms));
            params.put("index", Schema.MEMORY_FULLTEXT);
            legLists.put(Fusion.FULLTEXT, rows(String.format(Locale.ROOT, """
                    CALL db.index.fulltext.queryNodes($index, $query) YIELD node, score
                    WITH node AS m, score WHERE %s
                    RETURN m, score ORDER BY score DESC LIMIT %d""", VISIBLE, LEG_TOP_K), params));
            started = timed(Fusion.FULLTEXT, started);
        }
        if (!terms.isEmpty() && legs.contains(Fusion.GRAPH)) {
            params.put(
                    "keys",
                    Keyphrases.extract(query, CONCEPTS_PER_QUERY).stream()
                            .map(k -> k.name().toLowerCase(Locale.ROOT))
                            .toList());
            legLists.put(
                    Fusion.GRAPH, rows(String.format(Locale.ROOT, """
                    MATCH (c:Concept) WHERE c.name_key IN $keys OR c.name_key IN $terms
                    MATCH (m:Memory)-[:MENTIONS]->(c) WHERE %s
                    WITH m, count(DISTINCT c) AS matched ORDER BY matched DESC, m.created_at DESC
                    RETURN m, matched AS score LIMIT %d""", VISIBLE, LEG_TOP_K), withTerms(params, terms)));
            started = timed(Fusion.GRAPH, started);
        }
        // The same fusion as document search; memories are keyed by node (ids repeat across namespaces).
        Map<Node, Map<String, Long>> ranks = new HashMap<>();
        legLists.forEach((leg, list) -> {
            for (int i = 0; i < list.size(); i++) {
                ranks.computeIfAbsent(list.get(i).key(), k -> new LinkedHashMap<>())
                        .put(leg, (long) i + 1);
            }
        });
        List<Found> found = new ArrayList<>();
        Fusion.fuse(fusing.method(), legLists, fusing.weights(), RRF_K)
                .forEach((node, score) -> found.add(
                        found(node, score, new ArrayList<>(ranks.get(node).keySet()), ranks.get(node))));
        found.sort(Comparator.comparingDouble(Found::score).reversed());
        timed("fusion", started);
        return found.subList(0, Math.min(limit, found.size()));
    }

    /**
     * Records a leg that began at {@code since} for mnemo.metrics (the vector leg's time includes embedding the
     * query) and returns when it ended.
     */
    private static long timed(String leg, long since) {
        long now = System.nanoTime();
        PluginMetrics.searchLeg("memories", leg, now - since);
        return now;
    }

    private static final String VISIBLE = """
            m.namespace IN $namespaces AND m.status = 'active'
              AND (m.expires_at IS NULL OR m.expires_at > datetime()) AND ($kinds IS NULL OR m.kind IN $kinds)""";

    /** Exact cosine over the visible memories: namespaces are small, and exact never misses one. */
    private List<Fusion.Ranked<Node>> vectorLeg(String query, Map<String, Object> params) {
        Map<String, Object> withVector = new HashMap<>(params);
        withVector.put("vector", embedder.embedQuery(query));
        return rows(String.format(Locale.ROOT, """
                MATCH (m:Memory) WHERE %s AND m.embedding IS NOT NULL
                WITH m, vector.similarity.cosine(m.embedding, $vector) AS score
                RETURN m, score ORDER BY score DESC LIMIT %d""", VISIBLE, LEG_TOP_K), withVector);
    }

    /** A leg's memories, best first, with the leg's raw score. */
    private List<Fusion.Ranked<Node>> rows(String cypher, Map<String, Object> params) {
        List<Fusion.Ranked<Node>> ranked = new ArrayList<>();
        tx.execute(cypher, params)
                .forEachRemaining(r ->
                        ranked.add(new Fusion.Ranked<>((Node) r.get("m"), ((Number) r.get("score")).doubleValue())));
        return ranked;
    }

    private static Map<String, Object> withTerms(Map<String, Object> params, List<String> terms) {
        Map<String, Object> copy = new HashMap<>(params);
        copy.put("terms", terms);
        return copy;
    }

    private static Found found(Node m, double score, List<String> sources, Map<String, Long> ranks) {
        String namespace = (String) m.getProperty("namespace");
        String content = (String) m.getProperty("content");
        if (namespace.startsWith(Namespaces.ORG_PREFIX)) {
            // Shared organisational text is marked, so an agent can tell it from its instructions.
            content = "[MEMORY id=" + m.getProperty("id") + " scope=ORG ns=" + namespace + "]: " + content;
        }
        Object tags = m.getProperty("tags", new String[0]);
        return new Found(
                (String) m.getProperty("id"),
                namespace,
                (String) m.getProperty("kind"),
                content,
                tags instanceof String[] t ? List.of(t) : List.of(),
                (String) m.getProperty("source", null),
                (Double) m.getProperty("confidence", null),
                (ZonedDateTime) m.getProperty("created_at"),
                (ZonedDateTime) m.getProperty("expires_at", null),
                score,
                sources,
                ranks);
    }
}
