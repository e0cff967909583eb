package org.mnemo.procedures.workspace;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.namespace.Acting;
import org.mnemo.procedures.namespace.Grants;
import org.mnemo.procedures.namespace.Namespaces;
import org.mnemo.procedures.namespace.Role;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Analyst;
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

    public record WorkspaceRow(
            String id, String parent_id, String name, String status, List<String> custom_namespaces, String manager) {}

    public record Purged(String namespace, long memories) {}

    public record MemberRow(String workspace_id, String principal, String role, String status) {}

    public record Revoked(String workspace_id, String principal, boolean revoked) {}

    private static final String AS =
            "{as: principal id — act on its behalf: only what it manages (omit for the " + "trusted caller)}";

    @Procedure(name = "mnemo.workspace.upsert", mode = Mode.WRITE)
    @Description("Create or update a workspace of the tree: {parent_id (null for a root), name, status, "
            + "custom_namespaces, manager}. Namespaces follow the tree live. With {as}, only for the admin or a "
            + "service account with manage_workspaces, and only within what it manages.")
    public Stream<WorkspaceRow> upsert(
            @Name(value = "id", description = "Workspace id.") String id,
            @Name(
                            value = "fields",
                            defaultValue = "{}",
                            description = "{parent_id, name, status, custom_namespaces, " + "manager}")
                    Map<String, Object> fields,
            @Name(value = "options", defaultValue = "{}", description = AS) Map<String, Object> options) {
        String procedure = "mnemo.workspace.upsert";
        Options o =
                Options.of(procedure, fields, Set.of("parent_id", "name", "status", "custom_namespaces", "manager"));
        Workspaces workspaces = new Workspaces(tx, as(procedure, options));
        return Stream.of(row(workspaces.upsert(
                id,
                new Workspaces.Change(
                        fields != null && fields.containsKey("parent_id"),
                        o.string("parent_id", null),
                        o.string("name", null),
                        o.string("status", null),
                        o.strings("custom_namespaces", null),
                        o.string("manager", null)))));
    }

    @Procedure(name = "mnemo.workspace.sync", mode = Mode.WRITE)
    @Description("Create or update many workspaces of the tree in one transaction (a platform mirroring its "
            + "hierarchy): [{id, parent_id, name, status}], parents in the batch before their children; all or "
            + "nothing. With {as}, as mnemo.workspace.upsert: only within what that principal manages.")
    public Stream<WorkspaceRow> sync(
            @Name(
                            value = "workspaces",
                            description = "[{id, parent_id (absent: unchanged; null: a root), name, "
                                    + "status}], at most " + Workspaces.MAX_SYNC)
                    List<Map<String, Object>> workspaces,
            @Name(value = "options", defaultValue = "{}", description = AS) Map<String, Object> options) {
        String procedure = "mnemo.workspace.sync";
        if (workspaces == null || workspaces.size() > Workspaces.MAX_SYNC) {
            throw new IllegalArgumentException(
                    procedure + ": 'workspaces' must be a list of at most " + Workspaces.MAX_SYNC + " workspaces");
        }
        checkBatch(procedure, workspaces);
        Workspaces tree = new Workspaces(tx, as(procedure, options));
        List<Map<String, Object>> ordered = Workspaces.parentsFirst(workspaces);
        List<WorkspaceRow> rows = new java.util.ArrayList<>();
        for (Map<String, Object> w : ordered) {
            Options o = Options.of(procedure, w, Set.of("id", "parent_id", "name", "status"));
            rows.add(row(tree.upsert(
                    o.string("id", null),
                    new Workspaces.Change(
                            w.containsKey("parent_id"),
                            o.string("parent_id", null),
                            o.string("name", null),
                            o.string("status", null),
                            null,
                            null))));
        }
        return rows.stream();
    }

    /** Each id once, and no cycle among the batch's own parent links (named as such, before anything is written). */
    private static void checkBatch(String procedure, List<Map<String, Object>> workspaces) {
        Map<String, String> parents = new java.util.HashMap<>();
        for (Map<String, Object> w : workspaces) {
            Object id = w == null ? null : w.get("id");
            if (id instanceof String key && parents.containsKey(key)) {
                throw new IllegalArgumentException(procedure + ": 'workspaces' names '" + key + "' twice");
            }
            if (id instanceof String key) {
                parents.put(key, w.get("parent_id") instanceof String parent ? parent : null);
            }
        }
        for (String start : parents.keySet()) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String at = start; at != null && parents.containsKey(at); at = parents.get(at)) {
                if (!seen.add(at)) {
                    throw new IllegalArgumentException("workspace_tree_cycle: " + procedure + ": the batch's parent "
                            + "links make a cycle through '" + at + "'");
                }
            }
        }
    }

    @Procedure(name = "mnemo.workspace.get", mode = Mode.READ)
    @Description("One workspace of the tree with its manager (with {as}: only one it manages).")
    public Stream<WorkspaceRow> get(
            @Name(value = "id", description = "Workspace id.") String id,
            @Name(value = "options", defaultValue = "{}", description = AS) Map<String, Object> options) {
        return Stream.of(row(new Workspaces(tx, as("mnemo.workspace.get", options)).get(id)));
    }

    @Procedure(name = "mnemo.workspace.delete", mode = Mode.WRITE)
    @Description("Delete a workspace that has no children, with its memberships, its private namespace and the "
            + "memories in it (audited).")
    public Stream<Purged> delete(
            @Name(value = "id", description = "Workspace id.") String id,
            @Name(value = "options", defaultValue = "{}", description = AS) Map<String, Object> options) {
        long purged = new Workspaces(tx, as("mnemo.workspace.delete", options)).delete(id);
        return purged < 0 ? Stream.empty() : Stream.of(new Purged(Namespaces.WORKSPACE_PREFIX + id, purged));
    }

    @Procedure(name = "mnemo.workspace.grant", mode = Mode.WRITE)
    @Description("Grant a user or service account a role (reader, writer, owner) on a workspace, or change it; a "
            + "service's grant to a principal it does not manage is pending until accepted (mnemo.membership.accept).")
    public Stream<MemberRow> grant(
            @Name(value = "id", description = "Workspace id.") String id,
            @Name(value = "principal", description = "User or service account id.") String principal,
            @Name(value = "role", description = "reader, writer or owner.") String role,
            @Name(value = "options", defaultValue = "{}", description = AS) Map<String, Object> options) {
        String procedure = "mnemo.workspace.grant";
        Role parsed = Role.parse(role, procedure + ": 'role'");
        Grants.Member member = new Workspaces(tx, as(procedure, options)).grant(id, principal, parsed);
        return Stream.of(new MemberRow(id, member.principal(), member.role(), member.status()));
    }

    @Procedure(name = "mnemo.workspace.revoke", mode = Mode.WRITE)
    @Description("End a principal's membership of a workspace; revoked is false when there was none.")
    public Stream<Revoked> revoke(
            @Name(value = "id", description = "Workspace id.") String id,
            @Name(value = "principal", description = "User or service account id.") String principal,
            @Name(value = "options", defaultValue = "{}", description = AS) Map<String, Object> options) {
        boolean revoked = new Workspaces(tx, as("mnemo.workspace.revoke", options)).revoke(id, principal);
        return Stream.of(new Revoked(id, principal, revoked));
    }

    @Procedure(name = "mnemo.workspace.members", mode = Mode.READ)
    @Description("The memberships of a workspace: principal and role, by principal.")
    public Stream<MemberRow> members(
            @Name(value = "id", description = "Workspace id.") String id,
            @Name(value = "options", defaultValue = "{}", description = AS) Map<String, Object> options) {
        Node workspace = new Workspaces(tx, as("mnemo.workspace.members", options)).get(id);
        return Grants.members(workspace).stream().map(m -> new MemberRow(id, m.principal(), m.role(), m.status()));
    }

    @Procedure(name = "mnemo.namespace.resolve", mode = Mode.READ)
    @Description("The memory namespaces a workspace may read and write, computed live from the workspace tree: "
            + "workspace:<id>, team:<root>, org:<root> (writable only by the root) and granted custom:<name>. With "
            + "{principal, max_role}: as that principal, whose live role must allow it (readers write nothing).")
    public Stream<Namespaces.Resolution> resolve(
            @Name(value = "workspace_id", description = "Workspace id.") String workspaceId,
            @Name(value = "options", defaultValue = "{}", description = "{principal, max_role}")
                    Map<String, Object> options) {
        Acting acting = Acting.of("mnemo.namespace.resolve", options, Set.of());
        return Stream.of(
                acting.as(Analyst.of(tx, db).actingAs(acting.principal())).namespaces(tx, workspaceId));
    }

    /** Whom a tree call acts for: {@code as}, or a restricted Neo4j user's own principal whatever it passes. */
    private String as(String procedure, Map<String, Object> options) {
        return Analyst.of(tx, db)
                .actingAs(Options.of(procedure, options, Set.of("as")).string("as", null));
    }

    private static WorkspaceRow row(Node node) {
        Object custom = node.getProperty("custom_namespaces", new String[0]);
        return new WorkspaceRow(
                (String) node.getProperty("id"),
                (String) node.getProperty("parent_id", null),
                (String) node.getProperty("name", null),
                (String) node.getProperty("status", "active"),
                custom instanceof String[] names ? List.of(names) : List.of(),
                (String) node.getProperty("manager", null));
    }
}
