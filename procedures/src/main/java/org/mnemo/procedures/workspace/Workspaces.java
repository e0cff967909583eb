package org.mnemo.procedures.workspace;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.memory.Memories;
import org.mnemo.procedures.namespace.Grants;
import org.mnemo.procedures.namespace.Namespaces;
import org.mnemo.procedures.namespace.Role;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

/**
 * Maintaining the workspace tree and its memberships, as a trusted caller (a DBA's own Cypher: {@code as} null) or
 * on behalf of a principal ({@code as}), whose authority is checked here, in the transaction that changes things:
 * <ul>
 *   <li>only the admin and service accounts with {@code manage_workspaces} maintain workspaces at all
 *       ({@code capability_required} for anyone else, whatever the workspace);
 *   <li>such a service creates new roots (which it then manages) and changes, grants on, moves and deletes only
 *       what it manages; anything else answers {@code not_found}, as a workspace that does not exist would;
 *   <li>{@code custom_namespaces} and {@code manager} reach across trees, so only the admin sets them.
 * </ul>
 */
public final class Workspaces {
    private static final String ID = "[A-Za-z0-9._@:-]{1,200}";

    /** A workspace's fields as a change asks for them; null = leave as is ({@code parentSet} tells null apart). */
    public record Change(
            boolean parentSet,
            String parentId,
            String name,
            String status,
            List<String> customNamespaces,
            String manager) {}

    /** How many workspaces one mnemo.workspace.sync may carry. */
    public static final int MAX_SYNC = 1000;

    /**
     * The batch with every workspace after its parent when the parent is in the batch too (so a platform may send
     * its tree in any order); entries caught in a cycle keep their order, and the tree check refuses them.
     */
    public static List<Map<String, Object>> parentsFirst(List<Map<String, Object>> batch) {
        java.util.Set<Object> inBatch = new java.util.HashSet<>();
        batch.forEach(w -> inBatch.add(w.get("id")));
        List<Map<String, Object>> ordered = new java.util.ArrayList<>();
        java.util.Set<Object> placed = new java.util.HashSet<>();
        List<Map<String, Object>> waiting = new java.util.ArrayList<>(batch);
        boolean progress = true;
        while (!waiting.isEmpty() && progress) {
            progress = false;
            for (java.util.Iterator<Map<String, Object>> it = waiting.iterator(); it.hasNext(); ) {
                Map<String, Object> w = it.next();
                Object parent = w.get("parent_id");
                if (parent == null
                        || !inBatch.contains(parent)
                        || placed.contains(parent)
                        || parent.equals(w.get("id"))) {
                    ordered.add(w);
                    placed.add(w.get("id"));
                    it.remove();
                    progress = true;
                }
            }
        }
        ordered.addAll(waiting);
        return ordered;
    }

    private final Transaction tx;
    private final String as;
    private final Node actor;

    public Workspaces(Transaction tx, String as) {
        this.tx = tx;
        this.as = as;
        this.actor = as == null ? null : Grants.principal(tx, as);
        if (as != null && !Grants.hasCapability(actor, Grants.MANAGE_WORKSPACES)) {
            throw new IllegalArgumentException("capability_required: '" + as + "' may not maintain workspaces "
                    + "(needs the admin or a service account with " + Grants.MANAGE_WORKSPACES + ")");
        }
    }

    private boolean trusted() {
        return as == null || Grants.isAdmin(actor);
    }

    /** Creates or changes a workspace; returns its node. */
    public Node upsert(String id, Change change) {
        if (id == null || !id.matches(ID)) {
            throw new IllegalArgumentException("invalid_argument: 'id' must be 1..200 letters, digits or . _ @ : -");
        }
        if (id.equals(change.parentId())) {
            throw new IllegalArgumentException("invalid_argument: 'parent_id' cannot be the workspace itself");
        }
        if (!trusted() && (change.customNamespaces() != null || change.manager() != null)) {
            throw new IllegalArgumentException(
                    "capability_required: only the admin sets custom_namespaces or " + "manager");
        }
        Node node = tx.findNode(Namespaces.WORKSPACE, "id", id);
        if (node != null) {
            requireManaged(node, id);
        }
        if (change.parentSet() && change.parentId() != null) {
            Node parent = tx.findNode(Namespaces.WORKSPACE, "id", change.parentId());
            if (parent == null && !trusted()) {
                throw notFound(change.parentId());
            }
            if (parent != null) {
                requireManaged(parent, change.parentId());
            }
        }
        boolean created = node == null;
        if (created) {
            node = tx.createNode(Namespaces.WORKSPACE);
            node.setProperty("id", id);
            node.setProperty("created_at", ZonedDateTime.now(ZoneOffset.UTC));
        }
        if (change.parentSet()) {
            if (change.parentId() == null) {
                node.removeProperty("parent_id");
            } else {
                node.setProperty("parent_id", change.parentId());
            }
        }
        // A service keeps what it makes a root of: it manages it from now on.
        if (!trusted() && node.getProperty("parent_id", null) == null) {
            node.setProperty("manager", as);
        }
        if (change.manager() != null) {
            node.setProperty("manager", change.manager());
        }
        if (change.name() != null) {
            node.setProperty("name", change.name());
        }
        node.setProperty(
                "status", change.status() != null ? change.status() : (String) node.getProperty("status", "active"));
        if (change.customNamespaces() != null) {
            for (String name : change.customNamespaces()) {
                if (!name.startsWith(Namespaces.CUSTOM_PREFIX) || !Namespaces.wellFormed(name)) {
                    throw new IllegalArgumentException("invalid_argument: 'custom_namespaces' must hold "
                            + "custom:<name> names, not '" + name + "'");
                }
            }
            node.setProperty("custom_namespaces", change.customNamespaces().toArray(String[]::new));
        }
        if (created || change.parentSet()) {
            Namespaces.resolve(tx, id); // refuses a cycle or a broken parent before anything commits
        }
        return node;
    }

    /** A workspace the caller may maintain. */
    public Node get(String id) {
        Node node = id == null ? null : tx.findNode(Namespaces.WORKSPACE, "id", id);
        if (node == null) {
            throw notFound(id);
        }
        requireManaged(node, id);
        return node;
    }

    /** Deletes a childless workspace with its private memories; false when there is none (trusted callers). */
    public long delete(String id) {
        Node node = tx.findNode(Namespaces.WORKSPACE, "id", id);
        if (node == null) {
            if (!trusted()) {
                throw notFound(id);
            }
            return -1;
        }
        requireManaged(node, id);
        if (tx.findNodes(Namespaces.WORKSPACE, "parent_id", id).hasNext()) {
            throw new IllegalArgumentException(
                    "workspace_has_children: re-parent or delete the children of '" + id + "' first");
        }
        long purged = Memories.purge(tx, Namespaces.WORKSPACE_PREFIX + id, as == null ? "dba" : as);
        node.getRelationships().forEach(Relationship::delete);
        node.delete();
        return purged;
    }

    /**
     * Grants (or changes) a principal's membership. The admin needs none, so it cannot be a member. A service's
     * grant to a principal it does not manage ({@code managed_by}) is pending until that principal accepts it.
     */
    public Grants.Member grant(String id, String principalId, Role role) {
        Node workspace = get(id);
        Node principal = Grants.principal(tx, principalId);
        if (principal == null || Grants.isAdmin(principal)) {
            throw new IllegalArgumentException("not_found: no active user or service account '" + principalId + "'");
        }
        Relationship membership = membership(principal, workspace);
        if (membership == null) {
            membership = principal.createRelationshipTo(workspace, Grants.MEMBER_OF);
            membership.setProperty("granted_at", ZonedDateTime.now(ZoneOffset.UTC));
            boolean consented = trusted() || as.equals(principal.getProperty("managed_by", null));
            membership.setProperty("status", consented ? Grants.ACTIVE : Grants.PENDING);
        }
        membership.setProperty("role", role.key());
        membership.setProperty("granted_by", as == null ? "dba" : as);
        return new Grants.Member(principalId, role.key(), (String) membership.getProperty("status"));
    }

    /** Ends a membership; false when there was none. */
    public boolean revoke(String id, String principalId) {
        Node workspace = get(id);
        Node principal = principalId == null ? null : tx.findNode(Grants.PRINCIPAL, "id", principalId);
        Relationship membership = principal == null ? null : membership(principal, workspace);
        if (membership == null) {
            return false;
        }
        membership.delete();
        return true;
    }

    private static Relationship membership(Node principal, Node workspace) {
        for (Relationship r : principal.getRelationships(Direction.OUTGOING, Grants.MEMBER_OF)) {
            if (r.getEndNode().equals(workspace)) {
                return r;
            }
        }
        return null;
    }

    private void requireManaged(Node node, String id) {
        if (!trusted() && !Grants.manages(tx, as, node)) {
            throw notFound(id);
        }
    }

    private static IllegalArgumentException notFound(String id) {
        return new IllegalArgumentException("not_found: no workspace '" + id + "'");
    }
}
