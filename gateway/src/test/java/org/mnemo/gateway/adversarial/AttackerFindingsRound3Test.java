package org.mnemo.gateway.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.rest.ApiClient;
import org.mnemo.gateway.rest.TestGateway;

/**
 * Adversarial: the third black-box round, on the upload store (docs/attacks/upload-store-round1.md), each finding
 * reproduced as the attacker sent it, each now refused before anything is written.
 */
class AttackerFindingsRound3Test {
    private final TestGateway gw = TestGateway.get();

    private String library(String owner) {
        return gw.post(
                        "/library/api/libraries/",
                        owner,
                        Map.of(
                                "name",
                                "r3-" + UUID.randomUUID().toString().substring(0, 8),
                                "library_type",
                                "technical"))
                .json()
                .path("uid")
                .asText();
    }

    private long jobsOf(String library) {
        return (long) gw.db()
                .executeTransactionally(
                        "MATCH (j:IngestJob {library_uid: $l}) RETURN count(j) AS n",
                        Map.of("l", library),
                        r -> r.next().get("n"));
    }

    @Test
    void r3_1AForeignOrMissingCollectionIsRefusedBeforeAJobExists() {
        String alice = gw.user("r3-alice-" + UUID.randomUUID().toString().substring(0, 6));
        String bob = gw.user("r3-bob-" + UUID.randomUUID().toString().substring(0, 6));
        String bobs = library(bob);
        String alicesCollection = gw.post(
                        "/library/api/collections/", alice, Map.of("library_uid", library(alice), "name", "private"))
                .json()
                .path("uid")
                .asText();
        for (String collection : new String[] {alicesCollection, "no-such-collection"}) {
            ApiClient.Response upload = gw.send(gw.multipart(
                    "/library/api/items/",
                    bob,
                    Map.of("library_uid", bobs, "collection_uid", collection),
                    "note.md",
                    "# A note\n\nfiled into someone else's collection"));
            assertThat(upload.status()).as(upload.raw().body()).isEqualTo(422);
            assertThat(upload.code()).isEqualTo("invalid_field");
            ApiClient.Response s3 = gw.post(
                    "/library/api/ingest/",
                    bob,
                    Map.of(
                            "library_uid",
                            bobs,
                            "s3_key",
                            "notes/a.md",
                            "content_hash",
                            "a".repeat(64),
                            "file_size",
                            10,
                            "collection_uid",
                            collection));
            // This caller may not read the test's source bucket at all: refused for that first.
            assertThat(s3.status()).as(s3.raw().body()).isIn(403, 422);
        }
        assertThat(jobsOf(bobs)).as("no job, so no bytes kept").isZero();
    }

    @Test
    void r3_2AnUnconfiguredSourceIsRefusedUpFront() {
        String carol = gw.user("r3-carol-" + UUID.randomUUID().toString().substring(0, 6));
        String library = library(carol);
        // A gateway with no source bucket configured, as the attacker's was.
        try (Gateway bare = Gateway.start(TestGateway.config(gw.neo4j.boltUri(), Map.of(), false))) {
            ApiClient api = new ApiClient("http://127.0.0.1:" + bare.port(), TestGateway.ADMIN_TOKEN);
            ApiClient.Response r = api.post(
                    "/library/api/ingest/",
                    carol,
                    Map.of("library_uid", library, "s3_key", "x.md", "content_hash", "b".repeat(64), "file_size", 60));
            assertThat(r.status()).as(r.raw().body()).isEqualTo(422);
            assertThat(r.code()).isEqualTo("source_not_configured");
            assertThat(r.raw().body()).doesNotContain("MNEMO_SOURCE");
        }
        assertThat(jobsOf(library)).isZero();
    }

    @Test
    void r3_3AnOversizedOrBrokenMultipartBodyGetsAPlainAnswer() {
        String dave = gw.user("r3-dave-" + UUID.randomUUID().toString().substring(0, 6));
        String library = library(dave);
        // Over the test gateway's MNEMO_MAX_BODY_BYTES (1 MiB).
        String big = "a".repeat(1024 * 1024 + 100 * 1024);
        // Refused from the declared length; the body is drained first, so the client reads the answer even while
        // it is still sending (each of these sends raced a closed connection before).
        ApiClient.Response tooBig = null;
        for (int i = 0; i < 5; i++) {
            tooBig = gw.send(gw.multipart("/library/api/items/", dave, Map.of("library_uid", library), "big.txt", big));
            assertThat(tooBig.status()).as(tooBig.raw().body()).isEqualTo(413);
        }
        assertThat(tooBig.status()).as(tooBig.raw().body()).isEqualTo(413);
        assertThat(tooBig.code()).isEqualTo("body_too_large");
        ApiClient.Response broken = gw.send(HttpRequest.newBuilder(URI.create(gw.url("/library/api/items/")))
                .header("Authorization", "Bearer " + dave)
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(HttpRequest.BodyPublishers.ofString("--xyz\r\nContent-Disposition: form-data; name=\"file\""))
                .build());
        assertThat(broken.status()).as(broken.raw().body()).isEqualTo(400);
        assertThat(broken.raw().body()).doesNotContain("org.eclipse").doesNotContain("Exception");
        assertThat(jobsOf(library)).isZero();
    }

    @Test
    void r3_5OneOwnersWaitingUploadsAreBoundedAndOthersStillUpload() throws java.io.IOException {
        String erin = gw.user("r3-erin-" + UUID.randomUUID().toString().substring(0, 6));
        String frank = gw.user("r3-frank-" + UUID.randomUUID().toString().substring(0, 6));
        String erins = library(erin);
        String franks = library(frank);
        // No workers and a spool of its own: uploads stay waiting, as a backlog or failed ones would.
        java.nio.file.Path spool =
                java.nio.file.Files.createTempDirectory("r3-spool").resolve("uploads");
        Map<String, String> env = Map.of(
                "MNEMO_UPLOAD_MAX_PENDING_BYTES", "300",
                "MNEMO_INGEST_WORKERS", "0",
                "MNEMO_UPLOAD_WAIT_SECONDS", "0",
                "MNEMO_UPLOAD_SPOOL", spool.toString());
        try (Gateway bounded = Gateway.start(TestGateway.config(gw.neo4j.boltUri(), env))) {
            ApiClient api = new ApiClient("http://127.0.0.1:" + bounded.port(), TestGateway.ADMIN_TOKEN);
            String note = "# Note\n\n" + "x".repeat(180);
            ApiClient.Response first = api.send(
                    api.multipart("/library/api/items/", erin, Map.of("library_uid", erins), "a.md", note + "a"));
            assertThat(first.status()).as(first.raw().body()).isEqualTo(202);
            ApiClient.Response second = api.send(
                    api.multipart("/library/api/items/", erin, Map.of("library_uid", erins), "b.md", note + "b"));
            assertThat(second.status()).as(second.raw().body()).isEqualTo(429);
            assertThat(second.code()).isEqualTo("upload_quota_exceeded");
            ApiClient.Response other = api.send(
                    api.multipart("/library/api/items/", frank, Map.of("library_uid", franks), "c.md", note + "c"));
            assertThat(other.status()).as(other.raw().body()).isEqualTo(202);
        }
        assertThat(jobsOf(erins)).as("the refused upload made no job").isEqualTo(1);
    }

    @Test
    void r3_4AnUnauthenticatedWriteLearnsNoBookmark() {
        ApiClient.Response r = gw.post("/library/api/libraries/", null, Map.of("name", "x"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("X-Mnemo-Bookmark")).isNull();
    }
}
