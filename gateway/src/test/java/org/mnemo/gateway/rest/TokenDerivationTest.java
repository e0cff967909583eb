package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A token made by a token is never wider than it — libraries, tools, workspaces, expiry — and lives only as long
 * as it; a restricted token (even the admin's) does only what it lists, over REST as over MCP.
 */
class TokenDerivationTest {
    private final TestGateway gw = TestGateway.get();

    private TestGateway.Response mint(String parent, Map<String, Object> body) {
        Map<String, Object> request = new java.util.HashMap<>(body);
        request.putIfAbsent("name", "derived");
        return gw.post("/api/tokens/", parent, request);
    }

    private static void wider(TestGateway.Response r, String field) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("token_wider_than_parent");
        assertThat(r.json().path("detail").asText()).contains(field);
    }

    @Test
    void aDerivedTokenIsNeverWiderThanItsParent() {
        String user = gw.user("deriver");
        String lib = gw.post(
                        "/library/api/libraries/", user, Map.of("name", "deriver shelf", "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        String expires = Instant.now()
                .plus(2, ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        TestGateway.Response narrow = mint(
                user,
                Map.of(
                        "allowed_libraries",
                        List.of(lib),
                        "allowed_tools",
                        List.of("search", "manage_tokens", "list_libraries"),
                        "expires_at",
                        expires,
                        "workspace_ids",
                        List.of()));
        assertThat(narrow.status()).isEqualTo(201);
        String parent = narrow.json().path("token").asText();

        wider(mint(parent, Map.of("allowed_libraries", List.of("*"))), "allowed_libraries");
        wider(mint(parent, Map.of("allowed_libraries", List.of(lib, "some-other-library"))), "allowed_libraries");
        wider(mint(parent, Map.of("allowed_tools", List.of())), "allowed_tools");
        wider(mint(parent, Map.of("allowed_tools", List.of("search", "manage_libraries"))), "allowed_tools");
        wider(
                mint(
                        parent,
                        Map.of(
                                "expires_at",
                                Instant.now().plus(30, ChronoUnit.DAYS).toString())),
                "expires_at");
        wider(mint(parent, Map.of("workspace_ids", List.of("anything"))), "workspace_ids");

        // Left out, a field is inherited; narrower is fine.
        TestGateway.Response child = mint(parent, Map.of("allowed_tools", List.of("search")));
        assertThat(child.status()).isEqualTo(201);
        assertThat(child.json().path("allowed_libraries").findValuesAsText("")).isEmpty();
        assertThat(child.json().path("allowed_libraries").get(0).asText()).isEqualTo(lib);
        assertThat(child.json().path("expires_at").asText()).startsWith(expires.substring(0, 16));
        String childToken = child.json().path("token").asText();
        assertThat(gw.post("/library/api/search/", childToken, Map.of("query", "x"))
                        .status())
                .isEqualTo(200);

        // Revoking the parent revokes what was made from it.
        assertThat(gw.delete("/api/tokens/" + narrow.json().path("id").asText() + "/", user)
                        .status())
                .isEqualTo(204);
        TestGateway.Response dead = gw.post("/library/api/search/", childToken, Map.of("query", "x"));
        assertThat(dead.status()).isEqualTo(401);
        assertThat(dead.code()).isEqualTo("token_revoked");
    }

    @Test
    void aSearchOnlyTokenDoesNothingElseOverRest() {
        String user = gw.user("narrow-owner");
        String searchOnly = mint(user, Map.of("allowed_libraries", List.of(), "allowed_tools", List.of("search")))
                .json()
                .path("token")
                .asText();
        assertThat(gw.post("/library/api/search/", searchOnly, Map.of("query", "x"))
                        .status())
                .isEqualTo(200);
        for (TestGateway.Response refused : List.of(
                mint(searchOnly, Map.of("allowed_libraries", List.of("*"))),
                gw.post("/library/api/libraries/", searchOnly, Map.of("name", "n", "library_type", "technical")),
                gw.get("/library/api/libraries/", searchOnly),
                gw.get("/api/tokens/", searchOnly))) {
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.code()).isEqualTo("tool_not_allowed");
        }
    }

    @Test
    void anAdminTokenWithRestrictionsIsNotTheAdmin() {
        String restricted = mint(
                        TestGateway.ADMIN_TOKEN,
                        Map.of(
                                "allowed_libraries",
                                List.of(),
                                "allowed_tools",
                                List.of("search", "admin", "manage_tokens")))
                .json()
                .path("token")
                .asText();
        TestGateway.Response user = gw.post("/api/users/", restricted, Map.of("id", "made-by-restricted", "name", "x"));
        assertThat(user.status()).isEqualTo(403);
        assertThat(user.code()).isEqualTo("admin_required");
        assertThat(gw.get("/api/memory/export/?namespace=org:anything", restricted)
                        .code())
                .isEqualTo("admin_required");
        assertThat(gw.get("/api/users/", restricted).status()).isEqualTo(403);
        TestGateway.Response forSomeone = mint(restricted, Map.of("owner", "deriver"));
        assertThat(forSomeone.status()).isEqualTo(403);
        // It reads only what it lists: nothing.
        assertThat(gw.post("/library/api/search/", restricted, Map.of("query", "turbine"))
                        .json()
                        .path("candidates"))
                .isEmpty();
    }

    @Test
    void usersMayNotAskForEveryWorkspace() {
        String user = gw.user("star-asker");
        TestGateway.Response star = mint(user, Map.of("workspace_ids", List.of("*")));
        assertThat(star.status()).isEqualTo(403);
        assertThat(star.code()).isEqualTo("workspace_forbidden");
        TestGateway.Response foreign = mint(user, Map.of("workspace_ids", List.of("ws-someone-elses")));
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.code()).isEqualTo("workspace_forbidden");
        gw.grant("ws-star-asker", "star-asker", "writer");
        assertThat(mint(user, Map.of("workspace_ids", List.of("ws-star-asker"))).status())
                .isEqualTo(201);
    }
}
