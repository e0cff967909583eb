package org.mnemo.procedures.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mnemo.procedures.config.MnemoConfig;
import org.mnemo.procedures.options.Options;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class EmbedProcedures {
    static final int MAX_BATCH = 10_000;

    @Context
    public GraphDatabaseService db;

    public record Embedding(List<Double> embedding, String model, long dimension) {}

    @Procedure(name = "mnemo.embed", mode = Mode.READ)
    @Description("Embed a text with the configured embedder and return its vector, model name and dimension; "
            + "{query: true} embeds it as a search query (with the model's query instruction, if it has one).")
    public Stream<Embedding> embed(
            @Name(value = "text", description = "The text to embed.") String text,
            @Name(value = "options", defaultValue = "{}", description = "{query: false}") Map<String, Object> options) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("mnemo.embed: 'text' must not be empty");
        }
        boolean query =
                Options.of("mnemo.embed", options, java.util.Set.of("query")).bool("query", false);
        Embedder embedder = Embedders.get(MnemoConfig.of(db).embedder());
        float[] vector = query ? embedder.embedQuery(text) : embedder.embed(text);
        return Stream.of(new Embedding(Vectors.toList(vector), embedder.model(), embedder.dimension()));
    }

    public record IndexedEmbedding(long index, List<Double> embedding, String model, long dimension) {}

    @Procedure(name = "mnemo.embed.batch", mode = Mode.READ)
    @Description("Embed many texts in one call, batched through the configured embedder as ingest does; one row "
            + "per text, with its position in the list.")
    public Stream<IndexedEmbedding> embedBatch(
            @Name(value = "texts", description = "The texts to embed (at most 10000, none empty).")
                    List<String> texts) {
        if (texts == null || texts.isEmpty() || texts.size() > MAX_BATCH) {
            throw new IllegalArgumentException("mnemo.embed.batch: 'texts' must hold 1.." + MAX_BATCH + " texts, got "
                    + (texts == null ? 0 : texts.size()));
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new IllegalArgumentException("mnemo.embed.batch: 'texts[" + i + "]' must not be empty");
            }
        }
        MnemoConfig config = MnemoConfig.of(db);
        Embedder embedder = Embedders.get(config.embedder());
        List<IndexedEmbedding> rows = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += config.ingestBatchSize()) {
            List<float[]> vectors =
                    embedder.embed(texts.subList(start, Math.min(texts.size(), start + config.ingestBatchSize())));
            for (float[] v : vectors) {
                rows.add(new IndexedEmbedding(rows.size(), Vectors.toList(v), embedder.model(), embedder.dimension()));
            }
        }
        return rows.stream();
    }
}
