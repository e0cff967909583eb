package org.mnemo.gateway.rest;

import static org.mnemo.gateway.web.Schema.any;
import static org.mnemo.gateway.web.Schema.array;
import static org.mnemo.gateway.web.Schema.bool;
import static org.mnemo.gateway.web.Schema.dateTime;
import static org.mnemo.gateway.web.Schema.fields;
import static org.mnemo.gateway.web.Schema.integer;
import static org.mnemo.gateway.web.Schema.map;
import static org.mnemo.gateway.web.Schema.number;
import static org.mnemo.gateway.web.Schema.object;
import static org.mnemo.gateway.web.Schema.string;
import static org.mnemo.gateway.web.Schema.strings;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.AuthFailure;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Scopes;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.memory.MemoryService;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;
import org.mnemo.gateway.web.Schema;

/**
 * Memory over HTTP: the gateway's own routes under /api/memory/ and the memory-plugin contract v1 under /v1/
 * (docs/memory-plugin-v1.openapi.json), both acting as the caller's workspace — a workspace_id in the body or
 * query, or the X-Workspace-ID header, picks it when the credential is bound to several.
 */
final class MemoryApi {
    private static final String TAG = "memory";
    private static final String V1 = "memory-plugin-v1";
    private static final int MAX_METADATA_CHARS = 16_384;
    /** How many workspaces one tree sync carries (mnemo.workspace.sync's own limit). */
    private static final int MAX_SYNC = 1000;

    private final MnemoClient client;
    private final MemoryService memory;

    MemoryApi(MnemoClient client) {
        this.client = client;
        this.memory = new MemoryService(client);
    }

    private static final Schema WORKSPACE_HEADER =
            string("Which workspace to act as, when the credential is " + "bound to several");
    private static final Schema WORKSPACE_ID =
            string("Which workspace to act as (else X-Workspace-ID)").maxLength(200);
    private static final Schema KIND =
            string("What kind of memory").values("fact", "decision", "preference", "summary", "note");

    static final Schema NAMESPACES = object("The namespaces a workspace may read and write, and its role there")
            .required("workspace_id", string(null).nullable())
            .required("role", string("reader, writer or owner").nullable())
            .required("readable", strings("workspace:<id>, team:<root>, org:<root>, custom:<name>"))
            .required("writable", strings(null))
            .example(fields(
                    "workspace_id",
                    "ws-42",
                    "role",
                    "writer",
                    "readable",
                    List.of("workspace:ws-42", "team:acme", "org:acme"),
                    "writable",
                    List.of("workspace:ws-42", "team:acme")))
            .named("Namespaces");

    /** Fields a memory commit takes, through both the gateway's route and the plugin contract's. */
    private static final Schema NEW_MEMORY = object(
                    "A memory to store; an id that exists in the namespace makes " + "it an upsert")
            .required("content", string("Secrets are redacted before storing"))
            .optional("id", string("Your id for it (default: a new one)").maxLength(200))
            .optional("kind", KIND.defaultsTo("note"))
            .optional("tags", strings(null))
            .optional("source", string(null).maxLength(200))
            .optional("expires_at", dateTime("RFC 3339, in the future"))
            .optional("confidence", number(null).range(0, 1))
            .optional("derived_from", strings("Chunk or memory ids it was derived from"));

    static final Schema COMMITTED = object("A stored memory (created false: the id existed — updated says whether "
                    + "this commit changed it)")
            .required("id", string(null))
            .required("namespace", string(null))
            .required("kind", string(null))
            .required("status", string(null).values("active", "forgotten"))
            .required("created", bool(null))
            .required("updated", bool(null))
            .required("redacted", bool("Whether secrets were redacted"))
            .required("created_at", dateTime(null))
            .required("expires_at", dateTime(null).nullable())
            .example(fields(
                    "id",
                    "m-1",
                    "namespace",
                    "workspace:ws-42",
                    "kind",
                    "decision",
                    "status",
                    "active",
                    "created",
                    true,
                    "updated",
                    false,
                    "redacted",
                    false,
                    "created_at",
                    "2026-01-31T09:15:00Z",
                    "expires_at",
                    null))
            .named("Committed");

    static final Schema MEMORY = object("A memory found, best first")
            .required("id", string(null))
            .required("namespace", string(null))
            .required("kind", string(null))
            .required("content", string("org: memories start with [MEMORY id=… scope=ORG ns=…]: "))
            .required("tags", strings(null))
            .required("source", string(null).nullable())
            .required("confidence", number(null).nullable())
            .required("created_at", dateTime(null))
            .required("expires_at", dateTime(null).nullable())
            .required("score", number(null))
            .required("sources", strings("The legs that found it"))
            .required("ranks", map("Its rank in each leg", integer(null)))
            .named("Memory");

    private static final Schema MEMORIES = object("Memories found, best first")
            .required("results", array(null, MEMORY))
            .named("MemoryResults");

    private static final Schema TREE_FIELDS = object("A workspace of the tree")
            .required("id", string(null))
            .required("parent_id", string("null for a root").nullable())
            .required("name", string(null).nullable())
            .required("status", string(null).nullable())
            .required("custom_namespaces", strings("custom:<name> namespaces granted to it"))
            .required("manager", string("The service account managing its tree").nullable());
    static final Schema TREE_WORKSPACE = TREE_FIELDS
            .example(fields(
                    "id",
                    "ws-42",
                    "parent_id",
                    "acme",
                    "name",
                    "Harbour project",
                    "status",
                    "active",
                    "custom_namespaces",
                    List.of(),
                    "manager",
                    "daedalus"))
            .named("TreeWorkspace");

    private static final Schema MEMBERSHIP = object("A membership of a workspace")
            .required("workspace_id", string(null))
            .required("principal", string(null))
            .required("role", string(null).values("reader", "writer", "owner"))
            .required(
                    "status",
                    string("pending until the principal accepts a service's grant")
                            .values("active", "pending"))
            .optional("granted_by", string(null).nullable())
            .named("Membership");

    private static final Schema PURGED = object("What a delete removed")
            .required("namespace", string(null))
            .required("memories", integer(null))
            .named("Purged");

    private static final Schema V1_NAMESPACE = object("A plugin namespace's description and metadata")
            .required("name", string(null))
            .required("description", string(null).nullable())
            .required("metadata", map("Anything the plugin keeps with it", any(null)))
            .named("Namespace");

    private static final Schema NAMESPACE_PATCH = object("What to set")
            .optional("description", string(null).maxLength(2000))
            .optional("metadata", map("At most 16,384 characters of JSON", any(null)))
            .named("NamespacePatch");

    List<Route> routes() {
        return List.of(
                Route.get(
                                "/api/memory/namespaces/",
                                TAG,
                                "The namespaces the caller's workspace may read and write, " + "with its role there",
                                ctx -> Json.send(
                                        ctx, 200, memory.namespaces(Requests.caller(ctx), workspace(ctx, null))))
                        .scope(Scopes.LIST_READABLE_NAMESPACES)
                        .query("workspace_id", WORKSPACE_ID)
                        .header("X-Workspace-ID", WORKSPACE_HEADER)
                        .returns(200, "The namespaces", NAMESPACES),
                Route.post(
                                "/api/memory/memories/",
                                TAG,
                                "Commit a memory",
                                NEW_MEMORY
                                        .optional(
                                                "namespace",
                                                string("Default: workspace:<id>")
                                                        .maxLength(250))
                                        .optional("workspace_id", WORKSPACE_ID)
                                        .example(fields(
                                                "content",
                                                "We chose Postgres for the billing service.",
                                                "kind",
                                                "decision"))
                                        .named("NewMemory"),
                                this::commit)
                        .scope(Scopes.COMMIT_MEMORY_V2)
                        .header("X-Workspace-ID", WORKSPACE_HEADER)
                        .returns(201, "Stored", COMMITTED)
                        .returns(200, "The id existed: updated or unchanged", COMMITTED),
                Route.post(
                                "/api/memory/search/",
                                TAG,
                                "Search memories",
                                object("A memory search")
                                        .required("query", string(null).maxLength(4000))
                                        .optional("namespaces", strings("Only these (default: all readable)"))
                                        .optional("kinds", array(null, KIND))
                                        .optional(
                                                "limit",
                                                integer(null).range(1, 100).defaultsTo(10))
                                        .optional("workspace_id", WORKSPACE_ID)
                                        .example(fields("query", "which database for billing", "limit", 5))
                                        .named("MemorySearch"),
                                this::search)
                        .scope(Scopes.SEARCH_MEMORY)
                        .header("X-Workspace-ID", WORKSPACE_HEADER)
                        .returns(200, "The memories found", MEMORIES),
                Route.delete(
                                "/api/memory/memories/{id}/",
                                TAG,
                                "Forget a memory; in a shared namespace only as the " + "owner of its root",
                                this::forget)
                        .scope(Scopes.FORGET_MEMORY)
                        .query("workspace_id", WORKSPACE_ID)
                        .query("namespace", string("The namespace, when the id is in several"))
                        .header("X-Workspace-ID", WORKSPACE_HEADER)
                        .returns(204, "Forgotten"),
                Route.put(
                                "/api/memory/workspaces/{id}/",
                                TAG,
                                "Create or move a workspace of the tree (the admin, or "
                                        + "a service account with manage_workspaces within what it manages)",
                                object("The " + "workspace's fields; absent ones stay")
                                        .optional(
                                                "parent_id",
                                                string("null makes a root").nullable())
                                        .optional("name", string(null).maxLength(200))
                                        .optional("custom_namespaces", strings("The admin only"))
                                        .optional(
                                                "manager",
                                                string("The service account managing the tree (the admin only)")
                                                        .maxLength(128))
                                        .example(fields("parent_id", "acme", "name", "Harbour project")),
                                this::upsertWorkspace)
                        .scope(Scopes.MANAGE_WORKSPACES)
                        .returns(200, "The workspace", TREE_WORKSPACE),
                Route.post(
                                "/api/memory/workspaces/sync/",
                                TAG,
                                "Create or move many workspaces of the tree at "
                                        + "once, all or nothing (the admin, or a service account with manage_workspaces within what "
                                        + "it manages): a platform mirroring its hierarchy",
                                object("The workspaces")
                                        .required(
                                                "workspaces",
                                                array(
                                                                "At most " + MAX_SYNC + "; parents before children "
                                                                        + "whatever the order",
                                                                object(null)
                                                                        .required(
                                                                                "id",
                                                                                string(null)
                                                                                        .maxLength(200))
                                                                        .optional(
                                                                                "parent_id",
                                                                                string(
                                                                                                "Absent: unchanged; null: a root")
                                                                                        .nullable())
                                                                        .optional(
                                                                                "name",
                                                                                string(null)
                                                                                        .maxLength(200))
                                                                        .optional(
                                                                                "status",
                                                                                string(null)
                                                                                        .maxLength(200)))
                                                        .with("minItems", 1)
                                                        .with("maxItems", MAX_SYNC)),
                                this::syncWorkspaces)
                        .scope(Scopes.MANAGE_WORKSPACES)
                        .returns(
                                200,
                                "The workspaces as stored",
                                object(null)
                                        .required("workspaces", array(null, TREE_WORKSPACE))
                                        .required("count", integer(null))),
                Route.get(
                                "/api/memory/workspaces/{id}/",
                                TAG,
                                "A workspace with its members (its managers only)",
                                this::getWorkspace)
                        .scope(Scopes.MANAGE_WORKSPACES)
                        .returns(
                                200,
                                "The workspace",
                                TREE_FIELDS
                                        .required(
                                                "members",
                                                array(
                                                        null,
                                                        object(null)
                                                                .required("principal", string(null))
                                                                .required("role", string(null))))
                                        .named("TreeWorkspaceWithMembers")),
                Route.delete(
                                "/api/memory/workspaces/{id}/",
                                TAG,
                                "Delete a workspace with its memberships and private " + "memories (its managers only)",
                                this::deleteWorkspace)
                        .scope(Scopes.MANAGE_WORKSPACES)
                        .returns(200, "Deleted: its private namespace and how many memories went", PURGED),
                Route.put(
                                "/api/memory/workspaces/{id}/members/{principal}/",
                                TAG,
                                "Grant a user or service account " + "a role on a workspace",
                                object("The role").required("role", string(null).values("reader", "writer", "owner")),
                                this::grant)
                        .scope(Scopes.MANAGE_WORKSPACES)
                        .returns(200, "The membership", MEMBERSHIP),
                Route.delete("/api/memory/workspaces/{id}/members/{principal}/", TAG, "End a membership", this::revoke)
                        .scope(Scopes.MANAGE_WORKSPACES)
                        .returns(204, "Ended"),
                Route.get(
                                "/api/memberships/",
                                TAG,
                                "The caller's memberships, active and pending (a service's "
                                        + "grant to someone it does not manage waits for acceptance)",
                                ctx -> Json.send(
                                        ctx,
                                        200,
                                        Map.of(
                                                "results",
                                                client.memberships(member(ctx).owner()))))
                        .scope(Scopes.MANAGE_MEMBERSHIPS)
                        .returns(200, "The memberships", object(null).required("results", array(null, MEMBERSHIP))),
                Route.post(
                                "/api/memberships/{workspace_id}/accept/",
                                TAG,
                                "Accept a pending membership",
                                null,
                                ctx -> Json.send(
                                        ctx,
                                        200,
                                        client.membershipAccept(member(ctx).owner(), ctx.pathParam("workspace_id"))))
                        .scope(Scopes.MANAGE_MEMBERSHIPS)
                        .returns(200, "The membership, active", MEMBERSHIP),
                Route.delete(
                                "/api/memberships/{workspace_id}/",
                                TAG,
                                "Leave a workspace (or decline a pending " + "membership)",
                                ctx -> {
                                    client.membershipLeave(member(ctx).owner(), ctx.pathParam("workspace_id"));
                                    ctx.status(204);
                                })
                        .scope(Scopes.MANAGE_MEMBERSHIPS)
                        .returns(204, "Left"),
                Route.get("/api/memory/export/", TAG, "Export memories as JSON Lines (admin)", this::export)
                        .scope(Scopes.ADMIN)
                        .query("workspace_id", strings("Every namespace these workspaces read (repeatable)"))
                        .query("namespace", strings("These namespaces (repeatable)"))
                        .returns(
                                200,
                                "One JSON object per line: {id, namespace, kind, content, tags, source, "
                                        + "confidence, created_at, expires_at}",
                                "application/x-ndjson",
                                string("JSON Lines")),
                Route.post(
                                "/api/memory/import/",
                                TAG,
                                "Import memories from an export (admin): JSON Lines, one "
                                        + "memory per line, or one JSON array; legacy memoryExportEntry rows ({scope, workspace_id | "
                                        + "workspace_name, content, …}) map to namespaces",
                                array("The memories, as exported", object(null).required("content", string(null))),
                                this::importLines)
                        .scope(Scopes.ADMIN)
                        .returns(
                                200,
                                "What was imported",
                                object("Counts")
                                        .required("imported", integer(null))
                                        .required("existing", integer("Already there (by id)"))
                                        .required("skipped", integer("No namespace here resolves, or no content"))),
                Route.get(
                                "/v1/health",
                                V1,
                                "Memory plugin health and capabilities",
                                ctx -> Json.send(
                                        ctx,
                                        200,
                                        Map.of("status", "ok", "capabilities", List.of("fts", "embedding", "ttl"))))
                        .open()
                        .returns(
                                200,
                                "Up",
                                object(null)
                                        .required("status", string(null).values("ok"))
                                        .required(
                                                "capabilities",
                                                array(null, string(null).values("fts", "embedding", "ttl")))
                                        .named("PluginHealth")),
                Route.put(
                                "/v1/namespaces/{name}",
                                V1,
                                "Create or replace a namespace's description and metadata",
                                NAMESPACE_PATCH,
                                ctx -> namespace(ctx, false))
                        .scope(Scopes.COMMIT_MEMORY_V2)
                        .header("X-Workspace-ID", WORKSPACE_HEADER)
                        .returns(200, "The namespace", V1_NAMESPACE),
                Route.patch(
                                "/v1/namespaces/{name}",
                                V1,
                                "Update a namespace's description or metadata (not empty)",
                                NAMESPACE_PATCH,
                                ctx -> namespace(ctx, true))
                        .scope(Scopes.COMMIT_MEMORY_V2)
                        .header("X-Workspace-ID", WORKSPACE_HEADER)
                        .returns(200, "The namespace", V1_NAMESPACE),
                Route.delete(
                                "/v1/namespaces/{name}",
                                V1,
                                "Delete a namespace with all its memories (as an owner of " + "the workspace)",
                                this::deleteNamespace)
                        .scope(Scopes.FORGET_MEMORY)
                        .header("X-Workspace-ID", WORKSPACE_HEADER)
                        .returns(204, "Deleted"),
                Route.post(
                                "/v1/namespaces/{name}/memories",
                                V1,
                                "Commit a memory into a namespace",
                                NEW_MEMORY.named("PluginMemory"),
                                this::commitV1)
                        .scope(Scopes.COMMIT_MEMORY_V2)
                        .header("X-Workspace-ID", WORKSPACE_HEADER)
                        .returns(201, "Stored", COMMITTED)
                        .returns(200, "The id existed: updated or unchanged", COMMITTED),
                Route.post(
                                "/v1/search",
                                V1,
                                "Search memories in namespaces",
                                object("A search")
                                        .required("namespaces", strings(null).with("minItems", 1))
                                        .required("query", string(null).maxLength(4000))
                                        .optional("kinds", strings(null))
                                        .optional(
                                                "limit",
                                                integer(null).range(1, 100).defaultsTo(10))
                                        .named("PluginSearch"),
                                this::searchV1)
                        .scope(Scopes.SEARCH_MEMORY)
                        .header("X-Workspace-ID", WORKSPACE_HEADER)
                        .returns(200, "Results, best first", MEMORIES),
                Route.delete("/v1/namespaces/{name}/memories/{id}", V1, "Forget a memory", this::forgetV1)
                        .scope(Scopes.FORGET_MEMORY)
                        .header("X-Workspace-ID", WORKSPACE_HEADER)
                        .returns(204, "Forgotten"));
    }

    private static String workspace(Context ctx, Json.Body body) {
        String fromBody = body == null ? null : body.optionalString("workspace_id", 200);
        if (fromBody != null) {
            return fromBody;
        }
        String fromQuery = Requests.text(ctx, "workspace_id");
        return fromQuery != null ? fromQuery : ctx.header("X-Workspace-ID");
    }

    /**
     * The workspace a request of the plugin contract acts as. With a bearer, as everywhere (X-Workspace-ID when the
     * credential is bound to several). In the plugin's trusted mode the request names no workspace: the namespace
     * in the path says which one it acts as — {@code workspace:W} as W, {@code team:R} and {@code org:R} as the
     * root R; a {@code custom:} namespace needs X-Workspace-ID. Whether the service account holds that workspace,
     * and may write the namespace, the procedures check live, as for any caller.
     */
    private static String v1Workspace(Context ctx, Caller caller, String namespace) {
        String named = workspace(ctx, null);
        if (named != null || caller.kind() != Caller.Kind.PLUGIN) {
            return named;
        }
        if (!MemoryService.WELL_FORMED.matcher(namespace).matches()) {
            throw ApiError.badRequest(
                    "invalid_field",
                    "'" + namespace + "' is not a namespace: workspace:, team:, " + "org: or custom:<id>");
        }
        String owner = MemoryService.owningWorkspace(namespace);
        if (owner == null) {
            throw AuthFailure.forbidden(
                    "workspace_required", "name the workspace that holds '" + namespace + "' with X-Workspace-ID");
        }
        return owner;
    }

    private void commit(Context ctx) {
        Json.Body body = Json.body(ctx);
        Rows.Committed committed = memory.commit(Requests.caller(ctx), workspace(ctx, body), body, null, null);
        Json.send(ctx, committed.created() ? 201 : 200, committed);
    }

    private void search(Context ctx) {
        Json.Body body = Json.body(ctx);
        List<Rows.Memory> results = memory.search(
                Requests.caller(ctx),
                workspace(ctx, body),
                body.string("query", 4000),
                body.strings("namespaces", 50),
                body.strings("kinds", 5),
                body.integer("limit", 10, 1, 100));
        Json.send(ctx, 200, Map.of("results", results));
    }

    private void forget(Context ctx) {
        if (!memory.forget(
                Requests.caller(ctx), workspace(ctx, null), ctx.pathParam("id"), Requests.text(ctx, "namespace"))) {
            throw ApiError.notFound("memory '" + ctx.pathParam("id") + "'");
        }
        ctx.status(204);
    }

    /** A caller acting on its own memberships: its principal's full token (consent is the principal's to give). */
    private static Caller member(Context ctx) {
        Caller caller = Requests.caller(ctx);
        caller.requireFull("accepting, leaving or listing memberships");
        return caller;
    }

    /**
     * The principal tree calls act as: null (trusted) for the admin, else the caller's own — through its full token
     * only: a token bound to a leaf must not govern the tree above or beside it.
     */
    private static String as(Caller caller) {
        caller.requireCapability(Scopes.MANAGE_WORKSPACES);
        caller.requireFull("managing workspace trees and their memberships");
        return caller.admin() ? null : caller.owner();
    }

    private void upsertWorkspace(Context ctx) {
        Caller caller = Requests.caller(ctx);
        String as = as(caller);
        Json.Body body = Json.body(ctx);
        Map<String, Object> fields = new LinkedHashMap<>();
        if (body.node().has("parent_id")) {
            fields.put("parent_id", body.optionalString("parent_id", 200));
        }
        Requests.putIfPresent(fields, "name", body.optionalString("name", 200));
        Requests.putIfPresent(fields, "custom_namespaces", body.strings("custom_namespaces", 50));
        Requests.putIfPresent(fields, "manager", body.optionalString("manager", 128));
        Json.send(ctx, 200, client.workspaceUpsert(ctx.pathParam("id"), fields, as));
    }

    /**
     * Mirrors a platform's tree: each entry as PUT /api/memory/workspaces/{id}/ would take it (no custom namespaces
     * or manager: those stay the admin's, one workspace at a time), in one transaction.
     */
    private void syncWorkspaces(Context ctx) {
        String as = as(Requests.caller(ctx));
        Json.Body body = Json.body(ctx);
        com.fasterxml.jackson.databind.JsonNode list = body.node().path("workspaces");
        if (!list.isArray() || list.isEmpty() || list.size() > MAX_SYNC) {
            throw ApiError.badRequest("invalid_field", "'workspaces' must be a list of 1.." + MAX_SYNC + " workspaces");
        }
        List<Map<String, Object>> workspaces = new java.util.ArrayList<>();
        int index = 0;
        for (com.fasterxml.jackson.databind.JsonNode entry : list) {
            String at = "workspaces[" + index++ + "]";
            if (!entry.isObject()) {
                throw ApiError.badRequest("invalid_field", at + " must be an object");
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            java.util.Iterator<String> names = entry.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!List.of("id", "parent_id", "name", "status").contains(name)) {
                    throw ApiError.badRequest(
                            "invalid_field", at + " has '" + name + "'; allowed: id, parent_id, " + "name, status");
                }
                com.fasterxml.jackson.databind.JsonNode value = entry.get(name);
                boolean nullable = name.equals("parent_id");
                if (!(value.isTextual() && value.asText().length() <= 200) && !(nullable && value.isNull())) {
                    throw ApiError.badRequest(
                            "invalid_field",
                            at + "." + name + " must be a string of at most 200 " + "characters"
                                    + (nullable ? " or null" : ""));
                }
                fields.put(name, value.isNull() ? null : value.asText());
            }
            if (!(fields.get("id") instanceof String)) {
                throw ApiError.badRequest("invalid_field", at + ".id is required");
            }
            workspaces.add(fields);
        }
        List<Rows.Workspace> rows = client.workspaceSync(workspaces, as);
        Json.send(ctx, 200, Map.of("workspaces", rows, "count", rows.size()));
    }

    /** A workspace with its members' principals and roles. */
    record WorkspaceView(@JsonUnwrapped Rows.Workspace workspace, List<Member> members) {
        record Member(String principal, String role) {}
    }

    private void getWorkspace(Context ctx) {
        String as = as(Requests.caller(ctx));
        Rows.Workspace workspace = client.workspaceGet(ctx.pathParam("id"), as);
        Json.send(
                ctx,
                200,
                new WorkspaceView(
                        workspace,
                        client.workspaceMembers(ctx.pathParam("id"), as).stream()
                                .map(m -> new WorkspaceView.Member(m.principal(), m.role()))
                                .toList()));
    }

    private void deleteWorkspace(Context ctx) {
        Rows.Purged purged = client.workspaceDelete(ctx.pathParam("id"), as(Requests.caller(ctx)));
        Json.send(ctx, 200, purged == null ? new Rows.Purged("workspace:" + ctx.pathParam("id"), 0) : purged);
    }

    private void grant(Context ctx) {
        String as = as(Requests.caller(ctx));
        String role = Json.body(ctx).string("role", 20);
        Json.send(ctx, 200, client.workspaceGrant(ctx.pathParam("id"), ctx.pathParam("principal"), role, as));
    }

    private void revoke(Context ctx) {
        if (!client.workspaceRevoke(ctx.pathParam("id"), ctx.pathParam("principal"), as(Requests.caller(ctx)))) {
            throw ApiError.notFound("membership of '" + ctx.pathParam("principal") + "'");
        }
        ctx.status(204);
    }

    private void export(Context ctx) {
        Requests.caller(ctx).requireAdmin();
        java.util.Set<String> namespaces = new java.util.LinkedHashSet<>(ctx.queryParams("namespace"));
        for (String workspace : ctx.queryParams("workspace_id")) {
            namespaces.addAll(client.namespaces(workspace, Map.of()).readable());
        }
        if (namespaces.isEmpty()) {
            throw ApiError.badRequest("invalid_parameter", "give workspace_id or namespace");
        }
        StringBuilder lines = new StringBuilder();
        for (Map<String, Object> memory : client.memoryExport(List.copyOf(namespaces))) {
            try {
                lines.append(Json.MAPPER.writeValueAsString(memory)).append('\n');
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        ctx.contentType("application/x-ndjson").result(lines.toString());
    }

    @SuppressWarnings("unchecked")
    private void importLines(Context ctx) {
        Caller caller = Requests.caller(ctx);
        caller.requireAdmin();
        List<Map<String, Object>> memories = new java.util.ArrayList<>();
        String text = ctx.body();
        if (text.stripLeading().startsWith("[")) {
            // A legacy export file: one JSON array of memoryExportEntry objects instead of JSON Lines.
            try {
                for (Object entry : Json.MAPPER.readValue(text, List.class)) {
                    if (!(entry instanceof Map<?, ?> map)) {
                        throw ApiError.badRequest("malformed_json", "every element of the array must be an object");
                    }
                    memories.add((Map<String, Object>) map);
                }
            } catch (java.io.IOException e) {
                throw ApiError.badRequest("malformed_json", "the body is neither JSON Lines nor a JSON array");
            }
            Json.send(ctx, 200, client.memoryImport(memories, caller.principal()));
            return;
        }
        int number = 0;
        for (String line : text.split("\n")) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                memories.add(Json.MAPPER.readValue(line, Map.class));
            } catch (java.io.IOException e) {
                throw ApiError.badRequest("malformed_json", "line " + number + " is not a JSON object");
            }
        }
        Json.send(ctx, 200, client.memoryImport(memories, caller.principal()));
    }

    // ---- the memory-plugin contract v1

    /** The caller's workspace must be able to write the namespace named in the path (else 403). */
    private String writableNamespace(Context ctx, Caller caller) {
        String name = ctx.pathParam("name");
        List<String> writable =
                memory.namespaces(caller, v1Workspace(ctx, caller, name)).writable();
        if (!writable.contains(name)) {
            throw new ApiError(403, "namespace_forbidden", "your workspace may not write to '" + name + "'");
        }
        return name;
    }

    private void namespace(Context ctx, boolean patch) {
        Caller caller = Requests.caller(ctx);
        String name = writableNamespace(ctx, caller);
        Json.Body body = Json.body(ctx);
        boolean hasDescription = body.node().has("description");
        boolean hasMetadata = body.node().has("metadata");
        if (patch && !hasDescription && !hasMetadata) {
            throw ApiError.badRequest("empty_patch", "a PATCH must change description or metadata");
        }
        if (hasMetadata && !body.node().get("metadata").isObject()) {
            throw ApiError.badRequest("invalid_field", "'metadata' must be a JSON object");
        }
        if (hasMetadata && body.node().get("metadata").toString().length() > MAX_METADATA_CHARS) {
            throw ApiError.badRequest(
                    "invalid_field", "'metadata' must be at most " + MAX_METADATA_CHARS + " characters of JSON");
        }
        Map<String, Object> row = client.namespaceMetadata(
                name,
                hasDescription || !patch,
                hasDescription ? body.optionalString("description", 2000) : null,
                hasMetadata || !patch,
                hasMetadata ? body.node().get("metadata").toString() : "{}");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", row.get("name"));
        result.put("description", row.get("description"));
        try {
            result.put("metadata", Json.MAPPER.readTree((String) row.get("metadata")));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Json.send(ctx, 200, result);
    }

    private void deleteNamespace(Context ctx) {
        Caller caller = Requests.caller(ctx);
        String name = writableNamespace(ctx, caller);
        memory.purge(caller, v1Workspace(ctx, caller, name), name);
        client.deleteNamespaceMetadata(name);
        ctx.status(204);
    }

    private void commitV1(Context ctx) {
        Caller caller = Requests.caller(ctx);
        Json.Body body = Json.body(ctx);
        Rows.Committed committed = memory.commit(
                caller, v1Workspace(ctx, caller, ctx.pathParam("name")), body, null, ctx.pathParam("name"));
        Json.send(ctx, committed.created() ? 201 : 200, committed);
    }

    private void searchV1(Context ctx) {
        Json.Body body = Json.body(ctx);
        List<String> namespaces = body.strings("namespaces", 50);
        if (namespaces == null || namespaces.isEmpty()) {
            throw ApiError.badRequest("invalid_field", "'namespaces' must be a non-empty list");
        }
        Caller caller = Requests.caller(ctx);
        String query = body.string("query", 4000);
        List<String> kinds = body.strings("kinds", 5);
        int limit = body.integer("limit", 10, 1, 100);
        String named = workspace(ctx, null);
        List<Rows.Memory> results = caller.kind() == Caller.Kind.PLUGIN && named == null
                ? memory.searchTrusted(caller, query, namespaces, kinds, limit)
                : memory.search(caller, named, query, namespaces, kinds, limit);
        Json.send(ctx, 200, Map.of("results", results));
    }

    private void forgetV1(Context ctx) {
        Caller caller = Requests.caller(ctx);
        writableNamespace(ctx, caller);
        if (!memory.forget(
                caller, v1Workspace(ctx, caller, ctx.pathParam("name")), ctx.pathParam("id"), ctx.pathParam("name"))) {
            throw ApiError.notFound("memory '" + ctx.pathParam("id") + "'");
        }
        ctx.status(204);
    }
}
