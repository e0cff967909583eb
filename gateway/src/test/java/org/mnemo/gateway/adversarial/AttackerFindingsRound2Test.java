package org.mnemo.gateway.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.TestGateway;

/**
 * Adversarial: the second black-box round (docs/security.md, "Attacker findings"), each reproduced as the attacker
 * did it, each now refused.
 */
class AttackerFindingsRound2Test {
    private final TestGateway gw = TestGateway.get();

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String mint(String parent, Map<String, Object> body) {
        TestGateway.Response r = gw.post("/api/tokens/", parent, body);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return r.json().path("token").asText();
    }

    private static void refusedAsNotFull(TestGateway.Response r) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("full_credential_required");
    }

    @Test
    void r2_1ATokenBoundToALeafDoesNotGovernTheTree() {
        String service = unique("svc-r21");
        String token = gw.service(service);
        String root = unique("r21");
        assertThat(gw.put("/api/memory/workspaces/" + root + "/", token, Map.of("name", "r21"))
                        .status())
                .isEqualTo(200);
        for (String child : List.of("-dev", "-sib")) {
            assertThat(gw.put("/api/memory/workspaces/" + root + child + "/", token, Map.of("parent_id", root))
                            .status())
                    .isEqualTo(200);
        }
        String intruder = unique("r21-mallory");
        gw.user(intruder);
        String leafOnly = mint(token, Map.of("name", "leaf only", "workspace_ids", List.of(root + "-dev")));

        refusedAsNotFull(gw.put(
                "/api/memory/workspaces/" + root + "/members/" + intruder + "/", leafOnly, Map.of("role", "owner")));
        refusedAsNotFull(
                gw.put("/api/memory/workspaces/" + unique("r21-new") + "/", leafOnly, Map.of("parent_id", root)));
        refusedAsNotFull(gw.delete("/api/memory/workspaces/" + root + "-sib/", leafOnly));
        refusedAsNotFull(gw.get("/api/memory/workspaces/" + root + "/", leafOnly));
        refusedAsNotFull(gw.post(
                "/library/api/workspaces/",
                leafOnly,
                Map.of("workspace_id", unique("r21-squat"), "name", "x", "library_type", "technical")));
        // Nothing changed: the sibling is there, the intruder is no member.
        String tree =
                gw.get("/api/memory/workspaces/" + root + "/", token).raw().body();
        assertThat(tree).doesNotContain(intruder);
        assertThat(gw.get("/api/memory/workspaces/" + root + "-sib/", token).status())
                .isEqualTo(200);
        // A derived token as wide as its parent is still no full credential for the tree.
        String copy = mint(token, Map.of("name", "copy"));
        refusedAsNotFull(gw.put(
                "/api/memory/workspaces/" + root + "/members/" + intruder + "/", copy, Map.of("role", "reader")));
    }

    @Test
    void r2_2ANarrowedTokenMakesNoTeamAndATeamJwtEndsWithItsToken() throws Exception {
        String user = unique("r22-bob");
        String full = gw.user(user);
        String workspace = unique("r22-ws");
        gw.grant(workspace, user, "owner");
        String narrow = mint(
                full,
                Map.of("name", "narrow", "allowed_libraries", List.of(), "allowed_tools", List.of("manage_teams")));
        String teamId = unique("r22-team");
        refusedAsNotFull(gw.post("/mcp_server/api/teams/", narrow, Map.of("id", teamId, "name", "outlive")));
        TestGateway.Response made = gw.post("/mcp_server/api/teams/", full, Map.of("id", teamId, "name", "real"));
        assertThat(made.status()).isEqualTo(201);
        refusedAsNotFull(gw.post("/mcp_server/api/teams/" + teamId + "/rotate/", narrow, null));
        refusedAsNotFull(gw.put(
                "/mcp_server/api/teams/" + teamId + "/workspaces/",
                narrow,
                Map.of("workspace_ids", List.of(workspace))));
        refusedAsNotFull(gw.delete("/mcp_server/api/teams/" + teamId + "/", narrow));
        // The owner's JWT still works: nothing was rotated.
        String jwt = made.json().path("jwt").asText();
        assertThat(gw.post("/library/api/search/", jwt, Map.of("query", "anything"))
                        .status())
                .isEqualTo(200);

        // A principal whose own token expires gets team JWTs that expire with it, not ten years later.
        String expiring = unique("r22-eve");
        gw.user(expiring);
        ZonedDateTime end = ZonedDateTime.now(ZoneOffset.UTC).plusHours(2).withNano(0);
        String shortLived = mint(
                TestGateway.ADMIN_TOKEN,
                Map.of(
                        "name",
                        "2h",
                        "owner",
                        expiring,
                        "expires_at",
                        end.toString(),
                        "allowed_libraries",
                        List.of("*"),
                        "workspace_ids",
                        List.of("*")));
        TestGateway.Response team =
                gw.post("/mcp_server/api/teams/", shortLived, Map.of("id", unique("r22-t2"), "name", "short"));
        assertThat(team.status()).as(team.raw().body()).isEqualTo(201);
        Instant exp = SignedJWT.parse(team.json().path("jwt").asText())
                .getJWTClaimsSet()
                .getExpirationTime()
                .toInstant();
        assertThat(exp).isBeforeOrEqualTo(end.toInstant());
    }

    @Test
    void r2_3ANarrowedTokenNeitherListsNorLeavesNorAcceptsMemberships() {
        String user = unique("r23-bob");
        String full = gw.user(user);
        String workspace = unique("r23-ws");
        gw.grant(workspace, user, "owner");
        String narrow = mint(full, Map.of("name", "narrow", "workspace_ids", List.of(workspace)));
        refusedAsNotFull(gw.get("/api/memberships/", narrow));
        refusedAsNotFull(gw.delete("/api/memberships/" + workspace + "/", narrow));
        refusedAsNotFull(gw.post("/api/memberships/" + workspace + "/accept/", narrow, null));
        // Still a member: the full token lists it.
        assertThat(gw.get("/api/memberships/", full).raw().body()).contains(workspace);
    }

    @Test
    void r2_4TheRefNamedNullIsNotTheAbsenceOfARef() {
        String token = gw.user(unique("r24-carol"));
        String library = gw.post(
                        "/library/api/libraries/",
                        token,
                        Map.of("name", unique("r24-lib"), "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        String text = "Carol's note: the backup tapes are in vault 3.";
        TestGateway.Response plain =
                gw.post("/library/api/items/", token, Map.of("library_uid", library, "text", text));
        TestGateway.Response named = gw.post(
                "/library/api/items/", token, Map.of("library_uid", library, "text", text, "source_ref", "null"));
        assertThat(plain.status()).isEqualTo(201);
        assertThat(named.status()).as(named.raw().body()).isEqualTo(201);
        assertThat(named.json().path("item_uid").asText())
                .isNotEqualTo(plain.json().path("item_uid").asText());
        // A new version of the ref "null" replaces only that ref's item.
        TestGateway.Response next = gw.post(
                "/library/api/items/",
                token,
                Map.of("library_uid", library, "text", "A later version of the null-ref note.", "source_ref", "null"));
        assertThat(next.json().path("status").asText()).isEqualTo("superseded");
        assertThat(gw.get("/library/api/items/" + plain.json().path("item_uid").asText() + "/", token)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void r2_5AForgedBookmarkIsRefusedAtOnce() {
        String token = gw.user(unique("r25-user"));
        String forged =
                Base64.getUrlEncoder().withoutPadding().encodeToString("FB:kcwQ8kBC1rZ1RyKxAAAAAAAAAA".getBytes()) + "."
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        // Unsigned, the first would hold the request until the database gave up waiting (then a 500).
        for (String value : List.of(forged, "FB:kcwQ8kBC1rZ1RyKxAAAAAAAAAA", "x.y")) {
            TestGateway.Response r =
                    gw.send("GET", "/library/api/libraries/", token, null, Map.of("X-Mnemo-Bookmark", value));
            assertThat(r.status()).as(value).isEqualTo(400);
            assertThat(r.code()).isEqualTo("invalid_bookmark");
        }
    }

    @Test
    void r2_6ErrorsJettyAnswersItselfAreJsonToo() throws Exception {
        TestGateway.Response big = gw.send(HttpRequest.newBuilder(URI.create(gw.url("/library/api/libraries/")))
                .header("X-Padding", "x".repeat(64 * 1024))
                .GET()
                .build());
        assertThat(big.status()).isEqualTo(431);
        assertThat(big.code()).isEqualTo("headers_too_large");
    }
}
