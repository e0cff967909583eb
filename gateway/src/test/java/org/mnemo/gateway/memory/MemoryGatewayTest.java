package org.mnemo.gateway.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.mcp.McpTestClients;
import org.mnemo.gateway.rest.TestGateway;

/** Memory through the real gateway: the plugin contract v1 against its published document, REST and MCP tools. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryGatewayTest {
    private final TestGateway gw = TestGateway.get();
    private OpenApiResponses contract;
    private String dev;
    private String root;
    private String other;
    private String acme;
    private String globex;

    @BeforeAll
    void workspacesAndBoundTokens() throws Exception {
        contract = new OpenApiResponses(Path.of("../docs/memory-plugin-v1.openapi.json"));
        acme = "acme" + System.nanoTime();
        globex = "globex" + System.nanoTime();
        assertThat(gw.put("/api/memory/workspaces/" + acme + "/", TestGateway.ADMIN_TOKEN, Map.of("name", "Acme"))
                        .status())
                .isEqualTo(200);
        gw.put("/api/memory/workspaces/" + acme + "-dev/", TestGateway.ADMIN_TOKEN, Map.of("parent_id", acme));
        gw.put("/api/memory/workspaces/" + globex + "/", TestGateway.ADMIN_TOKEN, Map.of("name", "Globex"));
        String id = "memory-user-" + System.nanoTime();
        String user = gw.user(id);
        // The admin grants: writer on the dev workspace, owner of Acme's root (its team and org), writer at Globex.
        grant(acme, id, "owner");
        grant(acme + "-dev", id, "writer");
        grant(globex, id, "writer");
        dev = gw.boundToken(user, acme + "-dev");
        root = gw.boundToken(user, acme);
        other = gw.boundToken(user, globex);
    }

    private void grant(String workspace, String principal, String role) {
        assertThat(gw.put(
                                "/api/memory/workspaces/" + workspace + "/members/" + principal + "/",
                                TestGateway.ADMIN_TOKEN,
                                Map.of("role", role))
                        .status())
                .isEqualTo(200);
    }

    private TestGateway.Response v1(String method, String template, String path, String token, Object body) {
        TestGateway.Response r = gw.send(method, path, token, body);
        assertThat(contract.check(template, method, r.status(), r.json()))
                .as(method + " " + path + " → " + r.status() + " " + r.raw().body())
                .isEmpty();
        return r;
    }

    @Test
    void pluginContractV1FollowsItsDocument() {
        String team = "team:" + acme;
        String ns = "/v1/namespaces/{name}";
        String mem = "/v1/namespaces/{name}/memories";
        assertThat(v1("GET", "/v1/health", "/v1/health", null, null).json().path("capabilities"))
                .hasSize(3);
        assertThat(v1(
                                "PUT",
                                ns,
                                "/v1/namespaces/" + team,
                                dev,
                                Map.of("description", "Acme team memory", "metadata", Map.of("owner", "platform")))
                        .status())
                .isEqualTo(200);
        TestGateway.Response empty = v1("PATCH", ns, "/v1/namespaces/" + team, dev, Map.of());
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.code()).isEqualTo("empty_patch");
        TestGateway.Response patched = v1("PATCH", ns, "/v1/namespaces/" + team, dev, Map.of("description", "Acme"));
        assertThat(patched.json().path("description").asText()).isEqualTo("Acme");
        assertThat(patched.json().path("metadata").path("owner").asText()).isEqualTo("platform");

        TestGateway.Response committed = v1(
                "POST",
                mem,
                "/v1/namespaces/" + team + "/memories",
                dev,
                Map.of(
                        "id",
                        acme + "-m1",
                        "content",
                        "Acme ships the billing service every second Thursday.",
                        "kind",
                        "fact",
                        "tags",
                        List.of("release")));
        assertThat(committed.status()).isEqualTo(201);
        // The same commit again is a retry (200); changing it overwrites a shared memory, which a leaf's writer
        // may not (the right to forget it is needed).
        assertThat(v1(
                                "POST",
                                mem,
                                "/v1/namespaces/" + team + "/memories",
                                dev,
                                Map.of(
                                        "id",
                                        acme + "-m1",
                                        "content",
                                        "Acme ships the billing service every second Thursday.",
                                        "kind",
                                        "fact",
                                        "tags",
                                        List.of("release")))
                        .status())
                .isEqualTo(200);
        TestGateway.Response overwrite = v1(
                "POST",
                mem,
                "/v1/namespaces/" + team + "/memories",
                dev,
                Map.of("id", acme + "-m1", "content", "again"));
        assertThat(overwrite.status()).isEqualTo(403);
        assertThat(overwrite.code()).isEqualTo("owner_required");
        TestGateway.Response blank =
                v1("POST", mem, "/v1/namespaces/" + team + "/memories", dev, Map.of("content", "   "));
        assertThat(blank.status()).isEqualTo(400);
        TestGateway.Response forbidden =
                v1("POST", mem, "/v1/namespaces/team:" + globex + "/memories", dev, Map.of("content", "sneaky"));
        assertThat(forbidden.status()).isEqualTo(403);

        assertThat(v1("POST", "/v1/search", "/v1/search", dev, Map.of("namespaces", List.of(), "query", "billing"))
                        .status())
                .isEqualTo(400);
        TestGateway.Response found = v1(
                "POST",
                "/v1/search",
                "/v1/search",
                dev,
                Map.of("namespaces", List.of(team), "query", "when does billing ship"));
        assertThat(found.json().path("results").findValuesAsText("id")).contains(acme + "-m1");
        assertThat(v1(
                                "POST",
                                "/v1/search",
                                "/v1/search",
                                other,
                                Map.of("namespaces", List.of(team), "query", "billing"))
                        .json()
                        .path("results"))
                .isEmpty();

        // What the whole tree shares is destroyed only by its root's owner, acting as the root.
        assertThat(v1("DELETE", mem + "/{id}", "/v1/namespaces/" + team + "/memories/" + acme + "-m1", dev, null)
                        .status())
                .isEqualTo(403);
        assertThat(v1("DELETE", mem + "/{id}", "/v1/namespaces/" + team + "/memories/" + acme + "-m1", root, null)
                        .status())
                .isEqualTo(204);
        assertThat(v1("DELETE", mem + "/{id}", "/v1/namespaces/" + team + "/memories/nope", root, null)
                        .status())
                .isEqualTo(404);
        assertThat(v1("DELETE", ns, "/v1/namespaces/" + team, dev, null).status())
                .isEqualTo(403);
        assertThat(v1("DELETE", ns, "/v1/namespaces/" + team, root, null).status())
                .isEqualTo(204);
    }

    @Test
    void restMemoryAndWorkspaceSelection() {
        TestGateway.Response namespaces = gw.get("/api/memory/namespaces/", dev);
        assertThat(namespaces.json().path("writable").findValuesAsText("")).isEmpty();
        assertThat(namespaces.json().path("writable")).hasSize(2);
        assertThat(gw.get("/api/memory/namespaces/", root).json().path("writable"))
                .hasSize(3);
        TestGateway.Response notBound = gw.send(HttpRequest.newBuilder(URI.create(gw.url("/api/memory/namespaces/")))
                .header("Authorization", "Bearer " + dev)
                .header("X-Workspace-ID", globex)
                .GET()
                .build());
        assertThat(notBound.status()).isEqualTo(403);
        assertThat(notBound.code()).isEqualTo("workspace_forbidden");
        TestGateway.Response adminNeedsOne = gw.get("/api/memory/namespaces/", TestGateway.ADMIN_TOKEN);
        assertThat(adminNeedsOne.code()).isEqualTo("workspace_required");
        assertThat(gw.get("/api/memory/namespaces/?workspace_id=" + globex, TestGateway.ADMIN_TOKEN)
                        .status())
                .isEqualTo(200);

        TestGateway.Response c = gw.post(
                "/api/memory/memories/",
                other,
                Map.of("content", "Globex keeps invoices for ten years.", "kind", "fact"));
        assertThat(c.status()).isEqualTo(201);
        assertThat(c.json().path("namespace").asText()).isEqualTo("workspace:" + globex);
        assertThat(gw.post("/api/memory/search/", other, Map.of("query", "invoices retention"))
                        .json()
                        .path("results")
                        .findValuesAsText("id"))
                .contains(c.json().path("id").asText());
        assertThat(gw.post("/api/memory/search/", dev, Map.of("query", "invoices retention"))
                        .json()
                        .path("results")
                        .findValuesAsText("namespace"))
                .doesNotContain("workspace:" + globex);
        // Not readable from dev's workspace: the same answer as for a memory that does not exist.
        assertThat(gw.delete("/api/memory/memories/" + c.json().path("id").asText() + "/", dev)
                        .status())
                .isEqualTo(404);
        assertThat(gw.delete("/api/memory/memories/" + c.json().path("id").asText() + "/", other)
                        .status())
                .isEqualTo(204);
    }

    @Test
    @SuppressWarnings("unchecked")
    void mcpMemoryToolsIncludingTheLegacyPair() {
        McpSyncClient agent = client(dev);
        Map<String, Object> writable = call(agent, "list_writable_namespaces", Map.of());
        assertThat((List<String>) writable.get("namespaces"))
                .containsExactly("workspace:" + acme + "-dev", "team:" + acme);
        assertThat((List<String>)
                        call(agent, "list_readable_namespaces", Map.of()).get("namespaces"))
                .contains("org:" + acme);

        Map<String, Object> v2 = call(
                agent,
                "commit_memory_v2",
                Map.of(
                        "content",
                        "Decision: the dev workspace uses feature flags for every risky change.",
                        "kind",
                        "decision"));
        assertThat(v2.get("namespace")).isEqualTo("workspace:" + acme + "-dev");
        Map<String, Object> summary =
                call(agent, "commit_summary", Map.of("content", "Summary: flags rolled out to the checkout flow."));
        assertThat(summary.get("kind")).isEqualTo("summary");
        assertThat(summary.get("expires_at")).isNotNull();
        Map<String, Object> legacy =
                call(agent, "commit_memory", Map.of("content", "The team standup is at 09:30.", "scope", "TEAM"));
        assertThat(legacy.get("scope")).isEqualTo("TEAM");
        assertThat(errorText(agent.callTool(
                        new McpSchema.CallToolRequest("commit_memory", Map.of("content", "x", "scope", "GLOBAL")))))
                .contains("GLOBAL");

        call(
                client(root),
                "commit_memory_v2",
                Map.of(
                        "content",
                        "Company policy: ship on Tuesdays only.",
                        "namespace",
                        "org:" + acme,
                        "kind",
                        "preference"));
        // The legacy bridge reads no GLOBAL scope; search_memory reads org: with the delimiter.
        assertThat(errorText(agent.callTool(new McpSchema.CallToolRequest(
                        "recall_memory", Map.of("query", "when do we ship", "scope", "GLOBAL")))))
                .contains("GLOBAL");
        List<Map<String, Object>> orgHits = (List<Map<String, Object>>)
                call(agent, "search_memory", Map.of("query", "when do we ship", "namespaces", List.of("org:" + acme)))
                        .get("results");
        assertThat(orgHits)
                .isNotEmpty()
                .allSatisfy(m -> assertThat((String) m.get("content")).startsWith("[MEMORY id="));
        McpSchema.CallToolResult recalled = agent.callTool(
                new McpSchema.CallToolRequest("recall_memory", Map.of("query", "standup time", "scope", "TEAM")));
        List<Map<String, Object>> team;
        try {
            team = org.mnemo.gateway.web.Json.MAPPER.readValue(
                    ((McpSchema.TextContent) recalled.content().get(0)).text(), List.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(String.valueOf(recalled.content()), e);
        }
        assertThat(team).extracting(m -> m.get("id")).contains(legacy.get("id"));

        List<Map<String, Object>> found =
                (List<Map<String, Object>>) call(agent, "search_memory", Map.of("query", "feature flags risky change"))
                        .get("results");
        assertThat(found).extracting(m -> m.get("id")).contains(v2.get("id"));
        assertThat(call(agent, "forget_memory", Map.of("id", v2.get("id"))).get("forgotten"))
                .isEqualTo(true);
        assertThat((List<Map<String, Object>>)
                        call(agent, "search_memory", Map.of("query", "feature flags risky change"))
                                .get("results"))
                .extracting(m -> m.get("id"))
                .doesNotContain(v2.get("id"));

        // Another company's agent sees none of it.
        assertThat((List<?>) call(client(other), "search_memory", Map.of("query", "standup feature flags ship"))
                        .get("results"))
                .isEmpty();
    }

    @Test
    void adminExportImportAndWorkspaceDeletion() {
        String ws = "exp" + System.nanoTime();
        gw.put("/api/memory/workspaces/" + ws + "/", TestGateway.ADMIN_TOKEN, Map.of("name", "Export"));
        String exporter = "exporter-" + System.nanoTime();
        String user = gw.user(exporter);
        grant(ws, exporter, "writer");
        String token = gw.boundToken(user, ws);
        gw.post("/api/memory/memories/", token, Map.of("content", "Private: the staging cluster is in Frankfurt."));
        gw.post(
                "/api/memory/memories/",
                token,
                Map.of("content", "Team: releases need two approvals.", "namespace", "team:" + ws));
        assertThat(gw.get("/api/memory/export/?workspace_id=" + ws, token).status())
                .isEqualTo(403);
        String lines = gw.get("/api/memory/export/?workspace_id=" + ws, TestGateway.ADMIN_TOKEN)
                .raw()
                .body();
        assertThat(lines.lines().count()).isEqualTo(2);
        assertThat(lines).contains("Frankfurt").contains("two approvals");

        gw.db()
                .executeTransactionally(
                        "MATCH (m:Memory) WHERE m.namespace IN $ns DETACH DELETE m",
                        Map.of("ns", List.of("workspace:" + ws, "team:" + ws)));
        assertThat(gw.post("/api/memory/search/", token, Map.of("query", "staging cluster"))
                        .json()
                        .path("results"))
                .isEmpty();
        TestGateway.Response imported = gw.post("/api/memory/import/", TestGateway.ADMIN_TOKEN, lines);
        assertThat(imported.json().path("imported").asInt()).isEqualTo(2);
        assertThat(gw.post("/api/memory/search/", token, Map.of("query", "staging cluster"))
                        .json()
                        .path("results")
                        .findValuesAsText("content"))
                .anyMatch(c -> c.contains("Frankfurt"));

        TestGateway.Response deleted = gw.delete("/api/memory/workspaces/" + ws + "/", TestGateway.ADMIN_TOKEN);
        assertThat(deleted.json().path("memories").asInt()).isEqualTo(1);
        long left = (long) gw.db()
                .executeTransactionally(
                        "MATCH (m:Memory) WHERE m.namespace IN $ns " + "RETURN count(m) AS n",
                        Map.of("ns", List.of("workspace:" + ws, "team:" + ws)),
                        r -> r.next().get("n"));
        assertThat(left).isEqualTo(1);
    }

    private McpSyncClient client(String token) {
        return McpTestClients.connect(gw.url(""), token);
    }

    private static Map<String, Object> call(McpSyncClient client, String tool, Map<String, Object> args) {
        return McpTestClients.structured(McpTestClients.call(client, tool, args));
    }

    private static String errorText(McpSchema.CallToolResult result) {
        return McpTestClients.errorText(result);
    }
}
