package org.mnemo.procedures.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mnemo.procedures.concept.ConceptMatcher;
import org.mnemo.procedures.concept.Concepts;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Concepts of a document: which names to link (extracted once per document), the concept nodes merged and locked
 * in name order, and their co-occurrence counts. Locks and merges go in key order so that concurrent ingests sharing
 * concepts wait for each other instead of deadlocking.
 */
final class ConceptLinker {
    private final Concepts concepts;
    private final int conceptsPerItem;
    private final String model;

    ConceptLinker(Concepts concepts, int conceptsPerItem, String model) {
        this.concepts = concepts;
        this.conceptsPerItem = conceptsPerItem;
        this.model = model;
    }

    /** The concepts to link: extracted names keyed by their normalised key, and a matcher for chunk texts. */
    record ConceptPlan(Map<String, String> nameByKey, List<String> keys, ConceptMatcher matcher) {}

    ConceptPlan plan(String conceptText, IngestOptions options) {
        List<String> names = options.extractConcepts() ? concepts.extract(conceptText, conceptsPerItem) : List.of();
        Map<String, String> nameByKey = new HashMap<>();
        for (String name : names) {
            nameByKey.putIfAbsent(Concepts.key(name), name);
        }
        List<String> keys = new ArrayList<>(nameByKey.keySet());
        return new ConceptPlan(nameByKey, keys, new ConceptMatcher(keys));
    }

    /**
     * Merges and locks concepts in name order before any MENTIONS is created, so concurrent ingests sharing
     * concepts mostly wait for each other; the deadlocks left (dense nodes) are retried.
     */
    void lock(
            Transaction tx,
            Set<String> sortedKeys,
            Map<String, String> nameByKey,
            Map<String, float[]> conceptVectors,
            Map<String, Node> locked) {
        for (String key : sortedKeys) {
            if (!locked.containsKey(key)) {
                Node concept = merge(tx, key, nameByKey.get(key), conceptVectors.get(key));
                tx.acquireWriteLock(concept);
                locked.put(key, concept);
            }
        }
    }

    static List<String> withoutEmbedding(Transaction tx, List<String> keys) {
        if (keys.isEmpty()) {
            return keys;
        }
        Set<String> embedded = new HashSet<>();
        tx.execute(
                        "UNWIND $keys AS key MATCH (c:Concept {name_key: key}) WHERE c.embedding IS NOT NULL "
                                + "RETURN key",
                        Map.of("keys", keys))
                .forEachRemaining(r -> embedded.add((String) r.get("key")));
        return keys.stream().filter(k -> !embedded.contains(k)).toList();
    }

    private Node merge(Transaction tx, String key, String name, float[] vector) {
        // MERGE on the unique name_key takes the lock that makes concurrent ingests share one node.
        Node concept = (Node) tx.execute("""
                        MERGE (c:Concept {name_key: $key})
                        ON CREATE SET c.uid = randomUUID(), c.name = $name
                        RETURN c""", Map.of("key", key, "name", name == null ? key : name))
                .next()
                .get("c");
        if (vector != null && !concept.hasProperty("embedding")) {
            concept.setProperty("embedding", vector);
            concept.setProperty("embedding_model", model);
        }
        return concept;
    }

    /** Adds co-occurrence counts to RELATED_TO, in key order for the same reason as the concepts' locks. */
    static void linkPairs(Transaction tx, Map<String, Long> pairs) {
        if (pairs.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        new TreeMap<>(pairs).forEach((pair, weight) -> {
            String[] ab = pair.split("\u0000");
            rows.add(Map.of("a", ab[0], "b", ab[1], "w", weight));
        });
        tx.execute("""
                UNWIND $pairs AS p
                MATCH (a:Concept {name_key: p.a}), (b:Concept {name_key: p.b})
                MERGE (a)-[r:RELATED_TO]->(b)
                ON CREATE SET r.weight = p.w
                ON MATCH SET r.weight = r.weight + p.w""", Map.of("pairs", rows));
    }
}
