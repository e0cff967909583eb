package org.mnemo.gateway.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.mnemo.gateway.rest.Jwt;
import org.mnemo.gateway.rest.TestGateway;

/**
 * Five tenants, built through the API the way their operators would, and the grant model that says what each of
 * their credentials may do. The expectations of the adversarial tests come from {@link #mayRead} and friends —
 * written from docs/security.md, never copied from responses.
 *
 * <p>Tenant {@code i}: a service account {@code adv-svc-i} manages the tree {@code adv-t<i>} (root) →
 * {@code adv-t<i>-dev}; it grants {@code owner} on the root to a user, {@code writer} and {@code reader} on the dev
 * workspace to two more; each workspace has a library with a document; the writer owns a plain library; the
 * service owns a team assigned the root; Daedalus hosts a workspace {@code adv-d<i>} that the tenant's turn JWTs
 * name; the writer has a derived token restricted to {@code search} and no library. Every stored text carries a
 * marker word, so a leak shows in any response that contains it.
 */
final class Tenants {
    static final int COUNT = 5;
    private static Tenants instance;

    enum Kind {
        SERVICE,
        OWNER,
        WRITER,
        READER,
        TEAM,
        TURN,
        RESTRICTED
    }

    /** A credential of a tenant: who it is, the token, and the workspace it acts as for memory (or null). */
    record Credential(String name, int tenant, Kind kind, String token, String workspace, String principal) {
        Map<String, String> headers() {
            return workspace == null ? Map.of() : Map.of("X-Workspace-ID", workspace);
        }
    }

    /** A tenant's objects, by what they are. */
    static final class Tenant {
        final int index;
        final String root;
        final String dev;
        final String docs;
        final String service;
        final Map<String, String> libraries = new LinkedHashMap<>(); // role → uid: root, dev, plain, docs
        final Map<String, String> chunks = new LinkedHashMap<>(); // same keys → a chunk uid
        final Map<String, String> items = new LinkedHashMap<>();
        final Map<String, String> collections = new LinkedHashMap<>();
        final Map<String, String> jobs = new LinkedHashMap<>();
        final Map<String, String> memories = new LinkedHashMap<>(); // namespace → a memory id in it
        final Map<String, String> markers = new LinkedHashMap<>(); // library key or namespace → its marker word
        final Map<Kind, Credential> credentials = new LinkedHashMap<>();
        String teamId;
        String tokenId;

        Tenant(int index) {
            this.index = index;
            this.root = "adv-t" + index;
            this.dev = root + "-dev";
            this.docs = "adv-d" + index;
            this.service = "adv-svc-" + index;
        }

        String user(Kind kind) {
            return "adv-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + index;
        }
    }

    final TestGateway gw = TestGateway.get();
    final List<Tenant> tenants = new ArrayList<>();

    static synchronized Tenants get() {
        if (instance == null) {
            instance = new Tenants();
            for (int i = 0; i < COUNT; i++) {
                instance.tenants.add(instance.build(i));
            }
        }
        // Turn JWTs live ten minutes at most: each test gets fresh ones.
        for (Tenant t : instance.tenants) {
            Credential old = t.credentials.get(Kind.TURN);
            t.credentials.put(
                    Kind.TURN,
                    new Credential(
                            old.name(),
                            old.tenant(),
                            Kind.TURN,
                            Jwt.daedalus(List.of(t.docs), List.of(), Duration.ofMinutes(10)),
                            null,
                            old.principal()));
        }
        return instance;
    }

    static String marker(int tenant, String what) {
        return "xq" + what.replaceAll("[^a-z]", "") + "t" + (char) ('a' + tenant) + "mark";
    }

    private Tenant build(int i) {
        Tenant t = new Tenant(i);
        String svc = gw.service(t.service);
        ok(gw.put("/api/memory/workspaces/" + t.root + "/", svc, Map.of("name", "Tenant " + i)));
        ok(gw.put("/api/memory/workspaces/" + t.dev + "/", svc, Map.of("parent_id", t.root)));
        Map<Kind, String> users = new LinkedHashMap<>();
        for (Kind kind : List.of(Kind.OWNER, Kind.WRITER, Kind.READER)) {
            users.put(kind, gw.userManagedBy(t.user(kind), t.service));
        }
        ok(gw.put(
                "/api/memory/workspaces/" + t.root + "/members/" + t.user(Kind.OWNER) + "/",
                svc,
                Map.of("role", "owner")));
        ok(gw.put(
                "/api/memory/workspaces/" + t.dev + "/members/" + t.user(Kind.WRITER) + "/",
                svc,
                Map.of("role", "writer")));
        ok(gw.put(
                "/api/memory/workspaces/" + t.dev + "/members/" + t.user(Kind.READER) + "/",
                svc,
                Map.of("role", "reader")));

        t.libraries.put("root", workspaceLibrary(svc, t.root, "Tenant " + i + " root"));
        t.libraries.put("dev", workspaceLibrary(svc, t.dev, "Tenant " + i + " dev"));
        t.libraries.put("docs", workspaceLibrary(gw.daedalus, t.docs, "Daedalus docs " + i));
        t.libraries.put(
                "plain",
                ok(gw.post(
                                "/library/api/libraries/",
                                users.get(Kind.WRITER),
                                Map.of("name", "Tenant " + i + " plain", "library_type", "technical")))
                        .path("uid")
                        .asText());
        Map<String, String> uploaders =
                Map.of("root", svc, "dev", svc, "docs", gw.daedalus, "plain", users.get(Kind.WRITER));
        for (String key : t.libraries.keySet()) {
            String marker = marker(i, key);
            t.markers.put(key, marker);
            JsonNode uploaded = ok(gw.post(
                    "/library/api/items/",
                    uploaders.get(key),
                    Map.of(
                            "library_uid",
                            t.libraries.get(key),
                            "title",
                            "Turbine log " + marker,
                            "source_ref",
                            "adv/" + key + "/" + i,
                            "text",
                            "# Turbine maintenance\n\nThe turbine bearings of " + marker + " are greased weekly; "
                                    + "the harbour crane of " + marker + " is inspected every spring.")));
            t.jobs.put(key, uploaded.path("job").path("id").asText());
            t.items.put(key, itemOf(uploaded, uploaders.get(key)));
            JsonNode item = ok(gw.get("/library/api/items/" + t.items.get(key) + "/", uploaders.get(key)));
            t.collections.put(key, item.path("collection_uid").asText());
            JsonNode hits = ok(gw.post(
                            "/library/api/search/",
                            uploaders.get(key),
                            Map.of("query", marker, "library_uid", t.libraries.get(key))))
                    .path("candidates");
            t.chunks.put(key, hits.get(0).path("chunk_uid").asText());
        }

        String owner = gw.boundToken(users.get(Kind.OWNER), t.root);
        String writer = gw.boundToken(users.get(Kind.WRITER), t.dev);
        String reader = gw.boundToken(users.get(Kind.READER), t.dev);
        JsonNode restricted = ok(gw.post(
                "/api/tokens/",
                writer,
                Map.of("name", "search only", "allowed_libraries", List.of(), "allowed_tools", List.of("search"))));
        t.tokenId = restricted.path("id").asText();
        t.teamId = "adv-team-" + i + "-" + UUID.randomUUID();
        String team = ok(gw.post("/mcp_server/api/teams/", svc, Map.of("id", t.teamId, "name", "Agents " + i)))
                .path("jwt")
                .asText();
        ok(gw.put("/mcp_server/api/teams/" + t.teamId + "/workspaces/", svc, Map.of("workspace_ids", List.of(t.root))));
        String turn = Jwt.daedalus(List.of(t.docs), List.of(), Duration.ofMinutes(10));

        t.credentials.put(Kind.SERVICE, new Credential("t" + i + ".service", i, Kind.SERVICE, svc, t.root, t.service));
        t.credentials.put(
                Kind.OWNER, new Credential("t" + i + ".owner", i, Kind.OWNER, owner, t.root, t.user(Kind.OWNER)));
        t.credentials.put(
                Kind.WRITER, new Credential("t" + i + ".writer", i, Kind.WRITER, writer, t.dev, t.user(Kind.WRITER)));
        t.credentials.put(
                Kind.READER, new Credential("t" + i + ".reader", i, Kind.READER, reader, t.dev, t.user(Kind.READER)));
        t.credentials.put(Kind.TEAM, new Credential("t" + i + ".team", i, Kind.TEAM, team, t.root, t.service));
        t.credentials.put(Kind.TURN, new Credential("t" + i + ".turn", i, Kind.TURN, turn, null, "daedalus"));
        t.credentials.put(
                Kind.RESTRICTED,
                new Credential(
                        "t" + i + ".restricted",
                        i,
                        Kind.RESTRICTED,
                        restricted.path("token").asText(),
                        null,
                        t.user(Kind.WRITER)));

        // One memory in each namespace of the tree, written by whoever may.
        memory(t, t.credentials.get(Kind.OWNER), "workspace:" + t.root);
        memory(t, t.credentials.get(Kind.OWNER), "team:" + t.root);
        memory(t, t.credentials.get(Kind.OWNER), "org:" + t.root);
        memory(t, t.credentials.get(Kind.WRITER), "workspace:" + t.dev);
        return t;
    }

    private void memory(Tenant t, Credential author, String namespace) {
        String marker = marker(
                t.index, namespace.substring(0, namespace.indexOf(':')) + (namespace.endsWith("-dev") ? "dev" : ""));
        t.markers.put(namespace, marker);
        JsonNode committed = ok(gw.send(
                "POST",
                "/api/memory/memories/",
                author.token(),
                Map.of(
                        "content",
                        "Memory " + marker + ": the harbour crane turbine keys hang in cabinet " + t.index + ".",
                        "namespace",
                        namespace),
                author.headers()));
        t.memories.put(namespace, committed.path("id").asText());
    }

    private String workspaceLibrary(String token, String workspace, String name) {
        return ok(gw.post(
                        "/library/api/workspaces/",
                        token,
                        Map.of("workspace_id", workspace, "name", name, "library_type", "technical")))
                .path("library_uid")
                .asText();
    }

    /** The uploaded item: at once, or from its job when the upload answered 202 (still running). */
    private String itemOf(JsonNode uploaded, String token) {
        JsonNode job = uploaded.path("job");
        long deadline = System.currentTimeMillis() + 120_000;
        while (!uploaded.hasNonNull("item_uid")
                && !"completed".equals(job.path("status").asText())) {
            assertThat(System.currentTimeMillis())
                    .as("upload finished: " + uploaded)
                    .isLessThan(deadline);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            job = ok(gw.get("/library/api/jobs/" + job.path("id").asText() + "/", token));
        }
        String item = uploaded.hasNonNull("item_uid")
                ? uploaded.path("item_uid").asText()
                : job.path("item_uid").asText(null);
        assertThat(item).as("the upload's item: " + uploaded + " / " + job).isNotNull();
        return item;
    }

    private static JsonNode ok(TestGateway.Response r) {
        assertThat(r.status())
                .as(r.raw().request().method() + " " + r.raw().uri() + " → "
                        + r.raw().body())
                .isBetween(200, 204);
        return r.json();
    }

    /** A response without what merely echoes the request (the query, the start of a walk). */
    static String withoutEcho(String body) {
        try {
            JsonNode json = org.mnemo.gateway.web.Json.MAPPER.readTree(body);
            if (json instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
                object.remove(List.of("query", "start"));
                return object.toString();
            }
            return body;
        } catch (java.io.IOException | RuntimeException notJson) {
            return body;
        }
    }

    static String withoutEcho(io.modelcontextprotocol.spec.McpSchema.CallToolResult result) {
        if (result.structuredContent() instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>(map);
            copy.remove("query");
            copy.remove("start");
            return copy.toString();
        }
        return String.valueOf(result.content());
    }

    // ---- the grant model (docs/security.md), for expectations

    /** Whether a credential may read the library {@code key} of tenant {@code owner}. */
    static boolean mayRead(Credential c, int owner, String key) {
        if (c.tenant() != owner) {
            return false;
        }
        return switch (key) {
            // The root's library: its manager, the root's members, the team assigned the root.
            case "root" -> Set.of(Kind.SERVICE, Kind.OWNER, Kind.TEAM).contains(c.kind());
            // The dev workspace's library: its manager and its members (memberships do not extend down).
            case "dev" -> Set.of(Kind.SERVICE, Kind.WRITER, Kind.READER).contains(c.kind());
            // A user's own library; its search-only token is limited to no library.
            case "plain" -> c.kind() == Kind.WRITER;
            // Daedalus' workspace: the turn JWTs that name it.
            case "docs" -> c.kind() == Kind.TURN;
            default -> throw new IllegalArgumentException(key);
        };
    }

    /** The namespaces a credential reads, acting as its workspace. */
    static Set<String> readableNamespaces(Credential c, Tenant t) {
        if (c.workspace() == null) {
            return Set.of();
        }
        return Set.of("workspace:" + c.workspace(), "team:" + t.root, "org:" + t.root);
    }

    /** The namespaces it writes: none for a reader; org only acting as the root. */
    static Set<String> writableNamespaces(Credential c, Tenant t) {
        if (c.workspace() == null || c.kind() == Kind.READER) {
            return Set.of();
        }
        Set<String> writable = new HashSet<>(Set.of("workspace:" + c.workspace(), "team:" + t.root));
        if (c.workspace().equals(t.root)) {
            writable.add("org:" + t.root);
        }
        return writable;
    }

    /** The markers whose text a credential may see: its libraries' and its readable namespaces'. */
    Set<String> visibleMarkers(Credential c) {
        Set<String> visible = new HashSet<>();
        for (Tenant t : tenants) {
            for (String key : t.libraries.keySet()) {
                if (mayRead(c, t.index, key) && c.kind() != Kind.RESTRICTED) {
                    visible.add(t.markers.get(key));
                }
            }
            if (t.index == c.tenant()) {
                readableNamespaces(c, t).forEach(ns -> visible.add(t.markers.get(ns)));
            }
        }
        return visible;
    }

    /** Every marker of every tenant. */
    Set<String> allMarkers() {
        Set<String> all = new HashSet<>();
        tenants.forEach(t -> all.addAll(t.markers.values()));
        return all;
    }

    List<Credential> credentials() {
        List<Credential> all = new ArrayList<>();
        tenants.forEach(t -> all.addAll(t.credentials.values()));
        return all;
    }
}
