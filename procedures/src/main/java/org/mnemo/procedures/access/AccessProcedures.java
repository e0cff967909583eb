package org.mnemo.procedures.access;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.options.Options;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class AccessProcedures {
    @Context
    public Transaction tx;

    @Procedure(name = "mnemo.access.resolve", mode = Mode.WRITE)
    @Description("Resolve a credential to the libraries it may read, live: {kind: 'token', hash} (SHA-256 hex of an "
            + "opaque token), {kind: 'team', team_id, jti} or {kind: 'turn', subject, libs, workspaces}. status is 'ok' or the "
            + "rejection code (token_unknown, token_revoked, token_expired, team_unknown, team_inactive, "
            + "token_stale_jti, principal_inactive).")
    public Stream<Access.Resolution> resolve(
            @Name(value = "credential", description = "{kind, hash | team_id, jti | subject, libs, workspaces}")
                    Map<String, Object> credential) {
        String procedure = "mnemo.access.resolve";
        Options o = Options.of(procedure, credential, Set.of("kind", "hash", "team_id", "jti", "subject", "libs",
                "workspaces"));
        String kind = o.string("kind", null);
        if (kind == null) {
            throw new IllegalArgumentException(procedure + ": 'kind' is required: token, team or turn");
        }
        return Stream.of(switch (kind) {
            case "token" -> {
                String hash = o.string("hash", "");
                if (!hash.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException(procedure + ": 'hash' must be 64 lower-case hex characters");
                }
                yield Access.token(tx, hash, Access.now());
            }
            case "team" -> Access.team(tx, required(o, "team_id", procedure), o.string("jti", null));
            case "turn" -> Access.turn(tx, o.string("subject", null), strings(credential.get("libs"), "libs",
                    procedure), strings(credential.get("workspaces"), "workspaces", procedure));
            default -> throw new IllegalArgumentException(procedure + ": 'kind' must be token, team or turn, got '"
                    + kind + "'");
        });
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
