package org.mnemo.procedures.namespace;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Resolves a workspace to its memory namespaces, live from the workspace tree: {@code workspace:<id>} (private),
 * {@code team:<root>} and {@code org:<root>}, where the root is the ancestor without a parent; plus the
 * {@code custom:<name>} namespaces granted to the workspace. All are readable; {@code org:} is writable only by the
 * root itself. The walk up the tree is capped and detects cycles and missing parents.
 */
public final class Namespaces {
    public static final Label WORKSPACE = Label.label("Workspace");
    public static final int MAX_DEPTH = 50;
    public static final String WORKSPACE_PREFIX = "workspace:";
    public static final String TEAM_PREFIX = "team:";
    public static final String ORG_PREFIX = "org:";
    public static final String CUSTOM_PREFIX = "custom:";

    /**
     * A workspace's namespaces as seen with a role; {@code depth} is 0 for a root. A reader writes nothing; only
     * an owner may destroy in shared namespaces.
     */
    public record Resolution(
            String workspace_id,
            String root_id,
            long depth,
            List<String> readable,
            List<String> writable,
            String role) {}

    private Namespaces() {}

    /** The namespaces of a workspace for its owner (the trusted caller: a DBA's own Cypher). */
    public static Resolution resolve(Transaction tx, String workspaceId) {
        return resolve(tx, workspaceId, Role.OWNER);
    }

    /** The namespaces of a workspace for a caller acting with {@code role}. */
    public static Resolution resolve(Transaction tx, String workspaceId, Role role) {
        Node workspace = tx.findNode(WORKSPACE, "id", workspaceId);
        if (workspace == null) {
            throw new IllegalArgumentException("not_found: no workspace '" + workspaceId + "'");
        }
        Set<String> seen = new HashSet<>();
        seen.add(workspaceId);
        Node current = workspace;
        int depth = 0;
        while (current.getProperty("parent_id", null) instanceof String parent && !parent.isBlank()) {
            if (!seen.add(parent)) {
                throw new IllegalArgumentException("workspace_tree_cycle: workspace '" + workspaceId + "' reaches '"
                        + parent + "' twice on its way to the root");
            }
            if (++depth > MAX_DEPTH) {
                throw new IllegalArgumentException("workspace_tree_too_deep: workspace '" + workspaceId
                        + "' is more than " + MAX_DEPTH + " levels below its root");
            }
            Node next = tx.findNode(WORKSPACE, "id", parent);
            if (next == null) {
                throw new IllegalArgumentException("workspace_tree_broken: the parent '" + parent + "' of '"
                        + current.getProperty("id") + "' does not exist");
            }
            current = next;
        }
        String root = (String) current.getProperty("id");
        Set<String> readable =
                new LinkedHashSet<>(List.of(WORKSPACE_PREFIX + workspaceId, TEAM_PREFIX + root, ORG_PREFIX + root));
        Set<String> writable = new LinkedHashSet<>(List.of(WORKSPACE_PREFIX + workspaceId, TEAM_PREFIX + root));
        if (depth == 0) {
            writable.add(ORG_PREFIX + root);
        }
        if (workspace.getProperty("custom_namespaces", null) instanceof String[] custom) {
            for (String name : custom) {
                readable.add(name);
                writable.add(name);
            }
        }
        return new Resolution(
                workspaceId,
                root,
                depth,
                new ArrayList<>(readable),
                role.atLeast(Role.WRITER) ? new ArrayList<>(writable) : List.of(),
                role.key());
    }

    /**
     * Whether a caller may destroy memories of {@code namespace} (forget one, or purge all when {@code whole})
     * acting as the resolved workspace {@code as}, which must write it: its private namespace needs a writer to forget, an
     * owner to purge; a custom one an owner of the workspace; the tree-wide {@code team:} and {@code org:} ones an
     * owner acting as the tree's root itself — neither a leaf's owner nor a credential bound to a leaf governs what
     * the whole tree shares, whatever its principal holds elsewhere.
     */
    public static boolean mayDestroy(Namespaces.Resolution as, String namespace, boolean whole) {
        if (!as.writable().contains(namespace)) {
            return false;
        }
        Role role = Role.parse(as.role(), "role");
        if (namespace.equals(Namespaces.WORKSPACE_PREFIX + as.workspace_id())) {
            return role.atLeast(whole ? Role.OWNER : Role.WRITER);
        }
        if (namespace.startsWith(Namespaces.CUSTOM_PREFIX)) {
            return role == Role.OWNER;
        }
        return as.workspace_id().equals(as.root_id()) && role == Role.OWNER;
    }

    /** A namespace name Mnemo accepts: one of the four kinds, with a non-empty id. */
    public static boolean wellFormed(String namespace) {
        return namespace != null && namespace.matches("(workspace|team|org|custom):[A-Za-z0-9._@:-]{1,200}");
    }
}
