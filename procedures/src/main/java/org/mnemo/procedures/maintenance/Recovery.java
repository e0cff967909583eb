package org.mnemo.procedures.maintenance;

import java.util.ArrayList;
import java.util.List;
import org.mnemo.procedures.ingest.ItemLedger;
import org.mnemo.procedures.library.Cascade;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * What a crash leaves behind, put right: deletes that were interrupted are finished, items whose writer is gone
 * (its job's lease expired, or untouched for 15 minutes without a job) are removed so their jobs write them again,
 * and concepts nothing mentions are dropped. Idempotent; the gateway runs it at start and every few minutes.
 */
public final class Recovery {
    /** What one run did. */
    public record Recovered(long libraries, long collections, long items, long concepts, long abandoned_items) {}

    private Recovery() {}

    public static Recovered run(GraphDatabaseService db) {
        List<String> abandoned = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            tx.execute("MATCH (i:Item) WHERE i.embedding_status IN ['pending', 'processing'] RETURN i")
                    .forEachRemaining(r -> {
                        Node item = (Node) r.get("i");
                        if (!ItemLedger.alive(tx, item)) {
                            abandoned.add((String) item.getProperty("uid"));
                        }
                    });
        }
        abandoned.forEach(uid -> Cascade.deleteItem(db, uid));
        Cascade.Resumed resumed = Cascade.resume(db);
        return new Recovered(
                resumed.libraries(),
                resumed.collections(),
                resumed.items() + abandoned.size(),
                resumed.concepts(),
                abandoned.size());
    }
}
