package org.mnemo.procedures.access;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.namespace.Grants;
import org.mnemo.procedures.namespace.Role;
import org.mnemo.procedures.scope.Scope;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Resolves a credential to what it may read and act as. The gateway has already checked signatures; this class
 * checks what only the database knows — whether a token (and every token it was derived from) is active, a team
 * active and its jti current, a principal active — and computes the readable libraries and the workspaces the
 * credential may act as from the grants in the graph, live, so a revocation counts on the next request.
 * It only reads: {@code last_used_at} is recorded by the gateway, in the background, not per request.
 */
public final class Access {
    static final Label API_TOKEN = Label.label("ApiToken");
    static final Label TEAM = Label.label("Team");
    /** How many parents a derived token may have; deeper chains are refused as malformed. */
    private static final int MAX_TOKEN_DEPTH = 16;

    /**
     * The outcome of a resolution. {@code status} is {@code ok} or the machine code of the rejection; on
     * {@code ok}: {@code libraries} holds uids (or only {@code "*"} for the unrestricted admin),
     * {@code workspaces} the workspaces the credential may act as for memory (or only {@code "*"}: any the
     * acting principal holds), {@code owner} the principal whose grants apply (the token's or team's owner, the
     * Daedalus service account for a turn JWT), {@code max_role} the cap on its role, {@code restricted} whether
     * the credential manages less than its owner (narrowed in tools or workspaces; the admin's in anything),
     * {@code derived} whether it was made from another token (or is no
     * token), {@code expires_at} when it (or a token it came from) expires.
     */
    public record Resolution(
            String status,
            String principal,
            String role,
            String owner,
            List<String> libraries,
            List<String> allowed_tools,
            String token_id,
            List<String> workspaces,
            boolean restricted,
            String max_role,
            List<String> capabilities,
            boolean derived,
            ZonedDateTime expires_at) {
        static Resolution rejected(String status) {
            return new Resolution(
                    status, null, null, null, List.of(), List.of(), null, List.of(), true, null, List.of(), true, null);
        }
    }

    private Access() {}

    /** An opaque bearer token, given by the SHA-256 (hex) of its plaintext. */
    public static Resolution token(Transaction tx, String hash, ZonedDateTime now) {
        Node token = tx.findNode(API_TOKEN, "hash", hash);
        if (token == null) {
            return Resolution.rejected("token_unknown");
        }
        String refused = refusal(token, now);
        ZonedDateTime expires = (ZonedDateTime) token.getProperty("expires_at", null);
        // A derived token lives only while every token it came from does.
        Node ancestor = token;
        for (int depth = 0;
                refused == null && ancestor.getProperty("parent_id", null) instanceof String parent;
                depth++) {
            ancestor = tx.findNode(API_TOKEN, "id", parent);
            refused = ancestor == null || depth >= MAX_TOKEN_DEPTH ? "token_revoked" : refusal(ancestor, now);
            if (refused == null
                    && ancestor.getProperty("expires_at", null) instanceof ZonedDateTime earlier
                    && (expires == null || earlier.isBefore(expires))) {
                expires = earlier;
            }
        }
        if (refused != null) {
            return Resolution.rejected(refused);
        }
        String ownerId = (String) token.getProperty("owner");
        Node owner = Grants.principal(tx, ownerId);
        if (owner == null) {
            return Resolution.rejected("principal_inactive");
        }
        String role = (String) owner.getProperty("role", Grants.USER);
        List<String> allowed = strings(token.getProperty("allowed_libraries", new String[0]));
        List<String> tools = strings(token.getProperty("allowed_tools", new String[0]));
        List<String> binding = strings(token.getProperty("workspace_ids", new String[0]));
        // allowed_libraries bounds what a token reads; what it manages for its principal is bounded by its tools
        // and workspaces (a Daedalus service token reads nothing yet manages its workspaces, as the seed has it).
        // The admin's token narrowed in anything is no admin at all.
        boolean restricted = !(tools.isEmpty() && binding.equals(List.of(Scope.ALL)))
                || (Grants.ADMIN.equals(role) && !allowed.equals(List.of(Scope.ALL)));
        // A restricted admin token reads what it lists and holds nothing of the admin's: no workspace (the admin
        // holds every one, so any would be all), no capability to maintain trees or grant memberships.
        boolean restrictedAdmin = restricted && Grants.ADMIN.equals(role);
        List<String> workspaces = restrictedAdmin ? List.of() : workspaces(tx, ownerId, role, binding);
        return new Resolution(
                "ok",
                ownerId,
                role,
                ownerId,
                Grants.readableLibraries(tx, allowed, ownerId, role),
                tools,
                (String) token.getProperty("id"),
                workspaces,
                restricted,
                Role.OWNER.key(),
                restrictedAdmin ? List.of() : capabilities(owner),
                token.hasProperty("parent_id"),
                expires);
    }

    /** Why a token cannot be used now, or null when it can. */
    private static String refusal(Node token, ZonedDateTime now) {
        if (!Boolean.TRUE.equals(token.getProperty("active", false))) {
            return "token_revoked";
        }
        ZonedDateTime expires = (ZonedDateTime) token.getProperty("expires_at", null);
        return expires != null && !now.isBefore(expires) ? "token_expired" : null;
    }

    /** A team JWT whose signature the gateway has verified: the team must be active and the jti current. */
    public static Resolution team(Transaction tx, String teamId, String jti) {
        Node team = tx.findNode(TEAM, "id", teamId);
        if (team == null) {
            return Resolution.rejected("team_unknown");
        }
        if (!Boolean.TRUE.equals(team.getProperty("active", false))) {
            return Resolution.rejected("team_inactive");
        }
        if (jti == null || !jti.equals(team.getProperty("active_jti", null))) {
            return Resolution.rejected("token_stale_jti");
        }
        String ownerId = (String) team.getProperty("owner");
        Node owner = Grants.principal(tx, ownerId);
        if (owner == null) {
            return Resolution.rejected("principal_inactive");
        }
        // A team reaches only workspaces its owner holds: assigning someone else's workspace grants nothing.
        List<String> workspaces = held(tx, ownerId, strings(team.getProperty("workspace_ids", new String[0])));
        return new Resolution(
                "ok",
                "team:" + teamId,
                "team",
                ownerId,
                workspaceLibraries(tx, workspaces),
                List.of(),
                null,
                workspaces,
                true,
                Role.WRITER.key(),
                List.of(),
                true,
                null);
    }

    /**
     * A per-turn JWT from Daedalus (signature verified by the gateway). Its claims are authoritative for what
     * they name and nothing more: the libraries ({@code libs}: uids or workspace ids) and workspaces it names,
     * among those its service account may read.
     */
    public static Resolution turn(
            Transaction tx, String subject, List<String> libs, List<String> workspaces, String service) {
        Node principal = Grants.principal(tx, service);
        if (principal == null) {
            return Resolution.rejected("principal_inactive");
        }
        String role = (String) principal.getProperty("role", Grants.USER);
        List<String> readable = Grants.readableLibraries(tx, List.of(Scope.ALL), service, role);
        List<String> libraries =
                uids(tx, """
                MATCH (l:Library) WHERE (l.uid IN $libs OR l.workspace_id IN $libs) AND ($all OR l.uid IN $readable)
                RETURN l.uid AS uid ORDER BY uid""", Map.of("libs", libs, "all", readable.equals(List.of(Scope.ALL)), "readable", readable));
        return new Resolution(
                "ok",
                subject,
                "turn",
                service,
                libraries,
                List.of(),
                null,
                held(tx, service, workspaces),
                true,
                Role.WRITER.key(),
                List.of(),
                true,
                null);
    }

    /** The memory tool scopes a plugin-mode request may use: memory, and nothing else. */
    public static final List<String> PLUGIN_TOOLS = List.of(
            "list_readable_namespaces",
            "list_writable_namespaces",
            "commit_memory_v2",
            "search_memory",
            "forget_memory");

    /**
     * A request of the memory plugin's trusted mode (the gateway has checked the shared secret): it acts as the
     * configured service account, which must be active, a service and hold the {@code trusted_namespaces}
     * capability — granted by the admin in the graph, so the setting alone opens nothing. It may act as any
     * workspace the service holds (each use checked live), with the service's own role there; it reads no
     * libraries and may use only the memory scopes.
     */
    public static Resolution plugin(Transaction tx, String service) {
        Node principal = Grants.principal(tx, service);
        if (principal == null) {
            return Resolution.rejected("principal_inactive");
        }
        if (!Grants.SERVICE.equals(principal.getProperty("role", Grants.USER))
                || !Grants.hasCapability(principal, Grants.TRUSTED_NAMESPACES)) {
            return Resolution.rejected("plugin_not_trusted");
        }
        return new Resolution(
                "ok",
                service,
                "plugin",
                service,
                List.of(),
                PLUGIN_TOOLS,
                null,
                List.of(Scope.ALL),
                true,
                Role.OWNER.key(),
                capabilities(principal),
                true,
                null);
    }

    /**
     * The workspaces a token may act as: its binding among those its owner holds. "*" is every workspace the owner
     * holds: spelled out for a user (a few memberships), kept as "*" for the admin and services (who may hold
     * thousands; each use is checked live).
     */
    private static List<String> workspaces(Transaction tx, String owner, String role, List<String> binding) {
        if (binding.contains(Scope.ALL)) {
            return Grants.ADMIN.equals(role) || Grants.SERVICE.equals(role)
                    ? List.of(Scope.ALL)
                    : List.copyOf(Grants.held(tx, owner));
        }
        return held(tx, owner, binding);
    }

    /** The ids among {@code requested} on which the principal holds a role, in their order. */
    private static List<String> held(Transaction tx, String principal, List<String> requested) {
        return requested.stream()
                .distinct()
                .filter(w -> Grants.role(tx, principal, w) != null)
                .toList();
    }

    private static List<String> workspaceLibraries(Transaction tx, List<String> workspaces) {
        return uids(
                tx,
                "MATCH (l:Library) WHERE l.workspace_id IN $ws RETURN l.uid AS uid ORDER BY uid",
                Map.of("ws", workspaces));
    }

    private static List<String> capabilities(Node principal) {
        return Grants.isAdmin(principal)
                ? Grants.CAPABILITIES
                : strings(principal.getProperty("capabilities", new String[0]));
    }

    private static List<String> uids(Transaction tx, String cypher, Map<String, Object> params) {
        List<String> uids = new ArrayList<>();
        tx.execute(cypher, params).forEachRemaining(r -> uids.add((String) r.get("uid")));
        return uids;
    }

    static List<String> strings(Object value) {
        if (value instanceof String[] array) {
            return List.of(array);
        }
        return List.of();
    }

    static ZonedDateTime now() {
        return ZonedDateTime.now(ZoneOffset.UTC);
    }
}
