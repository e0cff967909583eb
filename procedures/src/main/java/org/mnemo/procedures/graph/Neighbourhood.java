package org.mnemo.procedures.graph;

import static org.mnemo.procedures.library.GraphModel.CHUNK;
import static org.mnemo.procedures.library.GraphModel.CONCEPT;
import static org.mnemo.procedures.library.GraphModel.MENTIONS;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.concept.Concepts;
import org.mnemo.procedures.scope.ScopedChunks;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

/**
 * The graph around a chunk or a concept, breadth first over MENTIONS. Only chunks in scope are visited, and only
 * concepts that some chunk in scope mentions; a concept's neighbours and their weights are counted from the chunks
 * in scope that mention both (not the database-wide co-occurrence), and concepts are named by their normalised key
 * (not the first spelling seen, which may be another tenant's) — so nothing of another library shows, not even as
 * a count.
 */
public final class Neighbourhood {
    private static final int MENTIONS_PER_CONCEPT = 200;
    /**
     * Relationships one call may look at, in all: a hub concept of a large graph must not cost a scan of everything
     * that mentions it. Past the budget the walk stops with what it found (it can miss neighbours, never leak one).
     */
    static final int MAX_SCANNED = 20_000;

    private int scanned;

    /** One node around the start. */
    public record Neighbour(String kind, String uid, String name, long depth, double weight, String via) {}

    private final Transaction tx;
    private final ScopedChunks visible;
    private final Map<Node, Boolean> conceptVisible = new HashMap<>();

    public Neighbourhood(Transaction tx, ScopedChunks visible) {
        this.tx = tx;
        this.visible = visible;
    }

    /** Finds the start node: a chunk uid, a concept uid or a concept name; null when unknown or out of scope. */
    public Node start(String ref) {
        Node chunk = tx.findNode(CHUNK, "uid", ref);
        if (chunk != null) {
            return visible.allows(chunk) ? chunk : null;
        }
        Node concept = tx.findNode(CONCEPT, "uid", ref);
        if (concept == null) {
            concept = tx.findNode(CONCEPT, "name_key", Concepts.key(ref));
        }
        return concept != null && inScope(concept) ? concept : null;
    }

    public List<Neighbour> around(Node start, int depth, int limit) {
        Map<Node, Neighbour> found = new LinkedHashMap<>();
        List<Node> frontier = List.of(start);
        Map<Node, Boolean> seen = new HashMap<>();
        seen.put(start, true);
        for (int d = 1; d <= depth && !frontier.isEmpty(); d++) {
            List<Neighbour> level = new ArrayList<>();
            Map<Node, Neighbour> levelNodes = new LinkedHashMap<>();
            for (Node from : frontier) {
                if (scanned >= MAX_SCANNED) {
                    break;
                }
                for (Map.Entry<Node, Double> e : adjacent(from).entrySet()) {
                    Node node = e.getKey();
                    if (seen.containsKey(node)) {
                        continue;
                    }
                    Neighbour existing = levelNodes.get(node);
                    double weight = e.getValue() + (existing == null ? 0 : existing.weight());
                    levelNodes.put(node, describe(node, d, weight, from));
                }
            }
            level.addAll(levelNodes.values());
            level.sort(Comparator.comparingDouble(Neighbour::weight).reversed().thenComparing(Neighbour::uid));
            List<Node> next = new ArrayList<>();
            for (Neighbour n : level) {
                if (found.size() >= limit) {
                    break;
                }
                Node node = byUid(n);
                seen.put(node, true);
                found.put(node, n);
                next.add(node);
            }
            frontier = next;
        }
        return new ArrayList<>(found.values());
    }

    private Node byUid(Neighbour n) {
        return tx.findNode("chunk".equals(n.kind()) ? CHUNK : CONCEPT, "uid", n.uid());
    }

    /** Visible nodes one step away, with the weight of the step. */
    private Map<Node, Double> adjacent(Node node) {
        Map<Node, Double> next = new LinkedHashMap<>();
        if (node.hasLabel(CHUNK)) {
            for (Relationship r : node.getRelationships(Direction.OUTGOING, MENTIONS)) {
                if (++scanned > MAX_SCANNED) {
                    break;
                }
                if (inScope(r.getEndNode())) {
                    next.put(r.getEndNode(), 1.0);
                }
            }
            return next;
        }
        int seen = 0;
        Map<Node, Double> related = new LinkedHashMap<>();
        for (Relationship r : node.getRelationships(Direction.INCOMING, MENTIONS)) {
            if (seen++ >= MENTIONS_PER_CONCEPT || ++scanned > MAX_SCANNED) {
                break;
            }
            Node chunk = r.getStartNode();
            if (!visible.allows(chunk)) {
                continue;
            }
            next.put(chunk, 1.0);
            // The concepts this visible chunk also mentions: co-occurrence counted in scope only.
            for (Relationship m : chunk.getRelationships(Direction.OUTGOING, MENTIONS)) {
                if (++scanned > MAX_SCANNED) {
                    break;
                }
                Node other = m.getEndNode();
                if (!other.equals(node)) {
                    related.merge(other, 1.0, Double::sum);
                    conceptVisible.put(other, true);
                }
            }
        }
        next.putAll(related);
        return next;
    }

    private boolean inScope(Node concept) {
        return conceptVisible.computeIfAbsent(concept, c -> {
            for (Relationship r : c.getRelationships(Direction.INCOMING, MENTIONS)) {
                if (++scanned > MAX_SCANNED) {
                    return false;
                }
                if (visible.allows(r.getStartNode())) {
                    return true;
                }
            }
            return false;
        });
    }

    private static Neighbour describe(Node node, int depth, double weight, Node via) {
        boolean chunk = node.hasLabel(CHUNK);
        String name = chunk ? (String) node.getProperty("text_preview", "") : (String) node.getProperty("name_key", "");
        return new Neighbour(
                chunk ? "chunk" : "concept", (String) node.getProperty("uid"), name, depth, weight, (String)
                        via.getProperty("uid"));
    }
}
