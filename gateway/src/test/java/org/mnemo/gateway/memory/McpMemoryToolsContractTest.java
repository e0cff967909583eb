package org.mnemo.gateway.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.mcp.McpTestClients;
import org.mnemo.gateway.rest.TestGateway;
import org.mnemo.gateway.web.Json;

/**
 * The memory tools as Molecule's agents call them through its MCP bridge, written from the legacy shapes (docs/
 * memory.md, "MCP tools"): recall_memory answers the text of a bare JSON list of {id, content, scope, created_at}
 * or "No memories found."; scope GLOBAL is refused; forget_memory takes an optional namespace; errors read
 * "invalid expires_at: must be RFC3339". Driven by the MCP Java SDK's client over real HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpMemoryToolsContractTest {
    private final TestGateway gw = TestGateway.get();
    private String root;
    private String leaf;
    private McpSyncClient agent;
    private McpSyncClient rootAgent;
    private McpSyncClient empty;

    @BeforeAll
    void anAgentInATree() {
        long n = System.nanoTime();
        root = "mcp-legacy-" + n;
        leaf = root + "-agent";
        String blank = "mcp-blank-" + n;
        gw.put("/api/memory/workspaces/" + root + "/", TestGateway.ADMIN_TOKEN, Map.of("name", "Legacy"));
        gw.put("/api/memory/workspaces/" + leaf + "/", TestGateway.ADMIN_TOKEN, Map.of("parent_id", root));
        gw.put("/api/memory/workspaces/" + blank + "/", TestGateway.ADMIN_TOKEN, Map.of("name", "Blank"));
        String id = "mcp-legacy-user-" + n;
        String user = gw.user(id);
        for (String[] grant :
                List.of(new String[] {root, "owner"}, new String[] {leaf, "writer"}, new String[] {blank, "writer"})) {
            assertThat(gw.put(
                                    "/api/memory/workspaces/" + grant[0] + "/members/" + id + "/",
                                    TestGateway.ADMIN_TOKEN,
                                    Map.of("role", grant[1]))
                            .status())
                    .isEqualTo(200);
        }
        agent = client(gw.boundToken(user, leaf));
        rootAgent = client(gw.boundToken(user, root));
        empty = client(gw.boundToken(user, blank));
    }

    @AfterAll
    void close() {
        for (McpSyncClient c : List.of(agent, rootAgent, empty)) {
            c.closeGracefully();
        }
    }

    private McpSyncClient client(String token) {
        return McpTestClients.connect(gw.url(""), token);
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return McpTestClients.call(client, tool, args);
    }

    private static String text(McpSchema.CallToolResult result) {
        assertThat(result.content()).singleElement().isInstanceOf(McpSchema.TextContent.class);
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void recallAnswersABareListOfLegacyMemories() throws Exception {
        McpSchema.CallToolResult local =
                call(agent, "commit_memory", Map.of("content", "The staging database is rebuilt every Friday night."));
        assertThat(local.isError()).as(text(local)).isNotEqualTo(Boolean.TRUE);
        McpSchema.CallToolResult team = call(
                agent,
                "commit_memory",
                Map.of("content", "The team's on-call rotation changes every Friday.", "scope", "TEAM"));
        assertThat(team.isError()).as(text(team)).isNotEqualTo(Boolean.TRUE);

        McpSchema.CallToolResult recalled =
                call(agent, "recall_memory", Map.of("query", "what happens on Friday", "scope", "TEAM"));
        assertThat(recalled.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(recalled.structuredContent()).isNull();
        JsonNode list = Json.MAPPER.readTree(text(recalled));
        assertThat(list.isArray()).as(text(recalled)).isTrue();
        for (JsonNode memory : list) {
            assertThat(memory.isObject()).isTrue();
            assertThat(memory.path("id").isTextual()).isTrue();
            assertThat(memory.path("content").isTextual()).isTrue();
            assertThat(memory.path("scope").asText()).isIn("LOCAL", "TEAM");
            assertThat(java.time.OffsetDateTime.parse(memory.path("created_at").asText()))
                    .isNotNull();
        }
        assertThat(list.get(0).path("content").asText()).contains("Friday");
        assertThat(list.findValuesAsText("content"))
                .contains(
                        "The staging database is rebuilt every Friday night.",
                        "The team's on-call rotation changes every Friday.");
        assertThat(list.findValuesAsText("scope")).contains("LOCAL", "TEAM");

        JsonNode onlyLocal =
                Json.MAPPER.readTree(text(call(agent, "recall_memory", Map.of("query", "Friday", "scope", "LOCAL"))));
        assertThat(onlyLocal.findValuesAsText("scope")).containsOnly("LOCAL");
    }

    @Test
    void recallWithNothingToFindSaysSo() {
        McpSchema.CallToolResult nothing = call(empty, "recall_memory", Map.of("query", "anything at all"));
        assertThat(nothing.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(text(nothing)).isEqualTo("No memories found.");
        assertThat(nothing.structuredContent()).isNull();
    }

    @Test
    void globalScopeIsRefusedAtTheBridge() {
        McpSchema.CallToolResult orgWrite = call(
                rootAgent,
                "commit_memory_v2",
                Map.of("content", "Org policy: all laptops are encrypted.", "namespace", "org:" + root));
        assertThat(orgWrite.isError()).as(text(orgWrite)).isNotEqualTo(Boolean.TRUE);
        for (McpSyncClient c : List.of(agent, rootAgent)) {
            McpSchema.CallToolResult commit =
                    call(c, "commit_memory", Map.of("content", "global note", "scope", "GLOBAL"));
            assertThat(commit.isError()).isTrue();
            assertThat(text(commit)).contains("GLOBAL");
            McpSchema.CallToolResult recall =
                    call(c, "recall_memory", Map.of("query", "laptops encrypted", "scope", "GLOBAL"));
            assertThat(recall.isError()).isTrue();
            assertThat(text(recall)).contains("GLOBAL").doesNotContain("encrypted.");
        }
        long global = gw.db()
                .executeTransactionally(
                        "MATCH (m:Memory {namespace: $ns}) WHERE m.content = " + "'global note' RETURN count(m) AS n",
                        Map.of("ns", "org:" + root),
                        r -> (Long) r.next().get("n"));
        assertThat(global).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void forgetTakesTheNamespaceWhenAnIdIsInSeveral() {
        String id = "dup-" + System.nanoTime();
        for (String ns : List.of("workspace:" + root, "team:" + root)) {
            McpSchema.CallToolResult r = call(
                    rootAgent,
                    "commit_memory_v2",
                    Map.of("id", id, "namespace", ns, "content", "Copy of the note in " + ns));
            assertThat(r.isError()).as(text(r)).isNotEqualTo(Boolean.TRUE);
        }
        McpSchema.CallToolResult ambiguous = call(rootAgent, "forget_memory", Map.of("id", id));
        assertThat(ambiguous.isError()).isTrue();
        assertThat(text(ambiguous)).startsWith("ambiguous_id");

        McpSchema.CallToolResult forgotten =
                call(rootAgent, "forget_memory", Map.of("id", id, "namespace", "team:" + root));
        assertThat(forgotten.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat((Map<String, Object>) forgotten.structuredContent())
                .containsEntry("forgotten", true)
                .containsEntry("id", id);
        long left = gw.db()
                .executeTransactionally(
                        "MATCH (m:Memory {id: $id}) WHERE m.status = 'active' " + "RETURN collect(m.namespace) AS ns",
                        Map.of("id", id),
                        r -> ((List<?>) r.next().get("ns")).size());
        assertThat(left).isEqualTo(1);
        McpSchema.Tool forget = agent.listTools().tools().stream()
                .filter(t -> t.name().equals("forget_memory"))
                .findFirst()
                .orElseThrow();
        assertThat((Map<String, Object>) forget.inputSchema().get("properties")).containsKey("namespace");
    }

    @Test
    void aBadExpiryIsRefusedWithTheDocumentedText() {
        for (String bad : List.of("tomorrow", "2027-13-01", "1700000000")) {
            McpSchema.CallToolResult r =
                    call(agent, "commit_memory_v2", Map.of("content", "expiring note", "expires_at", bad));
            assertThat(r.isError()).isTrue();
            assertThat(text(r)).contains("invalid expires_at: must be RFC3339");
        }
        McpSchema.CallToolResult past = call(
                agent, "commit_memory_v2", Map.of("content", "expired note", "expires_at", "2001-01-01T00:00:00Z"));
        assertThat(past.isError()).isTrue();
        assertThat(text(past)).contains("invalid expires_at: must be in the future");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCommitWithAnExistingIdUpdatesIt() throws Exception {
        String id = "mcp-upsert-" + System.nanoTime();
        assertThat((Map<String, Object>) call(
                                agent,
                                "commit_memory_v2",
                                Map.of("id", id, "content", "The release train leaves at 10:00."))
                        .structuredContent())
                .containsEntry("created", true);
        McpSchema.CallToolResult again =
                call(agent, "commit_memory_v2", Map.of("id", id, "content", "The release train leaves at 11:00."));
        assertThat((Map<String, Object>) again.structuredContent())
                .containsEntry("created", false)
                .containsEntry("updated", true);
        JsonNode list = Json.MAPPER.readTree(text(
                call(agent, "recall_memory", Map.of("query", "when does the release train leave", "scope", "LOCAL"))));
        assertThat(list.findValuesAsText("content"))
                .contains("The release train leaves at 11:00.")
                .doesNotContain("The release train leaves at 10:00.");
    }
}
