package org.mnemo.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;

/**
 * The project context engine for one caller: projects, trusted state, context packs, interactions and the review
 * queue, as the AtoCore routes, the MCP tools and the CLI use them. Every call acts as the caller's principal
 * (the procedures' {@code principal} option), so another principal's project, memory or interaction is not found;
 * packs search only the libraries the caller may read.
 */
public final class ContextService {
    public static final int MAX_TEXT = 50_000;
    private static final int MAX_NAME = 200;
    private static final int MAX_VALUE = 20_000;

    private final MnemoClient client;

    public ContextService(MnemoClient client) {
        this.client = client;
    }

    public List<Rows.Project> projects(Caller caller) {
        return client.projectList(owner(caller));
    }

    public Rows.Project project(Caller caller, String name) {
        return client.projectGet(name, owner(caller));
    }

    /**
     * A registration checked but not stored: the normalised project, and which of its names are taken (by whom,
     * when the caller may see the holder).
     */
    public Map<String, Object> proposal(Caller caller, Json.Body body) {
        String id = body.string("id", MAX_NAME);
        List<String> aliases = strings(body, "aliases");
        List<Map<String, Object>> conflicts = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of(id));
        names.addAll(aliases);
        for (String name : names) {
            MnemoClient.ProjectName held = client.projectName(name, owner(caller));
            if (held.taken()) {
                Map<String, Object> conflict = new LinkedHashMap<>();
                conflict.put("name", name);
                conflict.put("project", held.holder() == null ? "another project" : held.holder());
                conflicts.add(conflict);
            }
        }
        Map<String, Object> proposal = new LinkedHashMap<>();
        proposal.put("id", id);
        proposal.put("aliases", aliases);
        proposal.put("description", body.optionalString("description", MAX_VALUE));
        proposal.put("ingest_roots", strings(body, "ingest_roots"));
        proposal.put("conflicts", conflicts);
        proposal.put("valid", conflicts.isEmpty() && id.matches("[A-Za-z0-9._@:-]{1,200}"));
        return proposal;
    }

    public Rows.Project register(Caller caller, Json.Body body) {
        caller.requireManager();
        Map<String, Object> options = fields(caller, body);
        return client.projectRegister(body.string("id", MAX_NAME), options);
    }

    public Rows.Project update(Caller caller, String name, Json.Body body) {
        caller.requireManager();
        return client.projectUpdate(name, fields(caller, body));
    }

    public List<Rows.ProjectState> state(Caller caller, String project, boolean history) {
        Map<String, Object> options = principal(caller);
        options.put("include_history", history);
        return client.projectStateList(project, options);
    }

    public Rows.ProjectState setState(Caller caller, Json.Body body) {
        caller.requireManager();
        Map<String, Object> options = principal(caller);
        Requests.putIfPresent(options, "source", body.optionalString("source", MAX_NAME));
        Requests.putIfPresent(options, "confidence", confidence(body));
        return client.projectStateSet(
                body.string("project", MAX_NAME),
                body.string("category", 50),
                body.string("key", MAX_NAME),
                body.string("value", MAX_VALUE),
                options);
    }

    public Rows.StateInvalidated invalidateState(Caller caller, Json.Body body) {
        caller.requireManager();
        return client.projectStateInvalidate(
                body.string("project", MAX_NAME),
                body.string("category", 50),
                body.string("key", MAX_NAME),
                owner(caller));
    }

    /** A pack for the prompt: the caller's readable libraries are the scope, its project narrows it. */
    public Rows.Pack build(Caller caller, Json.Body body) {
        Map<String, Object> options = principal(caller);
        options.put("libraries", caller.libraries());
        Requests.putIfPresent(options, "project", text(body, "project", MAX_NAME));
        if (body.has("budget")) {
            options.put("budget", body.integer("budget", 3000, 200, 200_000));
        }
        return client.contextBuild(prompt(body), options);
    }

    /** The chunks a pack would draw on, as a plain ranked list (AtoCore's query). */
    public List<Map<String, Object>> query(Caller caller, Json.Body body) {
        String project = text(body, "project", MAX_NAME);
        List<String> scope = caller.libraries();
        if (project != null) {
            List<String> libraries =
                    client.projectLibraries(project, owner(caller)).libraries();
            if (!libraries.isEmpty()) {
                scope = scope.contains("*")
                        ? libraries
                        : libraries.stream().filter(scope::contains).toList();
            }
        }
        String query = body.has("query") ? body.string("query", 4000) : prompt(body);
        Map<String, Object> options = new HashMap<>();
        options.put("libraries", scope);
        options.put("limit", body.integer("top_k", 10, 1, Requests.MAX_LIMIT));
        List<Map<String, Object>> results = new ArrayList<>();
        for (Rows.Hit row : client.search(query.length() > 4000 ? query.substring(0, 4000) : query, options)) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("chunk_id", row.chunk_uid());
            r.put("item_id", row.item_uid());
            r.put("source_file", row.item_title());
            r.put("content", row.text_preview());
            r.put("score", row.score());
            results.add(r);
        }
        return results;
    }

    /**
     * The caller's last pack — only while everything it cites is still the caller's to read: a narrower token of
     * the same principal, or one whose access was revoked since, gets none (the pack's text is a copy).
     */
    public Rows.LastPack lastPack(Caller caller) {
        Rows.LastPack pack = client.contextLast(owner(caller));
        if (pack == null) {
            return null;
        }
        MnemoClient.Readable readable =
                client.readable(pack.chunk_uids(), pack.memory_ids(), caller.libraries(), owner(caller));
        boolean stillReadable = readable.chunks() == pack.chunk_uids().size()
                && readable.memories() == pack.memory_ids().size();
        return stillReadable ? pack : null;
    }

    public Rows.Recorded record(Caller caller, Json.Body body) {
        Map<String, Object> options = principal(caller);
        Requests.putIfPresent(options, "response", text(body, "response", MAX_TEXT));
        Requests.putIfPresent(options, "project", text(body, "project", MAX_NAME));
        Requests.putIfPresent(options, "client", text(body, "client", MAX_NAME));
        Requests.putIfPresent(options, "session_id", text(body, "session_id", MAX_NAME));
        Requests.putIfPresent(options, "pack_id", text(body, "pack_id", MAX_NAME));
        if (body.has("memories_used")) {
            options.put("memories_used", body.strings("memories_used", 200));
        }
        if (body.has("chunks_used")) {
            options.put("chunks_used", body.strings("chunks_used", 200));
        }
        options.put("reinforce", body.bool("reinforce", true));
        options.put("libraries", caller.libraries());
        return client.interactionRecord(prompt(body), options);
    }

    public List<Rows.Interaction> interactions(Caller caller, Map<String, String> filters, int limit) {
        return client.interactionList(filtered(caller, filters, limit));
    }

    public Rows.Interaction interaction(Caller caller, String id) {
        return client.interactionGet(id, owner(caller));
    }

    public Rows.Reinforced reinforce(Caller caller, String id) {
        return client.interactionReinforce(id, owner(caller));
    }

    public List<Rows.Proposed> extract(Caller caller, String id, boolean persist) {
        if (persist) {
            caller.requireManager();
        }
        Map<String, Object> options = principal(caller);
        options.put("persist", persist);
        return client.interactionExtract(id, options);
    }

    public List<Rows.ContextMemory> memories(Caller caller, Map<String, String> filters, int limit) {
        return client.projectMemoryList(filtered(caller, filters, limit));
    }

    public Rows.ContextMemory addMemory(Caller caller, Json.Body body) {
        caller.requireManager();
        Map<String, Object> options = principal(caller);
        options.put("memory_type", body.string("memory_type", 50));
        Requests.putIfPresent(options, "project", text(body, "project", MAX_NAME));
        Requests.putIfPresent(options, "confidence", confidence(body));
        Requests.putIfPresent(options, "status", body.optionalString("status", 20));
        Requests.putIfPresent(options, "source", body.optionalString("source", MAX_NAME));
        return client.projectMemoryAdd(body.string("content", MAX_VALUE), options);
    }

    public Rows.ContextMemory updateMemory(Caller caller, String id, Json.Body body) {
        caller.requireManager();
        Map<String, Object> options = principal(caller);
        Requests.putIfPresent(options, "content", body.optionalString("content", MAX_VALUE));
        Requests.putIfPresent(options, "confidence", confidence(body));
        Requests.putIfPresent(options, "memory_type", body.optionalString("memory_type", 50));
        return client.projectMemoryUpdate(id, options);
    }

    /** The review queue's decisions: promote or reject. */
    public Rows.ContextMemory decide(Caller caller, String id, MnemoClient.Decision decision) {
        caller.requireManager();
        return client.projectMemoryDecide(id, decision, owner(caller));
    }

    /** The caller's own counts: projects, state entries, memories by status, interactions. */
    public MnemoClient.ContextCounts counts(Caller caller) {
        return client.contextCounts(owner(caller));
    }

    private Map<String, Object> fields(Caller caller, Json.Body body) {
        Map<String, Object> options = principal(caller);
        if (body.has("aliases")) {
            options.put("aliases", strings(body, "aliases"));
        }
        Requests.putIfPresent(options, "description", body.optionalString("description", MAX_VALUE));
        Requests.putIfPresent(options, "status", body.optionalString("status", 50));
        if (body.has("ingest_roots")) {
            options.put("ingest_roots", strings(body, "ingest_roots"));
        }
        if (body.has("libraries")) {
            // A project links only libraries its owner may read; any other is as if it did not exist.
            List<String> uids = new ArrayList<>();
            for (String library : strings(body, "libraries")) {
                Rows.Library found = client.libraryGet(library, caller.libraries());
                if (found == null) {
                    throw ApiError.notFound("library '" + library + "'");
                }
                uids.add(found.uid());
            }
            options.put("libraries", uids);
        }
        return options;
    }

    /** A list's options: the caller's principal, the filters given (blank ones left out) and the limit. */
    private static Map<String, Object> filtered(Caller caller, Map<String, String> filters, int limit) {
        Map<String, Object> options = principal(caller);
        filters.forEach((k, v) -> Requests.putIfPresent(options, k, v == null || v.isBlank() ? null : v));
        options.put("limit", limit);
        return options;
    }

    private static String prompt(Json.Body body) {
        return body.string("prompt", MAX_TEXT);
    }

    /** A text field where blank means absent (AtoCore clients send "" for no project). */
    private static String text(Json.Body body, String field, int max) {
        JsonNode value = body.node().get(field);
        if (value == null
                || value.isNull()
                || (value.isTextual() && value.asText().isBlank())) {
            return null;
        }
        return body.optionalString(field, max);
    }

    private static List<String> strings(Json.Body body, String field) {
        List<String> values = body.strings(field, 100);
        return values == null ? List.of() : values;
    }

    private static Double confidence(Json.Body body) {
        JsonNode value = body.node().get("confidence");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw ApiError.badRequest("invalid_field", "'confidence' must be a number from 0 to 1");
        }
        return value.asDouble();
    }

    /**
     * Whose context the caller works in: its principal — a token's owner, "team:<id>" for a team JWT (projects
     * belong to the team), a turn JWT's subject within its service account (each end user of a platform has its
     * own).
     */
    static String owner(Caller caller) {
        // A turn subject is the platform's user id, not a Mnemo principal: kept apart from principals of that name.
        if (caller.kind() == Caller.Kind.TURN) {
            return "turn:" + caller.owner() + ":" + caller.principal();
        }
        // A token the admin narrowed manages nothing of the admin's: it works in a context of its own.
        return Caller.ADMIN.equals(caller.role()) && !caller.admin() ? "token:" + caller.tokenId() : caller.principal();
    }

    private static Map<String, Object> principal(Caller caller) {
        Map<String, Object> options = new HashMap<>();
        options.put("principal", owner(caller));
        return options;
    }
}
