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
        List<String> allowedTools, String tokenId) {

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

    public boolean mayCallTool(String tool) {
        return allowedTools.isEmpty() || allowedTools.contains(tool);
    }
}
