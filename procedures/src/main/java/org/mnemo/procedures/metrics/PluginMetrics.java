package org.mnemo.procedures.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What the plugin counts in this Neo4j process, for the life of the process: embedder calls and their latency,
 * the remote embedder's circuit breaker, and the latency of each search leg. Labels are providers, models, legs
 * and outcomes — never texts, queries or keys. Read by {@code mnemo.metrics()}.
 */
public final class PluginMetrics {
    static final String COUNTER = "counter";
    static final String GAUGE = "gauge";
    static final String HISTOGRAM = "histogram";

    /**
     * One series as {@code mnemo.metrics()} returns it. {@code name} is the Prometheus family name (counters without
     * their {@code _total}); a counter or gauge has its {@code value}; a histogram has {@code count} observations
     * summing to {@code value} seconds, and {@code bucket_counts[i]} of them took at most {@code buckets[i]} seconds
     * (cumulative, as Prometheus' {@code le} buckets; the rest are above the last bound).
     */
    public record Sample(
            String name,
            String type,
            String help,
            Map<String, Object> labels,
            double value,
            long count,
            List<Double> buckets,
            List<Long> bucket_counts) {}

    private record Family(String name, String type, String help) {}

    private record Series(Family family, Map<String, String> labels) {}

    private static final Family EMBEDDER_CALLS = new Family(
            "mnemo_embedder_calls", COUNTER, "Calls of the embedder by provider, model and outcome (ok, error)");
    private static final Family EMBEDDER_TEXTS =
            new Family("mnemo_embedder_texts", COUNTER, "Texts embedded by provider and model");
    private static final Family EMBEDDER_DURATION = new Family(
            "mnemo_embedder_duration_seconds",
            HISTOGRAM,
            "Latency of one embedder call (a batch or a query) by provider and model");
    private static final Family BREAKER_OPEN = new Family(
            "mnemo_embedder_breaker_open",
            GAUGE,
            "1 while the remote embedder's circuit breaker is open (calls fail fast), else 0");
    private static final Family BREAKER_OPENINGS = new Family(
            "mnemo_embedder_breaker_openings", COUNTER, "Times the remote embedder's circuit breaker opened");
    private static final Family SEARCH_LEG = new Family(
            "mnemo_search_leg_duration_seconds",
            HISTOGRAM,
            "Latency of one leg of a search by target (documents, memories) and leg (vector, fulltext, graph, "
                    + "fusion, rerank)");
    private static final Family SCOPE_PATH = new Family(
            "mnemo_search_scope_paths",
            COUNTER,
            "How a leg kept a search within its scope, by leg and path (vector: exact, index, index_then_exact; "
                    + "fulltext: in_index, per_hit)");

    private static final Family VECTOR_CACHE_ENTRIES = new Family(
            "mnemo_search_vector_cache_entries",
            GAUGE,
            "Chunk vectors the vector leg keeps on the heap, by database (mnemo.search.vector_cache_mb)");
    private static final Family VECTOR_CACHE_BYTES =
            new Family("mnemo_search_vector_cache_bytes", GAUGE, "Heap those vectors take (estimated), by database");

    private static final Map<Series, LongAdder> COUNTS = new ConcurrentHashMap<>();
    private static final Map<Series, LatencyHistogram> LATENCIES = new ConcurrentHashMap<>();
    /** Series whose value is read when asked: the embedders' breakers, the vector caches. */
    private static final Map<Series, LongSupplier> READINGS = new ConcurrentHashMap<>();

    private PluginMetrics() {}

    /** One call of an embedder: {@code texts} texts, {@code ok} whether it returned vectors. */
    public static void embedderCall(String provider, String model, boolean ok, int texts, long nanos) {
        Map<String, String> labels = Map.of("provider", provider, "model", model);
        count(
                new Series(
                        EMBEDDER_CALLS, Map.of("provider", provider, "model", model, "outcome", ok ? "ok" : "error")),
                1);
        if (ok) {
            count(new Series(EMBEDDER_TEXTS, labels), texts);
        }
        LATENCIES
                .computeIfAbsent(new Series(EMBEDDER_DURATION, labels), s -> new LatencyHistogram())
                .observe(nanos);
    }

    /**
     * The circuit breaker of an embedder (one without a breaker, a local model, reports it closed). A later embedder
     * with the same provider and model (the settings changed) replaces the earlier one's.
     */
    public static void embedderBreaker(String provider, String model, BooleanSupplier open, LongSupplier openings) {
        Map<String, String> labels = Map.of("provider", provider, "model", model);
        READINGS.put(new Series(BREAKER_OPEN, labels), () -> open.getAsBoolean() ? 1 : 0);
        READINGS.put(new Series(BREAKER_OPENINGS, labels), openings);
    }

    /** One leg of one search; {@code target} is "documents" or "memories". */
    public static void searchLeg(String target, String leg, long nanos) {
        LATENCIES
                .computeIfAbsent(
                        new Series(SEARCH_LEG, Map.of("target", target, "leg", leg)), s -> new LatencyHistogram())
                .observe(nanos);
    }

    /** How one leg of one document search kept to the caller's scope (see HybridSearch). */
    public static void scopePath(String leg, String path) {
        count(new Series(SCOPE_PATH, Map.of("leg", leg, "path", path)), 1);
    }

    /** The vector cache of a database (see search.VectorCache). */
    public static void vectorCache(String database, LongSupplier entries, LongSupplier bytes) {
        Map<String, String> labels = Map.of("database", database);
        READINGS.put(new Series(VECTOR_CACHE_ENTRIES, labels), entries);
        READINGS.put(new Series(VECTOR_CACHE_BYTES, labels), bytes);
    }

    private static void count(Series series, long n) {
        COUNTS.computeIfAbsent(series, s -> new LongAdder()).add(n);
    }

    /** Every series recorded so far, by name and then labels. */
    public static List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        COUNTS.forEach((series, value) -> samples.add(sample(series, value.sum(), 0, List.of(), List.of())));
        READINGS.forEach((series, value) -> samples.add(sample(series, value.getAsLong(), 0, List.of(), List.of())));
        LATENCIES.forEach((series, histogram) -> {
            LatencyHistogram.Reading reading = histogram.read();
            samples.add(sample(series, reading.sum(), reading.count(), LatencyHistogram.BOUNDS, reading.cumulative()));
        });
        samples.sort(
                Comparator.comparing(Sample::name).thenComparing(s -> new java.util.TreeMap<>(s.labels()).toString()));
        return samples;
    }

    private static Sample sample(Series series, double value, long count, List<Double> buckets, List<Long> counts) {
        Family family = series.family();
        Map<String, Object> labels = new LinkedHashMap<>(series.labels());
        return new Sample(family.name(), family.type(), family.help(), labels, value, count, buckets, counts);
    }
}
