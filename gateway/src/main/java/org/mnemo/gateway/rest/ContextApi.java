package org.mnemo.gateway.rest;

import static org.mnemo.gateway.web.Schema.array;
import static org.mnemo.gateway.web.Schema.bool;
import static org.mnemo.gateway.web.Schema.dateTime;
import static org.mnemo.gateway.web.Schema.fields;
import static org.mnemo.gateway.web.Schema.integer;
import static org.mnemo.gateway.web.Schema.number;
import static org.mnemo.gateway.web.Schema.object;
import static org.mnemo.gateway.web.Schema.string;
import static org.mnemo.gateway.web.Schema.strings;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Scopes;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.MnemoClient.Decision;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.context.ContextService;
import org.mnemo.gateway.context.ProjectRefresh;
import org.mnemo.gateway.health.BuildInfo;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;
import org.mnemo.gateway.web.Schema;

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

    private static final Schema MEMORY_TYPE =
            string("identity, preference, project, episodic, knowledge or " + "adaptation");
    private static final Schema CATEGORY = string("A trusted-state category")
            .values("status", "decision", "constraint", "fact", "contact", "next_step");
    private static final Schema CONFIDENCE = number(null).range(0, 1);

    static final Schema PROJECT = object("A project: its id never changes; any alias (in any case) also finds it")
            .required("id", string(null))
            .required("aliases", strings(null))
            .required("description", string(null).nullable())
            .required("status", string(null).nullable())
            .required("ingest_roots", strings("s3://<source>/<prefix> roots its documents come from"))
            .required("libraries", strings("Uids of the libraries it searches"))
            .required("owner", string(null).nullable())
            .example(fields(
                    "id",
                    "harbour",
                    "aliases",
                    List.of("hb"),
                    "description",
                    "Quay wall renewal",
                    "status",
                    "active",
                    "ingest_roots",
                    List.of("s3://daedalus/harbour/"),
                    "libraries",
                    List.of(),
                    "owner",
                    "ann"))
            .named("Project");

    private static final Schema PROJECT_FIELDS = object("A project's fields; lists replace the previous ones")
            .optional("aliases", strings(null))
            .optional("description", string(null))
            .optional("status", string(null).maxLength(50))
            .optional("ingest_roots", strings("s3://<source>/<prefix>"))
            .optional("libraries", strings("Uids or names of libraries the caller reads"));

    static final Schema COUNTS = object("The caller's counts")
            .required("projects", integer(null))
            .required("state_entries", integer("Active trusted-state entries"))
            .required("active_memories", integer(null))
            .required("candidate_memories", integer(null))
            .required("interactions", integer(null))
            .named("ContextCounts");

    static final Schema STATE_ENTRY = object("A trusted-state entry")
            .required("project", string(null))
            .required("category", CATEGORY)
            .required("key", string(null))
            .required("value", string(null))
            .required("source", string(null).nullable())
            .required("confidence", number(null))
            .required("status", string(null).values("active", "superseded"))
            .required("created_at", dateTime(null))
            .required("updated_at", dateTime(null).nullable())
            .named("StateEntry");

    static final Schema CONTEXT_MEMORY = object("A context memory: candidate → active → superseded | invalid")
            .required("id", string(null))
            .required("memory_type", MEMORY_TYPE)
            .required("content", string(null))
            .required("project", string(null).nullable())
            .required("status", string(null).values("candidate", "active", "superseded", "invalid"))
            .required("confidence", number(null))
            .required("reference_count", integer(null))
            .required("last_referenced_at", dateTime(null).nullable())
            .required("source", string(null).nullable())
            .required("created_at", dateTime(null))
            .required("updated_at", dateTime(null).nullable())
            .named("ContextMemory");

    static final Schema INTERACTION = object("A recorded prompt and response")
            .required("id", string(null))
            .required("prompt", string(null))
            .required("response", string(null).nullable())
            .required("project", string(null).nullable())
            .required("client", string(null).nullable())
            .required("session_id", string(null).nullable())
            .required("created_at", dateTime(null))
            .required("pack_id", string(null).nullable())
            .required("memories_used", strings(null))
            .required("chunks_used", strings(null))
            .named("Interaction");

    static final Schema PACK = object(
                    "A context pack within the budget, in trust order: trusted state, memories, " + "chunks")
            .required("pack_id", string(null))
            .required("project", string("The project's id, or empty").nullable())
            .required("formatted_context", string("The text to put in front of a model"))
            .required("chunks_used", integer(null))
            .required("memories_used", integer(null))
            .required("project_state_chars", integer(null))
            .required("memory_chars", integer(null))
            .required("chunk_chars", integer(null))
            .required("total_chars", integer("Never more than budget"))
            .required("budget", integer(null))
            .required("budget_remaining", integer(null))
            .required("duration_ms", integer(null))
            .required(
                    "chunks",
                    array(
                            "The chunks cited",
                            object(null)
                                    .required("chunk_uid", string(null))
                                    .required("item_uid", string(null))
                                    .required("source_file", string(null).nullable())
                                    .required("heading_path", string(null).nullable())
                                    .required("score", number(null))
                                    .required("library_uid", string(null))))
            .required("memory_ids", strings(null))
            .named("ContextPack");

    private static final Schema PROMPT = object("A prompt")
            .optional("prompt", string(null))
            .optional("query", string("The prompt, under AtoCore's other name"));

    List<Route> routes() {
        return List.of(
                Route.get(BASE + "/health", TAG, "Version, build and the caller's counts", ctx -> {
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("status", "ok");
                            body.putAll(BuildInfo.describe());
                            body.put("counts", context.counts(caller(ctx)));
                            Json.send(ctx, 200, body);
                        })
                        .scope(Scopes.LIST_PROJECTS)
                        .returns(
                                200,
                                "Up",
                                object(null)
                                        .required("status", string(null).values("ok"))
                                        .required("version", string(null))
                                        .required("build_sha", string("The commit, or unknown"))
                                        .required("build_time", string("When it was built, or unknown"))
                                        .required("counts", COUNTS)),
                Route.get(
                                BASE + "/stats",
                                TAG,
                                "The caller's projects, state entries, memories by status and " + "interactions",
                                ctx -> Json.send(ctx, 200, context.counts(caller(ctx))))
                        .scope(Scopes.LIST_PROJECTS)
                        .returns(200, "The counts", COUNTS),
                Route.get(
                                BASE + "/projects",
                                TAG,
                                "The caller's projects",
                                ctx -> Json.send(ctx, 200, Map.of("projects", context.projects(caller(ctx)))))
                        .scope(Scopes.LIST_PROJECTS)
                        .returns(200, "The projects", object(null).required("projects", array(null, PROJECT))),
                Route.get(
                                BASE + "/projects/template",
                                TAG,
                                "The shape of a project registration",
                                ctx -> Json.send(ctx, 200, template()))
                        .scope(Scopes.LIST_PROJECTS)
                        .returns(
                                200,
                                "A registration to fill in, with the state categories",
                                object(null)
                                        .required("id", string(null))
                                        .required("aliases", strings(null))
                                        .required("description", string(null))
                                        .required("status", string(null))
                                        .required("ingest_roots", strings(null))
                                        .required("libraries", strings(null))
                                        .required("state_categories", strings(null))),
                Route.post(
                                BASE + "/projects/proposal",
                                TAG,
                                "Check a registration without storing it: the "
                                        + "normalised project and the names already taken",
                                PROJECT_FIELDS.required("id", string(null)).named("ProjectProposal"),
                                ctx -> Json.send(ctx, 200, context.proposal(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(
                                200,
                                "The checked registration",
                                object(null)
                                        .required("id", string(null))
                                        .required("aliases", strings(null))
                                        .required("description", string(null).nullable())
                                        .required("ingest_roots", strings(null).nullable())
                                        .required(
                                                "conflicts",
                                                array(
                                                        "Names another project holds",
                                                        object(null)
                                                                .required("name", string(null))
                                                                .required(
                                                                        "project",
                                                                        string("The holder, when it is the caller's"))))
                                        .required("valid", bool(null))),
                Route.post(
                                BASE + "/projects/register",
                                TAG,
                                "Register a project (an id or alias any project holds " + "is refused)",
                                PROJECT_FIELDS
                                        .required("id", string(null))
                                        .example(fields(
                                                "id",
                                                "harbour",
                                                "aliases",
                                                List.of("hb"),
                                                "description",
                                                "Quay wall renewal"))
                                        .named("ProjectRegistration"),
                                ctx -> Json.send(ctx, 201, context.register(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(201, "Registered", PROJECT),
                Route.put(
                                BASE + "/projects/{name}",
                                TAG,
                                "Change a project named by id or alias",
                                PROJECT_FIELDS.named("ProjectChanges"),
                                ctx -> Json.send(
                                        ctx, 200, context.update(caller(ctx), ctx.pathParam("name"), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(200, "The project", PROJECT),
                Route.post(
                                BASE + "/projects/{name}/refresh",
                                TAG,
                                "Ingest the documents under the project's "
                                        + "ingest roots (s3://<source>/<prefix>) into its library as ingest jobs",
                                null,
                                ctx -> Json.send(ctx, 202, refresh.refresh(caller(ctx), ctx.pathParam("name"))))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(
                                202,
                                "The jobs submitted",
                                object(null)
                                        .required("project", string(null))
                                        .required("library_uid", string(null).nullable())
                                        .required(
                                                "jobs",
                                                array(
                                                        null,
                                                        object(null)
                                                                .required("id", string(null))
                                                                .required("status", JobApi.JOB_STATUS)
                                                                .required("s3_key", string(null))
                                                                .required(
                                                                        "created",
                                                                        bool(
                                                                                "false: the same file was submitted before"))))
                                        .required(
                                                "skipped",
                                                array(
                                                        "Roots that were not read, with why",
                                                        object(null)
                                                                .required("source", string(null))
                                                                .required("reason", string(null))))),
                Route.get(BASE + "/project/state/{name}", TAG, "A project's trusted state", ctx -> {
                            Caller caller = caller(ctx);
                            String name = ctx.pathParam("name");
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("project", context.project(caller, name).id());
                            body.put(
                                    "state", context.state(caller, name, Requests.bool(ctx, "include_history", false)));
                            Json.send(ctx, 200, body);
                        })
                        .scope(Scopes.GET_PROJECT_STATE)
                        .query(
                                "include_history",
                                bool("The superseded entries too").defaultsTo(false))
                        .returns(
                                200,
                                "The state",
                                object(null)
                                        .required("project", string(null))
                                        .required("state", array(null, STATE_ENTRY))),
                Route.post(
                                BASE + "/project/state",
                                TAG,
                                "Set a trusted state entry (a changed value supersedes " + "the active one)",
                                object("An entry")
                                        .required("project", string(null))
                                        .required("category", CATEGORY)
                                        .required("key", string(null))
                                        .required("value", string(null))
                                        .optional("source", string(null))
                                        .optional("confidence", CONFIDENCE.defaultsTo(1))
                                        .example(fields(
                                                "project",
                                                "harbour",
                                                "category",
                                                "decision",
                                                "key",
                                                "piles",
                                                "value",
                                                "Steel sheet piles, coated")),
                                ctx -> Json.send(ctx, 200, context.setState(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(200, "The active entry", STATE_ENTRY),
                Route.delete(
                                BASE + "/project/state",
                                TAG,
                                "Invalidate a trusted state entry (kept as history); " + "the body names it",
                                object("The entry")
                                        .required("project", string(null))
                                        .required("category", CATEGORY)
                                        .required("key", string(null)),
                                ctx -> Json.send(ctx, 200, context.invalidateState(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(
                                200,
                                "Whether there was an active entry",
                                object(null)
                                        .required("project", string(null))
                                        .required("category", string(null))
                                        .required("key", string(null))
                                        .required("invalidated", bool(null))),
                Route.post(
                                BASE + "/query",
                                TAG,
                                "Ranked chunks for a prompt within the project's libraries (or "
                                        + "all the caller reads)",
                                PROMPT.optional("project", string(null))
                                        .optional(
                                                "top_k",
                                                integer(null)
                                                        .range(1, Requests.MAX_LIMIT)
                                                        .defaultsTo(10))
                                        .example(fields("prompt", "how deep is the scour", "project", "harbour")),
                                ctx -> Json.send(
                                        ctx, 200, Map.of("results", context.query(caller(ctx), Json.body(ctx)))))
                        .scope(Scopes.BUILD_CONTEXT)
                        .returns(
                                200,
                                "The chunks, best first",
                                object(null)
                                        .required(
                                                "results",
                                                array(
                                                        null,
                                                        object(null)
                                                                .required("chunk_id", string(null))
                                                                .required("item_id", string(null))
                                                                .required(
                                                                        "source_file",
                                                                        string("The item's title")
                                                                                .nullable())
                                                                .required("content", string("The chunk's text preview"))
                                                                .required("score", number(null))))),
                Route.post(
                                BASE + "/context/build",
                                TAG,
                                "A context pack within a character budget, in trust "
                                        + "order: trusted state, memories, chunks",
                                PROMPT.optional("project", string(null))
                                        .optional(
                                                "budget",
                                                integer("Characters")
                                                        .range(200, 200_000)
                                                        .defaultsTo(3000))
                                        .example(fields(
                                                "prompt", "what did we decide about the piles", "project", "harbour")),
                                ctx -> Json.send(ctx, 200, context.build(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.BUILD_CONTEXT)
                        .returns(200, "The pack", PACK),
                Route.get(BASE + "/debug/context", TAG, "The caller's last context pack", ctx -> {
                            Rows.LastPack last = context.lastPack(caller(ctx));
                            if (last == null) {
                                throw ApiError.notFound("context pack (none built yet)");
                            }
                            Json.send(ctx, 200, last);
                        })
                        .scope(Scopes.BUILD_CONTEXT)
                        .returns(
                                200,
                                "The last pack (404 before the first)",
                                object(null)
                                        .required("pack_id", string(null))
                                        .required("project", string(null).nullable())
                                        .required("prompt", string("Its first 2,000 characters"))
                                        .required("formatted_context", string(null))
                                        .required("total_chars", integer(null))
                                        .required("budget", integer(null))
                                        .required("project_state_chars", integer(null))
                                        .required("chunks_used", integer(null))
                                        .required("memories_used", integer(null))
                                        .required("chunk_uids", strings(null))
                                        .required("memory_ids", strings(null))
                                        .required("duration_ms", integer(null))
                                        .required("created_at", dateTime(null))),
                Route.post(
                                BASE + "/interactions",
                                TAG,
                                "Record a prompt/response interaction; reinforces the "
                                        + "memories the response used unless reinforce is false",
                                PROMPT.optional("response", string(null))
                                        .optional("project", string(null))
                                        .optional("client", string(null))
                                        .optional("session_id", string(null))
                                        .optional("pack_id", string("The pack the prompt was given"))
                                        .optional("memories_used", strings("Default: the pack's"))
                                        .optional("chunks_used", strings("Default: the pack's"))
                                        .optional("reinforce", bool(null).defaultsTo(true)),
                                ctx -> Json.send(ctx, 201, context.record(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.RECORD_INTERACTION)
                        .returns(
                                201,
                                "Recorded",
                                object(null)
                                        .required("id", string(null))
                                        .required("project", string(null).nullable())
                                        .required("created_at", dateTime(null))
                                        .required("pack_id", string(null).nullable())
                                        .required("reinforced", strings("The memories whose confidence went up"))),
                Route.get(BASE + "/interactions", TAG, "The caller's interactions, newest first", ctx -> {
                            Map<String, String> filters = new LinkedHashMap<>();
                            for (String f : List.of("project", "session_id", "client", "since")) {
                                filters.put(f, ctx.queryParam(f));
                            }
                            Json.send(
                                    ctx,
                                    200,
                                    Map.of("interactions", context.interactions(caller(ctx), filters, limit(ctx))));
                        })
                        .scope(Scopes.MANAGE_PROJECTS)
                        .query("project", string(null))
                        .query("session_id", string(null))
                        .query("client", string(null))
                        .query("since", string("An ISO date or date-time"))
                        .query(
                                "limit",
                                integer("A larger one is cut to 500")
                                        .range(1, Integer.MAX_VALUE)
                                        .defaultsTo(100))
                        .returns(
                                200,
                                "The interactions",
                                object(null).required("interactions", array(null, INTERACTION))),
                Route.get(
                                BASE + "/interactions/{id}",
                                TAG,
                                "One interaction",
                                ctx -> Json.send(ctx, 200, context.interaction(caller(ctx), ctx.pathParam("id"))))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(200, "The interaction", INTERACTION),
                Route.post(
                                BASE + "/interactions/{id}/reinforce",
                                TAG,
                                "Reinforce the memories the interaction's " + "response used",
                                null,
                                ctx -> Json.send(ctx, 200, context.reinforce(caller(ctx), ctx.pathParam("id"))))
                        .scope(Scopes.RECORD_INTERACTION)
                        .returns(
                                200,
                                "The memories reinforced",
                                object(null)
                                        .required("interaction_id", string(null))
                                        .required("reinforced", strings(null))),
                Route.post(
                                BASE + "/interactions/{id}/extract",
                                TAG,
                                "Candidate memories found in the interaction; "
                                        + "with persist, stored as candidates for review",
                                object("Options (the body may be empty)")
                                        .optional("persist", bool(null).defaultsTo(false)),
                                ctx -> {
                                    boolean persist = ctx.body().isBlank()
                                            ? false
                                            : Json.body(ctx).bool("persist", false);
                                    Json.send(
                                            ctx,
                                            200,
                                            Map.of(
                                                    "candidates",
                                                    context.extract(caller(ctx), ctx.pathParam("id"), persist)));
                                })
                        .scope(Scopes.RECORD_INTERACTION)
                        .returns(
                                200,
                                "The candidates",
                                object(null)
                                        .required(
                                                "candidates",
                                                array(
                                                        null,
                                                        object(null)
                                                                .required("memory_type", MEMORY_TYPE)
                                                                .required("content", string(null))
                                                                .required("rule", string("The rule that found it"))
                                                                .required(
                                                                        "project",
                                                                        string(null)
                                                                                .nullable())
                                                                .required(
                                                                        "memory_id",
                                                                        string("With persist: the stored candidate")
                                                                                .nullable())))),
                Route.get(
                                BASE + "/memory",
                                TAG,
                                "The caller's context memories; the review queue is " + "?status=candidate",
                                ctx -> {
                                    Map<String, String> filters = new LinkedHashMap<>();
                                    for (String f : List.of("status", "memory_type", "project")) {
                                        filters.put(f, ctx.queryParam(f));
                                    }
                                    Json.send(
                                            ctx,
                                            200,
                                            Map.of("memories", context.memories(caller(ctx), filters, limit(ctx))));
                                })
                        .scope(Scopes.MANAGE_PROJECTS)
                        .query("status", string("candidate, active, superseded or invalid"))
                        .query("memory_type", MEMORY_TYPE)
                        .query("project", string(null))
                        .query(
                                "limit",
                                integer("A larger one is cut to 500")
                                        .range(1, Integer.MAX_VALUE)
                                        .defaultsTo(100))
                        .returns(
                                200,
                                "The memories, newest first",
                                object(null).required("memories", array(null, CONTEXT_MEMORY))),
                Route.post(
                                BASE + "/memory",
                                TAG,
                                "Store a context memory",
                                object("A context memory")
                                        .required("content", string(null))
                                        .required("memory_type", MEMORY_TYPE)
                                        .optional("project", string(null))
                                        .optional("confidence", CONFIDENCE.defaultsTo(0.5))
                                        .optional(
                                                "status",
                                                string(null)
                                                        .values("active", "candidate")
                                                        .defaultsTo("active"))
                                        .optional("source", string(null)),
                                ctx -> Json.send(ctx, 201, context.addMemory(caller(ctx), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(201, "Stored", CONTEXT_MEMORY),
                Route.put(
                                BASE + "/memory/{id}",
                                TAG,
                                "Change a candidate or active context memory",
                                object("What changes")
                                        .optional("content", string(null))
                                        .optional("confidence", CONFIDENCE)
                                        .optional("memory_type", MEMORY_TYPE),
                                ctx -> Json.send(
                                        ctx,
                                        200,
                                        context.updateMemory(caller(ctx), ctx.pathParam("id"), Json.body(ctx))))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(200, "The memory", CONTEXT_MEMORY),
                Route.post(
                                BASE + "/memory/{id}/promote",
                                TAG,
                                "Promote a candidate to active",
                                null,
                                ctx -> Json.send(
                                        ctx, 200, context.decide(caller(ctx), ctx.pathParam("id"), Decision.PROMOTE)))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(200, "The memory, active", CONTEXT_MEMORY),
                Route.post(
                                BASE + "/memory/{id}/reject",
                                TAG,
                                "Reject a candidate (it becomes invalid)",
                                null,
                                ctx -> Json.send(
                                        ctx, 200, context.decide(caller(ctx), ctx.pathParam("id"), Decision.REJECT)))
                        .scope(Scopes.MANAGE_PROJECTS)
                        .returns(200, "The memory, invalid", CONTEXT_MEMORY));
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
