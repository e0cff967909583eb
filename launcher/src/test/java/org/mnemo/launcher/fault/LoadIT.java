package org.mnemo.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.ApiClient;
import org.mnemo.gateway.web.Json;

/**
 * Sixteen clients, each a user with its own workspace and library, for a minute (mnemo.load.seconds) of mixed
 * traffic against one server process: searches, uploads, item deletes, memory commits and forgets over REST, and
 * search and memory tools over MCP. No request may fail other than a deliberate 429; latencies (p50, p95, p99) are
 * printed and written to target/load-report.json. Then every acknowledged write must be there and every
 * acknowledged delete gone.
 */
class LoadIT {
    private static final int CLIENTS = 16;
    private static final String[] WORDS = ("pump valve seal bearing impeller casing motor shaft gasket flange "
                    + "pressure flow turbine compressor boiler condenser coolant filter nozzle piston")
            .split(" ");

    /** What one client acknowledged: items and memories it wrote, and those it deleted. */
    private static final class Ledger {
        final List<String> items = new ArrayList<>();
        final List<String> jobs = new ArrayList<>();
        final Set<String> deletedItems = ConcurrentHashMap.newKeySet();
        final List<String> memories = new ArrayList<>();
        final Set<String> forgotten = ConcurrentHashMap.newKeySet();
    }

    private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> throttled = new ConcurrentHashMap<>();

    private void timed(String op, Runnable call) {
        long start = System.nanoTime();
        try {
            call.run();
        } catch (RuntimeException | AssertionError e) {
            errors.add(op + ": " + e);
        }
        latencies
                .computeIfAbsent(op, k -> Collections.synchronizedList(new ArrayList<>()))
                .add((System.nanoTime() - start) / 1_000_000);
    }

    /** A REST answer is fine when it has one of the expected codes; 429 is counted, not an error. */
    private boolean ok(String op, ApiClient.Response r, int... expected) {
        if (r.status() == 429) {
            throttled.merge(op, 1, Integer::sum);
            return false;
        }
        for (int e : expected) {
            if (r.status() == e) {
                return true;
            }
        }
        errors.add(op + ": " + r.status() + " " + r.raw().body());
        return false;
    }

    private static String sentence(Random random, int client) {
        StringBuilder s = new StringBuilder("Client " + client + " notes that the ");
        for (int i = 0; i < 6; i++) {
            s.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return s.append("held at ").append(random.nextInt(1000)).append(" kPa.").toString();
    }

    @Test
    void sixteenClientsForAMinuteOfMixedTrafficWithoutErrorsOrLostWrites() throws Exception {
        Path home = Files.createTempDirectory("mnemo-load");
        int http = MnemoProcess.freePort();
        int seconds = Integer.getInteger("mnemo.load.seconds", 60);
        try (MnemoProcess server = MnemoProcess.serve(
                "serve",
                home,
                MnemoProcess.env(
                        "MNEMO_DATA",
                        home.resolve("data"),
                        "MNEMO_HTTP_PORT",
                        http,
                        "MNEMO_BOLT_ADDRESS",
                        "127.0.0.1:" + MnemoProcess.freePort(),
                        "MNEMO_ADMIN_TOKEN",
                        CrashRecoveryIT.ADMIN,
                        "MNEMO_UPLOAD_WAIT_SECONDS",
                        0),
                http)) {
            ApiClient api = new ApiClient("http://127.0.0.1:" + http, CrashRecoveryIT.ADMIN);
            List<String> tokens = new ArrayList<>();
            List<String> libraries = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                String token = api.user("load-" + i);
                api.grant("load-ws-" + i, "load-" + i, "owner");
                tokens.add(token);
                libraries.add(api.post(
                                "/library/api/libraries/",
                                token,
                                Map.of("name", "Load " + i, "library_type", "technical"))
                        .json()
                        .path("uid")
                        .asText());
            }
            List<Ledger> ledgers = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            long end = System.currentTimeMillis() + seconds * 1000L;
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Ledger ledger = new Ledger();
                ledgers.add(ledger);
                int client = i;
                running.add(pool.submit(
                        () -> run(api, http, client, tokens.get(client), libraries.get(client), ledger, end)));
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            report(seconds);
            assertThat(errors)
                    .as("errors under load (first 20): " + errors.subList(0, Math.min(20, errors.size())))
                    .isEmpty();
            checkConsistency(api, tokens, ledgers);
            assertThat(server.alive()).isTrue();
        }
    }

    private void run(ApiClient api, int http, int client, String token, String library, Ledger ledger, long end) {
        Random random = new Random(client);
        String workspace = "load-ws-" + client;
        Map<String, String> ws = Map.of("X-Workspace-ID", workspace);
        HttpRequest.Builder auth = HttpRequest.newBuilder().header("Authorization", "Bearer " + token);
        McpSyncClient mcp = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + http)
                        .endpoint("/mcp")
                        .requestBuilder(auth)
                        .build())
                .requestTimeout(Duration.ofSeconds(60))
                .build();
        timed("mcp initialize", mcp::initialize);
        int n = 0;
        while (System.currentTimeMillis() < end) {
            int dice = random.nextInt(100);
            String text = sentence(random, client) + " (" + n++ + ")";
            if (dice < 40) {
                timed(
                        "rest search",
                        () -> ok(
                                "rest search",
                                api.post(
                                        "/library/api/search/",
                                        token,
                                        Map.of(
                                                "query",
                                                WORDS[random.nextInt(WORDS.length)] + " "
                                                        + WORDS[random.nextInt(WORDS.length)],
                                                "limit",
                                                10)),
                                200));
            } else if (dice < 55) {
                timed("rest upload", () -> {
                    ApiClient.Response r = api.post(
                            "/library/api/items/",
                            token,
                            Map.of(
                                    "library_uid",
                                    library,
                                    "title",
                                    "Note " + text.hashCode(),
                                    "text",
                                    "# Note\n\n" + text));
                    if (ok("rest upload", r, 201, 202, 200)) {
                        synchronized (ledger) {
                            ledger.jobs.add(r.json().path("job").path("id").asText());
                        }
                    }
                });
            } else if (dice < 60) {
                String item;
                synchronized (ledger) {
                    item = ledger.items.isEmpty() ? null : ledger.items.remove(random.nextInt(ledger.items.size()));
                }
                if (item != null) {
                    timed("rest delete item", () -> {
                        if (ok("rest delete item", api.delete("/library/api/items/" + item + "/", token), 204)) {
                            ledger.deletedItems.add(item);
                        }
                    });
                } else {
                    collectItems(api, token, ledger);
                }
            } else if (dice < 75) {
                timed("rest commit memory", () -> {
                    ApiClient.Response r =
                            api.send("POST", "/api/memory/memories/", token, Map.of("content", text), ws);
                    if (ok("rest commit memory", r, 201)) {
                        synchronized (ledger) {
                            ledger.memories.add(r.json().path("id").asText());
                        }
                    }
                });
            } else if (dice < 80) {
                String memory;
                synchronized (ledger) {
                    memory = ledger.memories.isEmpty()
                            ? null
                            : ledger.memories.remove(random.nextInt(ledger.memories.size()));
                }
                if (memory != null) {
                    timed("rest forget memory", () -> {
                        if (ok(
                                "rest forget memory",
                                api.send("DELETE", "/api/memory/memories/" + memory + "/", token, null, ws),
                                204)) {
                            ledger.forgotten.add(memory);
                        }
                    });
                }
            } else if (dice < 90) {
                timed(
                        "mcp search",
                        () -> mcpOk(
                                "mcp search",
                                mcp.callTool(new McpSchema.CallToolRequest(
                                        "search", Map.of("query", WORDS[random.nextInt(WORDS.length)], "limit", 5)))));
            } else if (dice < 95) {
                timed("mcp commit memory", () -> {
                    McpSchema.CallToolResult r = mcp.callTool(new McpSchema.CallToolRequest(
                            "commit_memory_v2", Map.of("content", text, "workspace_id", workspace)));
                    if (mcpOk("mcp commit memory", r)) {
                        synchronized (ledger) {
                            ledger.memories.add(String.valueOf(((Map<?, ?>) r.structuredContent()).get("id")));
                        }
                    }
                });
            } else {
                timed(
                        "mcp search memory",
                        () -> mcpOk(
                                "mcp search memory",
                                mcp.callTool(new McpSchema.CallToolRequest(
                                        "search_memory",
                                        Map.of(
                                                "query",
                                                WORDS[random.nextInt(WORDS.length)],
                                                "workspace_id",
                                                workspace)))));
            }
        }
        mcp.closeGracefully();
    }

    private boolean mcpOk(String op, McpSchema.CallToolResult r) {
        if (Boolean.TRUE.equals(r.isError())) {
            String text = String.valueOf(r.content());
            if (text.contains("rate_limited")) {
                throttled.merge(op, 1, Integer::sum);
            } else {
                errors.add(op + ": " + text);
            }
            return false;
        }
        return true;
    }

    /** Moves the completed jobs' items into the ledger (uploads answer 202 with the job; the item comes later). */
    private void collectItems(ApiClient api, String token, Ledger ledger) {
        List<String> pending;
        synchronized (ledger) {
            pending = new ArrayList<>(ledger.jobs);
        }
        for (String job : pending) {
            JsonNode j = api.get("/library/api/jobs/" + job + "/", token).json();
            if ("completed".equals(j.path("status").asText())) {
                synchronized (ledger) {
                    ledger.jobs.remove(job);
                    String item = j.path("item_uid").asText();
                    if (!ledger.items.contains(item) && !ledger.deletedItems.contains(item)) {
                        ledger.items.add(item);
                    }
                }
            } else if (List.of("failed", "stale").contains(j.path("status").asText())) {
                errors.add("upload job " + job + " ended " + j);
                synchronized (ledger) {
                    ledger.jobs.remove(job);
                }
            }
        }
    }

    private void checkConsistency(ApiClient api, List<String> tokens, List<Ledger> ledgers) {
        for (int i = 0; i < CLIENTS; i++) {
            Ledger ledger = ledgers.get(i);
            String token = tokens.get(i);
            long deadline = System.currentTimeMillis() + 180_000;
            while (!ledger.jobs.isEmpty()) {
                collectItems(api, token, ledger);
                assertThat(System.currentTimeMillis())
                        .as("upload jobs never finished: " + ledger.jobs)
                        .isLessThan(deadline);
                MnemoProcess.sleep(250);
            }
            for (String item : ledger.items) {
                assertThat(api.get("/library/api/items/" + item + "/", token).status())
                        .as("item " + item)
                        .isEqualTo(200);
            }
            for (String item : ledger.deletedItems) {
                assertThat(api.get("/library/api/items/" + item + "/", token).status())
                        .as("deleted " + item)
                        .isEqualTo(404);
            }
            ApiClient.Response export = api.get("/api/memory/export/?workspace_id=load-ws-" + i, CrashRecoveryIT.ADMIN);
            assertThat(export.status()).isEqualTo(200);
            Set<String> stored = ConcurrentHashMap.newKeySet();
            export.raw().body().lines().filter(l -> !l.isBlank()).forEach(l -> {
                try {
                    stored.add(Json.MAPPER.readTree(l).path("id").asText());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(stored).as("client " + i + " memories").containsAll(ledger.memories);
            assertThat(ledger.forgotten)
                    .as("client " + i + " forgotten memories")
                    .noneMatch(stored::contains);
        }
    }

    private void report(int seconds) throws IOException {
        Map<String, Object> report = new TreeMap<>();
        long total = 0;
        StringBuilder table = new StringBuilder(String.format(
                "%-22s %7s %7s %7s %7s %7s%n", "operation", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"));
        for (Map.Entry<String, List<Long>> op : new TreeMap<>(latencies).entrySet()) {
            List<Long> sorted = new ArrayList<>(op.getValue());
            Collections.sort(sorted);
            total += sorted.size();
            Map<String, Object> row = Map.of(
                    "count",
                    sorted.size(),
                    "p50_ms",
                    percentile(sorted, 50),
                    "p95_ms",
                    percentile(sorted, 95),
                    "p99_ms",
                    percentile(sorted, 99),
                    "max_ms",
                    sorted.get(sorted.size() - 1),
                    "throttled",
                    throttled.getOrDefault(op.getKey(), 0));
            report.put(op.getKey(), row);
            table.append(String.format(
                    "%-22s %7d %7d %7d %7d %7d%n",
                    op.getKey(),
                    sorted.size(),
                    percentile(sorted, 50),
                    percentile(sorted, 95),
                    percentile(sorted, 99),
                    sorted.get(sorted.size() - 1)));
        }
        report.put(
                "_summary",
                Map.of(
                        "clients",
                        CLIENTS,
                        "seconds",
                        seconds,
                        "operations",
                        total,
                        "errors",
                        errors.size(),
                        "throttled",
                        throttled.values().stream().mapToInt(Integer::intValue).sum()));
        System.out.println("Load: " + CLIENTS + " clients, " + seconds + " s, " + total + " operations, "
                + errors.size() + " errors, 429s " + throttled + "\n" + table);
        Files.createDirectories(Path.of("target"));
        Json.MAPPER
                .writerWithDefaultPrettyPrinter()
                .writeValue(Path.of("target/load-report.json").toFile(), report);
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
