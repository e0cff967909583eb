package org.mnemo.gateway.rest;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Scopes;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.context.ContextService;
import org.mnemo.gateway.context.ProjectRefresh;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.health.BuildInfo;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;

/**
 * The project context engine over HTTP, under /atocore/ with the paths and field names an AtoCore client uses, so
 * that such a client only changes its base URL. Mnemo's authentication and scopes apply as on every route.
 */
final class ContextApi {
    private static final String TAG = "context";
    private static final String BASE = "/atocore";
    private static final int MAX_LIST = 500;

    private final ContextService context;
    private final ProjectRefresh refresh;

    ContextApi(MnemoClient client, IngestJobs jobs) {
        this.context = new ContextService(client);
        this.refresh = new ProjectRefresh(client, jobs, context);
    }

    List<Route> routes() {
        return List.of(
                Route.get(BASE + "/health", TAG, "Version, build and the caller's counts", ctx -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("status", "ok");
                    body.putAll(BuildInfo.describe());
                    body.put("counts", context.counts(caller(ctx)));
                    Json.send(ctx, 200, body);
                }).scope(Scopes.LIST_PROJECTS),
                Route.get(BASE + "/stats", TAG, "The caller's projects, state entries, memories by status and "
                        + "interactions", ctx -> Json.send(ctx, 200, context.counts(caller(ctx))))
                        .scope(Scopes.LIST_PROJECTS),
                Route.get(BASE + "/projects", TAG, "The caller's projects", ctx -> Json.send(ctx, 200,
                        Map.of("projects", context.projects(caller(ctx))))).scope(Scopes.LIST_PROJECTS),
                Route.get(BASE + "/projects/template", TAG, "The shape of a project registration", ctx -> Json.send(
                        ctx, 200, template())).scope(Scopes.LIST_PROJECTS),
                Route.post(BASE + "/projects/proposal", TAG, "Check a registration without storing it: the "
                        + "normalised project and the names already taken", "{id, aliases?, description?, "
                        + "ingest_roots?}", ctx -> Json.send(ctx, 200, context.proposal(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS),
                Route.post(BASE + "/projects/register", TAG, "Register a project (an id or alias any project holds "
                        + "is refused)", "{id, aliases?, description?, status?, ingest_roots?, libraries?}",
                        ctx -> Json.send(ctx, 201, context.register(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS),
                Route.put(BASE + "/projects/{name}", TAG, "Change a project named by id or alias", "{aliases?, "
                        + "description?, status?, ingest_roots?, libraries?}", ctx -> Json.send(ctx, 200,
                        context.update(caller(ctx), ctx.pathParam("name"), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS),
                Route.post(BASE + "/projects/{name}/refresh", TAG, "Ingest the documents under the project's "
                        + "ingest roots (s3://<source>/<prefix>) into its library as ingest jobs", null,
                        ctx -> Json.send(ctx, 202, refresh.refresh(caller(ctx), ctx.pathParam("name"))))
                        .scope(Scopes.MANAGE_PROJECTS),
                Route.get(BASE + "/project/state/{name}", TAG, "A project's trusted state (?include_history=true "
                        + "for the superseded entries too)", ctx -> {
                            Caller caller = caller(ctx);
                            String name = ctx.pathParam("name");
                            Map<String, Object> project = context.project(caller, name);
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("project", project.get("id"));
                            body.put("state", context.state(caller, name, Requests.bool(ctx, "include_history",
                                    false)));
                            Json.send(ctx, 200, body);
                        }).scope(Scopes.GET_PROJECT_STATE),
                Route.post(BASE + "/project/state", TAG, "Set a trusted state entry (a changed value supersedes "
                        + "the active one)", "{project, category, key, value, source?, confidence?}",
                        ctx -> Json.send(ctx, 200, context.setState(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS),
                Route.delete(BASE + "/project/state", TAG, "Invalidate a trusted state entry (kept as history); "
                        + "the body names it: {project, category, key}", ctx -> Json.send(ctx, 200,
                        context.invalidateState(caller(ctx), Json.body(ctx)))).scope(Scopes.MANAGE_PROJECTS),
                Route.post(BASE + "/query", TAG, "Ranked chunks for a prompt within the project's libraries (or "
                        + "all the caller reads)", "{prompt | query, project?, top_k?}", ctx -> Json.send(ctx, 200,
                        Map.of("results", context.query(caller(ctx), Json.body(ctx))))).scope(Scopes.BUILD_CONTEXT),
                Route.post(BASE + "/context/build", TAG, "A context pack within a character budget, in trust "
                        + "order: trusted state, memories, chunks", "{prompt, project?, budget?}", ctx -> Json.send(
                        ctx, 200, context.build(caller(ctx), Json.body(ctx)))).scope(Scopes.BUILD_CONTEXT),
                Route.get(BASE + "/debug/context", TAG, "The caller's last context pack", ctx -> {
                    Map<String, Object> last = context.lastPack(caller(ctx));
                    if (last == null) {
                        throw ApiError.notFound("context pack (none built yet)");
                    }
                    Json.send(ctx, 200, last);
                }).scope(Scopes.BUILD_CONTEXT),
                Route.post(BASE + "/interactions", TAG, "Record a prompt/response interaction; reinforces the "
                        + "memories the response used unless reinforce is false", "{prompt, response?, project?, "
                        + "client?, session_id?, pack_id?, memories_used?, chunks_used?, reinforce?}",
                        ctx -> Json.send(ctx, 201, context.record(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.RECORD_INTERACTION),
                Route.get(BASE + "/interactions", TAG, "The caller's interactions, newest first (?project, "
                        + "?session_id, ?client, ?since (ISO date or date-time), ?limit (max 500))", ctx -> {
                            Map<String, String> filters = new LinkedHashMap<>();
                            for (String f : List.of("project", "session_id", "client", "since")) {
                                filters.put(f, ctx.queryParam(f));
                            }
                            Json.send(ctx, 200, Map.of("interactions", context.interactions(caller(ctx), filters,
                                    limit(ctx))));
                        }).scope(Scopes.MANAGE_PROJECTS),
                Route.get(BASE + "/interactions/{id}", TAG, "One interaction", ctx -> Json.send(ctx, 200,
                        context.interaction(caller(ctx), ctx.pathParam("id")))).scope(Scopes.MANAGE_PROJECTS),
                Route.post(BASE + "/interactions/{id}/reinforce", TAG, "Reinforce the memories the interaction's "
                        + "response used", null, ctx -> Json.send(ctx, 200, context.reinforce(caller(ctx),
                        ctx.pathParam("id")))).scope(Scopes.RECORD_INTERACTION),
                Route.post(BASE + "/interactions/{id}/extract", TAG, "Candidate memories found in the interaction; "
                        + "with persist, stored as candidates for review", "{persist?}", ctx -> {
                            boolean persist = ctx.body().isBlank() ? false : Json.body(ctx).bool("persist", false);
                            Json.send(ctx, 200, Map.of("candidates", context.extract(caller(ctx),
                                    ctx.pathParam("id"), persist)));
                        }).scope(Scopes.RECORD_INTERACTION),
                Route.get(BASE + "/memory", TAG, "The caller's context memories (?status, ?memory_type, ?project, "
                        + "?limit (max 500)); the review queue is ?status=candidate", ctx -> {
                            Map<String, String> filters = new LinkedHashMap<>();
                            for (String f : List.of("status", "memory_type", "project")) {
                                filters.put(f, ctx.queryParam(f));
                            }
                            Json.send(ctx, 200, Map.of("memories", context.memories(caller(ctx), filters,
                                    limit(ctx))));
                        }).scope(Scopes.MANAGE_PROJECTS),
                Route.post(BASE + "/memory", TAG, "Store a context memory", "{content, memory_type, project?, "
                        + "confidence?, status? (active | candidate), source?}", ctx -> Json.send(ctx, 201,
                        context.addMemory(caller(ctx), Json.body(ctx)))).scope(Scopes.MANAGE_PROJECTS),
                Route.put(BASE + "/memory/{id}", TAG, "Change a candidate or active context memory", "{content?, "
                        + "confidence?, memory_type?}", ctx -> Json.send(ctx, 200, context.updateMemory(caller(ctx),
                        ctx.pathParam("id"), Json.body(ctx)))).scope(Scopes.MANAGE_PROJECTS),
                Route.post(BASE + "/memory/{id}/promote", TAG, "Promote a candidate to active", null,
                        ctx -> Json.send(ctx, 200, context.decide(caller(ctx), ctx.pathParam("id"), "promote")))
                        .scope(Scopes.MANAGE_PROJECTS),
                Route.post(BASE + "/memory/{id}/reject", TAG, "Reject a candidate (it becomes invalid)", null,
                        ctx -> Json.send(ctx, 200, context.decide(caller(ctx), ctx.pathParam("id"), "reject")))
                        .scope(Scopes.MANAGE_PROJECTS));
    }

    /** A list's limit: 100 unless given, and a larger one than 500 is cut to 500 (as AtoCore clients expect). */
    private static int limit(Context ctx) {
        return Math.min(MAX_LIST, Requests.integer(ctx, "limit", 100, 1, Integer.MAX_VALUE));
    }

    private static Caller caller(Context ctx) {
        return Requests.caller(ctx);
    }

    private static Map<String, Object> template() {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("id", "my-project");
        template.put("aliases", List.of("mp"));
        template.put("description", "What the project is about");
        template.put("status", "active");
        template.put("ingest_roots", List.of());
        template.put("libraries", List.of());
        template.put("state_categories", List.of("status", "decision", "constraint", "fact", "contact", "next_step"));
        return template;
    }
}
