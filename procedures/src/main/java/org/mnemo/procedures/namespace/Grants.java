package org.mnemo.procedures.namespace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

/**
 * The grant model, read live from the graph: who holds which workspace, and with what role. Nothing here trusts
 * what a credential says about itself — the gateway passes only the principal it authenticated.
 * <ul>
 *   <li>The admin holds every workspace as owner.
 *   <li>A workspace's {@code manager} (the admin or a service account that created it) holds it and every
 *       workspace below it as owner.
 *   <li>Anyone else holds a workspace only through a {@code (:Principal)-[:MEMBER_OF {role}]->(:Workspace)}
 *       membership, granted by a manager; memberships do not extend to children.
 * </ul>
 */
public final class Grants {
    public static final Label PRINCIPAL = Label.label("Principal");
    public static final RelationshipType MEMBER_OF = RelationshipType.withName("MEMBER_OF");
    public static final String ADMIN = "admin";
    public static final String SERVICE = "service";
    public static final String USER = "user";
    /** "every one": in an allow-list of libraries or a token's workspace binding. */
    public static final String ALL = "*";
    /** A service account's capability to create workspaces (which it then manages) and grant memberships. */
    public static final String MANAGE_WORKSPACES = "manage_workspaces";
    /** Capabilities a service account can be given; each is documented in docs/security.md. */
    /** A service account's capability to be the memory plugin's trusted caller (docs/security.md). */
    public static final String TRUSTED_NAMESPACES = "trusted_namespaces";

    public static final List<String> CAPABILITIES = List.of(MANAGE_WORKSPACES, TRUSTED_NAMESPACES);
    /** How many workspaces a principal's listing walks at most (the managed subtree); a guard, not a quota. */
    private static final int MAX_HELD = 100_000;

    private Grants() {}

    /** The active principal with this id, or null. */
    public static Node principal(Transaction tx, String id) {
        Node principal = id == null ? null : tx.findNode(PRINCIPAL, "id", id);
        return principal != null && Boolean.TRUE.equals(principal.getProperty("active", true)) ? principal : null;
    }

    public static boolean isAdmin(Node principal) {
        return principal != null && ADMIN.equals(principal.getProperty("role", USER));
    }

    public static boolean hasCapability(Node principal, String capability) {
        return isAdmin(principal)
                || (principal != null
                        && SERVICE.equals(principal.getProperty("role", USER))
                        && principal.getProperty("capabilities", new String[0]) instanceof String[] caps
                        && List.of(caps).contains(capability));
    }

    /** The principal's role on a workspace, or null when it holds none (or either does not exist). */
    public static Role role(Transaction tx, String principalId, String workspaceId) {
        Node principal = principal(tx, principalId);
        Node workspace = workspaceId == null ? null : tx.findNode(Namespaces.WORKSPACE, "id", workspaceId);
        if (principal == null || workspace == null) {
            return null;
        }
        if (isAdmin(principal) || manages(tx, principalId, workspace)) {
            return Role.OWNER;
        }
        Role best = null;
        for (Relationship r : principal.getRelationships(Direction.OUTGOING, MEMBER_OF)) {
            if (r.getEndNode().equals(workspace) && active(r)) {
                Role role = Role.parse(r.getProperty("role", "reader"), "membership role");
                best = best == null || role.atLeast(best) ? role : best;
            }
        }
        return best;
    }

    /** Whether the principal manages this workspace: it, or an ancestor, names the principal as manager. */
    public static boolean manages(Transaction tx, String principalId, Node workspace) {
        Set<String> seen = new HashSet<>();
        Node current = workspace;
        for (int depth = 0; current != null && depth <= Namespaces.MAX_DEPTH; depth++) {
            if (principalId.equals(current.getProperty("manager", null))) {
                return true;
            }
            if (!(current.getProperty("parent_id", null) instanceof String parent) || !seen.add(parent)) {
                return false;
            }
            current = tx.findNode(Namespaces.WORKSPACE, "id", parent);
        }
        return false;
    }

    /**
     * Every workspace the principal holds: its memberships, and the workspaces it manages with everything below
     * them. Not for the admin (who holds all).
     */
    public static Set<String> held(Transaction tx, String principalId) {
        Set<String> held = new LinkedHashSet<>();
        Node principal = principal(tx, principalId);
        if (principal == null) {
            return held;
        }
        for (Relationship r : principal.getRelationships(Direction.OUTGOING, MEMBER_OF)) {
            if (active(r)) {
                held.add((String) r.getEndNode().getProperty("id"));
            }
        }
        Deque<String> queue = new ArrayDeque<>();
        try (ResourceIterator<Node> managed = tx.findNodes(Namespaces.WORKSPACE, "manager", principalId)) {
            managed.forEachRemaining(w -> queue.add((String) w.getProperty("id")));
        }
        Set<String> subtree = new HashSet<>();
        while (!queue.isEmpty() && subtree.size() < MAX_HELD) {
            String id = queue.poll();
            if (!subtree.add(id)) {
                continue;
            }
            try (ResourceIterator<Node> children = tx.findNodes(Namespaces.WORKSPACE, "parent_id", id)) {
                children.forEachRemaining(c -> queue.add((String) c.getProperty("id")));
            }
        }
        held.addAll(subtree);
        return held;
    }

    /**
     * The role with which a caller acts as a workspace: the principal's live role capped by {@code maxRole}; the
     * trusted caller (no principal: a DBA's own Cypher) acts as owner. Refused with {@code workspace_forbidden}
     * — the same answer whether the workspace exists or not.
     */
    public static Role acting(Transaction tx, String principalId, Role maxRole, String workspaceId) {
        if (principalId == null) {
            return maxRole == null ? Role.OWNER : maxRole;
        }
        Role role = Role.min(role(tx, principalId, workspaceId), maxRole == null ? Role.OWNER : maxRole);
        if (role == null) {
            throw new IllegalArgumentException(
                    "workspace_forbidden: '" + principalId + "' holds no role on workspace '" + workspaceId + "'");
        }
        return role;
    }

    /**
     * Whether a membership counts: one a service granted to a principal it does not manage is {@code pending}
     * until the member accepts it — a tenant's manager cannot put its workspaces into someone else's searches.
     */
    public static boolean active(Relationship membership) {
        return !PENDING.equals(membership.getProperty("status", ACTIVE));
    }

    public static final String ACTIVE = "active";
    public static final String PENDING = "pending";

    /** Members of a workspace: principal id, role and status (active or pending), by id. */
    public static List<Member> members(Node workspace) {
        List<Member> members = new ArrayList<>();
        for (Relationship r : workspace.getRelationships(Direction.INCOMING, MEMBER_OF)) {
            members.add(new Member((String) r.getStartNode().getProperty("id"), (String) r.getProperty("role"), (String)
                    r.getProperty("status", ACTIVE)));
        }
        members.sort(java.util.Comparator.comparing(Member::principal));
        return members;
    }

    /**
     * The libraries a principal may read within an allow-list ("*" = everything it may read): the admin reads
     * all; others read the libraries they own and those of the workspaces they hold.
     */
    public static List<String> readableLibraries(Transaction tx, List<String> allowed, String owner, String role) {
        boolean all = allowed.contains(ALL);
        if (!all && allowed.isEmpty()) {
            return List.of();
        }
        if (ADMIN.equals(role)) {
            return all
                    ? List.of(ALL)
                    : uids(
                            tx,
                            "MATCH (l:Library) WHERE l.uid IN $allowed RETURN l.uid AS uid " + "ORDER BY uid",
                            Map.of("allowed", allowed));
        }
        Set<String> held = held(tx, owner);
        return uids(tx, """
                MATCH (l:Library) WHERE (l.owner = $owner OR l.workspace_id IN $held) AND ($all OR l.uid IN $allowed)
                RETURN l.uid AS uid ORDER BY uid""", Map.of("owner", owner, "held", List.copyOf(held), "all", all, "allowed", allowed));
    }

    private static List<String> uids(Transaction tx, String cypher, Map<String, Object> params) {
        List<String> uids = new ArrayList<>();
        tx.execute(cypher, params).forEachRemaining(r -> uids.add((String) r.get("uid")));
        return uids;
    }

    public record Member(String principal, String role, String status) {}
}
