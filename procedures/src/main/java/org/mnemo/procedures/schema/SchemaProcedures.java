package org.mnemo.procedures.schema;

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

public class SchemaProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Procedure(name = "mnemo.schema.apply", mode = Mode.SCHEMA)
    @Description(
            "Create Mnemo's constraints, full-text and vector indexes (idempotent) and wait until they are online; "
                    + "{rebuild: true} recreates vector indexes whose dimension differs from the embedder's, full-text indexes "
                    + "whose analyzer differs from mnemo.search.fulltext_analyzer, and accepts a new embedding model (marking "
                    + "items for mnemo.reembed.run).")
    public Stream<Schema.IndexStatus> apply(
            @Name(value = "options", defaultValue = "{}", description = "{rebuild: false, await_seconds: 300}")
                    Map<String, Object> options) {
        Analyst.of(tx, db).requireTrusted("mnemo.schema.apply");
        Options o = Options.of("mnemo.schema.apply", options, Set.of("rebuild", "await_seconds"));
        boolean rebuild = o.bool("rebuild", false);
        long awaitSeconds = o.integer("await_seconds", 300, 1, 86_400);
        MnemoConfig config = MnemoConfig.of(db);
        var embedder = Embedders.get(config.embedder());
        return Schema.apply(db, config, embedder.dimension(), embedder.model(), rebuild, awaitSeconds).stream();
    }

    @Procedure(name = "mnemo.schema.status", mode = Mode.READ)
    @Description("List Mnemo's constraints and indexes with their state (ONLINE, POPULATING, FAILED or MISSING) and, "
            + "for vector indexes, their dimension.")
    public Stream<Schema.IndexStatus> status() {
        return Schema.status(db).stream();
    }
}
