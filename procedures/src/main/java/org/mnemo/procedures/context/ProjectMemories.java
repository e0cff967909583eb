package org.mnemo.procedures.context;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.memory.Memories;
import org.mnemo.procedures.namespace.Namespaces;
import org.mnemo.procedures.project.Projects;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * The context engine's memories: Mnemo memory nodes in the namespace {@code project:<id>} of a project, or
 * {@code context:<principal>} for the ones about the principal itself (no project), with a context-engine
 * {@code memory_type}, a {@code confidence}, a {@code reference_count} and a lifecycle: candidate → active →
 * superseded | invalid. Only active ones are found by memory search, so only they reach a pack. Each carries the
 * {@code owner} of its project (or its principal): a caller acting as another principal does not see it.
 */
public final class ProjectMemories {
    public static final List<String> TYPES =
            List.of("identity", "preference", "project", "episodic", "knowledge", "adaptation");
    public static final List<String> STATUSES = List.of("candidate", "active", "superseded", "invalid");
    public static final String PROJECT_PREFIX = "project:";
    public static final String PRINCIPAL_PREFIX = "context:";
    static final double DEFAULT_CONFIDENCE = 0.5;

    /** One context-engine memory as the procedures answer it. */
    public record Row(
            String id,
            String memory_type,
            String content,
            String project,
            String status,
            double confidence,
            long reference_count,
            ZonedDateTime last_referenced_at,
            String source,
            ZonedDateTime created_at,
            ZonedDateTime updated_at) {}

    private final Transaction tx;
    private final Projects projects;
    private final Memories memories;

    public ProjectMemories(Transaction tx, Projects projects, Memories memories) {
        this.tx = tx;
        this.projects = projects;
        this.memories = memories;
    }

    /** The namespaces whose memories a pack for {@code project} (null: none) may draw on. */
    public List<String> namespaces(Node project) {
        List<String> namespaces = new ArrayList<>();
        if (project != null) {
            namespaces.add(PROJECT_PREFIX + project.getProperty("id"));
        }
        namespaces.add(principalNamespace());
        return namespaces;
    }

    /** A resolution that reads (and writes) exactly {@code namespaces}, for Mnemo's memory operations. */
    static Namespaces.Resolution over(List<String> namespaces) {
        return new Namespaces.Resolution("context", "context", 0, namespaces, namespaces, "owner");
    }

    public Row add(
            String procedure,
            String content,
            String projectName,
            String type,
            Double confidence,
            String status,
            String source) {
        requireType(procedure, type);
        String state = status == null ? "active" : status;
        if (!List.of("candidate", "active").contains(state)) {
            throw new IllegalArgumentException(procedure + ": 'status' of a new memory must be 'candidate' or "
                    + "'active', got '" + status + "'");
        }
        Node project = projectName == null || projectName.isBlank() ? null : projects.get(procedure, projectName);
        String namespace = project == null ? principalNamespace() : PROJECT_PREFIX + project.getProperty("id");
        Memories.Committed committed = memories.commit(
                over(List.of(namespace)),
                projects.principal(),
                new Memories.Draft(
                        null,
                        namespace,
                        kind(type),
                        content,
                        List.of(type),
                        source,
                        null,
                        confidence == null ? DEFAULT_CONFIDENCE : confidence,
                        null),
                Duration.ZERO);
        Node memory = tx.findNode(Memories.MEMORY, "key", namespace + "|" + committed.id());
        memory.setProperty("memory_type", type);
        memory.setProperty("status", state);
        memory.setProperty("reference_count", 0L);
        memory.setProperty("project", project == null ? "" : project.getProperty("id"));
        String owner = project == null ? projects.principal() : (String) project.getProperty("owner", null);
        if (owner != null) {
            memory.setProperty("owner", owner);
        }
        return row(memory);
    }

    /** A context memory the caller may see, by id; {@code not_found} otherwise. */
    public Node get(String procedure, String id) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", id == null ? "" : id);
        params.put("principal", projects.principal());
        params.put("all", projects.principal() == null);
        var found = tx.execute("""
                MATCH (m:Memory {id: $id}) WHERE m.memory_type IS NOT NULL
                  AND ($all OR m.owner = $principal) RETURN m LIMIT 1""", params);
        if (!found.hasNext()) {
            throw new IllegalArgumentException("not_found: " + procedure + ": no memory '" + id + "'");
        }
        return (Node) found.next().get("m");
    }

    public List<Row> list(String procedure, String projectName, String status, String type, int limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw new IllegalArgumentException(
                    procedure + ": 'status' must be one of " + STATUSES + ", got '" + status + "'");
        }
        if (type != null) {
            requireType(procedure, type);
        }
        Map<String, Object> params = new HashMap<>();
        params.put("project", projectName == null ? null : projects.resolve(projectName));
        params.put("status", status);
        params.put("type", type);
        params.put("principal", projects.principal());
        params.put("all", projects.principal() == null);
        params.put("limit", limit);
        List<Row> rows = new ArrayList<>();
        tx.execute("""
                MATCH (m:Memory) WHERE m.memory_type IS NOT NULL AND ($all OR m.owner = $principal)
                  AND ($project IS NULL OR m.project = $project) AND ($status IS NULL OR m.status = $status)
                  AND ($type IS NULL OR m.memory_type = $type)
                RETURN m ORDER BY m.created_at DESC, m.id LIMIT $limit""", params).forEachRemaining(r -> rows.add(row((Node) r.get("m"))));
        return rows;
    }

    /** Changes content, confidence or type of a candidate or active memory; retired ones stay as they were. */
    public Row update(String procedure, String id, String content, Double confidence, String type) {
        Node memory = get(procedure, id);
        String status = (String) memory.getProperty("status");
        if (!List.of("candidate", "active").contains(status)) {
            throw new IllegalArgumentException(
                    "conflict: " + procedure + ": memory '" + id + "' is " + status + " and can no longer change");
        }
        if (type != null) {
            requireType(procedure, type);
            memory.setProperty("memory_type", type);
            memory.setProperty("kind", kind(type));
        }
        if (confidence != null) {
            memory.setProperty("confidence", confidence);
        }
        if (content != null && !content.isBlank() && !content.strip().equals(memory.getProperty("content"))) {
            memories.rewrite(memory, content);
        }
        memory.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
        return row(memory);
    }

    /** Moves a memory along its lifecycle; only the moves the review queue and supersession make are allowed. */
    public Row transition(String procedure, String id, String to) {
        Node memory = get(procedure, id);
        String from = (String) memory.getProperty("status");
        boolean allowed = switch (to) {
            case "active" -> from.equals("candidate");
            case "invalid" -> from.equals("candidate") || from.equals("active");
            case "superseded" -> from.equals("active");
            default -> false;
        };
        if (!allowed) {
            throw new IllegalArgumentException(
                    "conflict: " + procedure + ": memory '" + id + "' is " + from + "; it cannot become " + to);
        }
        memory.setProperty("status", to);
        memory.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
        return row(memory);
    }

    private String principalNamespace() {
        return PRINCIPAL_PREFIX + (projects.principal() == null ? "" : projects.principal());
    }

    private static void requireType(String procedure, String type) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException(
                    procedure + ": 'memory_type' must be one of " + TYPES + ", got '" + type + "'");
        }
    }

    /** The nearest of Mnemo's own memory kinds, so that memory tools that filter by kind still make sense. */
    private static String kind(String type) {
        return switch (type) {
            case "preference" -> "preference";
            case "adaptation" -> "decision";
            case "episodic" -> "note";
            default -> "fact";
        };
    }

    public static Row row(Node m) {
        return new Row(
                (String) m.getProperty("id"),
                (String) m.getProperty("memory_type"),
                (String) m.getProperty("content"),
                (String) m.getProperty("project", ""),
                (String) m.getProperty("status"),
                ((Number) m.getProperty("confidence", DEFAULT_CONFIDENCE)).doubleValue(),
                ((Number) m.getProperty("reference_count", 0L)).longValue(),
                (ZonedDateTime) m.getProperty("last_referenced_at", null),
                (String) m.getProperty("source", null),
                (ZonedDateTime) m.getProperty("created_at"),
                (ZonedDateTime) m.getProperty("updated_at", null));
    }
}
