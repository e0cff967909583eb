package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.TestGateway;
import org.mnemo.gateway.web.Json;

/**
 * ./mnemo token, user and status as an operator runs them — real processes with MNEMO_URL and MNEMO_TOKEN against
 * the real gateway — and as an attacker would: the gateway, not the CLI, decides what a token may do.
 */
class OperatorCommandsTest {
    private static final String NOWHERE = "http://127.0.0.1:9";
    private final TestGateway gw = TestGateway.get();

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void tokenCreatePrintsATokenThatWorksListShowsItMaskedAndRevokeEndsIt() throws Exception {
        String user = id("tok");
        String parent = gw.user(user);
        String library = gw.post("/library/api/libraries/", parent, Map.of("name", user, "library_type", "technical"))
                .json()
                .path("uid")
                .asText();

        CliProcess.Run created = CliProcess.run(
                CliProcess.env(gw.url(""), parent),
                null,
                "token",
                "create",
                "--name",
                "laptop",
                "--library",
                library,
                "--tool",
                "search",
                "--tool",
                "list_libraries");
        assertThat(created.exit()).as(created.err()).isZero();
        String token = created.out().strip();
        assertThat(token).startsWith("mnemo_").doesNotContain("\n");
        assertThat(created.err())
                .contains("'laptop' for " + user)
                .contains("libraries " + library)
                .contains("tools search,list_libraries")
                .doesNotContain(token);
        assertThat(gw.get("/library/api/libraries/", token)
                        .json()
                        .path("results")
                        .findValuesAsText("uid"))
                .containsExactly(library);

        CliProcess.Run listed = CliProcess.run(CliProcess.env(gw.url(""), parent), null, "token", "list");
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.out())
                .startsWith("ID")
                .contains("laptop")
                .contains(token.substring(0, 8))
                .doesNotContain(token);
        String tokenId = listed.out()
                .lines()
                .filter(l -> l.contains("laptop"))
                .findFirst()
                .orElseThrow()
                .split("\\s+")[0];
        assertThat(tokenId).startsWith("tok_");
        JsonNode asJson =
                Json.MAPPER.readTree(CliProcess.run(CliProcess.env(gw.url(""), parent), null, "token", "list", "--json")
                        .out());
        assertThat(asJson.path("results").findValuesAsText("id")).contains(tokenId);

        CliProcess.Run revoked = CliProcess.run(CliProcess.env(gw.url(""), parent), null, "token", "revoke", tokenId);
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("Revoked " + tokenId);
        assertThat(gw.get("/library/api/libraries/", token).status()).isEqualTo(401);
        assertThat(gw.get("/library/api/libraries/", parent).status()).isEqualTo(200);
    }

    @Test
    void theGatewayRefusesWhatTheTokenMayNotDoAndNothingIsWritten() throws Exception {
        String user = id("narrow");
        String owner = gw.user(user);
        String library = gw.post("/library/api/libraries/", owner, Map.of("name", user, "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        String narrow = gw.post("/api/tokens/", owner, Map.of("name", "narrow", "allowed_libraries", List.of(library)))
                .json()
                .path("token")
                .asText();
        int before = gw.get("/api/tokens/", owner).json().path("results").size();

        // Wider than the token that asks: refused by the gateway, with its code, and nothing is created.
        CliProcess.Run wider = CliProcess.run(
                CliProcess.env(gw.url(""), narrow), null, "token", "create", "--name", "escape", "--library", "*");
        assertThat(wider.exit()).isEqualTo(1);
        assertThat(wider.out()).isEmpty();
        assertThat(wider.err()).contains("403").contains("token_wider_than_parent");
        assertThat(gw.get("/api/tokens/", owner).json().path("results").size()).isEqualTo(before);

        // Another user's token: the same 404 as a token that does not exist, and it keeps working.
        String other = gw.user(id("other"));
        String otherId = gw.get("/api/tokens/", other)
                .json()
                .path("results")
                .get(0)
                .path("id")
                .asText();
        CliProcess.Run foreign = CliProcess.run(CliProcess.env(gw.url(""), owner), null, "token", "revoke", otherId);
        CliProcess.Run missing =
                CliProcess.run(CliProcess.env(gw.url(""), owner), null, "token", "revoke", "tok_" + UUID.randomUUID());
        assertThat(foreign.exit()).isEqualTo(1);
        assertThat(foreign.err()).contains("404 not_found");
        assertThat(missing.err().replace(otherId, "X")).contains("404 not_found");
        assertThat(gw.get("/library/api/libraries/", other).status()).isEqualTo(200);

        // Only the admin creates users.
        String squatted = id("squat");
        CliProcess.Run notAdmin = CliProcess.run(CliProcess.env(gw.url(""), owner), null, "user", "create", squatted);
        assertThat(notAdmin.exit()).isEqualTo(1);
        assertThat(notAdmin.err()).contains("403");
        assertThat(gw.get("/api/users/", TestGateway.ADMIN_TOKEN)
                        .json()
                        .path("results")
                        .findValuesAsText("id"))
                .doesNotContain(squatted);

        // No token at all: the CLI says where one comes from before asking anything.
        CliProcess.Run none = CliProcess.run(CliProcess.env(gw.url(""), null), null, "token", "list");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("MNEMO_TOKEN").contains("./mnemo token create");
    }

    @Test
    void userCreateMakesAUserWhoseFirstTokenWorks() throws Exception {
        String user = id("ann");
        CliProcess.Run created = CliProcess.run(
                CliProcess.env(gw.url(""), TestGateway.ADMIN_TOKEN),
                null,
                "user",
                "create",
                user,
                "--name",
                "Ann Example");
        assertThat(created.exit()).as(created.err()).isZero();
        String token = created.out().strip();
        assertThat(token).startsWith("mnemo_");
        assertThat(created.err())
                .contains("Created user " + user + " (Ann Example)")
                .doesNotContain(token);
        assertThat(gw.post("/library/api/libraries/", token, Map.of("name", "mine", "library_type", "technical"))
                        .status())
                .isEqualTo(201);

        CliProcess.Run again =
                CliProcess.run(CliProcess.env(gw.url(""), TestGateway.ADMIN_TOKEN), null, "user", "create", user);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("409 user_exists");

        CliProcess.Run service = CliProcess.run(
                CliProcess.env(gw.url(""), TestGateway.ADMIN_TOKEN),
                null,
                "user",
                "create",
                id("svc"),
                "--service",
                "--capability",
                "manage_workspaces",
                "--json");
        assertThat(service.exit()).as(service.err()).isZero();
        JsonNode account = Json.MAPPER.readTree(service.out());
        assertThat(account.path("role").asText()).isEqualTo("service");
        assertThat(account.path("token").path("token").asText()).startsWith("mnemo_");
    }

    @Test
    void statusShowsServerSchemaQueueWorkersAndWhatTheTokenCanCount() throws Exception {
        String user = id("status");
        String token = gw.user(user);
        String library = gw.post("/library/api/libraries/", token, Map.of("name", user, "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        assertThat(gw.post(
                                "/library/api/items/",
                                token,
                                Map.of(
                                        "library_uid",
                                        library,
                                        "title",
                                        "Tides",
                                        "text",
                                        "Spring tides occur when the sun and the moon align."))
                        .status())
                .isIn(200, 201);

        CliProcess.Run anonymous = CliProcess.run(CliProcess.env(gw.url(""), null), null, "status");
        assertThat(anonymous.exit()).as(anonymous.out() + anonymous.err()).isZero();
        assertThat(anonymous.out())
                .contains("Server")
                .contains(gw.url("") + "  ready")
                .containsPattern("Neo4j +ok")
                .containsPattern("Schema +ok")
                .containsPattern("Embedder +ok")
                .containsPattern("Workers +\\d+ of \\d+ alive")
                .containsPattern("Queue +\\d+ queued")
                .contains("set MNEMO_TOKEN");

        CliProcess.Run counted = CliProcess.run(CliProcess.env(gw.url(""), token), null, "status");
        assertThat(counted.exit()).as(counted.err()).isZero();
        assertThat(counted.out()).containsPattern("Counts +1 libraries, 1 items, [1-9]\\d* chunks, 0 failed jobs");

        JsonNode json = Json.MAPPER.readTree(CliProcess.run(CliProcess.env(gw.url(""), token), null, "status", "--json")
                .out());
        assertThat(json.path("ready").path("status").asText()).isEqualTo("ready");
        assertThat(json.path("counts").path("libraries").asInt()).isEqualTo(1);

        CliProcess.Run down = CliProcess.run(CliProcess.env(NOWHERE, token), null, "status");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.out()).isEmpty();
        assertThat(down.err()).contains("cannot reach the gateway at " + NOWHERE);
    }
}
