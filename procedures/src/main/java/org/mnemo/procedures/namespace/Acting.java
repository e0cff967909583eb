package org.mnemo.procedures.namespace;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.mnemo.procedures.options.Options;
import org.neo4j.graphdb.Transaction;

/**
 * On whose behalf a memory procedure acts: {@code principal} (checked live against the grants, in the procedure's
 * own transaction) with its role capped at {@code max_role}; without a principal, the trusted caller (a DBA's own
 * Cypher) acts as owner.
 */
public record Acting(String principal, Role maxRole, Options options) {
    public static final Set<String> KEYS = Set.of("principal", "max_role");

    /** Reads {@code principal} and {@code max_role} from a procedure's options, beside the procedure's own keys. */
    public static Acting of(String procedure, Map<String, Object> options, Set<String> ownKeys) {
        Set<String> allowed = new HashSet<>(KEYS);
        allowed.addAll(ownKeys);
        Options o = Options.of(procedure, options, allowed);
        String maxRole = o.string("max_role", null);
        return new Acting(
                o.string("principal", null),
                maxRole == null ? null : Role.parse(maxRole, procedure + ": 'max_role'"),
                o);
    }

    /** The same, acting as {@code forced} instead (a restricted Neo4j user acts as its own principal only). */
    public Acting as(String forced) {
        return java.util.Objects.equals(forced, principal) ? this : new Acting(forced, maxRole, options);
    }

    public Role role(Transaction tx, String workspaceId) {
        return Grants.acting(tx, principal, maxRole, workspaceId);
    }

    /** The workspace's namespaces as this caller may use them. */
    public Namespaces.Resolution namespaces(Transaction tx, String workspaceId) {
        return Namespaces.resolve(tx, workspaceId, role(tx, workspaceId));
    }
}
