package org.mnemo.procedures.membership;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.mnemo.procedures.namespace.Grants;
import org.mnemo.procedures.scope.Analyst;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/** A principal's own memberships: what it was granted, accepting a pending grant, leaving. */
public class MembershipProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    public record MembershipRow(String workspace_id, String principal, String role, String status, String granted_by) {}

    @Procedure(name = "mnemo.membership.list", mode = Mode.READ)
    @Description("The memberships of a principal, active and pending, by workspace.")
    public Stream<MembershipRow> list(
            @Name(value = "principal", description = "User or service account id.") String principal) {
        Node node = own(principal);
        List<MembershipRow> rows = new ArrayList<>();
        if (node != null) {
            for (Relationship r : node.getRelationships(Direction.OUTGOING, Grants.MEMBER_OF)) {
                rows.add(row(principal, r));
            }
        }
        rows.sort(java.util.Comparator.comparing(MembershipRow::workspace_id));
        return rows.stream();
    }

    @Procedure(name = "mnemo.membership.accept", mode = Mode.WRITE)
    @Description("Accept a pending membership: from now on the workspace counts among the principal's.")
    public Stream<MembershipRow> accept(
            @Name(value = "principal", description = "User or service account id.") String principal,
            @Name(value = "workspace_id", description = "Workspace id.") String workspaceId) {
        Relationship r = membership(principal, workspaceId);
        r.setProperty("status", Grants.ACTIVE);
        r.setProperty("accepted_at", ZonedDateTime.now(ZoneOffset.UTC));
        return Stream.of(row(principal, r));
    }

    @Procedure(name = "mnemo.membership.leave", mode = Mode.WRITE)
    @Description("End one's own membership of a workspace (active or pending).")
    public Stream<MembershipRow> leave(
            @Name(value = "principal", description = "User or service account id.") String principal,
            @Name(value = "workspace_id", description = "Workspace id.") String workspaceId) {
        Relationship r = membership(principal, workspaceId);
        MembershipRow row = row(principal, r);
        r.delete();
        return Stream.of(new MembershipRow(row.workspace_id(), principal, row.role(), "left", row.granted_by()));
    }

    /** The principal itself (a restricted Neo4j user only its own). */
    private Node own(String principal) {
        String who = Analyst.of(tx, db).actingAs(principal);
        return who == null ? null : tx.findNode(Grants.PRINCIPAL, "id", who);
    }

    private Relationship membership(String principal, String workspaceId) {
        Node node = own(principal);
        if (node != null) {
            for (Relationship r : node.getRelationships(Direction.OUTGOING, Grants.MEMBER_OF)) {
                if (workspaceId != null && workspaceId.equals(r.getEndNode().getProperty("id"))) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException(
                "not_found: '" + principal + "' has no membership of workspace '" + workspaceId + "'");
    }

    private static MembershipRow row(String principal, Relationship r) {
        return new MembershipRow(
                (String) r.getEndNode().getProperty("id"),
                principal,
                (String) r.getProperty("role"),
                (String) r.getProperty("status", Grants.ACTIVE),
                (String) r.getProperty("granted_by", null));
    }
}
