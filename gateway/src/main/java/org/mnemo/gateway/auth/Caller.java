package org.mnemo.gateway.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An authenticated caller: what it may read and act as, as {@code mnemo.access.resolve} computed it from the grants
 * in the graph for this request. {@code libraries} is explicit — uids, or only "*" for the unrestricted admin —
 * and empty means nothing.
 *
 * @param principal  the token's owner ("admin" for the administrator), "team:&lt;id&gt;" or a turn JWT's subject
 * @param owner      the principal whose grants apply: a token's or team's owner, a turn JWT's service account
 * @param workspaces the workspaces it may act as for memory, or only "*": any its owner holds
 * @param restricted whether the credential manages less than its owner: narrowed in tools or workspaces (its
 *                   libraries bound only what it reads), or an admin's token narrowed in anything (then no admin)
 * @param maxRole    the cap on its role in a workspace: owner for tokens, writer for teams and turn JWTs
 * @param derived    whether the token was made from another token (JWTs count as derived)
 * @param expiresAt  when the token, or a token it came from, expires (null: never)
 * @param key        what identifies the credential for rate limits and MCP sessions (never the secret itself)
 */
public record Caller(
        Kind kind,
        String principal,
        String role,
        String owner,
        List<String> libraries,
        List<String> allowedTools,
        String tokenId,
        List<String> workspaces,
        boolean restricted,
        String maxRole,
        List<String> capabilities,
        boolean derived,
        java.time.Instant expiresAt,
        String key) {

    /**
     * TOKEN: an opaque bearer token; TEAM and TURN: JWTs; PLUGIN: the memory plugin's trusted mode (no bearer, the
     * shared secret), acting as its configured service account on the memory routes only.
     */
    public enum Kind {
        TOKEN,
        TEAM,
        TURN,
        PLUGIN
    }

    public static final String ADMIN = "admin";
    public static final String SERVICE = "service";
    private static final String ANY = "*";

    /** The administrator: an admin's token with no restriction. A restricted admin token is restricted. */
    public boolean admin() {
        return kind == Kind.TOKEN && ADMIN.equals(role) && !restricted;
    }

    /**
     * Whether the caller holds workspaces through its principal's grants. Not a restricted admin token: the admin
     * holds every workspace, and a token restricted by the admin manages nothing of the admin's.
     */
    public boolean holdsWorkspaces() {
        return !(ADMIN.equals(role) && restricted);
    }

    /** Whether the caller may create, change and delete things: users, services and the admin, through tokens. */
    public void requireManager() {
        if (kind != Kind.TOKEN) {
            throw AuthFailure.forbidden(
                    "read_only_credential",
                    "this credential can read and search only; manage libraries, teams and tokens with a bearer token");
        }
    }

    /**
     * Whether this is its principal's own full credential: a token made by the admin (not derived from another
     * token), narrowed in nothing but the libraries it reads. Only such a token acts for the principal as a whole
     * — its memberships, its workspace trees, its teams, its workspaces' libraries — since what it does there
     * reaches beyond any narrower credential's bounds.
     */
    public boolean full() {
        return kind == Kind.TOKEN && !restricted && !derived;
    }

    public void requireFull(String what) {
        requireManager();
        if (!full()) {
            throw AuthFailure.forbidden(
                    "full_credential_required",
                    what + " needs the principal's own "
                            + "token: not a token derived from another one, nor one narrowed to some tools or workspaces");
        }
    }

    public void requireAdmin() {
        if (!admin()) {
            throw AuthFailure.forbidden("admin_required", "only the administrator's unrestricted token may do this");
        }
    }

    /** A capability of the caller's principal (the unrestricted admin has all), through a token. */
    public boolean hasCapability(String capability) {
        return kind == Kind.TOKEN && (admin() || (holdsWorkspaces() && capabilities.contains(capability)));
    }

    public void requireCapability(String capability) {
        requireManager();
        if (!hasCapability(capability)) {
            throw AuthFailure.forbidden(
                    "capability_required", "this needs the admin or a service account with " + capability);
        }
    }

    /**
     * The workspace the caller acts as for memory: the requested one, which must be among its workspaces, or its
     * only one. Whether its owner still holds it, and with what role, the procedures check live.
     */
    public String workspace(String requested) {
        boolean any = workspaces.contains(ANY);
        if (requested != null && !requested.isBlank()) {
            if (any || workspaces.contains(requested)) {
                return requested;
            }
            throw AuthFailure.forbidden(
                    "workspace_forbidden", "this credential is not bound to workspace '" + requested + "'");
        }
        List<String> bound = workspaces.stream().filter(w -> !w.equals(ANY)).toList();
        if (bound.size() == 1 && !any) {
            return bound.get(0);
        }
        throw AuthFailure.forbidden(
                bound.isEmpty() && !any ? "no_workspace" : "workspace_required",
                bound.isEmpty() && !any
                        ? "this credential is bound to no workspace; memory needs one"
                        : "name the workspace to act as (workspace_id or X-Workspace-ID): one of " + bound);
    }

    /** The options with which memory procedures check this caller's live role: {principal, max_role}. */
    public Map<String, Object> grant() {
        Map<String, Object> grant = new LinkedHashMap<>();
        grant.put("principal", owner);
        grant.put("max_role", maxRole);
        return grant;
    }

    /** Whether a tool or capability scope is allowed: empty {@code allowedTools} allows every one. */
    public boolean mayCallTool(String scope) {
        return allowedTools.isEmpty() || allowedTools.contains(scope);
    }

    /** Whether the caller may change a library that belongs to {@code libraryOwner} (workspace roles aside). */
    public boolean owns(String libraryOwner) {
        return kind == Kind.TOKEN && (admin() || owner.equals(libraryOwner));
    }
}
