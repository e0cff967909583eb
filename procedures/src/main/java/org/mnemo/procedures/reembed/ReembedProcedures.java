package org.mnemo.procedures.reembed;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.config.MnemoConfig;
import org.mnemo.procedures.embed.Embedders;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Analyst;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

public class ReembedProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "mnemo.reembed.run", mode = Mode.WRITE)
    @Description("Re-embed with the configured model what another model wrote (items flagged reembed_required by "
            + "mnemo.schema.apply({rebuild: true}), or of another embedding_model; then memories and concepts), in "
            + "batches that commit on their own: resumable. Returns what it did; call again until "
            + "mnemo.reembed.status() shows nothing left.")
    public Stream<Reembedder.Progress> run(
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{max_items: 1000, batch_size: " + "mnemo.embedding.batch_size}")
                    Map<String, Object> options) {
        String procedure = "mnemo.reembed.run";
        Analyst.of(tx, db).requireTrusted(procedure);
        Options o = Options.of(procedure, options, Set.of("max_items", "batch_size"));
        MnemoConfig config = MnemoConfig.of(db);
        int batch = (int) o.integer("batch_size", config.embedder().batchSize(), 1, 10_000);
        return Stream.of(new Reembedder(db, Embedders.get(config.embedder()), batch)
                .run((int) o.integer("max_items", 1000, 1, 1_000_000), guard::check));
    }

    @Procedure(name = "mnemo.reembed.status", mode = Mode.READ)
    @Description("What remains to re-embed with the configured model: items (and their chunks), memories, concepts.")
    public Stream<Reembedder.Progress> status() {
        MnemoConfig config = MnemoConfig.of(db);
        return Stream.of(new Reembedder(db, Embedders.get(config.embedder()), 1).remaining());
    }
}
