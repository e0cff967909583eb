package org.mnemo.procedures.access;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.scope.Scope;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Resolves a credential to the libraries it may read. The gateway has already checked signatures; this class
 * checks what only the database knows — whether a token is active, a team active and its jti current — and
 * computes the readable libraries live, so a revocation or a changed team assignment counts on the next request.
 */
public final class Access {
    static final Label API_TOKEN = Label.label("ApiToken");
    static final Label PRINCIPAL = Label.label("Principal");
    static final Label TEAM = Label.label("Team");
    static final String ADMIN = "admin";
    /** last_used_at is written at most this often per token, so a busy token does not write on every call. */
    private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    /**
     * The outcome of a resolution. {@code status} is {@code ok} or the machine code of the rejection; on
     * {@code ok}, {@code libraries} holds uids (or only {@code "*"} for the admin's unrestricted tokens).
     */
    public record Resolution(String status, String principal, String role, String owner, List<String> libraries,
            List<String> allowed_tools, String token_id, List<String> workspaces) {
        static Resolution rejected(String status) {
            return new Resolution(status, null, null, null, List.of(), List.of(), null, List.of());
        }
    }

    private Access() {}

    /** An opaque bearer token, given by the SHA-256 (hex) of its plaintext. */
    public static Resolution token(Transaction tx, String hash, ZonedDateTime now) {
        Node token = tx.findNode(API_TOKEN, "hash", hash);
        if (token == null) {
            return Resolution.rejected("token_unknown");
        }
        if (!Boolean.TRUE.equals(token.getProperty("active", false))) {
            return Resolution.rejected("token_revoked");
        }
        ZonedDateTime expires = (ZonedDateTime) token.getProperty("expires_at", null);
        if (expires != null && !now.isBefore(expires)) {
            return Resolution.rejected("token_expired");
        }
        String ownerId = (String) token.getProperty("owner");
        Node owner = tx.findNode(PRINCIPAL, "id", ownerId);
        if (owner == null || !Boolean.TRUE.equals(owner.getProperty("active", true))) {
            return Resolution.rejected("principal_inactive");
        }
        ZonedDateTime lastUsed = (ZonedDateTime) token.getProperty("last_used_at", null);
        if (lastUsed == null || lastUsed.plus(LAST_USED_GRANULARITY).isBefore(now)) {
            token.setProperty("last_used_at", now);
        }
        String role = (String) owner.getProperty("role", "user");
        List<String> allowed = strings(token.getProperty("allowed_libraries", new String[0]));
        // The workspaces a token acts as for memory: those it is bound to; the admin may act as any ("*").
        List<String> workspaces = ADMIN.equals(role) ? List.of(Scope.ALL)
                : strings(token.getProperty("workspace_ids", new String[0]));
        return new Resolution("ok", ownerId, role, ownerId, readable(tx, allowed, ownerId, role),
                strings(token.getProperty("allowed_tools", new String[0])), (String) token.getProperty("id"),
                workspaces);
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
        Node owner = tx.findNode(PRINCIPAL, "id", ownerId);
        if (owner == null || !Boolean.TRUE.equals(owner.getProperty("active", true))) {
            return Resolution.rejected("principal_inactive");
        }
        // A team reaches only its owner's workspaces: assigning someone else's workspace id grants nothing.
        boolean admin = ADMIN.equals(owner.getProperty("role", "user"));
        List<String> libraries = uids(tx, """
                MATCH (l:Library) WHERE l.workspace_id IN $workspaces AND ($admin OR l.owner = $owner)
                RETURN l.uid AS uid ORDER BY uid""",
                Map.of("workspaces", strings(team.getProperty("workspace_ids", new String[0])), "admin", admin,
                        "owner", ownerId));
        return new Resolution("ok", "team:" + teamId, "team", ownerId, libraries, List.of(), null,
                strings(team.getProperty("workspace_ids", new String[0])));
    }

    /**
     * A per-turn JWT from the trusted orchestrator (signature verified by the gateway): its {@code libs} claim
     * names library uids or workspace ids; the result holds the uids of those that exist.
     */
    public static Resolution turn(Transaction tx, String subject, List<String> libs, List<String> workspaces) {
        List<String> libraries = uids(tx, """
                MATCH (l:Library) WHERE l.uid IN $libs OR l.workspace_id IN $libs
                RETURN l.uid AS uid ORDER BY uid""", Map.of("libs", libs));
        return new Resolution("ok", subject, "turn", null, libraries, List.of(), null, workspaces);
    }

    /** The libraries a token may read: its allow-list ("*" = everything its owner may read) within its owner's. */
    private static List<String> readable(Transaction tx, List<String> allowed, String owner, String role) {
        boolean all = allowed.contains(Scope.ALL);
        boolean admin = ADMIN.equals(role);
        if (admin && all) {
            return List.of(Scope.ALL);
        }
        if (!all && allowed.isEmpty()) {
            return List.of();
        }
        return uids(tx, """
                MATCH (l:Library) WHERE ($all OR l.uid IN $allowed) AND ($admin OR l.owner = $owner)
                RETURN l.uid AS uid ORDER BY uid""",
                Map.of("all", all, "allowed", allowed, "admin", admin, "owner", owner));
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
