package org.mnemo.procedures.concept;

import java.util.Collection;
import java.util.TreeMap;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Concept nodes are shared by every document and memory that mentions them; ingest, item deletes and memory
 * writes and forgets all change their MENTIONS and RELATED_TO relationships. Each locks the concepts it touches in
 * name-key order first (ingest's ConceptLinker merges them in that order), so they wait for each other instead of
 * deadlocking — under load the deadlocks outlasted every retry (LoadIT: item deletes answered 503).
 */
public final class ConceptLocks {
    private ConceptLocks() {}

    public static void inKeyOrder(Transaction tx, Collection<Node> concepts) {
        TreeMap<String, Node> byKey = new TreeMap<>();
        concepts.forEach(c -> byKey.put((String) c.getProperty("name_key", c.getElementId()), c));
        byKey.values().forEach(tx::acquireWriteLock);
    }
}
