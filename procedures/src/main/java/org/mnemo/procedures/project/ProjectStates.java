package org.mnemo.procedures.project;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.mnemo.procedures.memory.Redactor;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

/**
 * A project's trusted state: what a person or agent explicitly set, one active entry per (category, key), each
 * change kept as history (the previous entry becomes {@code superseded}; nothing is deleted). Only active entries
 * carry {@code active_key = project|category|key}, whose unique constraint keeps one active entry per key even
 * when writes race.
 */
public final class ProjectStates {
    public static final Label PROJECT_STATE = Label.label("ProjectState");
    public static final RelationshipType HAS_STATE = RelationshipType.withName("HAS_STATE");

    /** The closed set of categories (docs/context.md says what each is for). */
    public static final List<String> CATEGORIES =
            List.of("status", "decision", "constraint", "fact", "contact", "next_step");

    public static final String ACTIVE = "active";
    public static final String SUPERSEDED = "superseded";

    private final Transaction tx;

    public ProjectStates(Transaction tx) {
        this.tx = tx;
    }

    public static void requireCategory(String procedure, String category) {
        if (!CATEGORIES.contains(category)) {
            throw new IllegalArgumentException(
                    procedure + ": 'category' must be one of " + CATEGORIES + ", got '" + category + "'");
        }
    }

    /**
     * Sets the active value of (category, key): the same value only refreshes the source and confidence given and
     * updated_at; a changed one supersedes the previous entry. Confidence defaults to 1 (set by hand: trusted).
     */
    public Node set(
            String procedure,
            Node project,
            String category,
            String key,
            String value,
            String source,
            Double confidence) {
        requireCategory(procedure, category);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(procedure + ": 'key' must not be blank");
        }
        if (value == null) {
            throw new IllegalArgumentException(procedure + ": 'value' must not be null (use "
                    + "mnemo.project.state.invalidate to retire an entry)");
        }
        // Secrets do not belong in state that every pack of the project carries: redacted as memories are.
        value = Redactor.clean(value);
        source = source == null ? null : Redactor.clean(source);
        // One writer per project at a time: the read of the active entry and its replacement are one step.
        tx.acquireWriteLock(project);
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Node current = active(project, category, key);
        if (current != null && value.equals(current.getProperty("value"))) {
            describe(current, source, confidence, now);
            return current;
        }
        if (current != null) {
            supersede(current, now);
        }
        String projectId = (String) project.getProperty("id");
        Node entry = tx.createNode(PROJECT_STATE);
        entry.setProperty("project", projectId);
        entry.setProperty("category", category);
        entry.setProperty("key", key);
        entry.setProperty("value", value);
        entry.setProperty("status", ACTIVE);
        entry.setProperty("active_key", activeKey(projectId, category, key));
        entry.setProperty("created_at", now);
        describe(entry, source, confidence == null ? 1.0 : confidence, now);
        project.createRelationshipTo(entry, HAS_STATE);
        return entry;
    }

    /** Marks the active entry of (category, key) superseded; false when there is none. */
    public boolean invalidate(String procedure, Node project, String category, String key) {
        requireCategory(procedure, category);
        tx.acquireWriteLock(project);
        Node current = active(project, category, key);
        if (current == null) {
            return false;
        }
        supersede(current, ZonedDateTime.now(ZoneOffset.UTC));
        return true;
    }

    /** The project's entries, by category and key, newest first within a key; superseded ones only with history. */
    public List<Node> list(String procedure, Node project, String category, boolean includeHistory) {
        if (category != null) {
            requireCategory(procedure, category);
        }
        List<Node> entries = new ArrayList<>();
        for (Relationship r : project.getRelationships(Direction.OUTGOING, HAS_STATE)) {
            Node entry = r.getEndNode();
            if ((category == null || category.equals(entry.getProperty("category")))
                    && (includeHistory || ACTIVE.equals(entry.getProperty("status")))) {
                entries.add(entry);
            }
        }
        entries.sort(Comparator.comparing((Node n) -> CATEGORIES.indexOf((String) n.getProperty("category")))
                .thenComparing(n -> (String) n.getProperty("key"))
                .thenComparing((Node n) -> (ZonedDateTime) n.getProperty("created_at"), Comparator.reverseOrder()));
        return entries;
    }

    private Node active(Node project, String category, String key) {
        return tx.findNode(PROJECT_STATE, "active_key", activeKey((String) project.getProperty("id"), category, key));
    }

    private static String activeKey(String project, String category, String key) {
        return project + "|" + category + "|" + key;
    }

    private static void describe(Node entry, String source, Double confidence, ZonedDateTime now) {
        if (source != null) {
            entry.setProperty("source", source);
        }
        if (confidence != null) {
            entry.setProperty("confidence", confidence);
        }
        entry.setProperty("updated_at", now);
    }

    private static void supersede(Node entry, ZonedDateTime now) {
        entry.setProperty("status", SUPERSEDED);
        entry.removeProperty("active_key");
        entry.setProperty("updated_at", now);
    }
}
