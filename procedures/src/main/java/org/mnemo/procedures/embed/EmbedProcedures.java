package org.mnemo.procedures.embed;

import java.util.List;
import java.util.stream.Stream;
import org.mnemo.procedures.config.MnemoConfig;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class EmbedProcedures {
    @Context
    public GraphDatabaseService db;

    public record Embedding(List<Double> embedding, String model, long dimension) {}

    @Procedure(name = "mnemo.embed", mode = Mode.READ)
    @Description("Embed a text with the configured embedder and return its vector, model name and dimension.")
    public Stream<Embedding> embed(@Name(value = "text", description = "The text to embed.") String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("mnemo.embed: 'text' must not be empty");
        }
        Embedder embedder = Embedders.get(MnemoConfig.of(db).embedder());
        return Stream.of(new Embedding(Vectors.toList(embedder.embed(text)), embedder.model(), embedder.dimension()));
    }
}
