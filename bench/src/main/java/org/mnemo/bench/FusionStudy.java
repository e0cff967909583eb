package org.mnemo.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Fusion variants computed offline from each leg's ranked documents (with their raw scores), so that many
 * variants can be compared on the same run: weighted Reciprocal Rank Fusion and a convex combination of min-max
 * normalised scores, with weights tuned on one half of the queries and reported on the other; and a paired
 * bootstrap of nDCG@10 differences, since these sets have few queries.
 */
final class FusionStudy {
    /** A document and its score in one leg's list (best first). */
    record Scored(String doc, double score) {}

    private FusionStudy() {}

    static List<String> ids(List<Scored> list) {
        return list.stream().map(Scored::doc).toList();
    }

    /** Weighted RRF over documents: sum of weight / (k + rank). */
    static List<String> rrf(List<List<Scored>> lists, double[] weights, int k) {
        Map<String, Double> fused = new HashMap<>();
        for (int l = 0; l < lists.size(); l++) {
            List<Scored> list = lists.get(l);
            for (int i = 0; i < list.size(); i++) {
                fused.merge(list.get(i).doc(), weights[l] / (k + i + 1), Double::sum);
            }
        }
        return sorted(fused);
    }

    /** Convex combination of min-max normalised scores (a document missing from a list counts 0 there). */
    static List<String> convex(List<List<Scored>> lists, double[] weights) {
        Map<String, Double> fused = new HashMap<>();
        for (int l = 0; l < lists.size(); l++) {
            List<Scored> list = lists.get(l);
            if (list.isEmpty()) {
                continue;
            }
            double max = list.stream().mapToDouble(Scored::score).max().orElse(0);
            double min = list.stream().mapToDouble(Scored::score).min().orElse(0);
            for (Scored s : list) {
                double normalised = max > min ? (s.score() - min) / (max - min) : 1;
                fused.merge(s.doc(), weights[l] * normalised, Double::sum);
            }
        }
        return sorted(fused);
    }

    private static List<String> sorted(Map<String, Double> fused) {
        return fused.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue()
                        .reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** A fusion with its parameters, as a function from a query's leg lists to a ranking. */
    record Variant(String name, Function<List<List<Scored>>, List<String>> fuse) {}

    /** RRF weight grids and convex weights, for {@link #tune}. */
    static List<Variant> rrfGrid(int legs) {
        List<Variant> grid = new ArrayList<>();
        double[] options = {0, 0.25, 0.5, 1, 1.5, 2, 3};
        for (int k : new int[] {10, 30, 60}) {
            for (double[] w : weights(legs, options)) {
                grid.add(new Variant("rrf k=" + k + " w=" + java.util.Arrays.toString(w), lists -> rrf(lists, w, k)));
            }
        }
        return grid;
    }

    static List<Variant> convexGrid(int legs) {
        List<Variant> grid = new ArrayList<>();
        for (double[] w : weights(legs, new double[] {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1})) {
            grid.add(new Variant("convex w=" + java.util.Arrays.toString(w), lists -> convex(lists, w)));
        }
        return grid;
    }

    /** Weight vectors over the options; the first leg's weight is never 0 (it anchors the scale). */
    private static List<double[]> weights(int legs, double[] options) {
        List<double[]> out = new ArrayList<>();
        int n = options.length;
        int combos = (int) Math.pow(n, legs);
        for (int c = 0; c < combos; c++) {
            double[] w = new double[legs];
            int rest = c;
            for (int l = 0; l < legs; l++) {
                w[l] = options[rest % n];
                rest /= n;
            }
            if (w[0] > 0) {
                out.add(w);
            }
        }
        return out;
    }

    /** The variant of the grid with the best mean nDCG@10 over {@code train} queries. */
    static Variant tune(
            List<Variant> grid,
            List<String> train,
            Map<String, List<List<Scored>>> legLists,
            Map<String, Map<String, Integer>> qrels) {
        Variant best = null;
        double bestScore = -1;
        for (Variant v : grid) {
            double sum = 0;
            for (String q : train) {
                sum += QualitySuite.ndcg10(v.fuse().apply(legLists.get(q)), qrels.get(q));
            }
            if (sum > bestScore + 1e-12) {
                bestScore = sum;
                best = v;
            }
        }
        return best;
    }

    /** Queries split in two halves by a stable hash of their id: tune on one, report on the other. */
    static Map<String, List<String>> halves(List<String> queries) {
        Map<String, List<String>> halves = new LinkedHashMap<>();
        halves.put("a", new ArrayList<>());
        halves.put("b", new ArrayList<>());
        for (String q : queries) {
            halves.get((q.hashCode() & 1) == 0 ? "a" : "b").add(q);
        }
        return halves;
    }

    /** Mean and 95% interval of the mean of paired differences, by bootstrap over queries (fixed seed). */
    static double[] bootstrap(double[] differences) {
        Random random = new Random(42);
        int samples = 10_000;
        double[] means = new double[samples];
        for (int s = 0; s < samples; s++) {
            double sum = 0;
            for (int i = 0; i < differences.length; i++) {
                sum += differences[random.nextInt(differences.length)];
            }
            means[s] = sum / differences.length;
        }
        java.util.Arrays.sort(means);
        double mean = java.util.Arrays.stream(differences).average().orElse(0);
        return new double[] {mean, means[(int) (samples * 0.025)], means[(int) (samples * 0.975) - 1]};
    }
}
