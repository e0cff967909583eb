package org.mnemo.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.ApiClient;

/**
 * The database goes away for 30 s while ingest workers are busy: Neo4j runs as a process of its own
 * ({@code ./mnemo neo4j}), the gateway beside it ({@code MNEMO_NEO4J_URI}); the database process is stopped and
 * started again. Requests meanwhile answer 503, no job is lost, every job completes, the workers are all alive.
 */
class Neo4jOutageIT {
    private static final String PASSWORD = "outage-test-password";
    // Each document is ~60 chunks, so the workers cannot finish them all while the test is still posting (with
    // one-chunk documents they could, on a fast machine, and the outage then met no waiting job).
    private static final int DOCS = 30;
    private static final int PARAGRAPHS = 400;

    private static MnemoProcess neo4j(Path home, int bolt) {
        MnemoProcess db = MnemoProcess.start(
                "neo4j",
                home,
                MnemoProcess.env(
                        "MNEMO_DATA",
                        home.resolve("db"),
                        "MNEMO_BOLT_ADDRESS",
                        "127.0.0.1:" + bolt,
                        "MNEMO_NEO4J_PASSWORD",
                        PASSWORD),
                "neo4j");
        db.awaitOutput("Neo4j is up", Duration.ofMinutes(3));
        return db;
    }

    @Test
    void workersRideOutADatabaseOutageAndEveryJobCompletes() throws IOException {
        Path home = Files.createTempDirectory("mnemo-outage");
        int bolt = MnemoProcess.freePort();
        int http = MnemoProcess.freePort();
        MnemoProcess db = neo4j(home, bolt);
        try (MnemoProcess gateway = MnemoProcess.serve(
                "gateway",
                home,
                MnemoProcess.env(
                        "MNEMO_DATA",
                        home.resolve("gateway"),
                        "MNEMO_NEO4J_URI",
                        "bolt://127.0.0.1:" + bolt,
                        "MNEMO_NEO4J_PASSWORD",
                        PASSWORD,
                        "MNEMO_HTTP_PORT",
                        http,
                        "MNEMO_ADMIN_TOKEN",
                        CrashRecoveryIT.ADMIN,
                        "MNEMO_SECRET_KEY",
                        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                        "MNEMO_UPLOAD_WAIT_SECONDS",
                        0,
                        "MNEMO_INGEST_WORKERS",
                        2,
                        "MNEMO_INGEST_LEASE_SECONDS",
                        6,
                        "MNEMO_INGEST_RETRY_BASE_MS",
                        500,
                        "MNEMO_HEALTH_CACHE_SECONDS",
                        1),
                http)) {
            ApiClient api = new ApiClient("http://127.0.0.1:" + http, CrashRecoveryIT.ADMIN);
            String token = api.user("outage-user");
            String library = api.post(
                            "/library/api/libraries/", token, Map.of("name", "Outage", "library_type", "technical"))
                    .json()
                    .path("uid")
                    .asText();
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < DOCS; i++) {
                ApiClient.Response r = api.post(
                        "/library/api/items/",
                        token,
                        Map.of("library_uid", library, "title", "Log " + i, "source_ref", "logs/" + i, "text", log(i)));
                assertThat(r.status()).as(r.raw().body()).isIn(201, 202);
                jobs.add(r.json().path("job").path("id").asText());
            }
            long deadline = System.currentTimeMillis() + 120_000;
            while (completed(api, token, jobs) < 1) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                MnemoProcess.sleep(100);
            }
            long before = completed(api, token, jobs);
            System.out.println("outage begins with " + before + " of " + DOCS + " jobs completed");
            assertThat(before).as("the outage begins while jobs are waiting").isLessThan(DOCS);

            db.stop();
            long down = System.currentTimeMillis();
            MnemoProcess.sleep(3_000);
            assertThat(api.get("/ready/", null).status()).isEqualTo(503);
            ApiClient.Response search = api.post("/library/api/search/", token, Map.of("query", "pump seal"));
            assertThat(search.status()).as(search.raw().body()).isEqualTo(503);
            assertThat(search.code()).isEqualTo("database_unavailable");
            MnemoProcess.sleep(Math.max(0, 30_000 - (System.currentTimeMillis() - down)));
            db = neo4j(home, bolt);

            deadline = System.currentTimeMillis() + 240_000;
            while (finished(api, token, jobs) < DOCS) {
                assertThat(System.currentTimeMillis())
                        .as("jobs stuck after the outage")
                        .isLessThan(deadline);
                MnemoProcess.sleep(500);
            }
            for (String job : jobs) {
                JsonNode j = api.get("/library/api/jobs/" + job + "/", token).json();
                assertThat(j.path("status").asText()).as(j.toString()).isEqualTo("completed");
            }
            assertThat(api.get("/library/api/libraries/" + library + "/", token)
                            .json()
                            .path("item_count")
                            .asInt())
                    .isEqualTo(DOCS);
            MnemoProcess.sleep(1_500);
            JsonNode ready = api.get("/ready/", null).json();
            assertThat(ready.path("status").asText()).as(ready.toString()).isEqualTo("ready");
            JsonNode workers = ready.path("checks").path("ingest_workers");
            assertThat(workers.path("alive").asInt()).isEqualTo(2);
            assertThat(workers.path("configured").asInt()).isEqualTo(2);
            assertThat(api.post("/library/api/search/", token, Map.of("query", "seal on line 17"))
                            .json()
                            .path("candidates")
                            .size())
                    .isPositive();
        } finally {
            db.close();
        }
    }

    private static String log(int i) {
        StringBuilder text = new StringBuilder("# Log " + i + "\n\n");
        for (int p = 0; p < PARAGRAPHS; p++) {
            text.append("Pump ")
                    .append(i)
                    .append(" reading ")
                    .append(p)
                    .append(": it ran for ")
                    .append(i * 7 + p)
                    .append(" hours before the seal on line ")
                    .append(i)
                    .append(" wore out.\n\n");
        }
        return text.toString();
    }

    private static long completed(ApiClient api, String token, List<String> jobs) {
        return count(api, token, jobs, "completed");
    }

    private static long finished(ApiClient api, String token, List<String> jobs) {
        return count(api, token, jobs, null);
    }

    private static long count(ApiClient api, String token, List<String> jobs, String status) {
        ApiClient.Response list = api.get("/library/api/jobs/?limit=200", token);
        if (list.status() != 200) {
            return 0;
        }
        long n = 0;
        for (JsonNode j : list.json().path("results")) {
            String s = j.path("status").asText();
            if (jobs.contains(j.path("id").asText())
                    && (status == null ? List.of("completed", "failed", "stale").contains(s) : status.equals(s))) {
                n++;
            }
        }
        return n;
    }
}
