package org.mnemo.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.rest.ApiClient;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;

/**
 * Crashes of a real server process: SIGKILL in the middle of a 220-file ingest, of a supersede of all of them and
 * of a library's cascade delete; a restart must finish every job exactly once (the CLI that submitted them rides
 * through the restart), with item and chunk counts equal to a clean run, no orphans, and nothing half-deleted
 * visible. Then a backup, a wipe and a restore give back the same counts and the same search results, and a
 * corrupted backup is refused. The steps share one server and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {
    static final String ADMIN = "fault-admin-token-0123456789abcdef";
    static final String PASSWORD = "fault-test-password";
    private static final int FILES = 220;
    private static final String[] WORDS = ("granite basalt quartz feldspar mica magma lava crystal sediment "
                    + "erosion glacier river delta canyon plateau volcano fault tremor mantle crust pressure heat mineral "
                    + "fossil limestone shale sandstone marble slate obsidian pumice geyser spring aquifer")
            .split(" ");

    private Path home;
    private Path docs;
    private int http;
    private int bolt;
    private Map<String, String> env;
    private MnemoProcess server;
    private ApiClient api;
    private Driver driver;

    @BeforeAll
    void start() throws IOException {
        home = Files.createTempDirectory("mnemo-crash");
        docs = home.resolve("docs");
        writeDocs(0);
        http = MnemoProcess.freePort();
        bolt = MnemoProcess.freePort();
        env = MnemoProcess.env(
                "MNEMO_DATA",
                home.resolve("data"),
                "MNEMO_HTTP_PORT",
                http,
                "MNEMO_BOLT_ADDRESS",
                "127.0.0.1:" + bolt,
                "MNEMO_ADMIN_TOKEN",
                ADMIN,
                "MNEMO_NEO4J_PASSWORD",
                PASSWORD,
                "MNEMO_INGEST_LEASE_SECONDS",
                6,
                "MNEMO_INGEST_RETRY_BASE_MS",
                300,
                "MNEMO_INGEST_WORKERS",
                2);
        server = MnemoProcess.serve("serve", home, env, http);
        api = new ApiClient("http://127.0.0.1:" + http, ADMIN);
        driver = GraphDatabase.driver("bolt://127.0.0.1:" + bolt, AuthTokens.basic("neo4j", PASSWORD));
    }

    @AfterAll
    void stop() {
        if (driver != null) {
            driver.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** FILES Markdown files of a few paragraphs each, deterministic per revision. */
    private void writeDocs(int revision) throws IOException {
        Files.createDirectories(docs);
        for (int i = 0; i < FILES; i++) {
            Random random = new Random(i * 31L + revision);
            StringBuilder text = new StringBuilder("# Field note " + i + (revision > 0 ? " (revised)" : "") + "\n\n");
            for (int p = 0; p < 3 + revision; p++) {
                for (int s = 0; s < 4; s++) {
                    text.append("The ")
                            .append(WORDS[random.nextInt(WORDS.length)])
                            .append(" near site ")
                            .append(i)
                            .append(" shows ")
                            .append(WORDS[random.nextInt(WORDS.length)])
                            .append(" and ")
                            .append(WORDS[random.nextInt(WORDS.length)])
                            .append(". ");
                }
                text.append("\n\n");
            }
            Files.writeString(docs.resolve("note-" + i + ".md"), text.toString());
        }
    }

    private MnemoProcess cli(String library) {
        return MnemoProcess.start(
                "ingest-" + library,
                home,
                MnemoProcess.env(
                        "MNEMO_DATA",
                        home.resolve("data"),
                        "MNEMO_NEO4J_URI",
                        "bolt://127.0.0.1:" + bolt,
                        "MNEMO_NEO4J_PASSWORD",
                        PASSWORD),
                "ingest",
                docs.toString(),
                "--library",
                library);
    }

    private List<Record> query(String cypher, Map<String, Object> params) {
        return driver.executableQuery(cypher).withParameters(params).execute().records();
    }

    private long count(String cypher, Map<String, Object> params) {
        return query(cypher, params).get(0).get(0).asLong();
    }

    private String libraryUid(String name) {
        List<Record> rows = query("MATCH (l:Library {name: $name}) RETURN l.uid", Map.of("name", name));
        return rows.isEmpty() ? null : rows.get(0).get(0).asString();
    }

    private long completedJobs(String library) {
        String uid = libraryUid(library);
        return uid == null
                ? 0
                : count(
                        "MATCH (j:IngestJob {library_uid: $uid, status: 'completed'}) RETURN count(j)",
                        Map.of("uid", uid));
    }

    /** Waits until {@code progress} reaches {@code at}, then kills the server; returns where progress was. */
    private long killWhen(java.util.function.LongSupplier progress, long at) {
        long deadline = System.currentTimeMillis() + 300_000;
        long seen;
        while ((seen = progress.getAsLong()) < at) {
            assertThat(System.currentTimeMillis())
                    .as("progress stalled at " + seen)
                    .isLessThan(deadline);
            MnemoProcess.sleep(20);
        }
        server.kill();
        return seen;
    }

    private void restart() {
        driver.close();
        server = MnemoProcess.serve("serve", home, env, http);
        driver = GraphDatabase.driver("bolt://127.0.0.1:" + bolt, AuthTokens.basic("neo4j", PASSWORD));
    }

    /** Items, chunks and jobs of a library, and what must never be there: duplicates, orphans, half-writes. */
    private Map<String, Long> census(String library) {
        Map<String, Object> uid = Map.of("uid", libraryUid(library));
        Map<String, Long> census = new HashMap<>();
        census.put(
                "items",
                count(
                        "MATCH (:Library {uid: $uid})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item) " + "RETURN count(i)",
                        uid));
        census.put(
                "completed_items",
                count(
                        "MATCH (:Library {uid: $uid})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->"
                                + "(i:Item {embedding_status: 'completed'}) RETURN count(i)",
                        uid));
        census.put(
                "distinct_refs",
                count(
                        "MATCH (:Library {uid: $uid})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item) "
                                + "RETURN count(DISTINCT i.source_ref)",
                        uid));
        census.put(
                "chunks",
                count(
                        "MATCH (:Library {uid: $uid})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item)"
                                + "-[:HAS_CHUNK]->(c:Chunk) RETURN count(c)",
                        uid));
        census.put(
                "duplicate_chunks",
                count(
                        "MATCH (:Library {uid: $uid})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)"
                                + "-[:HAS_CHUNK]->(c:Chunk) WITH i, c.chunk_index AS k, count(*) AS n WHERE n > 1 RETURN count(*)",
                        uid));
        census.put("jobs", count("MATCH (j:IngestJob {library_uid: $uid}) RETURN count(j)", uid));
        census.put(
                "completed_jobs",
                count("MATCH (j:IngestJob {library_uid: $uid, status: 'completed'}) " + "RETURN count(j)", uid));
        return census;
    }

    private long orphans() {
        return count("MATCH (c:Chunk) WHERE NOT (:Item)-[:HAS_CHUNK]->(c) RETURN count(c)", Map.of())
                + count("MATCH (i:Item) WHERE NOT (:Collection)-[:HAS_ITEM]->(i) RETURN count(i)", Map.of())
                + count("MATCH (c:Collection) WHERE NOT (:Library)-[:HAS_COLLECTION]->(c) RETURN count(c)", Map.of());
    }

    /** Every file's newest content is the one item of its ref, completed. */
    private void itemsMatchFiles(String library) throws IOException {
        Map<String, String> hashes = new HashMap<>();
        for (Record r : query(
                "MATCH (:Library {uid: $uid})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item) "
                        + "RETURN i.source_ref AS ref, i.content_hash AS hash",
                Map.of("uid", libraryUid(library)))) {
            hashes.put(r.get("ref").asString(), r.get("hash").asString());
        }
        try (Stream<Path> files = Files.list(docs)) {
            for (Path file : files.toList()) {
                assertThat(hashes.get(file.toAbsolutePath().normalize().toString()))
                        .as(file.toString())
                        .isEqualTo(Tokens.sha256Hex(Files.readAllBytes(file)));
            }
        }
    }

    @Test
    @Order(1)
    void aKillMidIngestThenARestartCompletesEveryJobExactlyOnce() throws IOException {
        MnemoProcess ingest = cli("crash");
        long atKill = killWhen(() -> completedJobs("crash"), 30);
        assertThat(atKill).as("the kill came mid-ingest").isLessThan(FILES);
        // The server stays down until the CLI has noticed (a restart faster than the driver's own retries would
        // otherwise go unseen).
        long deadline = System.currentTimeMillis() + 120_000;
        while (!ingest.output().contains("waiting for it to come back")) {
            assertThat(System.currentTimeMillis())
                    .as("the CLI noticed the server was gone: " + ingest.output())
                    .isLessThan(deadline);
            MnemoProcess.sleep(100);
        }
        restart();
        assertThat(ingest.exitCode(Duration.ofMinutes(6))).as(ingest.output()).isZero();

        Map<String, Long> crashed = census("crash");
        assertThat(crashed.get("jobs")).isEqualTo(FILES);
        assertThat(crashed.get("completed_jobs")).isEqualTo(FILES);
        assertThat(crashed.get("items")).isEqualTo(FILES);
        assertThat(crashed.get("completed_items")).isEqualTo(FILES);
        assertThat(crashed.get("distinct_refs")).isEqualTo(FILES);
        assertThat(crashed.get("duplicate_chunks")).isZero();
        itemsMatchFiles("crash");

        MnemoProcess clean = cli("clean");
        assertThat(clean.exitCode(Duration.ofMinutes(6))).as(clean.output()).isZero();
        Map<String, Long> reference = census("clean");
        assertThat(crashed.get("chunks")).isEqualTo(reference.get("chunks")).isPositive();
        assertThat(orphans()).isZero();
    }

    @Test
    @Order(2)
    void aKillDuringASupersedeLeavesExactlyTheNewVersions() throws IOException {
        writeDocs(1);
        MnemoProcess ingest = cli("crash");
        String uid = libraryUid("crash");
        long before = count(
                "MATCH (j:IngestJob {library_uid: $uid, status: 'completed'}) RETURN count(j)", Map.of("uid", uid));
        killWhen(() -> completedJobs("crash") - before, 30);
        restart();
        assertThat(ingest.exitCode(Duration.ofMinutes(6))).as(ingest.output()).isZero();

        Map<String, Long> crashed = census("crash");
        assertThat(crashed.get("items")).isEqualTo(FILES);
        assertThat(crashed.get("completed_items")).isEqualTo(FILES);
        assertThat(crashed.get("duplicate_chunks")).isZero();
        itemsMatchFiles("crash");
        MnemoProcess clean = cli("clean-revised");
        assertThat(clean.exitCode(Duration.ofMinutes(6))).as(clean.output()).isZero();
        assertThat(crashed.get("chunks")).isEqualTo(census("clean-revised").get("chunks"));
        assertThat(orphans()).isZero();
    }

    @Test
    @Order(3)
    void aKillDuringACascadeDeleteNeverShowsAHalfDeletedLibrary() {
        String doomed = libraryUid("clean");
        CompletableFuture<ApiClient.Response> delete = CompletableFuture.supplyAsync(() -> {
            try {
                return api.delete("/library/api/libraries/" + doomed + "/", ADMIN);
            } catch (RuntimeException e) {
                return null; // the connection dies with the server
            }
        });
        // Killed as soon as the delete has begun: -1 while untouched, then 1 + the items still there (0: all gone).
        long atKill = killWhen(
                () -> count(
                        "OPTIONAL MATCH (l:Library {uid: $uid}) RETURN CASE WHEN l IS NULL THEN 0 "
                                + "WHEN l.deleting THEN 1 + COUNT { (l)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->() } ELSE -1 END",
                        Map.of("uid", doomed)),
                0);
        delete.join();
        System.out.println(
                "cascade delete killed with " + Math.max(0, atKill - 1) + " of " + FILES + " items not yet deleted");
        restart();
        assertThat(api.get("/library/api/libraries/" + doomed + "/", ADMIN).status())
                .isEqualTo(404);
        assertThat(api.get("/library/api/libraries/", ADMIN).raw().body()).doesNotContain(doomed);
        JsonNode hits = api.post(
                        "/library/api/search/", ADMIN, Map.of("query", "granite near site 7 shows", "limit", 50))
                .json();
        hits.path("candidates")
                .forEach(c -> assertThat(c.path("library_uid").asText()).isNotEqualTo(doomed));
        assertThat(hits.path("candidates").size())
                .as("the other libraries are still searchable")
                .isPositive();
        // Recovery finishes the delete in the background after the restart.
        long deadline = System.currentTimeMillis() + 120_000;
        while (count("MATCH (l:Library {uid: $uid}) RETURN count(l)", Map.of("uid", doomed)) > 0) {
            assertThat(System.currentTimeMillis())
                    .as("the interrupted delete was never finished")
                    .isLessThan(deadline);
            MnemoProcess.sleep(500);
        }
        assertThat(orphans()).isZero();
        assertThat(count("MATCH (i:Item {embedding_status: 'deleting'}) RETURN count(i)", Map.of()))
                .isZero();
    }

    private List<List<String>> searchResults() {
        List<List<String>> results = new ArrayList<>();
        for (String q : List.of(
                "granite and basalt",
                "glacier erosion near the delta",
                "volcano magma pressure",
                "fossil in limestone",
                "Field note 42 revised")) {
            List<String> uids = new ArrayList<>();
            api.post("/library/api/search/", ADMIN, Map.of("query", q, "limit", 10))
                    .json()
                    .path("candidates")
                    .forEach(c -> uids.add(c.path("chunk_uid").asText()));
            results.add(uids);
        }
        return results;
    }

    private Map<String, Long> labelCounts() {
        Map<String, Long> counts = new HashMap<>();
        for (String label : List.of(
                "Library", "Collection", "Item", "Chunk", "Concept", "Memory", "IngestJob", "Principal", "ApiToken")) {
            counts.put(label, count("MATCH (n:" + label + ") RETURN count(n)", Map.of()));
        }
        return counts;
    }

    private MnemoProcess admin(String... args) {
        return MnemoProcess.start(args[0], home, MnemoProcess.env("MNEMO_DATA", home.resolve("data")), args);
    }

    @Test
    @Order(4)
    void backupWipeRestoreGivesBackTheSameGraphAndTheSameAnswers() throws IOException {
        assertThat(api.put("/api/memory/workspaces/fault/", ADMIN, Map.of("name", "fault"))
                        .status())
                .isEqualTo(200);
        assertThat(api.send(
                                "POST",
                                "/api/memory/memories/",
                                ADMIN,
                                Map.of("content", "Backups run nightly at 02:00.", "namespace", "org:fault"),
                                Map.of("X-Workspace-ID", "fault"))
                        .status())
                .isEqualTo(201);
        Map<String, Long> counts = labelCounts();
        List<List<String>> answers = searchResults();
        assertThat(answers.get(0)).isNotEmpty();

        server.stop();
        driver.close();
        Path backups = home.resolve("backups");
        MnemoProcess backup = admin("backup", backups.toString());
        assertThat(backup.exitCode(Duration.ofMinutes(3))).as(backup.output()).isZero();
        Path made;
        try (Stream<Path> list = Files.list(backups)) {
            made = list.filter(p -> p.getFileName().toString().startsWith("mnemo-backup-"))
                    .findFirst()
                    .orElseThrow();
        }
        MnemoProcess verify = admin("backup", "--verify", made.toString());
        assertThat(verify.exitCode(Duration.ofMinutes(2))).as(verify.output()).isZero();

        // A flipped byte in the dump: --verify refuses it, and so does restore.
        Path corrupted = home.resolve("corrupted");
        Files.createDirectories(corrupted);
        try (Stream<Path> files = Files.list(made)) {
            for (Path f : files.toList()) {
                Files.copy(f, corrupted.resolve(f.getFileName()));
            }
        }
        byte[] dump = Files.readAllBytes(corrupted.resolve("neo4j.dump"));
        dump[dump.length / 2] ^= 0x5a;
        Files.write(corrupted.resolve("neo4j.dump"), dump);
        MnemoProcess broken = admin("backup", "--verify", corrupted.toString());
        assertThat(broken.exitCode(Duration.ofMinutes(2))).isEqualTo(1);
        assertThat(broken.output()).contains("BROKEN").contains("SHA-256");

        // The database is not empty: restore refuses without --force.
        MnemoProcess refused = admin("restore", made.toString());
        assertThat(refused.exitCode(Duration.ofMinutes(3))).isNotZero();
        assertThat(refused.output()).contains("not empty");

        deleteTree(home.resolve("data/neo4j"));
        MnemoProcess restore = admin("restore", made.toString());
        assertThat(restore.exitCode(Duration.ofMinutes(3))).as(restore.output()).isZero();
        MnemoProcess badRestore = admin("restore", corrupted.toString(), "--force");
        assertThat(badRestore.exitCode(Duration.ofMinutes(3))).isNotZero();
        assertThat(badRestore.output()).contains("not sound");

        restart();
        assertThat(labelCounts()).isEqualTo(counts);
        assertThat(searchResults()).isEqualTo(answers);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
