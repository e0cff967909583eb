package org.mnemo.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.rest.Jwt;
import org.mnemo.gateway.rest.TestGateway;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Daedalus' documented flow, run as Daedalus runs it: through its service account, with a token minted the seed's
 * way (the admin names the owner and an empty {@code allowed_libraries}) — create a workspace, ingest from S3, poll
 * the job, search with per-turn JWTs, teams, delete. Request and response shapes are the seed's.
 */
class DaedalusContractTest {
    private final TestGateway gw = TestGateway.get();

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The admin mints Daedalus' token as the seed does: an owner, a name, and no library to read. */
    private String seedToken() {
        TestGateway.Response minted = gw.post(
                "/api/tokens/",
                TestGateway.ADMIN_TOKEN,
                Map.of(
                        "name",
                        "daedalus-contract",
                        "owner",
                        TestGateway.DAEDALUS_PRINCIPAL,
                        "allowed_libraries",
                        List.of()));
        assertThat(minted.status()).as(minted.raw().body()).isEqualTo(201);
        return minted.json().path("token").asText();
    }

    private static String putSource(String key, String text) {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        try (S3Client s3 = TestGateway.s3Client()) {
            s3.putObject(b -> b.bucket(TestGateway.SOURCE_BUCKET).key(key), RequestBody.fromBytes(content));
        }
        return Tokens.sha256Hex(content);
    }

    private JsonNode awaitJob(String token, String id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            TestGateway.Response job = gw.get("/library/api/jobs/" + id + "/", token);
            assertThat(job.status()).as(job.raw().body()).isEqualTo(200);
            String status = job.json().path("status").asText();
            assertThat(status).isIn("queued", "processing", "completed", "failed");
            if (!status.equals("queued") && !status.equals("processing")) {
                return job.json();
            }
            assertThat(System.currentTimeMillis())
                    .as("job " + id + " did not finish")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void theWholeFlowWithASeedToken() throws Exception {
        String token = seedToken();
        String workspace = unique("daedalus-ws");

        TestGateway.Response created = gw.post(
                "/library/api/workspaces/",
                token,
                Map.of("workspace_id", workspace, "name", "Harbour project", "library_type", "technical"));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        String library = created.json().path("library_uid").asText();
        assertThat(gw.get("/library/api/workspaces/" + workspace + "/", token)
                        .json()
                        .path("library_uid")
                        .asText())
                .isEqualTo(library);

        // A collection, made by the admin, that Daedalus files a document into by uid.
        String collection = gw.post(
                        "/library/api/collections/",
                        TestGateway.ADMIN_TOKEN,
                        Map.of("library_uid", library, "name", "Surveys"))
                .json()
                .path("uid")
                .asText();
        String key = workspace + "/survey.md";
        String text = "# Quay wall survey\n\nDivers found scour at the toe of the quay wall near berth seven; the "
                + "sheet piles show pitting corrosion above the low-water line.";
        String hash = putSource(key, text);
        TestGateway.Response submitted = gw.post(
                "/library/api/ingest/",
                token,
                Map.of(
                        "s3_key",
                        key,
                        "title",
                        "Quay wall survey",
                        "workspace_id",
                        workspace,
                        "file_type",
                        "text/markdown",
                        "file_size",
                        text.getBytes(StandardCharsets.UTF_8).length,
                        "content_hash",
                        hash,
                        "collection_uid",
                        collection));
        assertThat(submitted.status()).as(submitted.raw().body()).isEqualTo(202);
        assertThat(submitted.json().path("status").asText()).isIn("queued", "processing");

        JsonNode job = awaitJob(token, submitted.json().path("id").asText());
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.path("completed_at").isTextual()).isTrue();
        assertThat(job.path("collection_uid").asText()).isEqualTo(collection);
        String item = job.path("item_uid").asText();
        String filed = (String) gw.db()
                .executeTransactionally(
                        "MATCH (c:Collection)-[:HAS_ITEM]->(:Item {uid: $i}) " + "RETURN c.uid AS uid",
                        Map.of("i", item),
                        r -> r.next().get("uid"));
        assertThat(filed).isEqualTo(collection);

        // It uploads into its workspace's library as well, and sees the library it manages.
        TestGateway.Response upload = gw.post(
                "/library/api/items/",
                token,
                Map.of(
                        "library_uid",
                        library,
                        "title",
                        "Berth plan",
                        "text",
                        "Berth seven takes the container feeders on Tuesdays."));
        assertThat(upload.status()).as(upload.raw().body()).isEqualTo(201);
        assertThat(gw.get("/library/api/libraries/" + library + "/", token)
                        .json()
                        .path("item_count")
                        .asInt())
                .isEqualTo(2);

        // The token reads nothing itself (allowed_libraries is empty) and can mint nothing wider.
        assertThat(gw.post("/library/api/search/", token, Map.of("query", "quay wall scour"))
                        .json()
                        .path("candidates"))
                .isEmpty();
        assertThat(gw.post("/api/tokens/", token, Map.of("name", "wider", "allowed_libraries", List.of("*")))
                        .code())
                .isEqualTo("token_wider_than_parent");

        // Agents search with per-turn JWTs naming the workspace.
        String turn = Jwt.daedalus(List.of(workspace), Duration.ofMinutes(5));
        TestGateway.Response search = gw.post("/library/api/search/", turn, Map.of("query", "quay wall scour"));
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.json().path("candidates").get(0).path("item_title").asText())
                .isEqualTo("Quay wall survey");

        String team = unique("daedalus-team");
        TestGateway.Response teamCreated =
                gw.post("/mcp_server/api/teams/", token, Map.of("id", team, "name", "Harbour agents"));
        assertThat(teamCreated.status()).as(teamCreated.raw().body()).isEqualTo(201);
        SignedJWT teamJwt = SignedJWT.parse(teamCreated.json().path("jwt").asText());
        assertThat(teamJwt.getJWTClaimsSet().getAudience()).containsExactly("mnemosyne");
        JsonNode teamView = gw.get("/mcp_server/api/teams/" + team + "/", token).json();
        assertThat(teamView.path("active_jti").asText())
                .isEqualTo(teamJwt.getJWTClaimsSet().getJWTID());
        assertThat(gw.put(
                                "/mcp_server/api/teams/" + team + "/workspaces/",
                                token,
                                Map.of("workspace_ids", List.of(workspace)))
                        .status())
                .isEqualTo(200);
        assertThat(gw.delete("/mcp_server/api/teams/" + team + "/", token).status())
                .isEqualTo(204);
        TestGateway.Response revived = gw.post("/mcp_server/api/teams/", token, Map.of("id", team, "name", "again"));
        assertThat(revived.status()).isEqualTo(409);
        assertThat(revived.code()).isEqualTo("team_deleted");
        assertThat(revived.json().has("jwt")).isFalse();

        assertThat(gw.delete("/library/api/workspaces/" + workspace + "/", token)
                        .status())
                .isEqualTo(204);
        assertThat(gw.get("/library/api/workspaces/" + workspace + "/", token).status())
                .isEqualTo(404);
        assertThat(gw.get("/library/api/jobs/" + submitted.json().path("id").asText() + "/", token)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void theSeedTokenManagesOnlyWhatItsServiceHolds() {
        String token = seedToken();
        String someone = gw.user(unique("daedalus-neighbour"));
        String theirs = gw.post(
                        "/library/api/libraries/",
                        someone,
                        Map.of("name", unique("neighbour"), "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        String key = "neighbour/notes.md";
        String hash = putSource(key, "Notes of a neighbour.");
        TestGateway.Response into = gw.post(
                "/library/api/ingest/",
                token,
                Map.of("s3_key", key, "library_uid", theirs, "file_type", "md", "file_size", 21, "content_hash", hash));
        assertThat(into.status()).isEqualTo(404);
        assertThat(gw.get("/library/api/libraries/" + theirs + "/", token).status())
                .isEqualTo(404);
        // A token made from it is no full credential: it creates no workspace.
        String derived = gw.post("/api/tokens/", token, Map.of("name", "derived"))
                .json()
                .path("token")
                .asText();
        assertThat(gw.post(
                                "/library/api/workspaces/",
                                derived,
                                Map.of("workspace_id", unique("daedalus-ws"), "name", "x", "library_type", "technical"))
                        .code())
                .isEqualTo("full_credential_required");
    }

    @Test
    void nonTextFilesAreRefusedNamingWhatTheyAre() {
        String token = seedToken();
        String workspace = unique("daedalus-ws");
        gw.post(
                "/library/api/workspaces/",
                token,
                Map.of("workspace_id", workspace, "name", "Pictures", "library_type", "art"));
        for (Map.Entry<String, String> type : Map.of(
                        "png", "an image", "image/jpeg", "an image", "mp4", "a video", "zip", "an archive")
                .entrySet()) {
            TestGateway.Response refused = gw.post(
                    "/library/api/ingest/",
                    token,
                    Map.of(
                            "s3_key",
                            workspace + "/f",
                            "workspace_id",
                            workspace,
                            "file_type",
                            type.getKey(),
                            "file_size",
                            10,
                            "content_hash",
                            "0".repeat(64)));
            assertThat(refused.status()).as(type.getKey()).isEqualTo(415);
            assertThat(refused.code()).isEqualTo("unsupported_file_type");
            assertThat(refused.json().path("detail").asText())
                    .contains(type.getValue())
                    .contains("md");
        }
        gw.delete("/library/api/workspaces/" + workspace + "/", token);
    }
}
