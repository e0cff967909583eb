package org.mnemo.procedures.scope;

import java.util.List;
import org.mnemo.procedures.config.MnemoConfig;
import org.mnemo.procedures.namespace.Grants;
import org.mnemo.procedures.namespace.Role;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.security.AuthSubject;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;

/**
 * Who is calling a procedure from Cypher, when {@code mnemo.security.user_scope = enforce}: every Neo4j user but
 * the configured admin users (the gateway's, the DBAs') acts as the Mnemo principal it is mapped to — its
 * {@code libraries} argument is narrowed to what that principal may read, {@code ['*']} is refused, writes need
 * a library it may change, memory and workspace calls act as it. With enforcement off (the default: a DBA's own
 * database) or for an admin user, the procedures trust their arguments as before.
 */
public final class Analyst {
    private static final Analyst TRUSTED = new Analyst(null, null, null);

    private final Transaction tx;
    private final String user;
    private final String principal;

    private Analyst(Transaction tx, String user, String principal) {
        this.tx = tx;
        this.user = user;
        this.principal = principal;
    }

    /** The caller of the procedure running in {@code tx}. */
    public static Analyst of(Transaction tx, GraphDatabaseService db) {
        MnemoConfig.UserScope scope = MnemoConfig.of(db).userScope();
        if (!scope.enforced() || !(tx instanceof InternalTransaction internal)) {
            return TRUSTED;
        }
        AuthSubject subject = internal.securityContext().subject();
        String user = subject.executingUser();
        if (subject == AuthSubject.AUTH_DISABLED || scope.adminUsers().contains(user)) {
            return TRUSTED;
        }
        return new Analyst(tx, user, scope.principals().get(user));
    }

    public boolean trusted() {
        return tx == null;
    }

    /** The principal a restricted user acts as (null when unmapped: it holds nothing); null when trusted. */
    public String principal() {
        return principal;
    }

    /** The libraries the caller may read among those it asks for. */
    public Scope scope(Scope requested, String procedure) {
        if (trusted()) {
            return requested;
        }
        if (requested.all()) {
            throw new IllegalArgumentException(procedure + ": 'libraries' may be ['*'] only for the admin users "
                    + "(mnemo.security.admin_users); Neo4j user '" + user + "' must name its libraries");
        }
        List<String> readable =
                principal == null ? List.of() : Grants.readableLibraries(tx, List.of(Scope.ALL), principal, role());
        return new Scope(
                false,
                readable.contains(Scope.ALL)
                        ? requested.libraries()
                        : requested.libraries().stream()
                                .filter(readable::contains)
                                .toList());
    }

    /** Refuses a change to a library the caller may not change, as if it did not exist. */
    public void requireMayChange(Node library, String procedure, String what) {
        if (trusted()) {
            return;
        }
        String workspace = library == null ? null : (String) library.getProperty("workspace_id", null);
        boolean owns = library != null && principal != null && principal.equals(library.getProperty("owner", null));
        if (!owns && (workspace == null || principal == null || Grants.role(tx, principal, workspace) != Role.OWNER)) {
            throw new IllegalArgumentException(
                    "not_found: " + procedure + ": no " + what + " that Neo4j user '" + user + "' may change");
        }
    }

    /** Refuses a change to a collection or an item whose library the caller may not change. */
    public void requireMayChangeLibraryOf(String kind, String uid, String procedure) {
        if (trusted()) {
            return;
        }
        String path = switch (kind) {
            case "collection" -> "(l:Library)-[:HAS_COLLECTION]->(:Collection {uid: $uid})";
            case "item" -> "(l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item {uid: $uid})";
            default -> throw new IllegalArgumentException(kind);
        };
        var found = tx.execute("MATCH " + path + " RETURN l", java.util.Map.of("uid", uid == null ? "" : uid));
        requireMayChange(found.hasNext() ? (Node) found.next().get("l") : null, procedure, kind + " '" + uid + "'");
    }

    /** Procedures for the gateway and DBAs only (credential checks, schema, bulk export and import). */
    public void requireTrusted(String procedure) {
        if (!trusted()) {
            throw new IllegalArgumentException("forbidden: " + procedure + " is only for the admin users "
                    + "(mnemo.security.admin_users), not for Neo4j user '" + user + "'");
        }
    }

    /** The principal a memory or workspace procedure acts as: the restricted user's own, whatever was passed. */
    public String actingAs(String requested) {
        if (trusted()) {
            return requested;
        }
        if (principal == null) {
            throw new IllegalArgumentException("workspace_forbidden: Neo4j user '" + user + "' is mapped to no "
                    + "Mnemo principal (mnemo.security.user_principals)");
        }
        return principal;
    }

    private String role() {
        Node node = Grants.principal(tx, principal);
        return node == null ? Grants.USER : (String) node.getProperty("role", Grants.USER);
    }
}
