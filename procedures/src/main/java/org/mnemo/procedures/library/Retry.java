package org.mnemo.procedures.library;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.TransientFailureException;

/**
 * Runs a self-contained transaction again when Neo4j aborted it as a deadlock victim or for another transient
 * reason: concurrent ingests and deletes share concept nodes and their co-occurrence relationships, which they lock
 * in an order nobody controls.
 */
public final class Retry {
    private static final int ATTEMPTS = 8;

    private Retry() {}

    public static <T> T transientFailures(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (TransientFailureException | QueryExecutionException e) {
                // Cypher run through tx.execute reports a deadlock as a QueryExecutionException with a transient code.
                if (attempt == ATTEMPTS
                        || (e instanceof QueryExecutionException q
                                && (q.getStatusCode() == null
                                        || !q.getStatusCode().startsWith("Neo.TransientError")))) {
                    throw e;
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50L * attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
