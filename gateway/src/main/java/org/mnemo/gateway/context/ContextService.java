package org.mnemo.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.MnemoClient.Mode;
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

    public List<Map<String, Object>> projects(Caller caller) {
        return client.rows(Mode.READ, "CALL mnemo.project.list({principal: $p})", as(caller));
    }

    public Map<String, Object> project(Caller caller, String name) {
        return one(Mode.READ, "CALL mnemo.project.get($name, {principal: $p})", as(caller, "name", name));
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
            Map<String, Object> held = client.row(Mode.READ, "OPTIONAL MATCH (:ProjectName {key: toLower(trim($name))})"
                    + "-[:NAMES]->(p:Project) RETURN p IS NOT NULL AS taken, CASE WHEN p.owner = $p THEN p.id END AS "
                    + "holder", as(caller, "name", name));
            if (Boolean.TRUE.equals(held.get("taken"))) {
                Map<String, Object> conflict = new LinkedHashMap<>();
                conflict.put("name", name);
                conflict.put("project", held.get("holder") == null ? "another project" : held.get("holder"));
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

    public Map<String, Object> register(Caller caller, Json.Body body) {
        caller.requireManager();
        Map<String, Object> options = fields(caller, body);
        return one(Mode.WRITE, "CALL mnemo.project.register($id, $o)", Map.of("id", body.string("id", MAX_NAME),
                "o", options));
    }

    public Map<String, Object> update(Caller caller, String name, Json.Body body) {
        caller.requireManager();
        return one(Mode.WRITE, "CALL mnemo.project.update($name, $o)", Map.of("name", name, "o",
                fields(caller, body)));
    }

    public List<Map<String, Object>> state(Caller caller, String project, boolean history) {
        Map<String, Object> options = principal(caller);
        options.put("include_history", history);
        return client.rows(Mode.READ, "CALL mnemo.project.state.list($project, $o)", Map.of("project", project,
                "o", options));
    }

    public Map<String, Object> setState(Caller caller, Json.Body body) {
        caller.requireManager();
        Map<String, Object> options = principal(caller);
        Requests.putIfPresent(options, "source", body.optionalString("source", MAX_NAME));
        Requests.putIfPresent(options, "confidence", confidence(body));
        Map<String, Object> params = new HashMap<>();
        params.put("project", body.string("project", MAX_NAME));
        params.put("category", body.string("category", 50));
        params.put("key", body.string("key", MAX_NAME));
        params.put("value", body.string("value", MAX_VALUE));
        params.put("o", options);
        return one(Mode.WRITE, "CALL mnemo.project.state.set($project, $category, $key, $value, $o)", params);
    }

    public Map<String, Object> invalidateState(Caller caller, Json.Body body) {
        caller.requireManager();
        return one(Mode.WRITE, "CALL mnemo.project.state.invalidate($project, $category, $key, $o)", Map.of(
                "project", body.string("project", MAX_NAME), "category", body.string("category", 50),
                "key", body.string("key", MAX_NAME), "o", principal(caller)));
    }

    /** A pack for the prompt: the caller's readable libraries are the scope, its project narrows it. */
    public Map<String, Object> build(Caller caller, Json.Body body) {
        Map<String, Object> options = principal(caller);
        options.put("libraries", caller.libraries());
        Requests.putIfPresent(options, "project", text(body, "project", MAX_NAME));
        if (body.has("budget")) {
            options.put("budget", body.integer("budget", 3000, 200, 200_000));
        }
        return one(Mode.WRITE, "CALL mnemo.context.build($prompt, $o)", Map.of("prompt", prompt(body), "o", options));
    }

    /** The chunks a pack would draw on, as a plain ranked list (AtoCore's query). */
    public List<Map<String, Object>> query(Caller caller, Json.Body body) {
        String project = text(body, "project", MAX_NAME);
        List<String> scope = caller.libraries();
        if (project != null) {
            Map<String, Object> found = client.row(Mode.READ, "CALL mnemo.project.resolve($name, {principal: $p}) "
                    + "YIELD id OPTIONAL MATCH (p:Project {id: id}) WHERE p.owner = $p "
                    + "RETURN [(p)-[:USES_LIBRARY]->(l) | l.uid] AS libraries", as(caller, "name", project));
            @SuppressWarnings("unchecked")
            List<String> libraries = (List<String>) found.get("libraries");
            if (!libraries.isEmpty()) {
                scope = scope.contains("*") ? libraries : libraries.stream().filter(scope::contains).toList();
            }
        }
        String query = body.has("query") ? body.string("query", 4000) : prompt(body);
        Map<String, Object> options = new HashMap<>();
        options.put("libraries", scope);
        options.put("limit", body.integer("top_k", 10, 1, Requests.MAX_LIMIT));
        List<Map<String, Object>> results = new ArrayList<>();
        for (Rows.Hit row : client.search(query.length() > 4000 ? query.substring(0, 4000) : query,
                options)) {
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
    @SuppressWarnings("unchecked")
    public Map<String, Object> lastPack(Caller caller) {
        List<Map<String, Object>> rows = client.rows(Mode.READ, "CALL mnemo.context.last({principal: $p})",
                as(caller));
        if (rows.isEmpty()) {
            return null;
        }
        Map<String, Object> pack = rows.get(0);
        List<String> chunks = (List<String>) pack.get("chunk_uids");
        List<String> memories = (List<String>) pack.get("memory_ids");
        Map<String, Object> readable = client.row(Mode.READ, """
                CALL { UNWIND $chunks AS uid
                       MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->()-[:HAS_CHUNK]->(:Chunk {uid: uid})
                       WHERE '*' IN $libraries OR l.uid IN $libraries RETURN count(*) AS chunks }
                CALL { UNWIND $memories AS id MATCH (m:Memory {id: id}) WHERE m.owner = $p AND m.status = 'active'
                       RETURN count(DISTINCT m) AS memories }
                RETURN chunks, memories""", as(caller, "chunks", chunks, "memories", memories, "libraries",
                caller.libraries()));
        boolean stillReadable = ((Number) readable.get("chunks")).intValue() == chunks.size()
                && ((Number) readable.get("memories")).intValue() == memories.size();
        return stillReadable ? pack : null;
    }

    public Map<String, Object> record(Caller caller, Json.Body body) {
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
        return one(Mode.WRITE, "CALL mnemo.interaction.record($prompt, $o)", Map.of("prompt", prompt(body),
                "o", options));
    }

    public List<Map<String, Object>> interactions(Caller caller, Map<String, String> filters, int limit) {
        Map<String, Object> options = principal(caller);
        filters.forEach((k, v) -> Requests.putIfPresent(options, k, v == null || v.isBlank() ? null : v));
        options.put("limit", limit);
        return client.rows(Mode.READ, "CALL mnemo.interaction.list($o)", Map.of("o", options));
    }

    public Map<String, Object> interaction(Caller caller, String id) {
        return one(Mode.READ, "CALL mnemo.interaction.get($id, {principal: $p})", as(caller, "id", id));
    }

    public Map<String, Object> reinforce(Caller caller, String id) {
        return one(Mode.WRITE, "CALL mnemo.interaction.reinforce($id, {principal: $p})", as(caller, "id", id));
    }

    public List<Map<String, Object>> extract(Caller caller, String id, boolean persist) {
        if (persist) {
            caller.requireManager();
        }
        Map<String, Object> options = principal(caller);
        options.put("persist", persist);
        return client.rows(Mode.WRITE, "CALL mnemo.interaction.extract($id, $o)", Map.of("id", id, "o", options));
    }

    public List<Map<String, Object>> memories(Caller caller, Map<String, String> filters, int limit) {
        Map<String, Object> options = principal(caller);
        filters.forEach((k, v) -> Requests.putIfPresent(options, k, v == null || v.isBlank() ? null : v));
        options.put("limit", limit);
        return client.rows(Mode.READ, "CALL mnemo.project.memory.list($o)", Map.of("o", options));
    }

    public Map<String, Object> addMemory(Caller caller, Json.Body body) {
        caller.requireManager();
        Map<String, Object> options = principal(caller);
        options.put("memory_type", body.string("memory_type", 50));
        Requests.putIfPresent(options, "project", text(body, "project", MAX_NAME));
        Requests.putIfPresent(options, "confidence", confidence(body));
        Requests.putIfPresent(options, "status", body.optionalString("status", 20));
        Requests.putIfPresent(options, "source", body.optionalString("source", MAX_NAME));
        return one(Mode.WRITE, "CALL mnemo.project.memory.add($content, $o)", Map.of("content",
                body.string("content", MAX_VALUE), "o", options));
    }

    public Map<String, Object> updateMemory(Caller caller, String id, Json.Body body) {
        caller.requireManager();
        Map<String, Object> options = principal(caller);
        Requests.putIfPresent(options, "content", body.optionalString("content", MAX_VALUE));
        Requests.putIfPresent(options, "confidence", confidence(body));
        Requests.putIfPresent(options, "memory_type", body.optionalString("memory_type", 50));
        return one(Mode.WRITE, "CALL mnemo.project.memory.update($id, $o)", Map.of("id", id, "o", options));
    }

    /** promote, reject or supersede: the review queue's decisions. */
    public Map<String, Object> decide(Caller caller, String id, String decision) {
        caller.requireManager();
        return one(Mode.WRITE, "CALL mnemo.project.memory." + decision + "($id, {principal: $p})",
                as(caller, "id", id));
    }

    /** The caller's own counts: projects, state entries, memories by status, interactions. */
    public Map<String, Object> counts(Caller caller) {
        return client.row(Mode.READ, """
                CALL { MATCH (p:Project {owner: $p}) RETURN count(p) AS projects }
                CALL { MATCH (p:Project {owner: $p})-[:HAS_STATE]->(s {status: 'active'}) RETURN count(s) AS state }
                CALL { MATCH (m:Memory {owner: $p}) WHERE m.memory_type IS NOT NULL
                       RETURN count(CASE m.status WHEN 'active' THEN 1 END) AS active_memories,
                              count(CASE m.status WHEN 'candidate' THEN 1 END) AS candidate_memories }
                CALL { MATCH (i:Interaction {owner: $p}) RETURN count(i) AS interactions }
                RETURN projects, state AS state_entries, active_memories, candidate_memories, interactions""",
                as(caller));
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

    private Map<String, Object> one(Mode mode, String cypher, Map<String, Object> params) {
        List<Map<String, Object>> rows = client.rows(mode, cypher, params);
        if (rows.isEmpty()) {
            throw ApiError.notFound("no result");
        }
        return rows.get(0);
    }

    private static String prompt(Json.Body body) {
        return body.string("prompt", MAX_TEXT);
    }

    /** A text field where blank means absent (AtoCore clients send "" for no project). */
    private static String text(Json.Body body, String field, int max) {
        JsonNode value = body.node().get(field);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
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
        return Caller.ADMIN.equals(caller.role()) && !caller.admin() ? "token:" + caller.tokenId()
                : caller.principal();
    }

    private static Map<String, Object> principal(Caller caller) {
        Map<String, Object> options = new HashMap<>();
        options.put("principal", owner(caller));
        return options;
    }

    private static Map<String, Object> as(Caller caller, Object... more) {
        Map<String, Object> params = new HashMap<>();
        params.put("p", owner(caller));
        for (int i = 0; i < more.length; i += 2) {
            params.put((String) more[i], more[i + 1]);
        }
        return params;
    }
}
