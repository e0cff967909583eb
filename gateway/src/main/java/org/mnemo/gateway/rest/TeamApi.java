package org.mnemo.gateway.rest;

import static org.mnemo.gateway.web.Schema.array;
import static org.mnemo.gateway.web.Schema.bool;
import static org.mnemo.gateway.web.Schema.fields;
import static org.mnemo.gateway.web.Schema.object;
import static org.mnemo.gateway.web.Schema.string;
import static org.mnemo.gateway.web.Schema.strings;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.AuthFailure;
import org.mnemo.gateway.auth.AuthStore;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Jwts;
import org.mnemo.gateway.auth.Scopes;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;
import org.mnemo.gateway.web.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Teams and their JWTs. A team reads the libraries of its assigned workspaces that its owner holds, and acts in
 * them as at most a writer; its JWT is valid while the team is active and the JWT's jti is the team's current one.
 * Teams are owner-scoped (anyone else gets 404); a deleted team stays deleted (only the admin restores it).
 */
final class TeamApi {
    private static final Logger AUDIT = LoggerFactory.getLogger("org.mnemo.gateway.audit");
    private static final String TAG = "teams";
    private static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:-]{0,127}";

    private final AuthStore store;
    private final Jwts jwts;
    private final MnemoClient client;

    TeamApi(AuthStore store, Jwts jwts, MnemoClient client) {
        this.store = store;
        this.jwts = jwts;
        this.client = client;
    }

    private static final Schema TEAM_FIELDS = object(
                    "A team: it reads the libraries of its workspaces that its " + "owner holds, as at most a writer")
            .required("id", string(null))
            .required("name", string(null).nullable())
            .required("active", bool(null).nullable())
            .required("workspace_ids", strings(null))
            .required("active_jti", string("The id of the one JWT that works").nullable())
            .required("deleted", bool(null));
    static final Schema TEAM = TEAM_FIELDS.named("Team");
    static final Schema TEAM_WITH_JWT = TEAM_FIELDS
            .required("jwt", string("The team's JWT: shown this once"))
            .example(fields(
                    "id",
                    "harbour-agents",
                    "name",
                    "Harbour agents",
                    "active",
                    true,
                    "workspace_ids",
                    List.of("ws-42"),
                    "active_jti",
                    "0f7c3b2a9e",
                    "deleted",
                    false,
                    "jwt",
                    "eyJhbGciOiJIUzI1NiJ9…"))
            .named("TeamWithJwt");

    List<Route> routes() {
        return List.of(
                Route.post(
                                "/mcp_server/api/teams/",
                                TAG,
                                "Create a team and return its JWT once (same id and "
                                        + "owner again: 200 without JWT; a deleted team: 409 team_deleted)",
                                object("A team")
                                        .required(
                                                "id",
                                                string("1..128 letters, digits, '.', '_', ':' or '-'")
                                                        .with("pattern", "^" + ID_PATTERN + "$"))
                                        .required("name", string(null).maxLength(200))
                                        .example(fields("id", "harbour-agents", "name", "Harbour agents"))
                                        .named("TeamRequest"),
                                this::create)
                        .scope(Scopes.MANAGE_TEAMS)
                        .returns(201, "Created, with its JWT", TEAM_WITH_JWT)
                        .returns(200, "The caller's team existed (no JWT)", TEAM),
                Route.get(
                                "/mcp_server/api/teams/",
                                TAG,
                                "The caller's teams without their JWTs (the admin: " + "everyone's, ?owner=)",
                                this::list)
                        .scope(Scopes.MANAGE_TEAMS)
                        .query("owner", string("The admin: only this owner's"))
                        .returns(200, "The teams", object(null).required("results", array(null, TEAM))),
                Route.get("/mcp_server/api/teams/{id}/", TAG, "A team with its workspace ids and active jti", this::get)
                        .scope(Scopes.MANAGE_TEAMS)
                        .returns(200, "The team", TEAM),
                Route.delete(
                                "/mcp_server/api/teams/{id}/",
                                TAG,
                                "Delete a team: its JWT stops working at once; the "
                                        + "id cannot be created again (the admin may restore it)",
                                this::delete)
                        .scope(Scopes.MANAGE_TEAMS)
                        .returns(204, "Deleted"),
                Route.put(
                                "/mcp_server/api/teams/{id}/workspaces/",
                                TAG,
                                "Replace the team's workspace ids (each " + "one its owner holds)",
                                object("The workspaces").required("workspace_ids", strings("Possibly empty")),
                                this::setWorkspaces)
                        .scope(Scopes.MANAGE_TEAMS)
                        .returns(200, "The team", TEAM),
                Route.post(
                                "/mcp_server/api/teams/{id}/rotate/",
                                TAG,
                                "Issue a new JWT (the old one stops working); " + "creates the team when missing",
                                null,
                                this::rotate)
                        .scope(Scopes.MANAGE_TEAMS)
                        .returns(200, "The team with its new JWT", TEAM_WITH_JWT)
                        .returns(201, "Created, with its JWT", TEAM_WITH_JWT),
                Route.post(
                                "/mcp_server/api/teams/{id}/restore/",
                                TAG,
                                "Restore a deleted team with a new JWT " + "(admin only)",
                                null,
                                this::restore)
                        .scope(Scopes.ADMIN)
                        .returns(200, "The team with its new JWT", TEAM_WITH_JWT));
    }

    /**
     * The principal's own full token: a team JWT is a credential of the principal, so a narrower or derived token
     * (which could outlive it or reach less) may not make, aim or rotate one.
     */
    private static Caller teamManager(Context ctx) {
        Caller caller = Requests.caller(ctx);
        caller.requireFull("managing teams");
        return caller;
    }

    private void create(Context ctx) {
        Caller caller = teamManager(ctx);
        Json.Body body = Json.body(ctx);
        String id = teamId(body.string("id", 128));
        String jti = Jwts.newJti();
        Map<String, Object> team = claim(ctx, caller, id, body.string("name", 200), jti);
        if (team == null) {
            return;
        }
        AUDIT.info("team_create idempotent_hit team={} owner={}", id, caller.owner());
        Json.send(ctx, 200, view(team));
    }

    /** As GET of one team: the owner's own (the admin: anyone's); a JWT is never shown again. */
    private void list(Context ctx) {
        Caller caller = Requests.manager(ctx);
        String owner = caller.admin() ? Requests.text(ctx, "owner") : caller.owner();
        Json.send(
                ctx,
                200,
                Map.of("results", store.teams(owner).stream().map(TeamApi::view).toList()));
    }

    private void get(Context ctx) {
        Json.send(ctx, 200, view(owned(Requests.manager(ctx), ctx.pathParam("id"))));
    }

    private void delete(Context ctx) {
        Caller caller = teamManager(ctx);
        owned(caller, ctx.pathParam("id"));
        store.deleteTeam(ctx.pathParam("id"));
        AUDIT.info("team_delete team={} by={}", ctx.pathParam("id"), caller.principal());
        ctx.status(204);
    }

    @SuppressWarnings("unchecked")
    private void setWorkspaces(Context ctx) {
        Caller caller = teamManager(ctx);
        String id = ctx.pathParam("id");
        Map<String, Object> team = owned(caller, id);
        List<String> ids = Json.body(ctx).strings("workspace_ids", 1000);
        if (ids == null) {
            throw ApiError.badRequest("invalid_field", "'workspace_ids' is required (a list, possibly empty)");
        }
        // A team can be given only what its owner holds (the same answer whether a workspace exists or not).
        String owner = (String) team.get("owner");
        for (String workspace : ids) {
            if (client.role(owner, workspace) == null) {
                throw AuthFailure.forbidden(
                        "workspace_forbidden", "the team's owner holds no role on workspace '" + workspace + "'");
            }
        }
        store.setTeamWorkspaces(id, ids.stream().distinct().toList());
        AUDIT.info("team_workspaces team={} by={} workspaces={}", id, caller.principal(), ids.size());
        Json.send(ctx, 200, view(store.team(id)));
    }

    private void rotate(Context ctx) {
        Caller caller = teamManager(ctx);
        String id = teamId(ctx.pathParam("id"));
        String jti = Jwts.newJti();
        Map<String, Object> team = claim(ctx, caller, id, id, jti);
        if (team == null) {
            return;
        }
        store.activateTeam(id, jti);
        AUDIT.info("team_rotate team={} by={}", id, caller.principal());
        Json.send(ctx, 200, withJwt(store.team(id), jwts.issueTeam(id, jti, caller.expiresAt())));
    }

    private void restore(Context ctx) {
        Caller caller = Requests.caller(ctx);
        caller.requireAdmin();
        String id = ctx.pathParam("id");
        Requests.found(store.team(id), "team '" + id + "'");
        String jti = Jwts.newJti();
        store.restoreTeam(id, jti);
        AUDIT.info("team_restore team={}", id);
        Json.send(ctx, 200, withJwt(store.team(id), jwts.issueTeam(id, jti, caller.expiresAt())));
    }

    /**
     * Creates the team for the caller with this jti and answers 201 with its JWT (returning null), or returns the
     * caller's existing, undeleted team; another owner's team is 409, a deleted one 409 team_deleted.
     */
    private Map<String, Object> claim(Context ctx, Caller caller, String id, String name, String jti) {
        AuthStore.Upsert result = store.createTeam(id, name, caller.owner(), jti);
        if (result.created()) {
            AUDIT.info("team_create created team={} owner={}", id, caller.owner());
            Json.send(ctx, 201, withJwt(result.value(), jwts.issueTeam(id, jti, caller.expiresAt())));
            return null;
        }
        if (!caller.owner().equals(result.value().get("owner"))) {
            AUDIT.info("team_create owner_conflict team={} by={}", id, caller.principal());
            throw ApiError.conflict("owner_conflict", "team '" + id + "' belongs to someone else");
        }
        if (Boolean.TRUE.equals(store.team(id).get("deleted"))) {
            throw ApiError.conflict("team_deleted", "team '" + id + "' was deleted; only the admin can restore it");
        }
        return result.value();
    }

    private Map<String, Object> owned(Caller caller, String id) {
        Map<String, Object> team = store.team(id);
        if (team == null || !(caller.admin() || caller.owner().equals(team.get("owner")))) {
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
        Map<String, Object> view = Requests.pick(team, "id", "name", "active", "workspace_ids", "active_jti");
        view.put("deleted", Boolean.TRUE.equals(team.get("deleted")));
        return view;
    }

    private static Map<String, Object> withJwt(Map<String, Object> team, String jwt) {
        Map<String, Object> body = view(team);
        body.put("jwt", jwt);
        return new LinkedHashMap<>(body);
    }
}
