package org.mnemo.procedures.access;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.namespace.Grants;
import org.mnemo.procedures.namespace.Role;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Analyst;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class AccessProcedures {
    @Context
    public Transaction tx;

    @Context
    public GraphDatabaseService db;

    /** A principal's role on a workspace; {@code role} null when it holds none. */
    public record WorkspaceRole(String workspace_id, String principal, String role) {}

    @Procedure(name = "mnemo.access.resolve", mode = Mode.READ)
    @Description("Resolve a credential to what it may read and act as, live from the grants in the graph: {kind: "
            + "'token', hash} (SHA-256 hex of an opaque token), {kind: 'team', team_id, jti} or {kind: 'turn', "
            + "subject, libs, workspaces, service} or {kind: 'plugin', service} (the memory plugin's trusted mode). status is "
            + "'ok' or the rejection code (token_unknown, token_revoked, token_expired, team_unknown, team_inactive, "
            + "token_stale_jti, principal_inactive, plugin_not_trusted).")
    public Stream<Access.Resolution> resolve(
            @Name(
                            value = "credential",
                            description = "{kind, hash | team_id, jti | subject, libs, workspaces, " + "service}")
                    Map<String, Object> credential) {
        String procedure = "mnemo.access.resolve";
        Analyst.of(tx, db).requireTrusted(procedure);
        Options o = Options.of(
                procedure,
                credential,
                Set.of("kind", "hash", "team_id", "jti", "subject", "libs", "workspaces", "service"));
        String kind = o.string("kind", null);
        if (kind == null) {
            throw new IllegalArgumentException(procedure + ": 'kind' is required: token, team or turn");
        }
        return Stream.of(
                switch (kind) {
                    case "token" -> {
                        String hash = o.string("hash", "");
                        if (!hash.matches("[0-9a-f]{64}")) {
                            throw new IllegalArgumentException(
                                    procedure + ": 'hash' must be 64 lower-case hex characters");
                        }
                        yield Access.token(tx, hash, Access.now());
                    }
                    case "team" -> Access.team(tx, required(o, "team_id", procedure), o.string("jti", null));
                    case "plugin" -> Access.plugin(tx, required(o, "service", procedure));
                    case "turn" ->
                        Access.turn(
                                tx,
                                o.string("subject", null),
                                strings(credential.get("libs"), "libs", procedure),
                                strings(credential.get("workspaces"), "workspaces", procedure),
                                required(o, "service", procedure));
                    default ->
                        throw new IllegalArgumentException(
                                procedure + ": 'kind' must be token, team or turn, got '" + kind + "'");
                });
    }

    @Procedure(name = "mnemo.access.role", mode = Mode.READ)
    @Description("The role (reader, writer, owner; null for none) a principal holds on a workspace, live: the admin "
            + "and the workspace's managers are owners, others hold what a membership grants them.")
    public Stream<WorkspaceRole> role(
            @Name(value = "principal", description = "Principal id.") String principal,
            @Name(value = "workspace_id", description = "Workspace id.") String workspaceId) {
        Analyst.of(tx, db).requireTrusted("mnemo.access.role");
        Role role = principal == null || workspaceId == null ? null : Grants.role(tx, principal, workspaceId);
        return Stream.of(new WorkspaceRole(workspaceId, principal, role == null ? null : role.key()));
    }

    private static String required(Options o, String key, String procedure) {
        String value = o.string(key, null);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(procedure + ": '" + key + "' is required");
        }
        return value;
    }

    private static List<String> strings(Object value, String name, String procedure) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException(procedure + ": '" + name + "' must be a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }
}
