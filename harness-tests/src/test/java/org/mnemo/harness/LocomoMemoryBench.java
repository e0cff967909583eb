package org.mnemo.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Memory retrieval quality on LoCoMo (../shared/eval/locomo): every dialogue turn is a memory in its
 * conversation's namespace, every question of categories 1–4 goes through mnemo.memory.search, and recall@5/@10
 * and hit@10 of the evidence turns are reported per leg and for the fusion. A benchmark, not a test: it runs only
 * with -Dmnemo.bench=locomo and writes docs/benchmarks/locomo-memory.md.
 *
 * <pre>mvn -B -pl harness-tests -am verify -DskipITs -Dtest=LocomoMemoryBench -Dsurefire.failIfNoSpecifiedTests=false -Dmnemo.bench=locomo</pre>
 */
class LocomoMemoryBench {
    private static final Path DATA = Path.of("../../shared/eval/locomo");
    /** Each leg alone, the default fusion, and the variants tried (weights vector/fulltext/graph). */
    private static final Map<String, Map<String, Object>> CONFIGURATIONS = configurations();

    private static final Map<Integer, String> CATEGORIES =
            Map.of(1, "multi-hop", 2, "temporal", 3, "open-domain", 4, "single-hop");

    private static Map<String, Map<String, Object>> configurations() {
        Map<String, Map<String, Object>> c = new LinkedHashMap<>();
        for (String leg : List.of("vector", "fulltext", "graph")) {
            c.put(leg, Map.of("search_types", List.of(leg)));
        }
        c.put("fusion (default: convex 1/1/0)", Map.of());
        c.put("rrf 1/1/0.25 (the default before)", variant("rrf", 1, 1, 0.25));
        c.put("rrf 1/1.5/0.25", variant("rrf", 1, 1.5, 0.25));
        c.put("rrf 1/1/0", variant("rrf", 1, 1, 0));
        c.put("convex 1/1/0.25", variant("convex", 1, 1, 0.25));
        c.put("convex 1/0.5/0.1", variant("convex", 1, 0.5, 0.1));
        c.put("convex 0.5/1/0.1", variant("convex", 0.5, 1, 0.1));
        return c;
    }

    private static Map<String, Object> variant(String fusion, double vector, double fulltext, double graph) {
        return Map.of("fusion", fusion, "weights", Map.of("vector", vector, "fulltext", fulltext, "graph", graph));
    }

    @Test
    void recallOfEvidenceTurns() throws IOException {
        Assumptions.assumeTrue("locomo".equals(System.getProperty("mnemo.bench")), "benchmark: -Dmnemo.bench=locomo");
        Path data = Files.isDirectory(DATA) ? DATA : Path.of("../shared/eval/locomo");
        ObjectMapper json = new ObjectMapper();
        List<Path> files;
        try (Stream<Path> list = Files.list(data)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        Map<String, Map<String, double[]>> sums = new TreeMap<>(); // config -> category -> [r5, r10, hit10, n]
        long turns = 0;
        long questions = 0;
        long loadMillis = 0;
        long searchMillis = 0;
        for (Path file : files) {
            // Conversations of the first half choose a default, the second half checks it.
            String half = files.indexOf(file) < files.size() / 2 ? "half A" : "half B";
            JsonNode conversation = json.readTree(file.toFile());
            String ws = "locomo-" + file.getFileName().toString().replace(".json", "") + "-" + System.nanoTime();
            TestDatabase.call("CALL mnemo.workspace.upsert($ws, {name: $ws})", Map.of("ws", ws));
            List<Map<String, Object>> memories = new ArrayList<>();
            for (int s = 1; s <= 60; s++) {
                JsonNode session = conversation.path("session_" + s);
                if (!session.isArray()) {
                    continue;
                }
                String date = conversation.path("session_" + s + "_date_time").asText("");
                for (JsonNode turn : session) {
                    String text = "[" + date + "] " + turn.path("speaker").asText() + ": "
                            + turn.path("text").asText()
                            + (turn.has("blip_caption")
                                    ? " (shares a photo: "
                                            + turn.path("blip_caption").asText() + ")"
                                    : "");
                    memories.add(
                            Map.of("id", ws + ":" + turn.path("dia_id").asText(), "content", text, "kind", "note"));
                }
            }
            long started = System.nanoTime();
            for (int i = 0; i < memories.size(); i += 200) {
                TestDatabase.call(
                        "UNWIND $batch AS m CALL mnemo.memory.commit($ws, m) YIELD id RETURN count(id) AS n",
                        Map.of("ws", ws, "batch", memories.subList(i, Math.min(memories.size(), i + 200))));
            }
            loadMillis += (System.nanoTime() - started) / 1_000_000;
            turns += memories.size();
            for (JsonNode qa : conversation.path("qa")) {
                int category = qa.path("category").asInt();
                if (!CATEGORIES.containsKey(category) || qa.path("evidence").isEmpty()) {
                    continue;
                }
                questions++;
                Set<String> evidence = new java.util.HashSet<>();
                qa.path("evidence").forEach(e -> evidence.add(e.asText().strip()));
                for (Map.Entry<String, Map<String, Object>> entry : CONFIGURATIONS.entrySet()) {
                    String config = entry.getKey();
                    Map<String, Object> options = new HashMap<>(entry.getValue());
                    options.put("limit", 10);
                    long t = System.nanoTime();
                    List<String> ids = TestDatabase.call(
                                    "CALL mnemo.memory.search($ws, $q, $options) YIELD id " + "RETURN id",
                                    Map.of("ws", ws, "q", qa.path("question").asText(), "options", options))
                            .stream()
                            .map(r -> ((String) r.get("id")).substring(ws.length() + 1))
                            .toList();
                    searchMillis += (System.nanoTime() - t) / 1_000_000;
                    double r5 = recall(evidence, ids.subList(0, Math.min(5, ids.size())));
                    double r10 = recall(evidence, ids);
                    double hit = ids.stream().anyMatch(evidence::contains) ? 1 : 0;
                    for (String bucket : List.of(CATEGORIES.get(category), "all", half)) {
                        double[] sum = sums.computeIfAbsent(config, c -> new TreeMap<>())
                                .computeIfAbsent(bucket, b -> new double[4]);
                        sum[0] += r5;
                        sum[1] += r10;
                        sum[2] += hit;
                        sum[3]++;
                    }
                }
            }
        }
        write(sums, files.size(), turns, questions, loadMillis, searchMillis);
    }

    private static double recall(Set<String> evidence, List<String> ids) {
        return ids.stream().distinct().filter(evidence::contains).count() / (double) evidence.size();
    }

    private static void write(
            Map<String, Map<String, double[]>> sums,
            int conversations,
            long turns,
            long questions,
            long loadMillis,
            long searchMillis)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Memory retrieval on LoCoMo\n\n");
        md.append("Every dialogue turn of the ")
                .append(conversations)
                .append(" LoCoMo conversations (")
                .append(turns)
                .append(" turns) is committed with `mnemo.memory.commit` into its conversation's ")
                .append("namespace as `[session date] Speaker: text` (plus the photo caption); each of the ")
                .append(questions)
                .append(" questions of categories 1–4 is searched with `mnemo.memory.search` ")
                .append("(top 10) in that namespace only. recall@k = share of a question's evidence turns among the ")
                .append("top k, averaged; hit@10 = share of questions with any evidence turn in the top 10.\n\n");
        md.append("| search | category | questions | recall@5 | recall@10 | hit@10 |\n|---|---|---:|---:|---:|---:|\n");
        Map<String, Object> raw = new LinkedHashMap<>();
        for (String config : CONFIGURATIONS.keySet()) {
            Map<String, double[]> byCategory = sums.getOrDefault(config, Map.of());
            List<String> order = new ArrayList<>(List.of("all"));
            order.addAll(new TreeMap<>(CATEGORIES).values());
            Map<String, Object> rawConfig = new LinkedHashMap<>();
            for (String category : order) {
                double[] s = byCategory.get(category);
                if (s == null) {
                    continue;
                }
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d | %.3f | %.3f | %.3f |%n",
                        config,
                        category,
                        (long) s[3],
                        s[0] / s[3],
                        s[1] / s[3],
                        s[2] / s[3]));
                rawConfig.put(
                        category,
                        Map.of(
                                "questions",
                                (long) s[3],
                                "recall@5",
                                s[0] / s[3],
                                "recall@10",
                                s[1] / s[3],
                                "hit@10",
                                s[2] / s[3]));
            }
            raw.put(config, rawConfig);
        }
        md.append("\nDefault and variants (weights vector/fulltext/graph): recall@10 over all categories, on each half "
                + "of the conversations (A chooses, B checks) and on all.\n\n| search | options | half A | half B | all "
                + "|\n|---|---|---:|---:|---:|\n");
        for (Map.Entry<String, Map<String, Object>> entry : CONFIGURATIONS.entrySet()) {
            Map<String, double[]> byBucket = sums.getOrDefault(entry.getKey(), Map.of());
            double[] a = byBucket.getOrDefault("half A", new double[] {0, 0, 0, 1});
            double[] b = byBucket.getOrDefault("half B", new double[] {0, 0, 0, 1});
            double[] all = byBucket.getOrDefault("all", new double[] {0, 0, 0, 1});
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | `%s` | %.3f | %.3f | %.3f |%n",
                    entry.getKey(),
                    entry.getValue(),
                    a[1] / a[3],
                    b[1] / b[3],
                    all[1] / all[3]));
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        md.append(String.format(
                Locale.ROOT,
                "%nMachine: %d cores, %s %s, Java %s, max heap %d MB. Loading %d turns "
                        + "took %.1f s (embedding included); %d searches took %.1f s (%.1f ms each on average).%n",
                os.getAvailableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024),
                turns,
                loadMillis / 1000.0,
                questions * CONFIGURATIONS.size(),
                searchMillis / 1000.0,
                searchMillis / (double) Math.max(1, questions * CONFIGURATIONS.size())));
        md.append("\nEmbedder: all-MiniLM-L6-v2 (quantized, local ONNX). Neo4j 5.26 in-process (neo4j-harness), "
                + "default settings.\n\nCommand:\n\n```bash\nmvn -B -pl harness-tests -am verify -DskipITs "
                + "-Dtest=LocomoMemoryBench -Dsurefire.failIfNoSpecifiedTests=false -Dmnemo.bench=locomo\n```\n");
        Path dir = Path.of("../docs/benchmarks");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("locomo-memory.md"), md.toString());
        Files.writeString(
                dir.resolve("locomo-memory.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(raw));
        System.out.println(md);
    }
}
