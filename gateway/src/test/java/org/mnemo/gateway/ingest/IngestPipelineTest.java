package org.mnemo.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.rest.TestGateway;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Durable ingest end to end: objects in a real S3-compatible server (S3Proxy), jobs through the REST API, text
 * from real PDF, DOCX, HTML and Markdown files, and the faults: an unreachable bucket, a worker that died, two
 * gateways sharing the queue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestPipelineTest {
    private final TestGateway gw = TestGateway.get();
    private String token;
    private int counter;

    @BeforeAll
    void producer() {
        token = gw.service("daedalus-producer");
        assertThat(gw.post(
                                "/library/api/workspaces/",
                                token,
                                Map.of(
                                        "workspace_id",
                                        "ws-ingest",
                                        "name",
                                        "Ingest workspace",
                                        "library_type",
                                        "technical"))
                        .status())
                .isEqualTo(201);
    }

    private String put(String key, byte[] content) {
        try (S3Client s3 = TestGateway.s3Client()) {
            s3.putObject(b -> b.bucket(TestGateway.SOURCE_BUCKET).key(key), RequestBody.fromBytes(content));
        }
        return Tokens.sha256Hex(content);
    }

    private TestGateway.Response submit(String key, byte[] content, String fileType, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of(
                "s3_key",
                key,
                "title",
                key,
                "workspace_id",
                "ws-ingest",
                "file_type",
                fileType,
                "file_size",
                content.length,
                "content_hash",
                Tokens.sha256Hex(content),
                "source",
                "daedalus",
                "source_ref",
                key));
        body.putAll(extra);
        return gw.post("/library/api/ingest/", token, body);
    }

    private JsonNode await(String jobId) {
        long deadline = System.currentTimeMillis() + 90_000;
        JsonNode job;
        do {
            job = gw.get("/library/api/jobs/" + jobId + "/", token).json();
            if (List.of("completed", "failed").contains(job.path("status").asText())) {
                return job;
            }
            sleep(250);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("job " + jobId + " did not finish: " + job);
    }

    private List<String> searchTitles(String query) {
        List<String> titles = new ArrayList<>();
        gw.post("/library/api/search/", token, Map.of("query", query, "limit", 5))
                .json()
                .path("candidates")
                .forEach(c -> titles.add(c.path("item_title").asText()));
        return titles;
    }

    @Test
    void realFormatsFromS3AreSearchable() {
        Map<String, byte[]> files = Map.of(
                "reports/orbit.pdf",
                        Fixtures.pdf(
                                "Heliosynchronous orbits keep a constant local solar time.",
                                "They suit earth observation satellites."),
                "reports/kiln.docx",
                        Fixtures.docx(
                                "Anagama kilns fire stoneware with wood ash glazes.", "A firing lasts several days."),
                "pages/bees.html", Fixtures.html("Apiculture", "Varroa mites weaken honeybee colonies in winter."),
                "notes/tide.md", "# Tides\n\nSpring tides follow new and full moons.".getBytes(StandardCharsets.UTF_8));
        Map<String, String> types = Map.of(
                "reports/orbit.pdf",
                "application/pdf",
                "reports/kiln.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "pages/bees.html",
                "text/html",
                "notes/tide.md",
                "text/markdown");
        Map<String, String> jobs = new HashMap<>();
        files.forEach((key, content) -> {
            put(key, content);
            TestGateway.Response r = submit(key, content, types.get(key), Map.of());
            assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
            assertThat(r.json().path("status").asText()).isIn("queued", "processing");
            jobs.put(key, r.json().path("id").asText());
        });
        for (Map.Entry<String, String> job : jobs.entrySet()) {
            JsonNode done = await(job.getValue());
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            assertThat(done.path("chunks_created").asInt()).isPositive();
            assertThat(done.path("progress").path("done").asInt())
                    .isEqualTo(done.path("chunks_created").asInt());
            assertThat(done.path("attempts").asInt()).isEqualTo(1);
            assertThat(done.path("file_type").asText())
                    .isEqualTo(job.getKey().substring(job.getKey().lastIndexOf('.') + 1));
            assertThat(done.path("embedding_model").asText()).contains("MiniLM");
            // The original is kept in Mnemo's own bucket under the item's id.
            try (S3Client s3 = TestGateway.s3Client()) {
                String key = Buckets.originalKey(
                        done.path("item_uid").asText(), done.path("file_type").asText());
                assertThat(s3.getObjectAsBytes(
                                        b -> b.bucket(TestGateway.OWN_BUCKET).key(key))
                                .asByteArray())
                        .isEqualTo(files.get(job.getKey()));
            }
        }
        assertThat(searchTitles("sun-synchronous satellite orbit")).first().isEqualTo("reports/orbit.pdf");
        assertThat(searchTitles("wood fired stoneware kiln")).first().isEqualTo("reports/kiln.docx");
        assertThat(searchTitles("varroa mites honeybees")).first().isEqualTo("pages/bees.html");
        assertThat(searchTitles("spring tides moon")).first().isEqualTo("notes/tide.md");
        // Script content of HTML is not text.
        assertThat(gw.post("/library/api/search/", token, Map.of("query", "hidden"))
                        .raw()
                        .body())
                .doesNotContain("var hidden");
    }

    @Test
    void idempotentOnTheTripleAndSupersedingOnANewHash() {
        byte[] first = "# Ferns\n\nFerns reproduce with spores, not seeds.".getBytes(StandardCharsets.UTF_8);
        put("notes/ferns.md", first);
        TestGateway.Response created = submit("notes/ferns.md", first, "md", Map.of());
        TestGateway.Response again = submit("notes/ferns.md", first, "md", Map.of());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("id").asText())
                .isEqualTo(created.json().path("id").asText());
        JsonNode one = await(created.json().path("id").asText());

        byte[] second = "# Ferns\n\nFerns unfurl fiddleheads in spring.".getBytes(StandardCharsets.UTF_8);
        put("notes/ferns.md", second);
        JsonNode two = await(submit("notes/ferns.md", second, "md", Map.of())
                .json()
                .path("id")
                .asText());
        assertThat(two.path("status").asText()).isEqualTo("completed");
        assertThat(two.path("ingest_status").asText()).isEqualTo("superseded");
        assertThat(gw.get("/library/api/items/" + one.path("item_uid").asText() + "/", token)
                        .status())
                .isEqualTo(404);
        long items = (long) gw.db()
                .executeTransactionally(
                        "MATCH (i:Item {source_ref: 'notes/ferns.md'}) " + "RETURN count(i) AS n",
                        Map.of(),
                        r -> r.next().get("n"));
        assertThat(items).isEqualTo(1);
    }

    @Test
    void validationAndUnknownWorkspaces() {
        byte[] content = "x".getBytes(StandardCharsets.UTF_8);
        TestGateway.Response hash = submit("a.md", content, "md", Map.of("content_hash", "abc"));
        assertThat(hash.status()).isEqualTo(400);
        assertThat(hash.json().path("detail").asText()).contains("content_hash");
        TestGateway.Response source = submit("a.md", content, "md", Map.of("source", "s".repeat(51)));
        assertThat(source.status()).isEqualTo(400);
        assertThat(source.json().path("detail").asText()).contains("source");
        TestGateway.Response type = submit("a.exe", content, "application/x-msdownload", Map.of());
        assertThat(type.status()).isEqualTo(415);
        assertThat(type.json().path("detail").asText()).contains("file_type");
        TestGateway.Response size = submit("a.md", content, "md", Map.of("file_size", Integer.MAX_VALUE));
        assertThat(size.json().path("detail").asText()).contains("file_size");
        TestGateway.Response unknown = submit("a.md", content, "md", Map.of("workspace_id", "ws-nobody"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_registered");
        String other = gw.user("other-producer");
        assertThat(gw.get("/library/api/jobs/", other).json().path("results")).isEmpty();
    }

    @Test
    void sourceBucketsServeOnlyTheirPrincipalsAndEachWorkspaceItsOwnPrefix() {
        byte[] mine = "# Mine\n\nThe ingest workspace's own note about kelp forests.".getBytes(StandardCharsets.UTF_8);
        byte[] theirs = "# Theirs\n\nAnother tenant's secret note.".getBytes(StandardCharsets.UTF_8);
        put("tenants/ws-ingest/kelp.md", mine);
        put("tenants/ws-other/secret.md", theirs);
        String ok = submit("tenants/ws-ingest/kelp.md", mine, "md", Map.of("source", "tenants"))
                .json()
                .path("id")
                .asText();
        assertThat(await(ok).path("status").asText()).isEqualTo("completed");
        // Outside the workspace's prefix: refused before any S3 call, the same whether the key exists or not.
        TestGateway.Response existing = submit("tenants/ws-other/secret.md", theirs, "md", Map.of("source", "tenants"));
        TestGateway.Response missing = submit("tenants/ws-other/nothing.md", theirs, "md", Map.of("source", "tenants"));
        TestGateway.Response climbing =
                submit("tenants/ws-ingest/../ws-other/secret.md", theirs, "md", Map.of("source", "tenants"));
        for (TestGateway.Response refused : List.of(existing, missing, climbing)) {
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.code()).isEqualTo("s3_key_forbidden");
        }
        assertThat(missing.json().path("detail").asText())
                .isEqualTo(existing.json().path("detail").asText());
        // A principal the bucket does not name reads nothing from it, whatever the key.
        String stranger = gw.user("s3-stranger");
        gw.grant("ws-stranger", "s3-stranger", "owner");
        assertThat(gw.post(
                                "/library/api/workspaces/",
                                stranger,
                                Map.of(
                                        "workspace_id",
                                        "ws-stranger",
                                        "name",
                                        "Stranger ws",
                                        "library_type",
                                        "technical"))
                        .status())
                .isEqualTo(201);
        Map<String, Object> body = new HashMap<>(Map.of(
                "s3_key",
                "notes/lichen.md",
                "title",
                "x",
                "workspace_id",
                "ws-stranger",
                "file_type",
                "md",
                "file_size",
                3,
                "content_hash",
                "a".repeat(64)));
        TestGateway.Response foreign = gw.post("/library/api/ingest/", stranger, body);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.code()).isEqualTo("source_forbidden");
    }

    @Test
    void unreachableBucketRetriesThenFailsAndLaterJobsStillComplete() {
        byte[] content = "# Offline\n\nNever read.".getBytes(StandardCharsets.UTF_8);
        String failing = submit("offline.md", content, "md", Map.of("source", "offline"))
                .json()
                .path("id")
                .asText();
        byte[] fine = "# Lichen\n\nLichens pair a fungus with an alga.".getBytes(StandardCharsets.UTF_8);
        put("notes/lichen.md", fine);
        String later = submit("notes/lichen.md", fine, "md", Map.of())
                .json()
                .path("id")
                .asText();

        assertThat(await(later).path("status").asText()).isEqualTo("completed");
        JsonNode failed = await(failing);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("attempts").asInt()).isEqualTo(3);
        assertThat(failed.path("source").asText()).isEqualTo("offline");
        assertThat(failed.path("error").asText()).contains("s3://offline/offline.md");

        assertThat(gw.get("/library/api/jobs/?status=failed", token)
                        .json()
                        .path("results")
                        .findValuesAsText("id"))
                .contains(failing);
        TestGateway.Response retried = gw.post("/library/api/jobs/" + failing + "/retry/", token, null);
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.json().path("attempts").asInt()).isZero();
        assertThat(retried.json().path("failures")).hasSize(4);
        assertThat(gw.post("/library/api/jobs/" + later + "/retry/", token, null)
                        .code())
                .isEqualTo("job_not_failed");
    }

    @Test
    void aFailingEmbedderRetriesThenFailsAndLaterJobsStillComplete() throws Exception {
        Path conf = ((GraphDatabaseAPI) gw.db())
                .getDependencyResolver()
                .resolveDependency(Config.class)
                .get(GraphDatabaseSettings.neo4j_home)
                .resolve("conf")
                .resolve("mnemo.conf");
        byte[] content = "# Quartz\n\nQuartz is piezoelectric.".getBytes(StandardCharsets.UTF_8);
        put("notes/quartz.md", content);
        // A mock stands in for a remote embedding API, which cannot run here; it fails every call.
        try (MockWebServer provider = new MockWebServer()) {
            provider.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse().setResponseCode(503).setBody("{\"error\": \"overloaded\"}");
                }
            });
            provider.start();
            Files.createDirectories(conf.getParent());
            // An in-process serve test earlier in the JVM may have pointed mnemo.config elsewhere; name this file.
            String previous = System.setProperty("mnemo.config", conf.toString());
            Files.writeString(
                    conf,
                    "mnemo.embedding.provider=openai\n"
                            + "mnemo.embedding.base_url=" + provider.url("/v1") + "\n"
                            + "mnemo.embedding.model=test-embedder\n"
                            + "mnemo.embedding.dimension=384\n"
                            + "mnemo.embedding.max_retries=0\n");
            try {
                JsonNode failed = await(submit("notes/quartz.md", content, "md", Map.of())
                        .json()
                        .path("id")
                        .asText());
                assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("failed");
                assertThat(failed.path("attempts").asInt()).isEqualTo(3);
                assertThat(failed.path("failures")).hasSize(3);
                assertThat(failed.path("error").asText()).isNotBlank();
                assertThat(provider.getRequestCount()).isPositive();
            } finally {
                Files.delete(conf);
                if (previous == null) {
                    System.clearProperty("mnemo.config");
                } else {
                    System.setProperty("mnemo.config", previous);
                }
            }
        }
        byte[] later = "# Basalt\n\nBasalt cools quickly from lava.".getBytes(StandardCharsets.UTF_8);
        put("notes/basalt.md", later);
        assertThat(await(submit("notes/basalt.md", later, "md", Map.of())
                                .json()
                                .path("id")
                                .asText())
                        .path("status")
                        .asText())
                .isEqualTo("completed");
    }

    @Test
    void hostileFilesFailTheirOwnJobsQuicklyAndTheNextJobCompletes() throws Exception {
        Path secret = Files.createTempFile("mnemo-xxe", ".txt");
        Files.writeString(secret, "XXE-SECRET-7f3a9c");
        byte[] line = "A line of an enormous log file that goes on and on.\n".getBytes(StandardCharsets.UTF_8);
        byte[] huge = new byte[50 * 1024 * 1024];
        for (int i = 0; i < huge.length; i++) {
            huge[i] = line[i % line.length];
        }
        Map<String, byte[]> hostile = new java.util.LinkedHashMap<>();
        hostile.put("hostile/bomb.docx", Fixtures.zipBombDocx(200));
        hostile.put("hostile/xxe.docx", Fixtures.xxeDocx(secret));
        hostile.put("hostile/huge.txt", huge);
        hostile.put("hostile/loop.pdf", Fixtures.selfDrawingPdf());
        Map<String, String> jobs = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, byte[]> file : hostile.entrySet()) {
            put(file.getKey(), file.getValue());
            String type = file.getKey().substring(file.getKey().lastIndexOf('.') + 1);
            jobs.put(
                    file.getKey(),
                    submit(file.getKey(), file.getValue(), type, Map.of())
                            .json()
                            .path("id")
                            .asText());
        }
        byte[] after = "# Granite\n\nGranite cools slowly deep underground.".getBytes(StandardCharsets.UTF_8);
        put("hostile/after.md", after);
        String next = submit("hostile/after.md", after, "md", Map.of())
                .json()
                .path("id")
                .asText();
        for (Map.Entry<String, String> job : jobs.entrySet()) {
            JsonNode done = await(job.getValue());
            System.out.println(job.getKey() + ": " + done.path("status").asText() + " after " + done.path("attempts")
                    + " attempt(s): " + done.path("error").asText());
            if (job.getKey().endsWith("xxe.docx")
                    && "completed".equals(done.path("status").asText())) {
                continue; // parsed without the entity; that nothing leaked is checked below
            }
            assertThat(done.path("status").asText())
                    .as(job.getKey() + ": " + done)
                    .isEqualTo("failed");
            assertThat(done.path("attempts").asInt())
                    .as(job.getKey() + " is refused at once, not retried")
                    .isEqualTo(1);
            assertThat(done.path("error").asText()).as(job.getKey()).isNotBlank();
        }
        assertThat(await(jobs.get("hostile/huge.txt")).path("error").asText()).contains("MNEMO_INGEST_MAX_TEXT_CHARS");
        // Tika's zip-bomb check names it; on a machine loaded enough, the extraction time limit may stop it first.
        assertThat(await(jobs.get("hostile/bomb.docx")).path("error").asText())
                .containsAnyOf("zip bomb", "MNEMO_INGEST_EXTRACT_TIMEOUT_SECONDS");
        assertThat(await(next).path("status").asText()).isEqualTo("completed");
        assertThat(gw.post("/library/api/search/", token, Map.of("query", "XXE-SECRET-7f3a9c Leaked", "limit", 20))
                        .json()
                        .path("candidates")
                        .toString())
                .doesNotContain("XXE-SECRET-7f3a9c");
        JsonNode workers = gw.get("/ready/", null).json().path("checks").path("ingest_workers");
        assertThat(workers.path("alive").asInt())
                .as(workers.toString())
                .isEqualTo(workers.path("configured").asInt())
                .isPositive();
        Files.delete(secret);
    }

    @Test
    void documentsWithoutTextFailAtOnceWithAClearMessage() {
        byte[] blank = Fixtures.pdf();
        put("scans/blank.pdf", blank);
        JsonNode job = await(submit("scans/blank.pdf", blank, "pdf", Map.of())
                .json()
                .path("id")
                .asText());
        assertThat(job.path("status").asText()).isEqualTo("failed");
        assertThat(job.path("attempts").asInt()).isEqualTo(1);
        assertThat(job.path("error").asText()).contains("no text could be extracted");
    }

    @Test
    void aJobWhoseWorkerDiedIsTakenOverAndCompletesOnce() {
        byte[] content = "# Moss\n\nMosses have no true roots.".getBytes(StandardCharsets.UTF_8);
        String hash = put("notes/moss.md", content);
        String library = gw.get("/library/api/workspaces/ws-ingest/", token)
                .json()
                .path("library_uid")
                .asText();
        // As if a worker claimed it and died: processing, its lease long expired.
        gw.db().executeTransactionally("""
                CREATE (:IngestJob {id: 'job-dead-worker', job_key: $library + '|notes/moss.md|' + $hash,
                        status: 'processing', attempts: 1, max_attempts: 3, library_uid: $library,
                        s3_key: 'notes/moss.md', title: 'moss', file_type: 'md', file_size: 10, content_hash: $hash,
                        source: 'daedalus', source_ref: 'notes/moss.md', lease_owner: 'dead-worker',
                        lease_expires_at: datetime() - duration('PT1M'), created_at: datetime(),
                        started_at: datetime(), next_attempt_at: datetime()})""", Map.of("library", library, "hash", hash));
        JsonNode job = await("job-dead-worker");
        assertThat(job.path("status").asText()).isEqualTo("completed");
        assertThat(job.path("attempts").asInt()).isEqualTo(2);
        Map<String, Object> counts = gw.db().executeTransactionally("""
                MATCH (i:Item {content_hash: $hash})
                OPTIONAL MATCH (i)-[:HAS_CHUNK]->(c:Chunk)
                RETURN count(DISTINCT i) AS items, count(c) AS chunks, max(i.chunk_count) AS expected,
                       collect(DISTINCT i.embedding_status) AS statuses""", Map.of("hash", hash), r -> r.next());
        assertThat(counts.get("items")).isEqualTo(1L);
        assertThat(counts.get("chunks")).isEqualTo(counts.get("expected"));
        assertThat(String.valueOf(counts.get("statuses"))).isEqualTo("[completed]");
    }

    @Test
    void twoGatewaysShareTheQueueAndProcessEveryJobExactlyOnce() {
        try (Gateway second =
                Gateway.start(TestGateway.config(gw.neo4j.boltUri(), Map.of("MNEMO_INGEST_WORKERS", "3")))) {
            assertThat(second.port()).isPositive();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] content = ("# Batch " + i + "\n\nDocument number " + i + " about shared queues " + (counter++)
                                + ".")
                        .getBytes(StandardCharsets.UTF_8);
                String key = "batch/doc-" + i + "-" + System.nanoTime() + ".md";
                put(key, content);
                // A workspace (library) each: small files of one library would share one worker's batch.
                String workspace = "ws-share-" + i + "-" + System.nanoTime();
                assertThat(gw.post(
                                        "/library/api/workspaces/",
                                        token,
                                        Map.of(
                                                "workspace_id",
                                                workspace,
                                                "name",
                                                workspace,
                                                "library_type",
                                                "technical"))
                                .status())
                        .isEqualTo(201);
                ids.add(submit(key, content, "md", Map.of("workspace_id", workspace))
                        .json()
                        .path("id")
                        .asText());
            }
            Set<String> workers = new HashSet<>();
            for (String id : ids) {
                JsonNode job = await(id);
                assertThat(job.path("status").asText()).isEqualTo("completed");
                // Exactly once: any earlier attempt ended in a recorded failure (a retry), never in a second claim.
                assertThat(job.path("failures").size())
                        .as(job.toString())
                        .isEqualTo(job.path("attempts").asInt() - 1);
                workers.add((String) gw.db()
                        .executeTransactionally(
                                "MATCH (j:IngestJob {id: $id}) " + "RETURN j.processed_by AS w",
                                Map.of("id", id),
                                r -> r.next().get("w")));
            }
            long duplicates = (long)
                    gw.db().executeTransactionally("""
                    MATCH (i:Item) WHERE i.source_ref STARTS WITH 'batch/'
                    WITH i.source_ref AS ref, count(*) AS n WHERE n > 1 RETURN count(*) AS d""", Map.of(), r -> r.next().get("d"));
            assertThat(duplicates).isZero();
            assertThat(workers).hasSizeGreaterThan(1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
