package org.mnemo.gateway.auth;

import java.util.List;

/**
 * An authenticated caller and what it may read. {@code libraries} is explicit — uids, or only "*" for an
 * unrestricted admin token — and empty means nothing.
 *
 * @param principal the owning user ("admin" for the administrator), "team:&lt;id&gt;" or a turn JWT's subject
 * @param owner     the user a team or token belongs to; null for turn JWTs
 */
public record Caller(Kind kind, String principal, String role, String owner, List<String> libraries,
        List<String> allowedTools, String tokenId, List<String> workspaces) {

    public enum Kind { TOKEN, TEAM, TURN }

    public static final String ADMIN = "admin";

    public boolean admin() {
        return kind == Kind.TOKEN && ADMIN.equals(role);
    }

    /** Whether the caller may create, change and delete things: users and the admin, through opaque tokens. */
    public void requireManager() {
        if (kind != Kind.TOKEN) {
            throw AuthFailure.forbidden("read_only_credential",
                    "this credential can read and search only; manage libraries, teams and tokens with a bearer token");
        }
    }

    public void requireAdmin() {
        if (!admin()) {
            throw AuthFailure.forbidden("admin_required", "only the administrator may do this");
        }
    }

    /** Whether the caller may change a library (or what is in it) that belongs to {@code libraryOwner}. */
    public boolean mayModify(String libraryOwner) {
        return kind == Kind.TOKEN && (admin() || principal.equals(libraryOwner));
    }

    /**
     * The workspace the caller acts as for memory: the requested one, which must be among its workspaces (the
     * admin may act as any), or its only one.
     */
    public String workspace(String requested) {
        boolean any = workspaces.contains("*");
        if (requested != null && !requested.isBlank()) {
            if (any || workspaces.contains(requested)) {
                return requested;
            }
            throw AuthFailure.forbidden("workspace_forbidden", "this credential is not bound to workspace '"
                    + requested + "'");
        }
        List<String> bound = workspaces.stream().filter(w -> !w.equals("*")).toList();
        if (bound.size() == 1 && !any) {
            return bound.get(0);
        }
        throw AuthFailure.forbidden(bound.isEmpty() && !any ? "no_workspace" : "workspace_required",
                bound.isEmpty() && !any ? "this credential is bound to no workspace; memory needs one"
                        : "name the workspace to act as (workspace_id or X-Workspace-ID): one of " + bound);
    }

    public boolean mayCallTool(String tool) {
        return allowedTools.isEmpty() || allowedTools.contains(tool);
    }
}
