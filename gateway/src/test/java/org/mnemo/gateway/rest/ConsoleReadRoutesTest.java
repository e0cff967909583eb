package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The read routes the web console needed — an item's chunks, a chunk's concept neighbours, the caller's teams — and
 * the search weights: each with the authorization of its neighbours (scope, 404 for what is not the caller's).
 */
class ConsoleReadRoutesTest {
    private final TestGateway gw = TestGateway.get();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private String[] libraryWithItem(String token, String text) {
        String library = gw.post(
                        "/library/api/libraries/",
                        token,
                        Map.of("name", "routes " + UUID.randomUUID(), "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        String item = gw.post(
                        "/library/api/items/", token, Map.of("library_uid", library, "title", "Tides", "text", text))
                .json()
                .path("item_uid")
                .asText();
        return new String[] {library, item};
    }

    @Test
    void anItemsChunksComeInDocumentOrderForItsReadersOnly() {
        String ann = gw.user("chunks-ann-" + suffix);
        String bob = gw.user("chunks-bob-" + suffix);
        String paragraph = "Spring tides follow the new and the full moon, when sun and moon pull together. ";
        String item = libraryWithItem(ann, paragraph.repeat(60))[1];

        TestGateway.Response chunks = gw.get("/library/api/items/" + item + "/chunks/?limit=2", ann);
        assertThat(chunks.status()).isEqualTo(200);
        assertThat(chunks.json().path("results")).hasSize(2);
        assertThat(chunks.json().path("results").get(0).path("chunk_index").asInt())
                .isZero();
        assertThat(chunks.json().path("results").get(1).path("chunk_index").asInt())
                .isEqualTo(1);
        assertThat(chunks.json().path("results").get(0).path("text_preview").asText())
                .startsWith("Spring tides");
        assertThat(chunks.json().path("next_offset").asInt()).isEqualTo(2);
        assertThat(gw.get("/library/api/items/" + item + "/chunks/?offset=1&limit=1", ann)
                        .json()
                        .path("results")
                        .get(0)
                        .path("chunk_index")
                        .asInt())
                .isEqualTo(1);

        TestGateway.Response foreign = gw.get("/library/api/items/" + item + "/chunks/", bob);
        TestGateway.Response missing = gw.get("/library/api/items/" + UUID.randomUUID() + "/chunks/", bob);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.code()).isEqualTo(missing.code()).isEqualTo("not_found");
        String listOnly = gw.post("/api/tokens/", ann, Map.of("name", "lister", "allowed_tools", List.of("list_items")))
                .json()
                .path("token")
                .asText();
        assertThat(gw.get("/library/api/items/" + item + "/chunks/", listOnly).code())
                .isEqualTo("tool_not_allowed");
    }

    @Test
    void aChunksNeighboursAreItsReadersOnly() {
        String ann = gw.user("neighbours-ann-" + suffix);
        String bob = gw.user("neighbours-bob-" + suffix);
        String item = libraryWithItem(
                ann, "Neap tides come at the quarter moons; spring tides at new and full " + "moon.")[1];
        String chunk = gw.get("/library/api/items/" + item + "/chunks/", ann)
                .json()
                .path("results")
                .get(0)
                .path("chunk_uid")
                .asText();

        TestGateway.Response neighbours = gw.get("/library/api/chunks/" + chunk + "/neighbors/?limit=5", ann);
        assertThat(neighbours.status()).isEqualTo(200);
        assertThat(neighbours.json().path("start").asText()).isEqualTo(chunk);
        assertThat(neighbours.json().path("neighbors")).isNotEmpty().hasSizeLessThanOrEqualTo(5);
        assertThat(neighbours.json().path("neighbors").get(0).path("kind").asText())
                .isEqualTo("concept");
        assertThat(gw.get("/library/api/chunks/" + chunk + "/neighbors/", bob).code())
                .isEqualTo("not_found");
        assertThat(gw.get("/library/api/chunks/" + chunk + "/neighbors/?depth=9", ann)
                        .code())
                .isEqualTo("invalid_parameter");
    }

    @Test
    void theTeamListingShowsTheCallersTeamsWithoutTheirJwts() {
        String ann = gw.user("teams-ann-" + suffix);
        String bob = gw.user("teams-bob-" + suffix);
        String annTeam = UUID.randomUUID().toString();
        String bobTeam = UUID.randomUUID().toString();
        assertThat(gw.post("/mcp_server/api/teams/", ann, Map.of("id", annTeam, "name", "Ann's agents"))
                        .status())
                .isEqualTo(201);
        assertThat(gw.post("/mcp_server/api/teams/", bob, Map.of("id", bobTeam, "name", "Bob's agents"))
                        .status())
                .isEqualTo(201);

        TestGateway.Response listed = gw.get("/mcp_server/api/teams/", ann);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().path("results").findValuesAsText("id")).containsExactly(annTeam);
        assertThat(listed.raw().body()).doesNotContain("jwt", "owner");
        assertThat(gw.get("/mcp_server/api/teams/", TestGateway.ADMIN_TOKEN)
                        .json()
                        .path("results")
                        .findValuesAsText("id"))
                .contains(annTeam, bobTeam);
        assertThat(gw.get("/mcp_server/api/teams/?owner=teams-bob-" + suffix, TestGateway.ADMIN_TOKEN)
                        .json()
                        .path("results")
                        .findValuesAsText("id"))
                .containsExactly(bobTeam);
        String searchOnly = gw.post("/api/tokens/", ann, Map.of("name", "searcher", "allowed_tools", List.of("search")))
                .json()
                .path("token")
                .asText();
        assertThat(gw.get("/mcp_server/api/teams/", searchOnly).code()).isEqualTo("tool_not_allowed");
    }

    @Test
    void searchTakesTheFusionWeightsAndRefusesOthers() {
        String ann = gw.user("weights-ann-" + suffix);
        String library = libraryWithItem(ann, "Ebb and flood alternate twice a day at most coasts.")[0];
        TestGateway.Response weighted = gw.post(
                "/library/api/search/",
                ann,
                Map.of(
                        "query",
                        "ebb and flood",
                        "library_uid",
                        library,
                        "weights",
                        Map.of("vector", 0, "fulltext", 1)));
        assertThat(weighted.status()).isEqualTo(200);
        assertThat(weighted.json().path("candidates")).isNotEmpty();
        assertThat(gw.post("/library/api/search/", ann, Map.of("query", "tides", "weights", Map.of("colour", 1)))
                        .code())
                .isEqualTo("invalid_field");
        assertThat(gw.post("/library/api/search/", ann, Map.of("query", "tides", "weights", Map.of("vector", 11)))
                        .code())
                .isEqualTo("invalid_field");
        assertThat(gw.post("/library/api/search/", ann, Map.of("query", "tides", "weights", List.of(1)))
                        .code())
                .isEqualTo("invalid_field");
    }

    @Test
    void anS3KeyIsIngestedWithoutItsHashTheGatewayReadsIt() throws Exception {
        String key = "console-" + suffix + "/standby.txt";
        String text = "The standby database is promoted by hand after the on-call engineer confirms the outage.";
        try (software.amazon.awssdk.services.s3.S3Client s3 = TestGateway.s3Client()) {
            s3.putObject(
                    b -> b.bucket(TestGateway.SOURCE_BUCKET).key(key),
                    software.amazon.awssdk.core.sync.RequestBody.fromString(text));
        }
        String library = gw.post(
                        "/library/api/libraries/",
                        gw.daedalus,
                        Map.of("name", "standby " + suffix, "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        TestGateway.Response queued = gw.post(
                "/library/api/ingest/",
                gw.daedalus,
                Map.of("s3_key", key, "library_uid", library, "source", "daedalus"));
        assertThat(queued.status()).as(queued.raw().body()).isEqualTo(202);
        assertThat(queued.json().path("content_hash").asText())
                .isEqualTo(org.mnemo.gateway.auth.Tokens.sha256Hex(
                        text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(queued.json().path("file_type").asText()).isEqualTo("txt");
        assertThat(queued.json().path("file_size").asLong()).isEqualTo(text.length());
        TestGateway.Response missing = gw.post(
                "/library/api/ingest/",
                gw.daedalus,
                Map.of("s3_key", "console-" + suffix + "/no-such.txt", "library_uid", library, "source", "daedalus"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(gw.post(
                                "/library/api/ingest/",
                                gw.daedalus,
                                Map.of(
                                        "s3_key",
                                        "console-" + suffix + "/noext",
                                        "library_uid",
                                        library,
                                        "source",
                                        "daedalus"))
                        .status())
                .isEqualTo(415);
    }
}
