package org.mnemo.gateway.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory operations as a caller's workspace. Arguments are checked here (field names in errors); namespaces are
 * checked by the procedures against the workspace's live resolution. Also maps the legacy scopes: LOCAL →
 * workspace:&lt;self&gt;, TEAM → team:&lt;root&gt;, GLOBAL → org:&lt;root&gt; (never writable through the legacy call).
 */
public final class MemoryService {
    public static final List<String> KINDS = List.of("fact", "decision", "preference", "summary", "note");

    private final MnemoClient client;

    public MemoryService(MnemoClient client) {
        this.client = client;
    }

    private static final Logger AUDIT = LoggerFactory.getLogger("org.mnemo.gateway.audit");

    /** The namespaces the caller may read and write as the workspace, with its live role there. */
    public Visible namespaces(Caller caller, String workspace) {
        Rows.Namespaces resolved = client.namespaces(caller.workspace(workspace), caller.grant());
        return new Visible(resolved.workspace_id(), resolved.role(), resolved.readable(), resolved.writable());
    }

    /** A workspace's namespaces as its callers see them (without the tree's root and depth). */
    public record Visible(String workspace_id, String role, List<String> readable, List<String> writable) {}

    /** Commits from a body: {id?, namespace?, kind?, content, tags?, source?, expires_at?, confidence?, derived_from?}. */
    public Rows.Committed commit(
            Caller caller, String workspace, Json.Body body, String forcedKind, String forcedNamespace) {
        Map<String, Object> memory = new HashMap<>();
        String content = body.node().path("content").isTextual()
                ? body.node().path("content").asText()
                : null;
        if (content == null || content.isBlank()) {
            throw ApiError.badRequest("invalid_field", "'content' is required and must not be only white space");
        }
        memory.put("content", content);
        put(memory, "id", body.optionalString("id", 200));
        put(memory, "namespace", forcedNamespace != null ? forcedNamespace : body.optionalString("namespace", 250));
        String kind = forcedKind != null ? forcedKind : body.optionalString("kind", 20);
        if (kind != null && !KINDS.contains(kind.toLowerCase(Locale.ROOT))) {
            throw ApiError.badRequest("invalid_field", "'kind' must be one of " + KINDS);
        }
        put(memory, "kind", kind);
        put(memory, "tags", body.strings("tags", 50));
        put(memory, "source", body.optionalString("source", 200));
        put(memory, "expires_at", body.optionalString("expires_at", 64));
        put(memory, "derived_from", body.strings("derived_from", 100));
        if (body.has("confidence")) {
            if (!body.node().get("confidence").isNumber()) {
                throw ApiError.badRequest("invalid_field", "'confidence' must be a number in 0..1");
            }
            memory.put("confidence", body.node().get("confidence").asDouble());
        }
        return client.memoryCommit(caller.workspace(workspace), memory, caller.principal(), caller.grant());
    }

    public List<Rows.Memory> search(
            Caller caller, String workspace, String query, List<String> namespaces, List<String> kinds, int limit) {
        if (query == null || query.isBlank()) {
            throw ApiError.badRequest("invalid_field", "'query' is required");
        }
        Map<String, Object> options = new HashMap<>(caller.grant());
        options.put("limit", limit);
        put(options, "namespaces", namespaces);
        put(options, "kinds", kinds);
        String acting = caller.workspace(workspace);
        List<Rows.Memory> results = client.memorySearch(acting, query, options);
        // Like document search: who searched as which workspace, and only a hash of the query.
        AUDIT.info(
                "memory_search principal={} workspace={} query_sha256={} results={}",
                caller.principal(),
                acting,
                Tokens.sha256Hex(query),
                results.size());
        return results;
    }

    /**
     * The workspace a namespace belongs to, as the plugin's trusted mode acts: {@code workspace:W} → W,
     * {@code team:R} and {@code org:R} → the root R; null for {@code custom:} names (several workspaces may hold
     * one) and for anything malformed.
     */
    /** A namespace name of one of the four kinds (the procedures' rule). */
    public static final java.util.regex.Pattern WELL_FORMED =
            java.util.regex.Pattern.compile("(workspace|team|org|custom):[A-Za-z0-9._@:-]{1,200}");

    public static String owningWorkspace(String namespace) {
        if (namespace == null || !namespace.matches("(workspace|team|org):[A-Za-z0-9._@:-]{1,200}")) {
            return null;
        }
        return namespace.substring(namespace.indexOf(':') + 1);
    }

    /**
     * The plugin's trusted mode: a search over the namespaces the platform resolved, acting as each workspace they
     * belong to at once (the procedure checks, live, that the service account holds every one of them, and reads
     * only what they may read). A namespace whose workspace cannot be told (a custom one) needs X-Workspace-ID.
     */
    public List<Rows.Memory> searchTrusted(
            Caller caller, String query, List<String> namespaces, List<String> kinds, int limit) {
        if (query == null || query.isBlank()) {
            throw ApiError.badRequest("invalid_field", "'query' is required");
        }
        java.util.LinkedHashSet<String> workspaces = new java.util.LinkedHashSet<>();
        for (String namespace : namespaces) {
            String owner = owningWorkspace(namespace);
            if (!WELL_FORMED.matcher(namespace).matches()) {
                throw ApiError.badRequest(
                        "invalid_field",
                        "'namespaces' holds '" + namespace + "', which is not "
                                + "workspace:, team:, org: or custom:<id>");
            }
            if (owner == null) {
                throw org.mnemo.gateway.auth.AuthFailure.forbidden(
                        "workspace_required",
                        "name the workspace that " + "holds '" + namespace + "' with X-Workspace-ID");
            }
            workspaces.add(owner);
        }
        List<String> acting = List.copyOf(workspaces);
        Map<String, Object> options = new HashMap<>(caller.grant());
        options.put("limit", limit);
        options.put("namespaces", namespaces);
        put(options, "kinds", kinds);
        if (acting.size() > 1) {
            options.put("also_as", acting.subList(1, acting.size()));
        }
        List<Rows.Memory> results = client.memorySearch(caller.workspace(acting.get(0)), query, options);
        AUDIT.info(
                "memory_search principal={} workspace={} query_sha256={} results={}",
                caller.principal(),
                acting,
                Tokens.sha256Hex(query),
                results.size());
        return results;
    }

    /** Forgets a memory; {@code namespace} (optional) says which, when the id exists in several readable ones. */
    public boolean forget(Caller caller, String workspace, String id, String namespace) {
        return client.memoryForget(caller.workspace(workspace), id, namespace, caller.principal(), caller.grant());
    }

    /** Deletes every memory of a namespace the caller's workspace writes; needs the owner role there. */
    public void purge(Caller caller, String workspace, String namespace) {
        client.memoryPurge(namespace, caller.workspace(workspace), caller.principal(), caller.grant());
    }

    /** The namespace a legacy scope names for a workspace; GLOBAL only for reading. */
    public String scopeNamespace(Caller caller, String workspace, String scope, boolean writing) {
        Rows.Namespaces resolved = client.namespaces(caller.workspace(workspace), caller.grant());
        String root = resolved.root_id();
        return switch (scope == null || scope.isBlank() ? "LOCAL" : scope.toUpperCase(Locale.ROOT)) {
            case "LOCAL" -> "workspace:" + resolved.workspace_id();
            case "TEAM" -> "team:" + root;
            case "GLOBAL" -> {
                if (writing) {
                    throw ApiError.badRequest("invalid_field", "scope GLOBAL cannot be written through commit_memory");
                }
                yield "org:" + root;
            }
            default -> throw ApiError.badRequest("invalid_field", "'scope' must be LOCAL, TEAM or GLOBAL");
        };
    }

    /** The legacy scope of a namespace. */
    public static String scopeOf(String namespace) {
        return namespace.startsWith("org:") ? "GLOBAL" : namespace.startsWith("team:") ? "TEAM" : "LOCAL";
    }

    /** Legacy recall namespaces: LOCAL = self, TEAM = self + team, GLOBAL = org, empty = all readable. */
    public List<String> recallNamespaces(Caller caller, String workspace, String scope) {
        if (scope == null || scope.isBlank()) {
            return List.of();
        }
        List<String> namespaces = new ArrayList<>();
        namespaces.add(scopeNamespace(caller, workspace, "LOCAL", false));
        if (scope.equalsIgnoreCase("TEAM")) {
            namespaces.add(scopeNamespace(caller, workspace, "TEAM", false));
        } else if (scope.equalsIgnoreCase("GLOBAL")) {
            return List.of(scopeNamespace(caller, workspace, "GLOBAL", false));
        } else if (!scope.equalsIgnoreCase("LOCAL")) {
            throw ApiError.badRequest("invalid_field", "'scope' must be LOCAL, TEAM or GLOBAL");
        }
        return namespaces;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
