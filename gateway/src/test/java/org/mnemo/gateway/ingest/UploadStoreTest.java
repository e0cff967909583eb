package org.mnemo.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.rest.ApiClient;
import org.mnemo.gateway.rest.TestGateway;
import org.neo4j.graphdb.Node;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An upload's bytes wait outside the graph — in a spool directory, or the upload bucket — and the job names them;
 * they go when the job finishes. A gateway works only the uploads it can reach, and a request waiting for a job is
 * woken by its end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadStoreTest {
    private final TestGateway gw = TestGateway.get();
    private String user;
    private String library;

    @BeforeAll
    void library() {
        user = gw.user("upload-store-user");
        library = gw.post("/library/api/libraries/", user, Map.of("name", "Upload store", "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
    }

    /** A gateway on the shared database that spools into {@code spool} (its own id) with this many workers. */
    private Gateway gateway(Path spool, int workers, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("MNEMO_UPLOAD_SPOOL", spool.toString());
        env.put("MNEMO_INGEST_WORKERS", String.valueOf(workers));
        env.put("MNEMO_UPLOAD_WAIT_SECONDS", "0");
        return Gateway.start(TestGateway.config(gw.neo4j.boltUri(), env));
    }

    /** Uploads a note through this gateway, which answers at once (202) with the queued job's id. */
    private String upload(Gateway via, String text) {
        ApiClient api = new ApiClient("http://127.0.0.1:" + via.port(), TestGateway.ADMIN_TOKEN);
        ApiClient.Response r =
                api.send(api.multipart("/library/api/items/", user, Map.of("library_uid", library), "note.md", text));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
        return r.json().path("job").path("id").asText();
    }

    private Map<String, Object> stored(String id) {
        return gw.db().executeTransactionally("""
                MATCH (j:IngestJob {id: $id})
                OPTIONAL MATCH (j)-[:HAS_UPLOAD]->(u)
                RETURN j.upload_ref AS ref, count(u) AS nodes, j.status AS status""", Map.of("id", id), r -> r.next());
    }

    /** The spool file a job's upload_ref names (the reference is spool:<spool id>/<name>). */
    static Path spooled(TestGateway gw, Path spool, String id) {
        String ref = (String) gw.db()
                .executeTransactionally(
                        "MATCH (j:IngestJob {id: $id}) RETURN j.upload_ref " + "AS ref",
                        Map.of("id", id),
                        r -> r.next().get("ref"));
        assertThat(ref).as("the job names its upload").startsWith("spool:");
        return spool.resolve(ref.substring(ref.indexOf('/') + 1));
    }

    private static String text(String topic) {
        return "# " + topic + "\n\nA note about " + topic + " written at " + System.nanoTime() + ".";
    }

    @Test
    void anUploadWaitsInTheSpoolNotInTheGraphAndGoesWhenItsJobCompletes() throws IOException, InterruptedException {
        Path spool = spoolOfItsOwn();
        String text = text("spooled kilns");
        String id;
        Path file;
        try (Gateway api = gateway(spool, 0, Map.of())) {
            id = upload(api, text);
            Map<String, Object> job = stored(id);
            assertThat(job.get("nodes")).as("no IngestUpload node").isEqualTo(0L);
            file = spooled(gw, spool, id);
            assertThat(file).exists();
            assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(text);
            Map<String, Object> properties = gw.db()
                    .executeTransactionally(
                            "MATCH (j:IngestJob {id: $id}) " + "RETURN j",
                            Map.of("id", id),
                            r -> ((Node) r.next().get("j")).getAllProperties());
            assertThat(properties.values()).as("no bytes on the job").noneMatch(v -> v instanceof byte[]);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(spool)))
                    .isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
        // The test gateway's workers cannot reach this spool; a gateway on it works the job.
        try (Gateway worker = gateway(spool, 1, Map.of())) {
            Map<String, Object> job = worker.jobs().await(id, List.of("*"), 120_000);
            assertThat(job.get("status")).as(String.valueOf(job)).isEqualTo("completed");
            assertThat(job.get("item_uid")).isNotNull();
        }
        assertThat(file).doesNotExist();
        assertThat(stored(id).get("ref")).isNull();
    }

    @Test
    void anUploadInTheUploadBucketIsWorkedByAnotherGatewayAndDeletedWhenDone() throws InterruptedException {
        String id;
        String key;
        try (Gateway api = gateway(TestGateway.UPLOAD_SPOOL, 0, TestGateway.uploadBucket())) {
            id = upload(api, text("bucketed glazes"));
            Map<String, Object> job = stored(id);
            assertThat(job.get("nodes")).isEqualTo(0L);
            String ref = (String) job.get("ref");
            assertThat(ref).startsWith("s3://" + TestGateway.UPLOAD_BUCKET + "/uploads/");
            key = ref.substring(("s3://" + TestGateway.UPLOAD_BUCKET + "/").length());
            assertThat(objectExists(key)).isTrue();
        }
        // Another gateway (its own spool) with the same upload bucket works it.
        try (Gateway worker = gateway(spoolOfItsOwn(), 1, TestGateway.uploadBucket())) {
            Map<String, Object> job = worker.jobs().await(id, List.of("*"), 120_000);
            assertThat(job.get("status")).as(String.valueOf(job)).isEqualTo("completed");
        }
        assertThat(objectExists(key)).isFalse();
        assertThat(stored(id).get("ref")).isNull();
    }

    @Test
    void aWaitingRequestReturnsWhenTheJobCompletesHereOrElsewhere() throws InterruptedException {
        IngestJobs jobs = gw.gateway.jobs();
        // Woken by this gateway's worker.
        byte[] here = text("awaited here").getBytes(StandardCharsets.UTF_8);
        String id = (String) jobs.submit(request(here), here).job().get("id");
        Map<String, Object> job = jobs.await(id, List.of(library), 120_000);
        assertThat(job.get("status")).as(String.valueOf(job)).isEqualTo("completed");
        // A gateway without workers waits for the test gateway's worker by looking again now and then.
        byte[] elsewhere = text("awaited elsewhere").getBytes(StandardCharsets.UTF_8);
        try (Gateway api = gateway(TestGateway.UPLOAD_SPOOL, 0, Map.of())) {
            String other = (String)
                    api.jobs().submit(request(elsewhere), elsewhere).job().get("id");
            Map<String, Object> done = api.jobs().await(other, List.of(library), 120_000);
            assertThat(done.get("status")).as(String.valueOf(done)).isEqualTo("completed");
        }
    }

    @Test
    void aJobWhoseSpoolFileIsGoneFailsAtOnceWithUploadMissing() throws IOException, InterruptedException {
        Path spool = spoolOfItsOwn();
        String id;
        try (Gateway api = gateway(spool, 0, Map.of())) {
            id = upload(api, text("wiped spool"));
            Files.delete(spooled(gw, spool, id));
        }
        try (Gateway worker = gateway(spool, 1, Map.of())) {
            Map<String, Object> job = worker.jobs().await(id, List.of("*"), 120_000);
            assertThat(job.get("status")).as(String.valueOf(job)).isEqualTo("failed");
            assertThat((String) job.get("error")).startsWith(UploadStore.MISSING + ":");
            assertThat(job.get("attempts")).isEqualTo(1L);
        }
    }

    @Test
    void spooledBytesThatNoJobNamesAreSweptAfterAnHourAndNamedOnesStay() throws IOException {
        Path spool = spoolOfItsOwn();
        try (Gateway api = gateway(spool, 0, Map.of())) {
            String id = upload(api, text("named bytes"));
            Path named = spooled(gw, spool, id);
            // Bytes whose job creation failed without an answer: written, named by no job.
            Path orphan = named.resolveSibling(UUID.randomUUID() + ".upload");
            Files.writeString(orphan, "orphaned bytes", StandardCharsets.UTF_8);
            Path fresh = named.resolveSibling(UUID.randomUUID() + ".upload");
            Files.writeString(fresh, "bytes whose job is being created right now", StandardCharsets.UTF_8);
            FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
            Files.setLastModifiedTime(named, twoHoursAgo);
            Files.setLastModifiedTime(orphan, twoHoursAgo);

            assertThat(api.jobs().sweepOrphans()).isEqualTo(1);
            assertThat(orphan).doesNotExist();
            assertThat(named).as("a job names it").exists();
            assertThat(fresh).as("younger than an hour").exists();
        }
    }

    @Test
    void aJobFromBeforeTheUploadStoreIsReadFromItsIngestUploadNode() throws InterruptedException {
        byte[] content = text("legacy upload").getBytes(StandardCharsets.UTF_8);
        String hash = Tokens.sha256Hex(content);
        gw.db().executeTransactionally("""
                CREATE (j:IngestJob {id: 'job-legacy-upload', job_key: $library + '|-|' + $hash, status: 'queued',
                        attempts: 0, max_attempts: 3, library_uid: $library, title: 'legacy', file_type: 'md',
                        file_size: size($data), content_hash: $hash, source: 'upload', created_at: datetime(),
                        next_attempt_at: datetime()})
                CREATE (j)-[:HAS_UPLOAD]->(:IngestUpload {data: $data})""", Map.of("library", library, "hash", hash, "data", content));
        Map<String, Object> job = gw.gateway.jobs().await("job-legacy-upload", List.of("*"), 120_000);
        assertThat(job.get("status")).as(String.valueOf(job)).isEqualTo("completed");
        assertThat(stored("job-legacy-upload").get("nodes"))
                .as("the IngestUpload node is deleted")
                .isEqualTo(0L);
    }

    private IngestJobs.Request request(byte[] content) {
        return IngestJobs.Request.upload(library, "awaited", "md", content);
    }

    private static Path spoolOfItsOwn() {
        try {
            return Files.createTempDirectory("mnemo-spool").resolve("uploads");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean objectExists(String key) {
        try (S3Client s3 = TestGateway.s3Client()) {
            s3.headObject(b -> b.bucket(TestGateway.UPLOAD_BUCKET).key(key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }
}
