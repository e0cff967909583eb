package org.mnemo.procedures.maintenance;

import java.util.stream.Stream;
import org.mnemo.procedures.scope.Analyst;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Procedure;

public class MaintenanceProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Procedure(name = "mnemo.maintenance.recover", mode = Mode.WRITE)
    @Description("Put right what a crash left: finish interrupted deletes, remove items whose writer is gone (so "
            + "their jobs write them again), drop concepts nothing mentions. Idempotent; commits in batches of its "
            + "own.")
    public Stream<Recovery.Recovered> recover() {
        Analyst.of(tx, db).requireTrusted("mnemo.maintenance.recover");
        return Stream.of(Recovery.run(db));
    }
}
