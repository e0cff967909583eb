package org.mnemo.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.rest.ApiClient;
import org.mnemo.gateway.rest.TestGateway;

/**
 * Queued small files of one library are ingested together through one mnemo.ingest.batch call, each job
 * recorded as if alone; a document the batch refuses fails alone while the others complete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestBatchingTest {
    private final TestGateway gw = TestGateway.get();
    private String user;
    private String library;

    @BeforeAll
    void library() {
        user = gw.user("batching-user");
        library = gw.post("/library/api/libraries/", user, Map.of("name", "Batching", "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
    }

    /** A gateway on the shared database spooling into its own directory (the shared gateway cannot claim them). */
    private Gateway gateway(Path spool, int workers, int batch) {
        return gateway(spool, workers, batch, Map.of());
    }

    private Gateway gateway(Path spool, int workers, int batch, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(more);
        env.put("MNEMO_UPLOAD_SPOOL", spool.toString());
        env.put("MNEMO_INGEST_WORKERS", String.valueOf(workers));
        env.put("MNEMO_INGEST_BATCH_DOCUMENTS", String.valueOf(batch));
        env.put("MNEMO_INGEST_RETRY_BASE_MS", "0");
        env.put("MNEMO_UPLOAD_WAIT_SECONDS", "0");
        return Gateway.start(TestGateway.config(gw.neo4j.boltUri(), env));
    }

    private List<String> upload(Path spool, List<String> texts) {
        List<String> ids = new ArrayList<>();
        try (Gateway api = gateway(spool, 0, 1)) {
            ApiClient client = new ApiClient("http://127.0.0.1:" + api.port(), TestGateway.ADMIN_TOKEN);
            for (String text : texts) {
                ApiClient.Response r = client.send(
                        client.multipart("/library/api/items/", user, Map.of("library_uid", library), "note.md", text));
                assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
                ids.add(r.json().path("job").path("id").asText());
            }
        }
        return ids;
    }

    private Map<String, Object> job(String id) {
        return gw.db().executeTransactionally("""
                MATCH (j:IngestJob {id: $id})
                OPTIONAL MATCH (i:Item {uid: j.item_uid})-[:HAS_CHUNK]->(c:Chunk)
                RETURN j.status AS status, j.error AS error, j.attempts AS attempts, j.item_uid AS item,
                       count(c) AS chunks""", Map.of("id", id), r -> r.next());
    }

    /**
     * Waits for every job to finish and for the worker to have settled each (tallied, upload deleted): a job's end
     * is readable in the database as it commits, a moment before its worker has done with it.
     */
    private static void awaitAll(Gateway worker, List<String> ids) throws InterruptedException {
        for (String id : ids) {
            assertThat(IngestJobs.finished(worker.jobs().await(id, List.of("*"), 120_000)))
                    .isTrue();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (settled(worker) < ids.size() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(settled(worker)).as("jobs the worker settled").isEqualTo(ids.size());
    }

    private static long settled(Gateway worker) {
        Map<IngestJobs.Outcome, Long> attempts = worker.jobs().tally().attempts();
        return attempts.get(IngestJobs.Outcome.COMPLETED)
                + attempts.get(IngestJobs.Outcome.FAILED)
                + attempts.get(IngestJobs.Outcome.STALE);
    }

    private static List<String> notes(String topic, int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add("# " + topic + " " + i + "\n\nA short note number " + i + " about " + topic + ", taken at "
                    + System.nanoTime() + ".");
        }
        return texts;
    }

    @Test
    void smallFilesOfOneLibraryShareOneBatchAndEachJobCompletes() throws Exception {
        Path spool = Files.createTempDirectory("mnemo-spool").resolve("uploads");
        List<String> ids = upload(spool, notes("batched lanterns", 10));
        try (Gateway worker = gateway(spool, 1, 32)) {
            awaitAll(worker, ids);
            // One worker found all ten queued: one claimed, nine with it, one mnemo.ingest.batch call.
            assertThat(worker.jobs().tally().batchedJobs()).isEqualTo(10);
            assertThat(worker.jobs().tally().attempts().get(IngestJobs.Outcome.COMPLETED))
                    .isEqualTo(10);
        }
        List<Object> items = new ArrayList<>();
        for (String id : ids) {
            Map<String, Object> job = job(id);
            assertThat(job.get("status")).as(String.valueOf(job.get("error"))).isEqualTo("completed");
            assertThat(job.get("attempts")).isEqualTo(1L);
            assertThat((Long) job.get("chunks")).isPositive();
            items.add(job.get("item"));
        }
        assertThat(items).doesNotHaveDuplicates();
        try (var files = Files.list(spool)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("uploads deleted on completion")
                    .containsExactly("spool-id");
        }
    }

    @Test
    void aDocumentTheBatchRefusesFailsAloneAndTheOthersComplete() throws IOException, InterruptedException {
        Path spool = Files.createTempDirectory("mnemo-spool").resolve("uploads");
        List<String> texts = new ArrayList<>(notes("refused batch", 4));
        // Nothing but control characters: mnemo.ingest.batch refuses the whole call for it.
        texts.add(2, "\u0007\u0007\u0007");
        List<String> ids = upload(spool, texts);
        try (Gateway worker = gateway(spool, 1, 32)) {
            awaitAll(worker, ids);
            assertThat(worker.jobs().tally().batchedJobs()).isZero();
        }
        for (int i = 0; i < ids.size(); i++) {
            Map<String, Object> job = job(ids.get(i));
            if (i == 2) {
                assertThat(job.get("status")).isEqualTo("failed");
                assertThat((String) job.get("error")).contains("no content");
            } else {
                assertThat(job.get("status"))
                        .as(String.valueOf(job.get("error")))
                        .isEqualTo("completed");
                assertThat((Long) job.get("chunks")).isPositive();
            }
        }
    }

    @Test
    void withBatchingOffEachJobIsItsOwnCall() throws Exception {
        Path spool = Files.createTempDirectory("mnemo-spool").resolve("uploads");
        List<String> ids = upload(spool, notes("single lanterns", 3));
        try (Gateway worker = gateway(spool, 1, 1)) {
            awaitAll(worker, ids);
            assertThat(worker.jobs().tally().batchedJobs()).isZero();
        }
        for (String id : ids) {
            assertThat(job(id).get("status")).isEqualTo("completed");
        }
    }

    @Test
    void anUploadWakesAnIdleWorkerOfItsGatewayAtOnce() throws Exception {
        Path spool = Files.createTempDirectory("mnemo-spool").resolve("uploads");
        // Without being woken, an idle worker would look again in 10 to 20 minutes.
        try (Gateway gateway = gateway(spool, 1, 32, Map.of("MNEMO_INGEST_POLL_MS", "600000"))) {
            ApiClient client = new ApiClient("http://127.0.0.1:" + gateway.port(), TestGateway.ADMIN_TOKEN);
            for (String text : notes("woken lanterns", 2)) {
                // Time for the worker to find nothing and go idle: as it started, then after the job before.
                Thread.sleep(500);
                ApiClient.Response r = client.send(
                        client.multipart("/library/api/items/", user, Map.of("library_uid", library), "note.md", text));
                assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
                Map<String, Object> job =
                        gateway.jobs().await(r.json().path("job").path("id").asText(), List.of("*"), 60_000);
                assertThat(job.get("status")).as(String.valueOf(job)).isEqualTo("completed");
            }
        }
    }
}
