package org.mnemo.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpSyncClient;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.mcp.McpTestClients;
import org.mnemo.gateway.rest.ApiClient;
import org.mnemo.gateway.rest.TestGateway;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An AtoCore client against /atocore/: the payloads it sends and the fields it reads, written from the documented
 * shapes (docs/context.md) — register a project, curate state, build a pack, record the interaction, review the
 * candidates — and what another principal, a narrowed token and an unauthenticated caller get.
 */
class AtoCoreContractTest {
    private final TestGateway gw = TestGateway.get();

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A user with a library holding the project's notes; returns {token, library uid}. */
    private String[] userWithNotes() {
        String token = gw.user(unique("ato-user"));
        String library = gw.post(
                        "/library/api/libraries/",
                        token,
                        Map.of("name", unique("p05-notes"), "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        TestGateway.Response item = gw.post(
                "/library/api/items/",
                token,
                Map.of(
                        "library_uid",
                        library,
                        "title",
                        "optics-notes.md",
                        "text",
                        "# Telescope p05\n\n## Mirror\nThe primary mirror is a 300 mm "
                                + "f/4 paraboloid; it is figured with a Foucault tester and coated with protected aluminium."
                                + "\n\n## Mount\nThe mount is an equatorial fork driven by stepper motors."));
        assertThat(item.status()).as(item.raw().body()).isEqualTo(201);
        return new String[] {token, library};
    }

    @Test
    void anAtoCoreClientRunsItsWholeLoop() {
        String[] user = userWithNotes();
        String token = user[0];
        String id = unique("P05-Telescope");

        TestGateway.Response registered = gw.post(
                "/atocore/projects/register",
                token,
                Map.of(
                        "id",
                        id,
                        "aliases",
                        List.of("p05", id + "-scope"),
                        "description",
                        "Amateur telescope build",
                        "ingest_roots",
                        List.of(),
                        "libraries",
                        List.of(user[1])));
        assertThat(registered.status()).as(registered.raw().body()).isEqualTo(201);
        assertThat(registered.json().path("id").asText()).isEqualTo(id);
        // A second registration of a taken alias is refused, naming the holder the caller owns.
        TestGateway.Response taken = gw.post(
                "/atocore/projects/register",
                token,
                Map.of("id", unique("other"), "aliases", List.of(id.toLowerCase())));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.code()).isEqualTo("alias_taken");
        JsonNode proposal = gw.post(
                        "/atocore/projects/proposal",
                        token,
                        Map.of("id", unique("new"), "aliases", List.of(id.toUpperCase())))
                .json();
        assertThat(proposal.path("valid").asBoolean()).isFalse();
        assertThat(proposal.path("conflicts").get(0).path("project").asText()).isEqualTo(id);
        assertThat(gw.get("/atocore/projects/template", token)
                        .json()
                        .path("state_categories")
                        .size())
                .isEqualTo(6);
        assertThat(gw.get("/atocore/projects", token).json().path("projects").findValuesAsText("id"))
                .containsExactly(id);
        assertThat(gw.put(
                                "/atocore/projects/" + id.toUpperCase(),
                                token,
                                Map.of("status", "active", "description", "Telescope build, 300 mm"))
                        .json()
                        .path("description")
                        .asText())
                .isEqualTo("Telescope build, 300 mm");

        assertThat(gw.post(
                                "/atocore/project/state",
                                token,
                                Map.of(
                                        "project",
                                        "P05",
                                        "category",
                                        "decision",
                                        "key",
                                        "coating",
                                        "value",
                                        "protected aluminium",
                                        "source",
                                        "build log"))
                        .status())
                .isEqualTo(200);
        gw.post(
                "/atocore/project/state",
                token,
                Map.of("project", "p05", "category", "next_step", "key", "test", "value", "star test on Vega"));
        JsonNode state = gw.get("/atocore/project/state/p05", token).json();
        assertThat(state.path("project").asText()).isEqualTo(id);
        assertThat(state.path("state").findValuesAsText("value"))
                .containsExactlyInAnyOrder("protected aluminium", "star test on Vega");
        assertThat(gw.send(
                                "DELETE",
                                "/atocore/project/state",
                                token,
                                Map.of("project", "p05", "category", "next_step", "key", "test"))
                        .json()
                        .path("invalidated")
                        .asBoolean())
                .isTrue();
        assertThat(gw.get("/atocore/project/state/p05?include_history=true", token)
                        .json()
                        .path("state")
                        .findValuesAsText("status"))
                .contains("superseded");
        assertThat(gw.post(
                                "/atocore/project/state",
                                token,
                                Map.of("project", "p05", "category", "mood", "key", "k", "value", "v"))
                        .status())
                .isEqualTo(400);

        TestGateway.Response memory = gw.post(
                "/atocore/memory",
                token,
                Map.of(
                        "content",
                        "The primary mirror is figured with a Foucault tester",
                        "memory_type",
                        "knowledge",
                        "project",
                        "p05"));
        assertThat(memory.status()).as(memory.raw().body()).isEqualTo(201);
        String memoryId = memory.json().path("id").asText();

        JsonNode pack = gw.post(
                        "/atocore/context/build",
                        token,
                        Map.of("prompt", "How is the primary mirror " + "figured?", "project", "P05", "budget", 1500))
                .json();
        String text = pack.path("formatted_context").asText();
        assertThat(text)
                .startsWith("--- Trusted Project State ---\n[decision] coating: protected aluminium\n")
                .contains("--- Project Memories ---\n[knowledge] The primary mirror is figured")
                .contains("--- Source Chunks ---\n[optics-notes.md > Telescope p05]\n> # Telescope p05");
        assertThat(pack.path("total_chars").asInt()).isEqualTo(text.length()).isLessThanOrEqualTo(1500);
        assertThat(pack.path("budget_remaining").asInt()).isEqualTo(1500 - text.length());
        assertThat(pack.path("chunks").get(0).path("source_file").asText()).isEqualTo("optics-notes.md");
        assertThat(pack.path("memories_used").asInt()).isEqualTo(1);
        assertThat(gw.get("/atocore/debug/context", token)
                        .json()
                        .path("pack_id")
                        .asText())
                .isEqualTo(pack.path("pack_id").asText());
        assertThat(gw.post("/atocore/query", token, Map.of("prompt", "stepper motors", "project", "p05", "top_k", 3))
                        .json()
                        .path("results")
                        .get(0)
                        .path("content")
                        .asText())
                .contains("stepper motors");

        TestGateway.Response recorded = gw.post(
                "/atocore/interactions",
                token,
                Map.of(
                        "prompt",
                        "How is the " + "primary mirror figured?",
                        "response",
                        "The primary mirror is figured with a Foucault tester.\n"
                                + "## Decision: order a 300 mm Pyrex blank for the next mirror",
                        "project",
                        "p05",
                        "client",
                        "claude-code",
                        "session_id",
                        "s-42",
                        "pack_id",
                        pack.path("pack_id").asText()));
        assertThat(recorded.status()).as(recorded.raw().body()).isEqualTo(201);
        String interaction = recorded.json().path("id").asText();
        assertThat(recorded.json().path("reinforced").get(0).asText()).isEqualTo(memoryId);
        assertThat(gw.get("/atocore/memory?project=p05&status=active", token)
                        .json()
                        .path("memories")
                        .get(0)
                        .path("reference_count")
                        .asInt())
                .isEqualTo(1);

        JsonNode listed = gw.get("/atocore/interactions?project=P05&session_id=s-42&since=2020-01-01&limit=5000", token)
                .json();
        assertThat(listed.path("interactions").findValuesAsText("id")).containsExactly(interaction);
        assertThat(gw.get("/atocore/interactions?since=yesterday", token).code())
                .isEqualTo("invalid_argument");
        assertThat(gw.get("/atocore/interactions?since=2026-11-26%2010:00:00", token)
                        .status())
                .isEqualTo(200);
        JsonNode one = gw.get("/atocore/interactions/" + interaction, token).json();
        assertThat(one.path("pack_id").asText()).isEqualTo(pack.path("pack_id").asText());
        assertThat(one.path("project").asText()).isEqualTo(id);
        // Reinforcing again does not count the same use twice.
        assertThat(gw.post("/atocore/interactions/" + interaction + "/reinforce", token, Map.of())
                        .json()
                        .path("reinforced")
                        .size())
                .isZero();

        JsonNode candidates = gw.post(
                        "/atocore/interactions/" + interaction + "/extract", token, Map.of("persist", true))
                .json()
                .path("candidates");
        assertThat(candidates.findValuesAsText("memory_type")).containsExactly("adaptation");
        String candidate = candidates.get(0).path("memory_id").asText();
        assertThat(gw.get("/atocore/memory?status=candidate", token)
                        .json()
                        .path("memories")
                        .findValuesAsText("id"))
                .containsExactly(candidate);
        assertThat(gw.put("/atocore/memory/" + candidate, token, Map.of("confidence", 0.8))
                        .json()
                        .path("confidence")
                        .asDouble())
                .isEqualTo(0.8);
        assertThat(gw.post("/atocore/memory/" + candidate + "/promote", token, Map.of())
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("active");
        assertThat(gw.post("/atocore/memory/" + candidate + "/reject", token, Map.of())
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("invalid");
        assertThat(gw.post("/atocore/memory/" + candidate + "/promote", token, Map.of())
                        .status())
                .isEqualTo(409);

        JsonNode health = gw.get("/atocore/health", token).json();
        assertThat(health.path("status").asText()).isEqualTo("ok");
        assertThat(health.path("version").asText()).isNotBlank();
        assertThat(health.path("build_sha").asText()).isNotBlank();
        assertThat(health.path("build_time").asText()).isNotBlank();
        assertThat(health.path("counts").path("projects").asInt()).isEqualTo(1);
        assertThat(gw.get("/atocore/stats", token).json().path("interactions").asInt())
                .isEqualTo(1);
    }

    @Test
    void aRefreshIngestsTheProjectsS3RootsAsJobs() throws Exception {
        String prefix = unique("notes") + "/";
        try (S3Client s3 = TestGateway.s3Client()) {
            for (String[] file : new String[][] {
                {
                    "grinding.md",
                    "# Grinding\n\nThe mirror blank is ground with "
                            + "carborundum grit 80 down to 500 before polishing with cerium oxide on a pitch lap."
                },
                {"log.txt", "Night 3: the Ronchi test shows a turned-down edge."},
                {"tool.exe", "MZ"}
            }) {
                s3.putObject(
                        b -> b.bucket(TestGateway.SOURCE_BUCKET).key(prefix + file[0]),
                        RequestBody.fromString(file[1]));
            }
        }
        String token = gw.daedalus;
        String id = unique("Refresh-Project");
        assertThat(gw.post(
                                "/atocore/projects/register",
                                token,
                                Map.of(
                                        "id",
                                        id,
                                        "ingest_roots",
                                        List.of("s3://daedalus/" + prefix, "/home/me/notes", "s3://no-such-source/x")))
                        .status())
                .isEqualTo(201);

        TestGateway.Response refreshed = gw.post("/atocore/projects/" + id + "/refresh", token, Map.of());
        assertThat(refreshed.status()).as(refreshed.raw().body()).isEqualTo(202);
        JsonNode body = refreshed.json();
        assertThat(body.path("jobs").findValuesAsText("s3_key"))
                .containsExactly(prefix + "grinding.md", prefix + "log.txt");
        assertThat(body.path("skipped").findValuesAsText("source"))
                .containsExactlyInAnyOrder(
                        "/home/me/notes", "s3://no-such-source/x", "s3://daedalus/" + prefix + "tool.exe");
        String library = body.path("library_uid").asText();
        assertThat(gw.get("/atocore/projects", token)
                        .json()
                        .path("projects")
                        .findValues("libraries")
                        .toString())
                .contains(library);
        for (String job : body.path("jobs").findValuesAsText("id")) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!gw.get("/library/api/jobs/" + job + "/", token)
                    .json()
                    .path("status")
                    .asText()
                    .equals("completed")) {
                assertThat(System.currentTimeMillis()).as("job " + job).isLessThan(deadline);
                Thread.sleep(200);
            }
        }
        assertThat(gw.post(
                                "/atocore/context/build",
                                token,
                                Map.of("prompt", "What grit is the blank ground with?", "project", id))
                        .json()
                        .path("formatted_context")
                        .asText())
                .contains("carborundum");
        // Unchanged documents: the same jobs are found, nothing is ingested again.
        assertThat(gw.post("/atocore/projects/" + id + "/refresh", token, Map.of())
                        .json()
                        .path("jobs")
                        .findValuesAsText("created"))
                .containsOnly("false");
        assertThat(gw.post("/atocore/projects/" + id + "/refresh", gw.user(unique("ato-stranger")), Map.of())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void anotherPrincipalsProjectIsNotFoundAnywhere() {
        String[] owner = userWithNotes();
        String id = unique("Secret-Project");
        gw.post(
                "/atocore/projects/register",
                owner[0],
                Map.of("id", id, "aliases", List.of(id + "-alias"), "libraries", List.of(owner[1])));
        gw.post(
                "/atocore/project/state",
                owner[0],
                Map.of("project", id, "category", "fact", "key", "budget", "value", "forty thousand"));
        String memory = gw.post(
                        "/atocore/memory",
                        owner[0],
                        Map.of(
                                "content",
                                "The budget is forty thousand euros",
                                "memory_type",
                                "project",
                                "project",
                                id))
                .json()
                .path("id")
                .asText();
        String interaction = gw.post("/atocore/interactions", owner[0], Map.of("prompt", "budget?", "project", id))
                .json()
                .path("id")
                .asText();

        String other = gw.user(unique("ato-other"));
        assertThat(gw.get("/atocore/project/state/" + id, other).status()).isEqualTo(404);
        assertThat(gw.put("/atocore/projects/" + id, other, Map.of("description", "mine"))
                        .status())
                .isEqualTo(404);
        assertThat(gw.get("/atocore/interactions/" + interaction, other).status())
                .isEqualTo(404);
        assertThat(gw.post("/atocore/memory/" + memory + "/reject", other, Map.of())
                        .status())
                .isEqualTo(404);
        assertThat(gw.put("/atocore/memory/" + memory, other, Map.of("content", "x"))
                        .status())
                .isEqualTo(404);
        assertThat(gw.post("/atocore/interactions/" + interaction + "/extract", other, Map.of())
                        .status())
                .isEqualTo(404);
        assertThat(gw.get("/atocore/projects", other).json().path("projects").size())
                .isZero();
        assertThat(gw.get("/atocore/memory", other).json().path("memories").size())
                .isZero();
        assertThat(gw.get("/atocore/interactions", other)
                        .json()
                        .path("interactions")
                        .size())
                .isZero();
        String pack = gw.post("/atocore/context/build", other, Map.of("prompt", "what is the budget", "project", id))
                .json()
                .path("formatted_context")
                .asText();
        assertThat(pack).doesNotContain("forty thousand");
        // The owner's library is not in the other's scope: a project cannot link it either.
        assertThat(gw.post(
                                "/atocore/projects/register",
                                other,
                                Map.of("id", unique("thief"), "libraries", List.of(owner[1])))
                        .status())
                .isEqualTo(404);
        assertThat(gw.get("/atocore/projects", null).status()).isEqualTo(401);
    }

    @Test
    void aNarrowedTokenBuildsContextButManagesNothing() {
        String token = gw.user(unique("ato-narrow"));
        String narrow = gw.post(
                        "/api/tokens/",
                        token,
                        Map.of("name", "agent", "allowed_tools", List.of("build_context", "record_interaction")))
                .json()
                .path("token")
                .asText();
        assertThat(gw.post("/atocore/context/build", narrow, Map.of("prompt", "anything"))
                        .status())
                .isEqualTo(200);
        assertThat(gw.post("/atocore/interactions", narrow, Map.of("prompt", "anything"))
                        .status())
                .isEqualTo(201);
        TestGateway.Response refused = gw.post("/atocore/projects/register", narrow, Map.of("id", unique("x")));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("tool_not_allowed");
        assertThat(gw.post("/atocore/interactions", narrow, Map.of("prompt", " "))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void theLastPackIsShownOnlyWhileWhatItCitesIsStillReadable() {
        String[] user = userWithNotes();
        String token = user[0];
        String id = unique("Debug-Project");
        gw.post("/atocore/projects/register", token, Map.of("id", id, "libraries", List.of(user[1])));
        JsonNode pack = gw.post("/atocore/context/build", token, Map.of("prompt", "primary mirror", "project", id))
                .json();
        assertThat(pack.path("chunks_used").asInt()).isPositive();
        assertThat(gw.get("/atocore/debug/context", token)
                        .json()
                        .path("pack_id")
                        .asText())
                .isEqualTo(pack.path("pack_id").asText());
        // A token of the same user that reads no library does not get the pack's copy of the text.
        String blind = gw.post("/api/tokens/", token, Map.of("name", "blind", "allowed_libraries", List.of()))
                .json()
                .path("token")
                .asText();
        TestGateway.Response hidden = gw.get("/atocore/debug/context", blind);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.raw().body()).doesNotContain("Foucault");
        // Nor does anyone once the document is gone.
        String item = gw.get("/library/api/items/?library_uid=" + user[1], token)
                .json()
                .path("results")
                .get(0)
                .path("uid")
                .asText();
        assertThat(gw.delete("/library/api/items/" + item + "/", token).status())
                .isEqualTo(204);
        assertThat(gw.get("/atocore/debug/context", token).status()).isEqualTo(404);
    }

    @Test
    void aTokenTheAdminNarrowedWorksInAContextOfItsOwn() {
        String narrowed = gw.post(
                        "/api/tokens/",
                        TestGateway.ADMIN_TOKEN,
                        Map.of("name", "narrow-admin", "allowed_libraries", List.of()))
                .json()
                .path("token")
                .asText();
        String id = unique("Admin-Project");
        assertThat(gw.post("/atocore/projects/register", TestGateway.ADMIN_TOKEN, Map.of("id", id))
                        .status())
                .isEqualTo(201);
        assertThat(gw.get("/atocore/project/state/" + id, narrowed).status()).isEqualTo(404);
        assertThat(gw.get("/atocore/projects", narrowed).json().path("projects").findValuesAsText("id"))
                .doesNotContain(id);
    }

    @Test
    void theLoopbackTokenIsOffByDefaultAndActsAsExactlyItsToken() throws Exception {
        String token = gw.user(unique("ato-loop"));
        String id = unique("Loop-Project");
        gw.post("/atocore/projects/register", token, Map.of("id", id));
        try (Gateway loopback =
                Gateway.start(TestGateway.config(gw.neo4j.boltUri(), Map.of("MNEMO_CONTEXT_LOOPBACK_TOKEN", token)))) {
            ApiClient local = new ApiClient("http://127.0.0.1:" + loopback.port(), TestGateway.ADMIN_TOKEN);
            assertThat(local.get("/atocore/projects", null)
                            .json()
                            .path("projects")
                            .findValuesAsText("id"))
                    .containsExactly(id);
            // Only the context routes: everything else still needs a bearer.
            assertThat(local.get("/library/api/libraries/", null).status()).isEqualTo(401);
        }
    }

    @Test
    void theMcpToolsServeAnAgent() {
        String[] user = userWithNotes();
        String token = user[0];
        String id = unique("Mcp-Project");
        gw.post("/atocore/projects/register", token, Map.of("id", id, "libraries", List.of(user[1])));
        gw.post(
                "/atocore/project/state",
                token,
                Map.of("project", id, "category", "status", "key", "phase", "value", "grinding the mirror"));
        McpSyncClient client = McpTestClients.connect(gw.url(""), token);
        try {
            var tools = client.listTools().tools();
            assertThat(tools)
                    .filteredOn(t ->
                            t.name().equals("get_project_state") || t.name().equals("list_projects"))
                    .allSatisfy(t -> assertThat(t.annotations().readOnlyHint()).isTrue());
            assertThat(tools)
                    .filteredOn(
                            t -> t.name().equals("build_context") || t.name().equals("record_interaction"))
                    .hasSize(2)
                    .allSatisfy(t -> assertThat(t.annotations().readOnlyHint()).isFalse());

            assertThat(McpTestClients.structured(McpTestClients.call(client, "list_projects", Map.of()))
                            .toString())
                    .contains(id);
            assertThat(McpTestClients.structured(
                                    McpTestClients.call(client, "get_project_state", Map.of("project", id)))
                            .toString())
                    .contains("grinding the mirror");
            Map<String, Object> pack = McpTestClients.structured(McpTestClients.call(
                    client,
                    "build_context",
                    Map.of("prompt", "What is the focal ratio of the mirror?", "project", id, "budget", 800)));
            assertThat((String) pack.get("formatted_context"))
                    .startsWith("--- Trusted Project State ---")
                    .contains("f/4");
            Map<String, Object> recorded = McpTestClients.structured(McpTestClients.call(
                    client,
                    "record_interaction",
                    Map.of(
                            "prompt",
                            "focal ratio?",
                            "response",
                            "f/4",
                            "project",
                            id,
                            "pack_id",
                            pack.get("pack_id"))));
            assertThat(recorded.get("id")).isNotNull();
            assertThat(McpTestClients.errorText(
                            McpTestClients.call(client, "get_project_state", Map.of("project", "no-such-project"))))
                    .contains("not_found");
        } finally {
            client.closeGracefully();
        }
    }
}
