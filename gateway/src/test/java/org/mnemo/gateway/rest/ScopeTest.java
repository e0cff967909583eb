package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Fail-closed scope with two users, a team and per-turn JWTs: nobody sees a library they were not granted —
 * in search, chunk lookup, listings or by id — and changes to grants count on the very next request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopeTest {
    private final TestGateway gw = TestGateway.get();
    private String alice;
    private String bob;
    private String aliceLibrary;
    private String bobLibrary;
    private String bobChunk;
    private String bobItem;
    private String bobCollection;

    @BeforeAll
    void twoUsersWithAWorkspaceEach() {
        alice = gw.user("alice");
        bob = gw.user("bob");
        // Workspaces are the admin's (or a service's) to give: each user owns the one granted to it.
        gw.grant("ws-alice", "alice", "owner");
        gw.grant("ws-bob", "bob", "owner");
        aliceLibrary = workspace(
                alice, "ws-alice", "Alice notes", "The orchard keeps heirloom quince trees pruned in late winter.");
        bobLibrary = workspace(
                bob,
                "ws-bob",
                "Bob notes",
                "The orchard keeps heirloom quince varieties grafted onto hawthorn rootstock.");
        JsonNode hits = gw.post("/library/api/search/", bob, Map.of("query", "heirloom quince orchard"))
                .json()
                .path("candidates");
        bobChunk = hits.get(0).path("chunk_uid").asText();
        bobItem = hits.get(0).path("item_uid").asText();
        bobCollection = hits.get(0).path("collection_uid").asText();
    }

    private String workspace(String token, String id, String name, String text) {
        String library = gw.post(
                        "/library/api/workspaces/",
                        token,
                        Map.of("workspace_id", id, "name", name, "library_type", "nonfiction"))
                .json()
                .path("library_uid")
                .asText();
        assertThat(gw.post("/library/api/items/", token, Map.of("library_uid", library, "title", name, "text", text))
                        .status())
                .isEqualTo(201);
        return library;
    }

    private List<String> searchLibraries(String token) {
        TestGateway.Response r = gw.post("/library/api/search/", token, Map.of("query", "heirloom quince orchard"));
        assertThat(r.status()).isEqualTo(200);
        List<String> libraries = new ArrayList<>();
        r.json()
                .path("candidates")
                .forEach(c -> libraries.add(c.path("library_uid").asText()));
        return libraries;
    }

    @Test
    void eachUserSeesOnlyTheirOwnLibraries() {
        assertThat(searchLibraries(alice)).isNotEmpty().containsOnly(aliceLibrary);
        assertThat(searchLibraries(bob)).isNotEmpty().containsOnly(bobLibrary);

        assertThat(gw.get("/library/api/chunks/" + bobChunk + "/", alice).status())
                .isEqualTo(404);
        assertThat(gw.get("/library/api/chunks/" + bobChunk + "/", bob).status())
                .isEqualTo(200);
        assertThat(gw.get("/library/api/items/" + bobItem + "/", alice).status())
                .isEqualTo(404);
        assertThat(gw.get("/library/api/collections/" + bobCollection + "/", alice)
                        .status())
                .isEqualTo(404);
        assertThat(gw.get("/library/api/libraries/" + bobLibrary + "/", alice).status())
                .isEqualTo(404);
        assertThat(gw.get("/library/api/workspaces/ws-bob/", alice).status()).isEqualTo(404);
        assertThat(gw.put("/library/api/workspaces/ws-bob/", alice, Map.of("name", "stolen"))
                        .status())
                .isEqualTo(404);
        assertThat(gw.put("/library/api/libraries/" + bobLibrary + "/", alice, Map.of("name", "stolen"))
                        .status())
                .isEqualTo(404);
        assertThat(gw.post("/library/api/search/", alice, Map.of("query", "quince", "library_uid", bobLibrary))
                        .status())
                .isEqualTo(404);

        assertThat(uids(gw.get("/library/api/libraries/?include_workspace=true", alice)))
                .contains(aliceLibrary)
                .doesNotContain(bobLibrary);
        assertThat(gw.get("/library/api/items/", alice).json().path("results").findValuesAsText("library_uid"))
                .isNotEmpty()
                .containsOnly(aliceLibrary);
        assertThat(gw.get("/library/api/collections/", alice)
                        .json()
                        .path("results")
                        .findValuesAsText("library_uid"))
                .isNotEmpty()
                .containsOnly(aliceLibrary);

        // Deleting someone else's workspace answers 204 and leaves it untouched.
        assertThat(gw.delete("/library/api/workspaces/ws-bob/", alice).status()).isEqualTo(204);
        assertThat(gw.delete("/library/api/items/" + bobItem + "/", alice).status())
                .isEqualTo(404);
        assertThat(gw.get("/library/api/workspaces/ws-bob/", bob)
                        .json()
                        .path("item_count")
                        .asInt())
                .isEqualTo(1);
        assertThat(gw.get("/library/api/workspaces/ws-bob/", bob)
                        .json()
                        .path("name")
                        .asText())
                .isEqualTo("Bob notes");

        // The admin reads everything.
        assertThat(searchLibraries(TestGateway.ADMIN_TOKEN)).contains(aliceLibrary, bobLibrary);
    }

    @Test
    void tokensRestrictedToLibrariesOrToNothing() {
        String none = gw.post("/api/tokens/", alice, Map.of("name", "nothing", "allowed_libraries", List.of()))
                .json()
                .path("token")
                .asText();
        TestGateway.Response empty = gw.post("/library/api/search/", none, Map.of("query", "heirloom quince"));
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.json().path("candidates")).isEmpty();
        assertThat(gw.get("/library/api/libraries/?include_workspace=true", none)
                        .json()
                        .path("results"))
                .isEmpty();

        // A token may name a foreign library; it still reads only what its owner may read.
        String greedy = gw.post(
                        "/api/tokens/",
                        alice,
                        Map.of("name", "greedy", "allowed_libraries", List.of(aliceLibrary, bobLibrary)))
                .json()
                .path("token")
                .asText();
        assertThat(searchLibraries(greedy)).isNotEmpty().containsOnly(aliceLibrary);
    }

    @Test
    void teamsReadTheirOwnersAssignedWorkspacesAndChangesCountAtOnce() {
        String teamId = UUID.randomUUID().toString();
        String jwt = gw.post("/mcp_server/api/teams/", alice, Map.of("id", teamId, "name", "Alice's team"))
                .json()
                .path("jwt")
                .asText();
        assertThat(searchLibraries(jwt)).isEmpty();

        // A team can be given only workspaces its owner holds: Bob's, or one that does not exist, are refused alike.
        for (String foreign : List.of("ws-bob", "ws-does-not-exist")) {
            TestGateway.Response refused = gw.put(
                    "/mcp_server/api/teams/" + teamId + "/workspaces/",
                    alice,
                    Map.of("workspace_ids", List.of("ws-alice", foreign)));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.code()).isEqualTo("workspace_forbidden");
        }
        assertThat(searchLibraries(jwt)).isEmpty();
        TestGateway.Response assigned = gw.put(
                "/mcp_server/api/teams/" + teamId + "/workspaces/",
                alice,
                Map.of("workspace_ids", List.of("ws-alice")));
        assertThat(assigned.status()).isEqualTo(200);
        assertThat(assigned.json().path("workspace_ids")).hasSize(1);
        assertThat(searchLibraries(jwt)).isNotEmpty().containsOnly(aliceLibrary);
        assertThat(gw.get("/library/api/chunks/" + bobChunk + "/", jwt).status())
                .isEqualTo(404);

        // Team JWTs read; they do not manage.
        TestGateway.Response write =
                gw.post("/library/api/libraries/", jwt, Map.of("name", "x", "library_type", "nonfiction"));
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.code()).isEqualTo("read_only_credential");

        assertThat(gw.put("/mcp_server/api/teams/" + teamId + "/workspaces/", alice, Map.of("workspace_ids", List.of()))
                        .status())
                .isEqualTo(200);
        assertThat(searchLibraries(jwt)).isEmpty();

        // Teams are owner-scoped.
        assertThat(gw.get("/mcp_server/api/teams/" + teamId + "/", bob).status())
                .isEqualTo(404);
        assertThat(gw.delete("/mcp_server/api/teams/" + teamId + "/", bob).status())
                .isEqualTo(404);
        assertThat(gw.post("/mcp_server/api/teams/", bob, Map.of("id", teamId, "name", "mine"))
                        .code())
                .isEqualTo("owner_conflict");
        assertThat(gw.post("/mcp_server/api/teams/" + teamId + "/rotate/", bob, null)
                        .code())
                .isEqualTo("owner_conflict");
        TestGateway.Response team = gw.get("/mcp_server/api/teams/" + teamId + "/", alice);
        assertThat(team.json().path("active").asBoolean()).isTrue();
        assertThat(team.json().path("name").asText()).isEqualTo("Alice's team");
    }

    @Test
    void daedalusTurnJwtsReadExactlyTheirLibsAmongTheServiceAccountsOwn() {
        String d1 = workspace(
                gw.daedalus,
                "ws-daedalus-1",
                "Daedalus one",
                "The orchard's heirloom quince harvest is logged by Daedalus.");
        workspace(
                gw.daedalus,
                "ws-daedalus-2",
                "Daedalus two",
                "The orchard's heirloom quince prices are tracked by Daedalus.");
        assertThat(searchLibraries(Jwt.daedalus(List.of(d1), Duration.ofMinutes(5))))
                .isNotEmpty()
                .containsOnly(d1);
        assertThat(searchLibraries(Jwt.daedalus(List.of("ws-daedalus-1"), Duration.ofMinutes(5))))
                .isNotEmpty()
                .containsOnly(d1);
        // Its claims are authoritative for what they name, and nothing more: users' libraries are not Daedalus'.
        assertThat(searchLibraries(Jwt.daedalus(List.of(bobLibrary, "ws-alice"), Duration.ofMinutes(5))))
                .isEmpty();
        String nothing = Jwt.daedalus(List.of(), Duration.ofMinutes(5));
        assertThat(searchLibraries(nothing)).isEmpty();
        // The same JWT serves several calls within its turn.
        assertThat(gw.get("/library/api/libraries/", nothing).status()).isEqualTo(200);
        assertThat(gw.get("/library/api/libraries/", nothing).status()).isEqualTo(200);
    }

    private static List<String> uids(TestGateway.Response r) {
        assertThat(r.status()).isEqualTo(200);
        return r.json().path("results").findValuesAsText("uid");
    }
}
