package org.mnemo.procedures.ingest;

import static org.mnemo.procedures.library.GraphModel.CONCEPT;
import static org.mnemo.procedures.library.GraphModel.RELATED_TO;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mnemo.procedures.concept.ConceptLocks;
import org.mnemo.procedures.concept.ConceptMatcher;
import org.mnemo.procedures.concept.Concepts;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
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

    /**
     * Adds co-occurrence counts to RELATED_TO (a → b with a's key before b's). The concepts are locked in key order
     * first (those this transaction merged are locked already), so two ingests never both create one pair's link.
     * Each concept's links are read once for all its partners, from the side with fewer links: a Cypher MERGE per
     * pair walked a hub concept's links once per partner (a tenth of a batch ingest's time).
     */
    static void linkPairs(Transaction tx, Map<String, Long> pairs, Map<String, Node> known) {
        if (pairs.isEmpty()) {
            return;
        }
        Map<String, Map<String, Long>> byFirst = new TreeMap<>();
        Map<String, Node> nodes = new HashMap<>();
        pairs.forEach((pair, weight) -> {
            int split = pair.indexOf('\u0000');
            String a = pair.substring(0, split);
            String b = pair.substring(split + 1);
            byFirst.computeIfAbsent(a, k -> new HashMap<>()).put(b, weight);
            for (String key : List.of(a, b)) {
                nodes.computeIfAbsent(
                        key, k -> known.containsKey(k) ? known.get(k) : tx.findNode(CONCEPT, "name_key", k));
            }
        });
        nodes.values().removeIf(java.util.Objects::isNull);
        ConceptLocks.inKeyOrder(tx, nodes.values());
        byFirst.forEach((a, partners) -> {
            Node from = nodes.get(a);
            if (from == null) {
                return; // deleted meanwhile: nothing to count
            }
            Map<Long, Relationship> existing = new HashMap<>();
            long degree = from.getDegree(RELATED_TO, Direction.OUTGOING);
            long partnerDegrees = 0;
            for (String b : partners.keySet()) {
                Node to = nodes.get(b);
                partnerDegrees += to == null ? 0 : to.getDegree(RELATED_TO, Direction.INCOMING);
            }
            if (degree <= partnerDegrees) {
                for (Relationship r : from.getRelationships(Direction.OUTGOING, RELATED_TO)) {
                    existing.put(r.getEndNodeId(), r);
                }
            } else {
                for (String b : partners.keySet()) {
                    Node to = nodes.get(b);
                    if (to != null) {
                        for (Relationship r : to.getRelationships(Direction.INCOMING, RELATED_TO)) {
                            if (r.getStartNodeId() == from.getId()) {
                                existing.put(to.getId(), r);
                            }
                        }
                    }
                }
            }
            partners.forEach((b, weight) -> {
                Node to = nodes.get(b);
                if (to == null) {
                    return;
                }
                Relationship r = existing.get(to.getId());
                if (r == null) {
                    from.createRelationshipTo(to, RELATED_TO).setProperty("weight", weight);
                } else {
                    r.setProperty("weight", ((Number) r.getProperty("weight", 0L)).longValue() + weight);
                }
            });
        });
    }
}
