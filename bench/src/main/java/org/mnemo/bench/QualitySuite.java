package org.mnemo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.web.Json;

/**
 * Retrieval quality on BEIR-format sets: every document ingested through {@code mnemo.ingest} (one item per
 * document, the BEIR id as source_ref), every judged query run through each leg of {@code mnemo.search} alone and
 * through the fusion, and scored per document (a document ranks where its best chunk ranks) by nDCG@10 and
 * recall@10. Baselines in the same run: Lucene BM25 over the same texts and exact cosine over the same embeddings.
 */
final class QualitySuite {
    private static final int DEPTH = 100;
    private static final List<String> LEGS = List.of("vector", "fulltext", "graph");

    private final BenchCommand.Params p;
    private final MnemoClient client;
    /** What the reranked rows named: the reranker's model, or why there was none (mnemo.rerank.* unset). */
    private String reranker;

    QualitySuite(BenchCommand.Params p, MnemoClient client) {
        this.p = p;
        this.client = client;
    }

    record Doc(String id, String title, String text) {
        String full() {
            return title.isBlank() ? text : title + "\n\n" + text;
        }
    }

    Map<String, Object> run() throws Exception {
        // A kept database gets the full-text analyzer of this run's configuration.
        client.rows(MnemoClient.Mode.AUTO_COMMIT, "CALL mnemo.schema.apply({rebuild: true})", Map.of());
        List<Map<String, Object>> sets = new ArrayList<>();
        for (String name : p.datasets()) {
            sets.add(evaluate(name, p.eval().resolve(name)));
        }
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("machine", Machine.describe(client).json());
        raw.put("command", p.command());
        raw.put("embedder", client.embed("x").model());
        raw.put(
                "fulltext_analyzer",
                client.row(
                                MnemoClient.Mode.READ,
                                "SHOW FULLTEXT INDEXES YIELD name, options "
                                        + "WHERE name = 'mnemo_chunk_text' RETURN options.indexConfig['fulltext.analyzer'] AS a",
                                Map.of())
                        .get("a"));
        raw.put("reranker", reranker);
        raw.put("sets", sets);
        write(raw);
        return raw;
    }

    private Map<String, Object> evaluate(String name, Path dir) throws Exception {
        List<Doc> docs = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("corpus.jsonl"))) {
            JsonNode n = Json.MAPPER.readTree(line);
            docs.add(new Doc(
                    n.path("_id").asText(),
                    n.path("title").asText(""),
                    n.path("text").asText("")));
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("queries.jsonl"))) {
            JsonNode n = Json.MAPPER.readTree(line);
            queries.put(n.path("_id").asText(), n.path("text").asText());
        }
        Map<String, Map<String, Integer>> qrels = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("qrels.tsv"))
                .subList(1, Files.readAllLines(dir.resolve("qrels.tsv")).size())) {
            String[] f = line.split("\t");
            qrels.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], Integer.parseInt(f[2].strip()));
        }
        queries.keySet()
                .removeIf(q -> qrels.getOrDefault(q, Map.of()).values().stream().noneMatch(g -> g > 0));

        String library = client.ensureLibrary("beir-" + name, "nonfiction");
        long started = System.nanoTime();
        // Two callers, as the gateway's ingest workers would; ingest is idempotent, so a rerun skips what is in.
        docs.parallelStream()
                .filter(d -> !d.full().isBlank())
                .forEach(d -> client.ingest(
                        library,
                        d.full(),
                        Map.of(
                                "title",
                                d.title().isBlank() ? d.id() : d.title(),
                                "source_ref",
                                d.id(),
                                "source",
                                "beir")));
        double ingestSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, String> docByItem = new HashMap<>();
        client.rows(
                        MnemoClient.Mode.READ,
                        "MATCH (:Library {uid: $l})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item) "
                                + "RETURN i.uid AS uid, i.source_ref AS ref",
                        Map.of("l", library))
                .forEach(r -> docByItem.put((String) r.get("uid"), (String) r.get("ref")));

        Map<String, Map<String, List<String>>> runs = new LinkedHashMap<>();
        for (String leg : LEGS) {
            runs.put(leg, new HashMap<>());
        }
        runs.put("fusion", new HashMap<>());
        runs.put("fusion, group_by item", new HashMap<>());
        runs.put("fusion + graph leg, group_by item", new HashMap<>());
        runs.put("fusion, mmr 0.7", new HashMap<>());
        runs.put("fusion, reranked", new HashMap<>());
        runs.put("bm25 (Lucene)", new HashMap<>());
        runs.put("dense exact", new HashMap<>());
        runs.put("rrf(bm25, dense)", new HashMap<>());
        Bm25 bm25 = new Bm25(docs);
        Dense dense = new Dense(library);
        // Each leg's documents with their raw scores, and the baselines', for the offline fusion study.
        Map<String, List<List<FusionStudy.Scored>>> legLists = new HashMap<>();
        Map<String, List<List<FusionStudy.Scored>>> baseLists = new HashMap<>();
        // The dense leg re-asked with the query moved toward the fused top 3 (pseudo-relevance feedback).
        Map<String, List<FusionStudy.Scored>> feedback = new HashMap<>();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            List<List<FusionStudy.Scored>> lists = new ArrayList<>();
            for (String leg : LEGS) {
                List<FusionStudy.Scored> list = leg(q.getValue(), library, leg, docByItem);
                lists.add(list);
                runs.get(leg).put(q.getKey(), FusionStudy.ids(list));
            }
            legLists.put(q.getKey(), lists);
            runs.get("fusion").put(q.getKey(), mnemo(q.getValue(), library, docByItem));
            List<String> fused = grouped(q.getValue(), library, docByItem, Map.of());
            runs.get("fusion, group_by item").put(q.getKey(), fused);
            runs.get("fusion + graph leg, group_by item")
                    .put(q.getKey(), grouped(q.getValue(), library, docByItem, Map.of("search_types", LEGS)));
            feedback.put(q.getKey(), dense.feedback(q.getValue(), fused.subList(0, Math.min(3, fused.size())), 0.3));
            runs.get("fusion, mmr 0.7").put(q.getKey(), grouped(q.getValue(), library, docByItem, Map.of("mmr", 0.7)));
            runs.get("fusion, reranked")
                    .put(q.getKey(), grouped(q.getValue(), library, docByItem, Map.of("rerank", true)));
            List<FusionStudy.Scored> lexical = bm25.search(q.getValue());
            List<FusionStudy.Scored> vector = dense.search(q.getValue());
            baseLists.put(q.getKey(), List.of(lexical, vector));
            runs.get("bm25 (Lucene)").put(q.getKey(), FusionStudy.ids(lexical));
            runs.get("dense exact").put(q.getKey(), FusionStudy.ids(vector));
            runs.get("rrf(bm25, dense)")
                    .put(q.getKey(), rrf(List.of(FusionStudy.ids(lexical), FusionStudy.ids(vector))));
        }
        if (reranker == null || reranker.startsWith("unavailable")) {
            runs.remove("fusion, reranked");
        }
        List<String> ids = new ArrayList<>(queries.keySet());
        study(
                runs,
                "study: rrf(vector, fulltext) k=60",
                ids,
                legLists,
                l -> FusionStudy.rrf(l, new double[] {1, 1, 0}, 60));
        study(
                runs,
                "study: rrf(vector, fulltext, graph 0.25) k=60",
                ids,
                legLists,
                l -> FusionStudy.rrf(l, new double[] {1, 1, 0.25}, 60));
        // How the weight of the full-text leg trades off, vector at 1 and no graph leg: the default's neighbourhood.
        for (double w : new double[] {0.1, 0.3, 0.5, 0.7, 1.0}) {
            study(
                    runs,
                    String.format(Locale.ROOT, "study: convex, fulltext weight %.1f", w),
                    ids,
                    legLists,
                    l -> FusionStudy.convex(l, new double[] {1, w, 0}));
        }
        study(
                runs,
                "study: convex, graph weight 0.1",
                ids,
                legLists,
                l -> FusionStudy.convex(l, new double[] {1, 0.2, 0.1}));
        Map<String, List<String>> prf = new HashMap<>();
        Map<String, List<String>> prfFused = new HashMap<>();
        feedback.forEach((q, list) -> {
            prf.put(q, FusionStudy.ids(list));
            prfFused.put(q, FusionStudy.convex(List.of(list, legLists.get(q).get(1)), new double[] {1, 0.2}));
        });
        runs.put("study: vector PRF (fusion's top 3, beta 0.3)", prf);
        runs.put("study: convex(vector PRF, fulltext 0.2)", prfFused);
        Map<String, Object> tuned = new LinkedHashMap<>();
        tuned.put(
                "rrf (3 legs)",
                crossValidated(runs, "study: rrf tuned (2-fold)", ids, legLists, FusionStudy.rrfGrid(3), qrels));
        tuned.put(
                "convex (3 legs)",
                crossValidated(runs, "study: convex tuned (2-fold)", ids, legLists, FusionStudy.convexGrid(3), qrels));
        tuned.put(
                "convex (bm25, dense)",
                crossValidated(
                        runs,
                        "study: convex(bm25, dense) tuned (2-fold)",
                        ids,
                        baseLists,
                        FusionStudy.convexGrid(2),
                        qrels));
        List<Map<String, Object>> rows = new ArrayList<>();
        runs.forEach((system, run) -> {
            double ndcg = 0;
            double recall = 0;
            for (String q : queries.keySet()) {
                List<String> ranked = run.getOrDefault(q, List.of());
                ndcg += ndcg10(ranked, qrels.get(q));
                recall += recall10(ranked, qrels.get(q));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("system", system);
            row.put("ndcg_at_10", ndcg / queries.size());
            row.put("recall_at_10", recall / queries.size());
            rows.add(row);
        });
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("set", name);
        set.put("tuned", tuned);
        set.put("differences", differences(runs, qrels, ids));
        set.put("documents", docs.size());
        set.put("judged_queries", queries.size());
        set.put(
                "chunks",
                client.row(
                                MnemoClient.Mode.READ,
                                "MATCH (:Library {uid: $l})-[:HAS_COLLECTION]->()"
                                        + "-[:HAS_ITEM]->()-[:HAS_CHUNK]->(c) RETURN count(c) AS n",
                                Map.of("l", library))
                        .get("n"));
        set.put("ingest_seconds", ingestSeconds);
        set.put("rows", rows);
        System.err.println("quality: " + set);
        return set;
    }

    private static void study(
            Map<String, Map<String, List<String>>> runs,
            String name,
            List<String> queries,
            Map<String, List<List<FusionStudy.Scored>>> lists,
            java.util.function.Function<List<List<FusionStudy.Scored>>, List<String>> fuse) {
        Map<String, List<String>> run = new HashMap<>();
        for (String q : queries) {
            run.put(q, fuse.apply(lists.get(q)));
        }
        runs.put(name, run);
    }

    /**
     * Tunes on one half of the queries and ranks the other with what won, both ways: every query is ranked by
     * weights chosen without it. Returns what won on each half and on all queries (the candidate default).
     */
    private static Map<String, Object> crossValidated(
            Map<String, Map<String, List<String>>> runs,
            String name,
            List<String> queries,
            Map<String, List<List<FusionStudy.Scored>>> lists,
            List<FusionStudy.Variant> grid,
            Map<String, Map<String, Integer>> qrels) {
        Map<String, List<String>> halves = FusionStudy.halves(queries);
        Map<String, List<String>> run = new HashMap<>();
        Map<String, Object> chosen = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> half : halves.entrySet()) {
            List<String> other = half.getKey().equals("a") ? halves.get("b") : halves.get("a");
            FusionStudy.Variant best = FusionStudy.tune(grid, other, lists, qrels);
            chosen.put("tuned without half " + half.getKey(), best.name());
            for (String q : half.getValue()) {
                run.put(q, best.fuse().apply(lists.get(q)));
            }
        }
        chosen.put("tuned on all", FusionStudy.tune(grid, queries, lists, qrels).name());
        runs.put(name, run);
        return chosen;
    }

    /** Paired bootstrap intervals of nDCG@10 differences that the targets are about. */
    private static List<Map<String, Object>> differences(
            Map<String, Map<String, List<String>>> runs,
            Map<String, Map<String, Integer>> qrels,
            List<String> queries) {
        String bestLeg = LEGS.stream()
                .max(java.util.Comparator.comparingDouble(l -> mean(runs.get(l), qrels, queries)))
                .orElseThrow();
        List<Map<String, Object>> out = new ArrayList<>();
        for (String system : runs.keySet()) {
            if (!system.startsWith("fusion") && !system.startsWith("study")) {
                continue;
            }
            for (String baseline : List.of(bestLeg, "rrf(bm25, dense)")) {
                double[] d = new double[queries.size()];
                for (int i = 0; i < d.length; i++) {
                    String q = queries.get(i);
                    d[i] = ndcg10(runs.get(system).get(q), qrels.get(q))
                            - ndcg10(runs.get(baseline).get(q), qrels.get(q));
                }
                double[] ci = FusionStudy.bootstrap(d);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("system", system);
                row.put("minus", baseline);
                row.put("mean", ci[0]);
                row.put("ci95_low", ci[1]);
                row.put("ci95_high", ci[2]);
                out.add(row);
            }
        }
        return out;
    }

    private static double mean(
            Map<String, List<String>> run, Map<String, Map<String, Integer>> qrels, List<String> queries) {
        return queries.stream()
                .mapToDouble(q -> ndcg10(run.get(q), qrels.get(q)))
                .average()
                .orElse(0);
    }

    /** One leg's documents with their raw leg scores (a document scores as its best chunk), 100 deep. */
    private List<FusionStudy.Scored> leg(String query, String library, String leg, Map<String, String> docByItem) {
        Map<String, Double> best = new LinkedHashMap<>();
        client.search(
                        query,
                        Map.of(
                                "libraries",
                                List.of(library),
                                "search_types",
                                List.of(leg),
                                "limit",
                                DEPTH,
                                leg + "_top_k",
                                DEPTH))
                .forEach(r -> best.putIfAbsent(
                        docByItem.get(r.item_uid()), ((Number) r.raw_scores().get(leg)).doubleValue()));
        List<FusionStudy.Scored> list = new ArrayList<>();
        best.forEach((doc, score) -> list.add(new FusionStudy.Scored(doc, score)));
        return list;
    }

    /** Documents as mnemo.search ranks them with group_by item. */
    /** Documents of mnemo.search grouped by item, with more options; notes the reranker the rows name. */
    private List<String> grouped(
            String query, String library, Map<String, String> docByItem, Map<String, Object> more) {
        Map<String, Object> options = new HashMap<>(more);
        options.putAll(Map.of("libraries", List.of(library), "group_by", "item", "limit", DEPTH));
        List<Rows.Hit> rows = client.search(query, options);
        if (more.containsKey("rerank") && !rows.isEmpty()) {
            reranker = rows.get(0).reranker();
        }
        return rows.stream().map(r -> docByItem.get(r.item_uid())).toList();
    }

    /** Documents in the order of their best chunk in mnemo.search with its defaults. */
    private List<String> mnemo(String query, String library, Map<String, String> docByItem) {
        LinkedHashSet<String> ranked = new LinkedHashSet<>();
        client.search(query, Map.of("libraries", List.of(library), "limit", DEPTH))
                .forEach(r -> ranked.add(docByItem.get(r.item_uid())));
        return new ArrayList<>(ranked);
    }

    static List<String> rrf(List<List<String>> lists) {
        Map<String, Double> fused = new HashMap<>();
        for (List<String> list : lists) {
            for (int i = 0; i < list.size(); i++) {
                fused.merge(list.get(i), 1.0 / (60 + i + 1), Double::sum);
            }
        }
        return fused.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(Map.Entry::getKey)
                .toList();
    }

    /** nDCG@10: linear gains, log2(rank + 1) discount, ideal ranking from all judged gains (trec_eval ndcg_cut.10). */
    static double ndcg10(List<String> ranked, Map<String, Integer> gains) {
        double dcg = 0;
        for (int i = 0; i < Math.min(10, ranked.size()); i++) {
            dcg += gains.getOrDefault(ranked.get(i), 0) / (Math.log(i + 2) / Math.log(2));
        }
        List<Integer> ideal = gains.values().stream().sorted((a, b) -> b - a).toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(10, ideal.size()); i++) {
            idcg += ideal.get(i) / (Math.log(i + 2) / Math.log(2));
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    static double recall10(List<String> ranked, Map<String, Integer> gains) {
        long relevant = gains.values().stream().filter(g -> g > 0).count();
        long found = ranked.stream()
                .limit(10)
                .filter(d -> gains.getOrDefault(d, 0) > 0)
                .count();
        return relevant == 0 ? 0 : found / (double) relevant;
    }

    /** Plain BM25 (k1 1.2, b 0.75) over title + text with Lucene's English analyzer, in memory. */
    private static final class Bm25 {
        private final IndexSearcher searcher;
        private final QueryParser parser;

        Bm25(List<Doc> docs) throws IOException {
            EnglishAnalyzer analyzer = new EnglishAnalyzer();
            ByteBuffersDirectory directory = new ByteBuffersDirectory();
            try (IndexWriter writer = new IndexWriter(
                    directory, new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity(1.2f, 0.75f)))) {
                for (Doc d : docs) {
                    Document doc = new Document();
                    doc.add(new StoredField("id", d.id()));
                    doc.add(new TextField("text", d.full(), Field.Store.NO));
                    writer.addDocument(doc);
                }
            }
            searcher = new IndexSearcher(DirectoryReader.open(directory));
            searcher.setSimilarity(new BM25Similarity(1.2f, 0.75f));
            parser = new QueryParser("text", analyzer);
        }

        List<FusionStudy.Scored> search(String query) throws IOException {
            try {
                List<FusionStudy.Scored> ids = new ArrayList<>();
                for (ScoreDoc hit : searcher.search(parser.parse(QueryParser.escape(query)), DEPTH).scoreDocs) {
                    ids.add(new FusionStudy.Scored(
                            searcher.storedFields().document(hit.doc).get("id"), hit.score));
                }
                return ids;
            } catch (org.apache.lucene.queryparser.classic.ParseException e) {
                return List.of();
            }
        }
    }

    /** Exact cosine over the chunk embeddings Mnemo stored; a document scores as its best chunk. */
    private final class Dense {
        private final List<String> ids = new ArrayList<>();
        private final List<float[]> vectors = new ArrayList<>();

        Dense(String library) {
            client.rows(
                            MnemoClient.Mode.READ,
                            "MATCH (:Library {uid: $l})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i)"
                                    + "-[:HAS_CHUNK]->(c) RETURN i.source_ref AS id, c.embedding AS v",
                            Map.of("l", library))
                    .forEach(r -> {
                        if (r.get("v") instanceof List<?> v) {
                            ids.add((String) r.get("id"));
                            vectors.add(floats(v));
                        }
                    });
        }

        float[] queryVector(String query) {
            return floats((List<?>) client.row(
                            MnemoClient.Mode.READ,
                            "CALL mnemo.embed($t, {query: true}) " + "YIELD embedding RETURN embedding",
                            Map.of("t", query))
                    .get("embedding"));
        }

        List<FusionStudy.Scored> search(String query) {
            return search(queryVector(query));
        }

        /**
         * Rocchio feedback on the dense side (the study rows "vector PRF"): the query vector moved toward the mean
         * of the best chunks of the {@code top} documents of another ranking, by {@code beta}, then ranked exactly.
         */
        List<FusionStudy.Scored> feedback(String query, List<String> top, double beta) {
            float[] q = unit(queryVector(query));
            float[] moved = q.clone();
            for (String doc : top) {
                float[] best = null;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < vectors.size(); i++) {
                    double score = ids.get(i).equals(doc) ? cosine(q, vectors.get(i)) : Double.NEGATIVE_INFINITY;
                    if (score > bestScore) {
                        bestScore = score;
                        best = vectors.get(i);
                    }
                }
                float[] unit = unit(best);
                for (int d = 0; d < moved.length; d++) {
                    moved[d] += (float) (beta * unit[d] / top.size());
                }
            }
            return search(moved);
        }

        private List<FusionStudy.Scored> search(float[] q) {
            Map<String, Double> best = new HashMap<>();
            for (int i = 0; i < vectors.size(); i++) {
                best.merge(ids.get(i), cosine(q, vectors.get(i)), Math::max);
            }
            return best.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(DEPTH)
                    .map(e -> new FusionStudy.Scored(e.getKey(), e.getValue()))
                    .toList();
        }

        private static float[] unit(float[] v) {
            double norm = Math.sqrt(cosineDot(v, v));
            float[] out = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = (float) (v[i] / norm);
            }
            return out;
        }

        private static double cosineDot(float[] a, float[] b) {
            double dot = 0;
            for (int i = 0; i < a.length; i++) {
                dot += a[i] * b[i];
            }
            return dot;
        }

        private static float[] floats(List<?> list) {
            float[] v = new float[list.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) list.get(i)).floatValue();
            }
            return v;
        }

        private static double cosine(float[] a, float[] b) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int i = 0; i < a.length; i++) {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }
            return dot / Math.sqrt(na * nb);
        }
    }

    @SuppressWarnings("unchecked")
    private void write(Map<String, Object> raw) throws Exception {
        StringBuilder md = new StringBuilder("# Retrieval quality (BEIR development sets)\n\n");
        Object model = raw.get("reranker");
        String rerank = model == null || String.valueOf(model).startsWith("unavailable")
                ? "no reranker is configured (mnemo.rerank.*), so there is no reranked row"
                : "reranker: " + model + " (the reranked row)";
        md.append(String.format(
                Locale.ROOT,
                "%s Embedder: %s; full-text analyzer: %s; %s. Documents ingested through `mnemo.ingest` (one item per document, title + text); a document "
                        + "ranks where its best chunk ranks. Baselines computed in the same run on the same data: Lucene BM25 "
                        + "(EnglishAnalyzer, k1 1.2, b 0.75, title + text) and exact cosine over the embeddings Mnemo stored. "
                        + "`mmr 0.7` and `reranked` rows are grouped by item. Command: `%s`.%n",
                Machine.describe(client).markdown(),
                raw.get("embedder"),
                raw.get("fulltext_analyzer"),
                rerank,
                p.command()));
        for (Map<String, Object> set : (List<Map<String, Object>>) raw.get("sets")) {
            md.append(String.format(
                    Locale.ROOT,
                    "%n## %s%n%n%,d documents → %,d chunks (ingested in %.0f s), %d "
                            + "judged queries.%n%n| system | nDCG@10 | recall@10 |%n|---|---:|---:|%n",
                    set.get("set"),
                    set.get("documents"),
                    set.get("chunks"),
                    set.get("ingest_seconds"),
                    set.get("judged_queries")));
            for (Map<String, Object> r : (List<Map<String, Object>>) set.get("rows")) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %.4f | %.4f |%n",
                        r.get("system"),
                        r.get("ndcg_at_10"),
                        r.get("recall_at_10")));
            }
            md.append(String.format(
                    Locale.ROOT,
                    "%nWeights tuned (legs: vector, fulltext, graph; baselines: bm25, "
                            + "dense): %s%n%n| system | minus | nDCG@10 difference | 95%% interval (paired bootstrap) |%n"
                            + "|---|---|---:|---|%n",
                    set.get("tuned")));
            for (Map<String, Object> d : (List<Map<String, Object>>) set.get("differences")) {
                double low = ((Number) d.get("ci95_low")).doubleValue();
                double high = ((Number) d.get("ci95_high")).doubleValue();
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %+.4f | %+.4f … %+.4f%s |%n",
                        d.get("system"),
                        d.get("minus"),
                        d.get("mean"),
                        low,
                        high,
                        low <= 0 && high >= 0 ? " (within noise)" : ""));
            }
        }
        Files.createDirectories(p.out());
        Files.writeString(p.out().resolve("quality.md"), md.toString());
        Files.writeString(
                p.out().resolve("quality.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(raw));
        System.out.print(md);
    }
}
