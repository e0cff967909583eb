package org.mnemo.procedures.search;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.options.Options;

/**
 * How the legs' ranked lists become one ranking — shared by document search and memory search. Weighted Reciprocal
 * Rank Fusion (each list contributes weight / (k + rank)) or a convex combination of scores min–max normalised per
 * list (a key missing from a list contributes 0 there). Which one, and the weights, are chosen by measurement
 * (docs/search.md).
 */
public final class Fusion {
    public enum Method {
        RRF,
        CONVEX;

        public static Method parse(String value, String argument) {
            for (Method m : values()) {
                if (m.name().equalsIgnoreCase(value)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(argument + " must be 'rrf' or 'convex', got '" + value + "'");
        }
    }

    /** One entry of a leg's list, best first, with the leg's raw score. */
    public record Ranked<T>(T key, double score) {}

    /** The legs' names: options, weights, ranks and sources of document and memory search all use these. */
    public static final String VECTOR = "vector";

    public static final String FULLTEXT = "fulltext";
    public static final String GRAPH = "graph";
    public static final List<String> LEGS = List.of(VECTOR, FULLTEXT, GRAPH);

    private Fusion() {}

    /** The {@code weights} option (per leg, 0..10) over the defaults; absent: the defaults. */
    public static Map<String, Double> weights(Options o, Map<String, Double> defaults) {
        if (!o.has("weights")) {
            return defaults;
        }
        if (!(o.raw("weights") instanceof Map<?, ?> given)) {
            throw o.error("weights", "must be a map like " + defaults);
        }
        Map<String, Double> weights = new java.util.HashMap<>(defaults);
        for (Map.Entry<?, ?> e : given.entrySet()) {
            if (!LEGS.contains(String.valueOf(e.getKey()))
                    || !(e.getValue() instanceof Number n)
                    || n.doubleValue() < 0
                    || n.doubleValue() > 10) {
                throw o.error(
                        "weights",
                        "takes vector, fulltext and graph with a number 0..10 each, got " + e.getKey() + ": "
                                + e.getValue());
            }
            weights.put(String.valueOf(e.getKey()), n.doubleValue());
        }
        return weights;
    }

    /** The fused score of every key in any list (insertion order: first seen first). */
    public static <T> Map<T, Double> fuse(
            Method method, Map<String, List<Ranked<T>>> legs, Map<String, Double> weights, int rrfK) {
        Map<T, Double> fused = new LinkedHashMap<>();
        legs.forEach((leg, list) -> {
            double weight = weights.getOrDefault(leg, 0.0);
            if (list.isEmpty() || weight == 0) {
                list.forEach(r -> fused.putIfAbsent(r.key(), 0.0));
                return;
            }
            double max = Double.NEGATIVE_INFINITY;
            double min = Double.POSITIVE_INFINITY;
            for (Ranked<T> r : list) {
                max = Math.max(max, r.score());
                min = Math.min(min, r.score());
            }
            for (int i = 0; i < list.size(); i++) {
                Ranked<T> r = list.get(i);
                double contribution = method == Method.RRF
                        ? weight / (rrfK + i + 1)
                        : weight * (max > min ? (r.score() - min) / (max - min) : 1.0);
                fused.merge(r.key(), contribution, Double::sum);
            }
        });
        return fused;
    }
}
