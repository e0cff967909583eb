package org.mnemo.procedures.memory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mnemo.procedures.namespace.Namespaces;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Memories out and in: export of the active memories of namespaces as JSON Lines rows (with the legacy fields older
 * tools read), and an idempotent import that stores through {@link Memories}, redacted again, with original times.
 */
public final class MemoryTransfer {
    private final Transaction tx;
    private final Memories memories;

    public MemoryTransfer(Transaction tx, Memories memories) {
        this.tx = tx;
        this.memories = memories;
    }

    /** How an import went: stored, already there (by id), skipped (unknown namespace or unusable line). */
    public record Imported(long imported, long existing, long skipped) {}

    /**
     * Imports exported memories: idempotent on id, redacted again, with their original times. Memories of
     * namespaces that no workspace here resolves to are skipped and counted.
     */
    public Imported importAll(List<Map<String, Object>> rows, String actor) {
        long imported = 0;
        long existing = 0;
        long skipped = 0;
        for (Map<String, Object> row : rows) {
            String namespace = row.get("namespace") instanceof String ns ? ns : legacyNamespace(row);
            String content = row.get("content") instanceof String c ? c : null;
            String kind = row.get("kind") instanceof String k ? k.toLowerCase(Locale.ROOT) : "note";
            // A legacy entry without an id gets one from what it is, so importing the file again stays idempotent.
            String id = row.get("id") instanceof String given
                    ? given
                    : content == null || namespace == null
                            ? null
                            : "legacy-"
                                    + Memories.sha256(namespace + "|" + row.get("created_at") + "|" + content)
                                            .substring(0, 32);
            if (id == null
                    || content == null
                    || content.isBlank()
                    || !Memories.KINDS.contains(kind)
                    || !known(namespace)) {
                skipped++;
                continue;
            }
            if (tx.findNode(Memories.MEMORY, "key", Memories.key(namespace, id)) != null) {
                existing++;
                continue;
            }
            List<String> tags = row.get("tags") instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList()
                    : row.get("tags") instanceof String[] array ? List.of(array) : List.of();
            Double confidence = row.get("confidence") instanceof Number n ? n.doubleValue() : null;
            memories.store(
                    new Memories.Draft(
                            id, namespace, kind, content, tags, (String) row.get("source"), null, confidence, null),
                    namespace,
                    kind,
                    time(row.get("created_at"), ZonedDateTime.now(ZoneOffset.UTC)),
                    time(row.get("expires_at"), null),
                    actor);
            imported++;
        }
        Memories.audit(
                tx,
                "import",
                actor,
                "*",
                null,
                "imported=" + imported + " existing=" + existing + " skipped=" + skipped);
        return new Imported(imported, existing, skipped);
    }

    /**
     * The namespace of a legacy export entry ({@code memoryExportEntry}: a {@code scope} of LOCAL, TEAM or GLOBAL
     * and the workspace by {@code workspace_id} (an unknown id is skipped) or, without one, by
     * {@code workspace_name} when exactly one workspace has that name): LOCAL → {@code workspace:<id>}, TEAM → {@code team:<root>}, GLOBAL →
     * {@code org:<root>}, the root as the tree says now. Null when it cannot be told (the entry is skipped).
     */
    private String legacyNamespace(Map<String, Object> row) {
        if (!(row.get("scope") instanceof String scope)) {
            return null;
        }
        String workspace = null;
        if (row.get("workspace_id") instanceof String id && !id.isBlank()) {
            // An id decides alone: an unknown one is skipped, never re-homed by a name another tenant may share.
            workspace = tx.findNode(Namespaces.WORKSPACE, "id", id) != null ? id : null;
        } else if (row.get("workspace_name") instanceof String name && !name.isBlank()) {
            List<String> named = new ArrayList<>();
            tx.execute("MATCH (w:Workspace {name: $name}) RETURN w.id AS id LIMIT 2", Map.of("name", name))
                    .forEachRemaining(r -> named.add((String) r.get("id")));
            workspace = named.size() == 1 ? named.get(0) : null;
        }
        if (workspace == null) {
            return null;
        }
        Namespaces.Resolution resolved;
        try {
            resolved = Namespaces.resolve(tx, workspace);
        } catch (IllegalArgumentException brokenTree) {
            return null;
        }
        return switch (scope.toUpperCase(Locale.ROOT)) {
            case "LOCAL" -> Namespaces.WORKSPACE_PREFIX + workspace;
            case "TEAM" -> Namespaces.TEAM_PREFIX + resolved.root_id();
            case "GLOBAL" -> Namespaces.ORG_PREFIX + resolved.root_id();
            default -> null;
        };
    }

    /**
     * The active memories of these namespaces, each once (team memories shared by several workspaces too). Each row
     * also carries the legacy {@code memoryExportEntry} fields — {@code scope} (LOCAL, TEAM, GLOBAL; null for a
     * custom namespace), {@code workspace_id} and {@code workspace_name} — so older tools read the file too.
     */
    public static List<Map<String, Object>> export(Transaction tx, List<String> namespaces) {
        List<Map<String, Object>> rows = new ArrayList<>();
        tx.execute("""
                MATCH (m:Memory) WHERE m.namespace IN $namespaces AND m.status = 'active'
                WITH DISTINCT m ORDER BY m.namespace, m.created_at, m.id
                RETURN m{.id, .namespace, .kind, .content, .tags, .source, .confidence,
                         created_at: toString(m.created_at), expires_at: toString(m.expires_at)} AS memory""", Map.of("namespaces", namespaces)).forEachRemaining(r -> rows.add(castMap(r.get("memory"))));
        Map<String, String> names = new HashMap<>();
        List<Map<String, Object>> legacy = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            Map<String, Object> withLegacy = new LinkedHashMap<>(row);
            String namespace = (String) row.get("namespace");
            String prefix = namespace.substring(0, namespace.indexOf(':'));
            String workspace = prefix.equals("custom") ? null : namespace.substring(prefix.length() + 1);
            withLegacy.put(
                    "scope",
                    switch (prefix) {
                        case "workspace" -> "LOCAL";
                        case "team" -> "TEAM";
                        case "org" -> "GLOBAL";
                        default -> null;
                    });
            withLegacy.put("workspace_id", workspace);
            withLegacy.put(
                    "workspace_name",
                    workspace == null
                            ? null
                            : names.computeIfAbsent(workspace, id -> {
                                Node node = tx.findNode(Namespaces.WORKSPACE, "id", id);
                                return node == null ? null : (String) node.getProperty("name", null);
                            }));
            legacy.add(withLegacy);
        }
        return legacy;
    }

    /** Whether some workspace here resolves to this namespace. */
    private boolean known(String namespace) {
        if (namespace == null || !Namespaces.wellFormed(namespace)) {
            return false;
        }
        String id = namespace.substring(namespace.indexOf(':') + 1);
        Map<String, Object> params = Map.of("id", id, "ns", namespace);
        String query = namespace.startsWith(Namespaces.WORKSPACE_PREFIX)
                ? "MATCH (w:Workspace {id: $id}) RETURN count(w) > 0 AS known"
                : namespace.startsWith(Namespaces.CUSTOM_PREFIX)
                        ? "MATCH (w:Workspace) WHERE $ns IN w.custom_namespaces RETURN count(w) > 0 AS known"
                        : "MATCH (w:Workspace {id: $id}) WHERE w.parent_id IS NULL RETURN count(w) > 0 AS known";
        return Boolean.TRUE.equals(tx.execute(query, params).next().get("known"));
    }

    private static ZonedDateTime time(Object value, ZonedDateTime fallback) {
        if (!(value instanceof String text) || text.isBlank()) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(text).atZoneSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return ZonedDateTime.parse(text).withZoneSameInstant(ZoneOffset.UTC);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }
}
