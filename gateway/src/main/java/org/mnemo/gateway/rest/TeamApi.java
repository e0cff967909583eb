package org.mnemo.gateway.rest;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.AuthStore;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Jwts;

/**
 * Teams and their JWTs. A team reads the libraries of its assigned workspaces that its owner may read; its JWT is
 * valid while the team is active and the JWT's jti is the team's current one. Teams are owner-scoped: anyone
 * else gets 404.
 */
final class TeamApi {
    private static final String TAG = "teams";
    private static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:-]{0,127}";

    private final AuthStore store;
    private final Jwts jwts;

    TeamApi(AuthStore store, Jwts jwts) {
        this.store = store;
        this.jwts = jwts;
    }

    List<Route> routes() {
        return List.of(
                Route.post("/mcp_server/api/teams/", TAG, "Create a team and return its JWT once (same id and "
                        + "owner again: 200 without JWT)", "{id, name}", this::create),
                Route.get("/mcp_server/api/teams/{id}/", TAG, "A team with its workspace ids", this::get),
                Route.delete("/mcp_server/api/teams/{id}/", TAG, "Deactivate a team: its JWT stops working at once",
                        this::deactivate),
                Route.put("/mcp_server/api/teams/{id}/workspaces/", TAG, "Replace the team's workspace ids",
                        "{workspace_ids}", this::setWorkspaces),
                Route.post("/mcp_server/api/teams/{id}/rotate/", TAG, "Issue a new JWT (the old one stops working); "
                        + "creates the team when missing", null, this::rotate));
    }

    private void create(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Json.Body body = Json.body(ctx);
        String id = teamId(body.string("id", 128));
        String jti = Jwts.newJti();
        Map<String, Object> team = claim(ctx, caller, id, body.string("name", 200), jti);
        if (team == null) {
            return;
        }
        if (!Boolean.TRUE.equals(team.get("active"))) {
            // Re-creating a deactivated team of one's own brings it back with a new JWT.
            store.activateTeam(id, jti);
            Json.send(ctx, 201, withJwt(store.team(id), jwts.issueTeam(id, jti)));
            return;
        }
        Json.send(ctx, 200, view(team));
    }

    private void get(Context ctx) {
        Json.send(ctx, 200, view(owned(Requests.manager(ctx), ctx.pathParam("id"))));
    }

    private void deactivate(Context ctx) {
        owned(Requests.manager(ctx), ctx.pathParam("id"));
        store.deactivateTeam(ctx.pathParam("id"));
        ctx.status(204);
    }

    private void setWorkspaces(Context ctx) {
        Caller caller = Requests.manager(ctx);
        String id = ctx.pathParam("id");
        owned(caller, id);
        List<String> ids = Json.body(ctx).strings("workspace_ids", 1000);
        if (ids == null) {
            throw ApiError.badRequest("invalid_field", "'workspace_ids' is required (a list, possibly empty)");
        }
        store.setTeamWorkspaces(id, ids.stream().distinct().toList());
        Json.send(ctx, 200, view(store.team(id)));
    }

    private void rotate(Context ctx) {
        Caller caller = Requests.manager(ctx);
        String id = teamId(ctx.pathParam("id"));
        String jti = Jwts.newJti();
        Map<String, Object> team = claim(ctx, caller, id, id, jti);
        if (team == null) {
            return;
        }
        if (!Boolean.TRUE.equals(team.get("active"))) {
            throw ApiError.conflict("team_inactive", "team '" + id + "' is deactivated; POST it again to reactivate");
        }
        store.activateTeam(id, jti);
        Json.send(ctx, 200, withJwt(store.team(id), jwts.issueTeam(id, jti)));
    }

    /**
     * Creates the team for the caller with this jti and answers 201 with its JWT (returning null), or returns the
     * caller's existing team; another owner's team is 409.
     */
    private Map<String, Object> claim(Context ctx, Caller caller, String id, String name, String jti) {
        AuthStore.Upsert result = store.createTeam(id, name, caller.principal(), jti);
        if (result.created()) {
            Json.send(ctx, 201, withJwt(result.value(), jwts.issueTeam(id, jti)));
            return null;
        }
        if (!caller.principal().equals(result.value().get("owner"))) {
            throw ApiError.conflict("owner_conflict", "team '" + id + "' belongs to someone else");
        }
        return result.value();
    }

    private Map<String, Object> owned(Caller caller, String id) {
        Map<String, Object> team = store.team(id);
        if (team == null || !(caller.admin() || caller.principal().equals(team.get("owner")))) {
            throw ApiError.notFound("team '" + id + "'");
        }
        return team;
    }

    private static String teamId(String id) {
        if (!id.matches(ID_PATTERN)) {
            throw ApiError.badRequest("invalid_field", "'id' must be 1..128 letters, digits, '.', '_', ':' or '-'");
        }
        return id;
    }

    private static Map<String, Object> view(Map<String, Object> team) {
        return Requests.pick(team, "id", "name", "active", "workspace_ids");
    }

    private static Map<String, Object> withJwt(Map<String, Object> team, String jwt) {
        Map<String, Object> body = view(team);
        body.put("jwt", jwt);
        return body;
    }
}
