package org.mnemo.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.rest.TestGateway;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Uploads that look alike never replace each other: only the same source_ref supersedes, and in submission
 * order — an older job that runs late (a retry, say) ends stale and leaves the newer version in place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadCollisionTest {
    private final TestGateway gw = TestGateway.get();
    private String user;
    private String library;
    private String producer;

    @BeforeAll
    void library() {
        user = gw.user("collision-user");
        library = gw.post("/library/api/libraries/", user, Map.of("name", "Collisions", "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        producer = gw.service("collision-producer");
        assertThat(gw.post(
                                "/library/api/workspaces/",
                                producer,
                                Map.of(
                                        "workspace_id",
                                        "ws-collide",
                                        "name",
                                        "Collisions from S3",
                                        "library_type",
                                        "technical"))
                        .status())
                .isEqualTo(201);
    }

    private TestGateway.Response upload(String filename, String content, Map<String, String> fields) {
        Map<String, String> all = new HashMap<>(fields);
        all.put("library_uid", library);
        return gw.send(gw.multipart("/library/api/items/", user, all, filename, content));
    }

    private List<String> itemTitles() {
        List<String> titles = new ArrayList<>();
        gw.get("/library/api/items/?library_uid=" + library + "&limit=100", user)
                .json()
                .path("results")
                .forEach(i -> titles.add(i.path("title").asText()));
        return titles;
    }

    @Test
    void theSameFileNameInTwoFoldersMakesTwoDocuments() {
        TestGateway.Response a =
                upload("README.md", "# Alpha\n\nThe alpha service rotates its logs nightly.", Map.of());
        TestGateway.Response b = upload("README.md", "# Beta\n\nThe beta service keeps logs for a year.", Map.of());
        assertThat(a.status()).as(a.raw().body()).isEqualTo(201);
        assertThat(b.status()).as(b.raw().body()).isEqualTo(201);
        assertThat(b.json().path("status").asText()).isEqualTo("created");
        assertThat(b.json().path("item_uid").asText())
                .isNotEqualTo(a.json().path("item_uid").asText());
        assertThat(gw.get("/library/api/items/" + a.json().path("item_uid").asText() + "/", user)
                        .status())
                .isEqualTo(200);
        assertThat(itemTitles().stream().filter("README"::equals)).hasSize(2);
    }

    @Test
    void untitledUploadsAreKeptAndOnlyIdenticalContentIsDeduplicated() {
        TestGateway.Response first = gw.post(
                "/library/api/items/",
                user,
                Map.of("library_uid", library, "text", "Untitled note one: the kiln fires at 1200 degrees."));
        TestGateway.Response second = gw.post(
                "/library/api/items/",
                user,
                Map.of("library_uid", library, "text", "Untitled note two: glaze needs a slow cooling ramp."));
        TestGateway.Response again = gw.post(
                "/library/api/items/",
                user,
                Map.of("library_uid", library, "text", "Untitled note one: the kiln fires at 1200 degrees."));
        assertThat(first.status()).as(first.raw().body()).isEqualTo(201);
        assertThat(second.status()).as(second.raw().body()).isEqualTo(201);
        assertThat(second.json().path("status").asText()).isEqualTo("created");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("status").asText()).isEqualTo("existing");
        assertThat(again.json().path("item_uid").asText())
                .isEqualTo(first.json().path("item_uid").asText());
        for (TestGateway.Response r : List.of(first, second)) {
            assertThat(gw.get("/library/api/items/" + r.json().path("item_uid").asText() + "/", user)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aDocumentUploadedAgainAfterItsDeleteIsStoredAgain() {
        String text = "Re-uploaded note: the boiler is serviced every spring.";
        TestGateway.Response first = gw.post("/library/api/items/", user, Map.of("library_uid", library, "text", text));
        String item = first.json().path("item_uid").asText();
        assertThat(gw.delete("/library/api/items/" + item + "/", user).status()).isEqualTo(204);
        TestGateway.Response again = gw.post("/library/api/items/", user, Map.of("library_uid", library, "text", text));
        assertThat(again.status()).as(again.raw().body()).isEqualTo(201);
        assertThat(gw.get("/library/api/items/" + again.json().path("item_uid").asText() + "/", user)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void onlyTheSameSourceRefSupersedes() {
        TestGateway.Response v1 =
                upload("guide.md", "# Guide\n\nVersion one of the guide.", Map.of("source_ref", "docs/guide.md"));
        TestGateway.Response other =
                upload("guide.md", "# Guide\n\nA different guide elsewhere.", Map.of("source_ref", "other/guide.md"));
        TestGateway.Response v2 =
                upload("guide.md", "# Guide\n\nVersion two of the guide.", Map.of("source_ref", "docs/guide.md"));
        assertThat(v2.json().path("status").asText()).as(v2.raw().body()).isEqualTo("superseded");
        assertThat(gw.get("/library/api/items/" + v1.json().path("item_uid").asText() + "/", user)
                        .status())
                .isEqualTo(404);
        assertThat(gw.get("/library/api/items/" + other.json().path("item_uid").asText() + "/", user)
                        .status())
                .isEqualTo(200);
        assertThat(gw.get("/library/api/items/" + v2.json().path("item_uid").asText() + "/", user)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aFailedUploadCanBeRetriedByItsOwnerUntilItsBytesAreReleased() {
        String retention = "retained";
        TestGateway.Response broken = gw.send(gw.multipart(
                "/library/api/items/",
                user,
                Map.of("library_uid", library, "title", retention),
                "scan.pdf",
                "%PDF-1.4 truncated " + System.nanoTime()));
        assertThat(broken.status()).isEqualTo(422);
        JsonNode job = null;
        for (JsonNode j : gw.get("/library/api/jobs/?status=failed&library_uid=" + library, user)
                .json()
                .path("results")) {
            if (retention.equals(j.path("title").asText())) {
                job = j;
            }
        }
        assertThat(job).as("the failed job is listed").isNotNull();
        String id = job.path("id").asText();
        assertThat(gw.post("/library/api/jobs/" + id + "/retry/", user, null).status())
                .isEqualTo(202);
        JsonNode again = awaitAs(user, id);
        assertThat(again.path("status").asText()).isEqualTo("failed");
        assertThat(again.path("attempts").asInt()).isEqualTo(1);

        // Until then its bytes wait in the spool, named by the job.
        Path spooled = UploadStoreTest.spooled(gw, TestGateway.UPLOAD_SPOOL, id);
        assertThat(spooled).exists();

        // Past MNEMO_INGEST_FAILED_UPLOAD_RETENTION_HOURS the bytes go, and a retry says why it cannot run.
        gw.db()
                .executeTransactionally(
                        "MATCH (j:IngestJob {id: $id}) SET j.finished_at = datetime() - " + "duration({hours: 100})",
                        Map.of("id", id));
        assertThat(gw.gateway.jobs().releaseUploads(72)).isPositive();
        assertThat(spooled).doesNotExist();
        TestGateway.Response refused = gw.post("/library/api/jobs/" + id + "/retry/", user, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("upload_released");
        assertThat(gw.get("/library/api/jobs/" + id + "/", user)
                        .json()
                        .path("upload_released")
                        .asBoolean())
                .isTrue();
        long uploads = gw.db()
                .executeTransactionally(
                        "MATCH (j:IngestJob {id: $id}) OPTIONAL MATCH "
                                + "(j)-[:HAS_UPLOAD]->(u) RETURN count(u) + count(j.upload_ref) AS n",
                        Map.of("id", id),
                        r -> ((Number) r.next().get("n")).longValue());
        assertThat(uploads).isZero();
    }

    private void put(String key, String content) {
        try (S3Client s3 = TestGateway.s3Client()) {
            s3.putObject(b -> b.bucket(TestGateway.SOURCE_BUCKET).key(key), RequestBody.fromString(content));
        }
    }

    private String ingest(String key, String content, String sourceRef) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> body = new HashMap<>(Map.of(
                "s3_key",
                key,
                "title",
                key,
                "workspace_id",
                "ws-collide",
                "file_type",
                "md",
                "file_size",
                bytes.length,
                "content_hash",
                Tokens.sha256Hex(bytes),
                "source",
                "daedalus"));
        if (sourceRef != null) {
            body.put("source_ref", sourceRef);
        }
        TestGateway.Response r = gw.post("/library/api/ingest/", producer, body);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
        return r.json().path("id").asText();
    }

    private JsonNode await(String job) {
        return awaitAs(producer, job);
    }

    private JsonNode awaitAs(String token, String job) {
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode j;
        do {
            j = gw.get("/library/api/jobs/" + job + "/", token).json();
            if (List.of("completed", "failed", "stale")
                    .contains(j.path("status").asText())) {
                return j;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("job " + job + " did not finish: " + j);
    }

    @Test
    void s3KeysInTwoFoldersAreTwoDocuments() {
        put("left/README.md", "# Left\n\nThe left wing holds the archive.");
        put("right/README.md", "# Right\n\nThe right wing holds the reading room.");
        JsonNode left = await(ingest("left/README.md", "# Left\n\nThe left wing holds the archive.", null));
        JsonNode right = await(ingest("right/README.md", "# Right\n\nThe right wing holds the reading room.", null));
        assertThat(left.path("ingest_status").asText()).as(left.toString()).isEqualTo("created");
        assertThat(right.path("ingest_status").asText()).as(right.toString()).isEqualTo("created");
        assertThat(gw.get("/library/api/items/" + left.path("item_uid").asText() + "/", producer)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void anOlderJobThatRunsLateEndsStaleAndKeepsTheNewerVersion() {
        String v1 = "# Runbook\n\nRestart the broker with the old script.";
        String v2 = "# Runbook\n\nRestart the broker with systemctl.";
        // The older version's object is not there yet: its job fails, and is retried after the newer one landed.
        String older = ingest("runbook/v1.md", v1, "runbook");
        assertThat(await(older).path("status").asText()).isEqualTo("failed");
        put("runbook/v2.md", v2);
        JsonNode newer = await(ingest("runbook/v2.md", v2, "runbook"));
        assertThat(newer.path("status").asText()).as(newer.toString()).isEqualTo("completed");
        put("runbook/v1.md", v1);
        assertThat(gw.post("/library/api/jobs/" + older + "/retry/", producer, null)
                        .status())
                .isEqualTo(202);
        JsonNode late = await(older);
        assertThat(late.path("status").asText()).as(late.toString()).isEqualTo("stale");
        assertThat(late.path("error").asText()).contains("newer version");
        String item = newer.path("item_uid").asText();
        JsonNode kept = gw.get("/library/api/items/" + item + "/", producer).json();
        assertThat(kept.path("content_hash").asText()).isEqualTo(Tokens.sha256Hex(v2.getBytes(StandardCharsets.UTF_8)));
        List<String> texts = new ArrayList<>();
        gw.post("/library/api/search/", producer, Map.of("query", "restart the broker", "limit", 5))
                .json()
                .path("candidates")
                .forEach(c -> texts.add(c.path("text_preview").asText()));
        assertThat(texts).anyMatch(t -> t.contains("systemctl")).noneMatch(t -> t.contains("old script"));
    }
}
