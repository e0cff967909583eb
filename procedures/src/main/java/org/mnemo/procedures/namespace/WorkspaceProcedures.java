package org.mnemo.procedures.namespace;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.memory.Memories;
import org.mnemo.procedures.options.Options;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class WorkspaceProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    public record WorkspaceRow(String id, String parent_id, String name, String status, List<String> custom_namespaces) {}

    public record Purged(String namespace, long memories) {}

    @Procedure(name = "mnemo.workspace.upsert", mode = Mode.WRITE)
    @Description("Create or update a workspace of the tree: {parent_id (null for a root), name, status, "
            + "custom_namespaces}. Namespaces follow the tree live.")
    public Stream<WorkspaceRow> upsert(
            @Name(value = "id", description = "Workspace id.") String id,
            @Name(value = "fields", defaultValue = "{}", description = "{parent_id, name, status, custom_namespaces}")
                    Map<String, Object> fields) {
        String procedure = "mnemo.workspace.upsert";
        Options o = Options.of(procedure, fields, Set.of("parent_id", "name", "status", "custom_namespaces"));
        if (id == null || !id.matches("[A-Za-z0-9._@:-]{1,200}")) {
            throw new IllegalArgumentException(procedure + ": 'id' must be 1..200 letters, digits or . _ @ : -");
        }
        String parent = o.string("parent_id", null);
        if (id.equals(parent)) {
            throw new IllegalArgumentException(procedure + ": 'parent_id' cannot be the workspace itself");
        }
        Node node = tx.findNode(Namespaces.WORKSPACE, "id", id);
        if (node == null) {
            node = tx.createNode(Namespaces.WORKSPACE);
            node.setProperty("id", id);
            node.setProperty("created_at", ZonedDateTime.now(ZoneOffset.UTC));
        }
        if (fields.containsKey("parent_id")) {
            if (parent == null) {
                node.removeProperty("parent_id");
            } else {
                node.setProperty("parent_id", parent);
            }
        }
        if (o.has("name")) {
            node.setProperty("name", o.string("name", null));
        }
        node.setProperty("status", o.string("status", (String) node.getProperty("status", "active")));
        if (fields.get("custom_namespaces") instanceof List<?> custom) {
            String[] names = custom.stream().map(String::valueOf).toArray(String[]::new);
            for (String name : names) {
                if (!name.startsWith(Namespaces.CUSTOM_PREFIX) || !Namespaces.wellFormed(name)) {
                    throw new IllegalArgumentException(procedure + ": 'custom_namespaces' must hold custom:<name> "
                            + "names, not '" + name + "'");
                }
            }
            node.setProperty("custom_namespaces", names);
        }
        return Stream.of(row(node));
    }

    @Procedure(name = "mnemo.workspace.delete", mode = Mode.WRITE)
    @Description("Delete a workspace that has no children, with its private namespace and the memories in it.")
    public Stream<Purged> delete(@Name(value = "id", description = "Workspace id.") String id) {
        Node node = tx.findNode(Namespaces.WORKSPACE, "id", id);
        if (node == null) {
            return Stream.empty();
        }
        if (tx.findNodes(Namespaces.WORKSPACE, "parent_id", id).hasNext()) {
            throw new IllegalArgumentException("workspace_has_children: re-parent or delete the children of '" + id
                    + "' first");
        }
        String namespace = Namespaces.WORKSPACE_PREFIX + id;
        long purged = Memories.purge(tx, namespace);
        node.delete();
        return Stream.of(new Purged(namespace, purged));
    }

    @Procedure(name = "mnemo.namespace.resolve", mode = Mode.READ)
    @Description("The memory namespaces a workspace may read and write, computed live from the workspace tree: "
            + "workspace:<id>, team:<root>, org:<root> (writable only by the root) and granted custom:<name>.")
    public Stream<Namespaces.Resolution> resolve(
            @Name(value = "workspace_id", description = "Workspace id.") String workspaceId) {
        return Stream.of(Namespaces.resolve(tx, workspaceId));
    }

    private static WorkspaceRow row(Node node) {
        Object custom = node.getProperty("custom_namespaces", new String[0]);
        return new WorkspaceRow((String) node.getProperty("id"), (String) node.getProperty("parent_id", null),
                (String) node.getProperty("name", null), (String) node.getProperty("status", "active"),
                custom instanceof String[] names ? List.of(names) : List.of());
    }
}
