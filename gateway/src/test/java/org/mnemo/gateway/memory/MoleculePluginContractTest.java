package org.mnemo.gateway.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.rest.ApiClient;
import org.mnemo.gateway.rest.TestGateway;

/**
 * Molecule's workspace-server as the memory plugin's client, written from the contract
 * (docs/memory-plugin-v1.openapi.json) and the plugin-mode rules (docs/memory.md): no bearer, a shared secret,
 * the namespaces the server resolved, trusted only within what the service account holds; a commit of an existing
 * id is an upsert. The attacker's cases come first. A second gateway with the trusted mode on runs against the
 * shared test database; the shared gateway has it off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoleculePluginContractTest {
    private static final String SECRET = "molecule-plugin-secret-0123456789-abcdefghijkl";
    private static final String HEADER = "X-Mnemo-Plugin-Secret";

    private final TestGateway shared = TestGateway.get();
    private Gateway pluginGateway;
    private ApiClient plugin;
    private OpenApiResponses contract;

    private String molecule;
    private String moleculeToken;
    private String root;
    private String child;
    private String foreign;
    private String foreignToken;

    @BeforeAll
    void serviceTreeAndPluginGateway() throws Exception {
        contract = new OpenApiResponses(Path.of("../docs/memory-plugin-v1.openapi.json"));
        long n = System.nanoTime();
        molecule = "molecule-" + n;
        moleculeToken = serviceWith(molecule, List.of("manage_workspaces", "trusted_namespaces"));
        root = "mol-org-" + n;
        child = "mol-ws-" + n;
        // The tree as Molecule mirrors it: one batch, children before parents on purpose.
        TestGateway.Response synced = shared.post(
                "/api/memory/workspaces/sync/",
                moleculeToken,
                Map.of(
                        "workspaces",
                        List.of(
                                Map.of("id", child, "parent_id", root, "name", "Agent workspace"),
                                mapWithNull("id", root, "parent_id", "name", "Molecule org"))));
        assertThat(synced.status()).as(synced.raw().body()).isEqualTo(200);
        assertThat(synced.json().path("count").asInt()).isEqualTo(2);

        // Another tenant: a workspace the Molecule service does not hold.
        foreign = "other-tenant-" + n;
        String owner = "other-user-" + n;
        String token = shared.user(owner);
        shared.grant(foreign, owner, "owner");
        foreignToken = shared.boundToken(token, foreign);

        Map<String, String> env = new HashMap<>(
                Map.of("MNEMO_PLUGIN_SECRET", SECRET, "MNEMO_PLUGIN_PRINCIPAL", molecule, "MNEMO_INGEST_WORKERS", "0"));
        pluginGateway = Gateway.start(TestGateway.config(shared.neo4j.boltUri(), env));
        plugin = new ApiClient("http://127.0.0.1:" + pluginGateway.port(), TestGateway.ADMIN_TOKEN);
    }

    @AfterAll
    void stop() {
        if (pluginGateway != null) {
            pluginGateway.close();
        }
    }

    private String serviceWith(String id, List<String> capabilities) {
        TestGateway.Response created = shared.post(
                "/api/users/",
                TestGateway.ADMIN_TOKEN,
                Map.of("id", id, "name", id, "role", "service", "capabilities", capabilities));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return created.json().path("token").path("token").asText();
    }

    private static Map<String, Object> mapWithNull(String k1, Object v1, String nullKey, String k3, Object v3) {
        Map<String, Object> map = new HashMap<>();
        map.put(k1, v1);
        map.put(nullKey, null);
        map.put(k3, v3);
        return map;
    }

    /** A plugin-mode call (no bearer), checked against the contract's documented response for its status. */
    private TestGateway.Response call(String method, String template, String path, String secret, Object body) {
        Map<String, String> headers = secret == null ? Map.of() : Map.of(HEADER, secret);
        TestGateway.Response r = plugin.send(method, path, null, body, headers);
        assertThat(contract.check(template, method, r.status(), r.json()))
                .as(method + " " + path + " → " + r.status() + " " + r.raw().body())
                .isEmpty();
        return r;
    }

    private static final String MEMORIES = "/v1/namespaces/{name}/memories";
    private static final String MEMORY = "/v1/namespaces/{name}/memories/{id}";
    private static final String NAMESPACE = "/v1/namespaces/{name}";

    // ---- the attacker's tests

    @Test
    void withoutTheSecretOrABearerNothingIsServed() {
        TestGateway.Response none = call(
                "POST",
                MEMORIES,
                "/v1/namespaces/workspace:" + child + "/memories",
                null,
                Map.of("content", "no credential at all"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("missing_credentials");
        assertThat(call(
                                "POST",
                                "/v1/search",
                                "/v1/search",
                                null,
                                Map.of("namespaces", List.of("workspace:" + child), "query", "anything"))
                        .status())
                .isEqualTo(401);
        assertThat(count("workspace:" + child, "no credential at all")).isZero();
    }

    @Test
    void aWrongSecretIsRefusedWithOneConstantAnswer() {
        TestGateway.Response wrong = call(
                "POST",
                "/v1/search",
                "/v1/search",
                SECRET + "x",
                Map.of("namespaces", List.of("workspace:" + child), "query", "anything"));
        TestGateway.Response short1 = call(
                "POST",
                "/v1/search",
                "/v1/search",
                "a",
                Map.of("namespaces", List.of("workspace:" + child), "query", "anything"));
        TestGateway.Response empty = call(
                "POST",
                MEMORIES,
                "/v1/namespaces/workspace:" + child + "/memories",
                "",
                Map.of("content", "with an empty secret"));
        for (TestGateway.Response r : List.of(wrong, short1)) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.code()).isEqualTo("invalid_plugin_secret");
            assertThat(r.json().path("detail").asText())
                    .isEqualTo(wrong.json().path("detail").asText());
        }
        assertThat(empty.status()).isEqualTo(401);
        assertThat(count("workspace:" + child, "with an empty secret")).isZero();
    }

    @Test
    void withTheModeOffTheSecretIsIgnoredAndABearerIsNeeded() {
        TestGateway.Response off = shared.send(
                "POST",
                "/v1/search",
                null,
                Map.of("namespaces", List.of("workspace:" + child), "query", "anything"),
                Map.of(HEADER, SECRET));
        assertThat(off.status()).isEqualTo(401);
        assertThat(off.code()).isEqualTo("missing_credentials");
    }

    @Test
    void theSecretOpensOnlyTheMemoryPluginRoutes() {
        for (String path :
                List.of("/api/memory/namespaces/?workspace_id=" + child, "/library/api/libraries/", "/api/tokens/")) {
            TestGateway.Response r = plugin.send("GET", path, null, null, Map.of(HEADER, SECRET));
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.code()).as(path).isEqualTo("missing_credentials");
        }
        TestGateway.Response sync = plugin.send(
                "POST",
                "/api/memory/workspaces/sync/",
                null,
                Map.of("workspaces", List.of(Map.of("id", "planted-" + System.nanoTime()))),
                Map.of(HEADER, SECRET));
        assertThat(sync.status()).isEqualTo(401);
    }

    @Test
    void aNamespaceOutsideTheServiceAccountIsRefusedAndUntouched() {
        String theirs = "workspace:" + foreign;
        assertThat(shared.post(
                                "/v1/namespaces/" + theirs + "/memories",
                                foreignToken,
                                Map.of("id", "their-note", "content", "Their private roadmap: launch in May."))
                        .status())
                .isEqualTo(201);

        TestGateway.Response write = call(
                "POST",
                MEMORIES,
                "/v1/namespaces/" + theirs + "/memories",
                SECRET,
                Map.of("id", "their-note", "content", "overwritten by the plugin"));
        assertThat(write.status()).isEqualTo(403);
        for (String ns : List.of(theirs, "team:" + foreign, "org:" + foreign)) {
            assertThat(call(
                                    "POST",
                                    MEMORIES,
                                    "/v1/namespaces/" + ns + "/memories",
                                    SECRET,
                                    Map.of("content", "planted"))
                            .status())
                    .as(ns)
                    .isEqualTo(403);
        }
        assertThat(call("DELETE", MEMORY, "/v1/namespaces/" + theirs + "/memories/their-note", SECRET, null)
                        .status())
                .isEqualTo(403);
        assertThat(call("DELETE", NAMESPACE, "/v1/namespaces/" + theirs, SECRET, null)
                        .status())
                .isEqualTo(403);
        TestGateway.Response read = plugin.send(
                "POST",
                "/v1/search",
                null,
                Map.of("namespaces", List.of("workspace:" + child, theirs), "query", "roadmap launch"),
                Map.of(HEADER, SECRET));
        assertThat(read.status()).isEqualTo(403);
        assertThat(read.raw().body()).doesNotContain("roadmap");
        // A workspace nobody holds answers the same as one that exists.
        TestGateway.Response nobody = plugin.send(
                "POST",
                "/v1/search",
                null,
                Map.of("namespaces", List.of("workspace:nobody-" + System.nanoTime()), "query", "roadmap"),
                Map.of(HEADER, SECRET));
        assertThat(nobody.status()).isEqualTo(read.status());
        assertThat(nobody.code()).isEqualTo(read.code());

        assertThat(shared.post("/v1/search", foreignToken, Map.of("namespaces", List.of(theirs), "query", "roadmap"))
                        .json()
                        .path("results")
                        .findValuesAsText("content"))
                .containsExactly("Their private roadmap: launch in May.");
        assertThat(count(theirs, "planted")).isZero();
    }

    @Test
    void aServiceAccountWithoutTrustedNamespacesIsRefusedLive() {
        shared.db()
                .executeTransactionally(
                        "MATCH (p:Principal {id: $id}) SET p.capabilities = ['manage_workspaces']",
                        Map.of("id", molecule));
        try {
            TestGateway.Response r = call(
                    "POST",
                    "/v1/search",
                    "/v1/search",
                    SECRET,
                    Map.of("namespaces", List.of("workspace:" + child), "query", "anything"));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.code()).isEqualTo("plugin_not_trusted");
        } finally {
            shared.db()
                    .executeTransactionally(
                            "MATCH (p:Principal {id: $id}) SET p.capabilities = "
                                    + "['manage_workspaces', 'trusted_namespaces']",
                            Map.of("id", molecule));
        }
    }

    // ---- the contract, as Molecule's server uses it

    @Test
    void theServerWritesSearchesAndForgetsInTheNamespacesItResolved() {
        String own = "workspace:" + child;
        String team = "team:" + root;
        String org = "org:" + root;
        assertThat(call(
                                "PUT",
                                NAMESPACE,
                                "/v1/namespaces/" + team,
                                SECRET,
                                Map.of("description", "Molecule team", "metadata", Map.of("source", "molecule")))
                        .status())
                .isEqualTo(200);

        TestGateway.Response first = call(
                "POST",
                MEMORIES,
                "/v1/namespaces/" + own + "/memories",
                SECRET,
                Map.of("id", "pref-1", "content", "The agent prefers concise answers.", "kind", "preference"));
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().path("created").asBoolean()).isTrue();
        assertThat(first.json().path("namespace").asText()).isEqualTo(own);
        assertThat(call(
                                "POST",
                                MEMORIES,
                                "/v1/namespaces/" + team + "/memories",
                                SECRET,
                                Map.of(
                                        "id",
                                        "team-1",
                                        "content",
                                        "The team deploys the orchestrator on Mondays.",
                                        "kind",
                                        "fact"))
                        .status())
                .isEqualTo(201);
        assertThat(call(
                                "POST",
                                MEMORIES,
                                "/v1/namespaces/" + org + "/memories",
                                SECRET,
                                Map.of("id", "org-1", "content", "Company holiday: the office closes on December 24."))
                        .status())
                .isEqualTo(201);

        TestGateway.Response found = call(
                "POST",
                "/v1/search",
                "/v1/search",
                SECRET,
                Map.of(
                        "namespaces",
                        List.of(own, team, org),
                        "query",
                        "when does the team deploy the orchestrator",
                        "limit",
                        10));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().path("results").findValuesAsText("id")).contains("team-1", "pref-1", "org-1");
        assertThat(found.json().path("results").get(0).path("id").asText()).isEqualTo("team-1");
        for (JsonNode hit : found.json().path("results")) {
            if (hit.path("namespace").asText().equals(org)) {
                assertThat(hit.path("content").asText()).startsWith("[MEMORY id=org-1 scope=ORG ns=" + org + "]: ");
            }
        }
        TestGateway.Response onlyOwn = call(
                "POST",
                "/v1/search",
                "/v1/search",
                SECRET,
                Map.of("namespaces", List.of(own), "query", "orchestrator deploy concise"));
        assertThat(onlyOwn.json().path("results").findValuesAsText("namespace")).containsOnly(own);

        TestGateway.Response malformed = call(
                "POST",
                "/v1/search",
                "/v1/search",
                SECRET,
                Map.of("namespaces", List.of(own, "not-a-namespace"), "query", "anything"));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("invalid_field");

        TestGateway.Response expires = call(
                "POST",
                MEMORIES,
                "/v1/namespaces/" + own + "/memories",
                SECRET,
                Map.of("content", "x", "expires_at", "next week"));
        assertThat(expires.status()).isEqualTo(400);
        assertThat(expires.code()).isEqualTo("invalid_argument");
        assertThat(expires.json().path("detail").asText()).startsWith("invalid expires_at: must be RFC3339");

        assertThat(call("DELETE", MEMORY, "/v1/namespaces/" + team + "/memories/team-1", SECRET, null)
                        .status())
                .isEqualTo(204);
        assertThat(call("DELETE", MEMORY, "/v1/namespaces/" + team + "/memories/team-1", SECRET, null)
                        .status())
                .isEqualTo(404);
        assertThat(call("DELETE", NAMESPACE, "/v1/namespaces/" + org, SECRET, null)
                        .status())
                .isEqualTo(204);
        assertThat(count(org, "holiday")).isZero();
    }

    @Test
    void aCommitWithAnExistingIdIsAnUpsertThatKeepsTheAuditTrail() {
        String own = "workspace:" + child;
        String id = "upsert-" + System.nanoTime();
        String path = "/v1/namespaces/" + own + "/memories";
        TestGateway.Response created = call(
                "POST",
                MEMORIES,
                path,
                SECRET,
                Map.of("id", id, "content", "The build uses Java 17.", "tags", List.of("build")));
        assertThat(created.status()).isEqualTo(201);

        TestGateway.Response updated = call(
                "POST",
                MEMORIES,
                path,
                SECRET,
                Map.of(
                        "id",
                        id,
                        "content",
                        "The build uses Java 21.",
                        "tags",
                        List.of("build", "jdk"),
                        "expires_at",
                        "2099-01-01T00:00:00Z"));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().path("created").asBoolean()).isFalse();
        assertThat(updated.json().path("id").asText()).isEqualTo(id);
        assertThat(updated.json().path("status").asText()).isEqualTo("active");
        assertThat(updated.json().path("expires_at").asText()).startsWith("2099-01-01T00:00");
        assertThat(updated.json().path("created_at").asText())
                .isEqualTo(created.json().path("created_at").asText());

        JsonNode hits = call(
                        "POST",
                        "/v1/search",
                        "/v1/search",
                        SECRET,
                        Map.of("namespaces", List.of(own), "query", "which Java does the build use"))
                .json()
                .path("results");
        JsonNode hit = null;
        for (JsonNode h : hits) {
            if (h.path("id").asText().equals(id)) {
                hit = h;
            }
        }
        assertThat(hit).as(hits.toString()).isNotNull();
        assertThat(hit.path("content").asText()).isEqualTo("The build uses Java 21.");
        assertThat(hit.path("tags").toString()).isEqualTo("[\"build\",\"jdk\"]");
        assertThat(hits.findValuesAsText("content")).doesNotContain("The build uses Java 17.");
        assertThat(count(own, "Java")).isEqualTo(1);

        // The audit keeps who changed it and the hashes before and after, never the text.
        Map<String, Object> audit = shared.db()
                .executeTransactionally("""
                MATCH (a:MemoryAudit {action: 'update', namespace: $ns, memory_id: $id})
                RETURN a.actor AS actor, a.content_sha256 AS after, a.previous_sha256 AS before""", Map.of("ns", own, "id", id), r -> r.hasNext() ? r.next() : Map.of());
        assertThat(audit.get("actor")).isEqualTo(molecule);
        assertThat(audit.get("before")).isEqualTo(sha256("The build uses Java 17."));
        assertThat(audit.get("after")).isEqualTo(sha256("The build uses Java 21."));

        // A retry of the same write changes nothing and audits nothing.
        assertThat(call("POST", MEMORIES, path, SECRET, Map.of("id", id, "content", "The build uses Java 21."))
                        .status())
                .isEqualTo(200);
        long audits = shared.db()
                .executeTransactionally(
                        "MATCH (a:MemoryAudit {action: 'update', memory_id: $id}) " + "RETURN count(a) AS n",
                        Map.of("id", id),
                        r -> (Long) r.next().get("n"));
        assertThat(audits).isEqualTo(1);

        // Forgotten stays forgotten: a late retry does not bring it back.
        assertThat(call("DELETE", MEMORY, path + "/" + id, SECRET, null).status())
                .isEqualTo(204);
        TestGateway.Response late =
                call("POST", MEMORIES, path, SECRET, Map.of("id", id, "content", "The build uses Java 21."));
        assertThat(late.status()).isEqualTo(200);
        assertThat(late.json().path("status").asText()).isEqualTo("forgotten");
        assertThat(count(own, "Java")).isZero();
    }

    @Test
    void anIdTakenInAnotherTenantsNamespaceIsNeitherOverwrittenNorRevealed() {
        String id = "shared-id-" + System.nanoTime();
        assertThat(shared.post(
                                "/v1/namespaces/workspace:" + foreign + "/memories",
                                foreignToken,
                                Map.of("id", id, "content", "Their secret plan is codename Falcon."))
                        .status())
                .isEqualTo(201);
        TestGateway.Response mine = call(
                "POST",
                MEMORIES,
                "/v1/namespaces/workspace:" + child + "/memories",
                SECRET,
                Map.of("id", id, "content", "Our plan is codename Heron."));
        assertThat(mine.status()).isEqualTo(201);
        assertThat(mine.json().path("created").asBoolean()).isTrue();
        assertThat(mine.raw().body()).doesNotContain("Falcon");
        assertThat(count("workspace:" + foreign, "Falcon")).isEqualTo(1);
    }

    @Test
    void overwritingSharedMemoryNeedsTheRightToForgetIt() {
        // Bearer mode, as before: a writer of a leaf may add to the team namespace but not rewrite it.
        String member = "mol-writer-" + System.nanoTime();
        String token = shared.userManagedBy(member, molecule);
        assertThat(shared.put(
                                "/api/memory/workspaces/" + child + "/members/" + member + "/",
                                moleculeToken,
                                Map.of("role", "writer"))
                        .status())
                .isEqualTo(200);
        String bound = shared.boundToken(token, child);
        String team = "/v1/namespaces/team:" + root + "/memories";
        String id = "team-rule-" + System.nanoTime();
        assertThat(shared.post(team, bound, Map.of("id", id, "content", "Reviews need two approvals."))
                        .status())
                .isEqualTo(201);
        assertThat(shared.post(team, bound, Map.of("id", id, "content", "Reviews need two approvals."))
                        .status())
                .isEqualTo(200);
        TestGateway.Response rewrite = shared.post(team, bound, Map.of("id", id, "content", "Reviews are optional."));
        assertThat(rewrite.status()).isEqualTo(403);
        assertThat(rewrite.code()).isEqualTo("owner_required");
        assertThat(count("team:" + root, "optional")).isZero();
        // The service, owner of the tree, may.
        assertThat(call("POST", MEMORIES, team, SECRET, Map.of("id", id, "content", "Reviews need one approval."))
                        .status())
                .isEqualTo(200);
        assertThat(count("team:" + root, "one approval")).isEqualTo(1);
    }

    // ---- the tree, Daedalus' workspaces, legacy export files

    @Test
    void daedalusWorkspacesAppearInTheMemoryTreeAndTreeSyncMovesThem() {
        String ws = "daedalus-ws-" + System.nanoTime();
        TestGateway.Response library = shared.post(
                "/library/api/workspaces/",
                shared.daedalus,
                Map.of("workspace_id", ws, "name", "Daedalus workspace", "library_type", "technical"));
        assertThat(library.status()).as(library.raw().body()).isIn(200, 201);
        TestGateway.Response tree = shared.get("/api/memory/workspaces/" + ws + "/", shared.daedalus);
        assertThat(tree.status()).isEqualTo(200);
        assertThat(tree.json().path("manager").asText()).isEqualTo(TestGateway.DAEDALUS_PRINCIPAL);

        String parent = "daedalus-root-" + System.nanoTime();
        TestGateway.Response synced = shared.post(
                "/api/memory/workspaces/sync/",
                shared.daedalus,
                Map.of(
                        "workspaces",
                        List.of(Map.of("id", ws, "parent_id", parent), Map.of("id", parent, "name", "Root"))));
        assertThat(synced.status()).as(synced.raw().body()).isEqualTo(200);
        assertThat(shared.get("/api/memory/workspaces/" + ws + "/", shared.daedalus)
                        .json()
                        .path("parent_id")
                        .asText())
                .isEqualTo(parent);

        // All or nothing: one entry outside what the service manages writes none of the batch.
        String fresh = "daedalus-fresh-" + System.nanoTime();
        TestGateway.Response refused = shared.post(
                "/api/memory/workspaces/sync/",
                shared.daedalus,
                Map.of("workspaces", List.of(Map.of("id", fresh), Map.of("id", child, "parent_id", parent))));
        assertThat(refused.status()).isIn(403, 404);
        assertThat(shared.get("/api/memory/workspaces/" + fresh + "/", TestGateway.ADMIN_TOKEN)
                        .status())
                .isEqualTo(404);
        assertThat(shared.get("/api/memory/workspaces/" + child + "/", moleculeToken)
                        .json()
                        .path("parent_id")
                        .asText())
                .isEqualTo(root);
    }

    @Test
    void aLegacyExportFileImports() {
        String ws = "legacy-" + System.nanoTime();
        assertThat(shared.put(
                                "/api/memory/workspaces/" + ws + "/",
                                TestGateway.ADMIN_TOKEN,
                                Map.of("name", "Legacy Team " + ws))
                        .status())
                .isEqualTo(200);
        assertThat(shared.put(
                                "/api/memory/workspaces/" + ws + "-leaf/",
                                TestGateway.ADMIN_TOKEN,
                                Map.of("parent_id", ws, "name", "Legacy Leaf " + ws))
                        .status())
                .isEqualTo(200);
        String file = """
                [{"id": "l-1", "content": "Legacy local note about the VPN.", "scope": "LOCAL",
                  "workspace_name": "Legacy Leaf %1$s", "created_at": "2025-03-01T10:00:00Z"},
                 {"content": "Legacy team rule: deploy after noon.", "scope": "TEAM",
                  "workspace_name": "Legacy Leaf %1$s", "created_at": "2025-03-02T10:00:00Z"},
                 {"id": "l-3", "content": "Legacy global policy.", "scope": "GLOBAL",
                  "workspace_name": "Legacy Leaf %1$s"},
                 {"id": "l-4", "content": "Nobody's.", "scope": "LOCAL", "workspace_name": "No such workspace"},
                 {"id": "l-5", "content": "Another tenant's row.", "scope": "LOCAL",
                  "workspace_id": "not-synced-yet-%1$s", "workspace_name": "Legacy Leaf %1$s"}]""".formatted(ws);
        TestGateway.Response imported = shared.post("/api/memory/import/", TestGateway.ADMIN_TOKEN, file);
        assertThat(imported.status()).as(imported.raw().body()).isEqualTo(200);
        assertThat(imported.json().path("imported").asInt()).isEqualTo(3);
        // An unknown workspace_id is skipped, not re-homed into whichever workspace bears its name.
        assertThat(imported.json().path("skipped").asInt()).isEqualTo(2);
        assertThat(count("workspace:" + ws + "-leaf", "Another tenant")).isZero();
        assertThat(shared.post("/api/memory/import/", TestGateway.ADMIN_TOKEN, file)
                        .json()
                        .path("existing")
                        .asInt())
                .isEqualTo(3);
        assertThat(count("workspace:" + ws + "-leaf", "VPN")).isEqualTo(1);
        assertThat(count("team:" + ws, "noon")).isEqualTo(1);
        assertThat(count("org:" + ws, "global policy")).isEqualTo(1);

        String lines = shared.get("/api/memory/export/?workspace_id=" + ws + "-leaf", TestGateway.ADMIN_TOKEN)
                .raw()
                .body();
        assertThat(lines)
                .contains("\"scope\":\"LOCAL\"")
                .contains("\"scope\":\"TEAM\"")
                .contains("\"workspace_name\":\"Legacy Leaf " + ws + "\"")
                .contains("\"workspace_name\":\"Legacy Team " + ws + "\"");
    }

    private long count(String namespace, String text) {
        return shared.db()
                .executeTransactionally(
                        "MATCH (m:Memory {namespace: $ns}) WHERE m.status = 'active' AND "
                                + "m.content CONTAINS $text RETURN count(m) AS n",
                        Map.of("ns", namespace, "text", text),
                        r -> (Long) r.next().get("n"));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
