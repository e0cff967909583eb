package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.gateway.mcp.McpTestClients.call;
import static org.mnemo.gateway.mcp.McpTestClients.structured;

import io.modelcontextprotocol.client.McpSyncClient;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.health.OperationalMetrics;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.mcp.McpTestClients;

/** /metrics after real traffic: every family under mnemo_ (or the JVM's), each documented family with values. */
class MetricsTest {
    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");
    /** A sample line; label values may hold braces (route templates) and escaped quotes. */
    private static final Pattern SAMPLE =
            Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*})? (\\S+)$");

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    /** A row of the tables in docs/operations.md: | `family` | type | `label`, `label` | what | */
    private static final Pattern DOCUMENTED = Pattern.compile("(?m)^\\| `(mnemo_[a-z_]+)` \\| (\\w+) \\|([^|]*)\\|");

    private final TestGateway gw = TestGateway.get();

    @Test
    void afterASearchAnMcpCallAndAnIngestEveryFamilyIsMnemosOrTheJvmsAndShowsTheTraffic() throws IOException {
        String id = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        String token = gw.user(id);
        String library = gw.post("/library/api/libraries/", token, Map.of("name", id, "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        TestGateway.Response item = gw.send(gw.multipart(
                "/library/api/items/",
                token,
                Map.of("library_uid", library),
                "weirs.md",
                "# Weirs\n\nA broad-crested weir measures the flow of a river by the head of "
                        + "water above its crest. Sharp-crested weirs are used in laboratories."));
        assertThat(item.status()).as(item.raw().body()).isEqualTo(201);
        String secretQuery = "weir-crest-" + UUID.randomUUID();
        // All three legs (the concept leg is not a default), so each leg's timer shows.
        assertThat(gw.post(
                                "/library/api/search/",
                                token,
                                Map.of(
                                        "query",
                                        secretQuery,
                                        "library_uid",
                                        library,
                                        "search_types",
                                        List.of("vector", "fulltext", "graph")))
                        .status())
                .isEqualTo(200);
        McpSyncClient mcp = McpTestClients.connect(gw.url(""), token);
        try {
            structured(call(mcp, "search", Map.of("query", "broad-crested weir")));
        } finally {
            mcp.closeGracefully();
        }

        // Refused credentials, on each surface: labelled families show once they have a series.
        String bogus = "mnemo_bogus-" + UUID.randomUUID();
        assertThat(gw.get("/library/api/libraries/", bogus).status()).isEqualTo(401);
        McpSyncClient refused = McpTestClients.connect(gw.url(""), bogus);
        try {
            assertThat(call(refused, "list_libraries", Map.of()).isError()).isTrue();
        } finally {
            refused.closeGracefully();
        }

        TestGateway.Response scraped = gw.get("/metrics", null);
        assertThat(scraped.status()).isEqualTo(200);
        String text = scraped.raw().body();

        List<String> families = new ArrayList<>();
        Matcher type = TYPE.matcher(text);
        while (type.find()) {
            families.add(type.group(1));
        }
        assertThat(families).isNotEmpty().allSatisfy(name -> assertThat(name).matches("(mnemo|jvm|process)_.+"));
        assertThat(families)
                .contains(
                        "mnemo_http_requests_total",
                        "mnemo_http_request_duration_seconds",
                        "mnemo_auth_failures_total",
                        "mnemo_rate_limited_total",
                        "mnemo_mcp_tool_invocations_total",
                        "mnemo_mcp_tool_duration_seconds",
                        "mnemo_mcp_auth_failures_total",
                        "mnemo_ingest_chunks_total",
                        "mnemo_ingest_attempts_total",
                        "mnemo_ingest_workers",
                        "mnemo_ingest_jobs",
                        "mnemo_ingest_queue_oldest_seconds",
                        "mnemo_plugin_metrics_up",
                        "mnemo_embedder_calls_total",
                        "mnemo_embedder_texts_total",
                        "mnemo_embedder_duration_seconds",
                        "mnemo_embedder_breaker_open",
                        "mnemo_embedder_breaker_openings_total",
                        "mnemo_search_leg_duration_seconds",
                        "jvm_memory_used_bytes",
                        "jvm_threads_current",
                        "process_cpu_seconds_total");

        assertThat(value(text, "mnemo_plugin_metrics_up", Map.of())).isEqualTo(1);
        for (String leg : List.of("vector", "fulltext", "graph", "fusion")) {
            assertThat(value(
                            text, "mnemo_search_leg_duration_seconds_count", Map.of("target", "documents", "leg", leg)))
                    .as("searches timed in leg " + leg)
                    .isPositive();
            assertThat(value(
                            text,
                            "mnemo_search_leg_duration_seconds_bucket",
                            Map.of("target", "documents", "leg", leg, "le", "+Inf")))
                    .isEqualTo(value(
                            text,
                            "mnemo_search_leg_duration_seconds_count",
                            Map.of("target", "documents", "leg", leg)));
        }
        assertThat(value(text, "mnemo_ingest_chunks_total", Map.of())).isPositive();
        assertThat(value(text, "mnemo_ingest_attempts_total", Map.of("outcome", "completed")))
                .isPositive();
        assertThat(value(text, "mnemo_ingest_jobs", Map.of("status", "completed")))
                .isPositive();
        assertThat(value(text, "mnemo_ingest_workers", Map.of("state", "alive")))
                .isEqualTo(value(text, "mnemo_ingest_workers", Map.of("state", "configured")))
                .isPositive();
        assertThat(value(text, "mnemo_ingest_queue_oldest_seconds", Map.of())).isGreaterThanOrEqualTo(0);
        assertThat(value(text, "mnemo_embedder_calls_total", Map.of("provider", "local", "outcome", "ok")))
                .isPositive();
        assertThat(value(text, "mnemo_embedder_texts_total", Map.of("provider", "local")))
                .isPositive();
        assertThat(value(text, "mnemo_embedder_duration_seconds_count", Map.of("provider", "local")))
                .isPositive();
        assertThat(value(text, "mnemo_embedder_breaker_open", Map.of("provider", "local")))
                .isZero();
        assertThat(value(text, "mnemo_mcp_tool_invocations_total", Map.of("tool", "search", "status", "ok")))
                .isPositive();
        assertThat(value(text, "mnemo_http_requests_total", Map.of("route", "/library/api/search", "status", "200")))
                .isPositive();
        assertThat(value(text, "jvm_memory_used_bytes", Map.of("area", "heap"))).isPositive();
        assertThat(value(text, "mnemo_auth_failures_total", Map.of("reason", "token_unknown")))
                .isPositive();
        assertThat(value(text, "mnemo_mcp_auth_failures_total", Map.of("reason", "token_unknown")))
                .isPositive();
        assertThat(text).doesNotContain(secretQuery).doesNotContain(token).doesNotContain(bogus);
        assertTheOperationsGuideListsExactlyThese(text);
    }

    /**
     * docs/operations.md documents every mnemo_ family exposed, with its type and label names, and nothing else;
     * its alert rules use only documented families.
     */
    private static void assertTheOperationsGuideListsExactlyThese(String text) throws IOException {
        String guide = Files.readString(Path.of("../docs/operations.md"));
        Map<String, String> types = new TreeMap<>();
        Map<String, Set<String>> labels = new TreeMap<>();
        Matcher row = DOCUMENTED.matcher(guide);
        while (row.find()) {
            types.put(row.group(1), row.group(2));
            Set<String> names = new TreeSet<>();
            Matcher label = Pattern.compile("`([a-z_]+)`").matcher(row.group(3));
            while (label.find()) {
                names.add(label.group(1));
            }
            labels.put(row.group(1), names);
        }
        Map<String, String> exposed = new TreeMap<>();
        Matcher type = TYPE.matcher(text);
        while (type.find()) {
            if (type.group(1).startsWith("mnemo_")) {
                exposed.put(type.group(1), type.group(2));
            }
        }
        assertThat(exposed)
                .as("families exposed vs documented in docs/operations.md")
                .isEqualTo(types);
        Map<String, Set<String>> seen = new TreeMap<>();
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            String family = sample.group(1).replaceAll("_(bucket|count|sum|created)$", "");
            if (!exposed.containsKey(family)) {
                continue;
            }
            Set<String> names = seen.computeIfAbsent(family, f -> new TreeSet<>());
            Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
            while (label.find()) {
                if (!label.group(1).equals("le")) {
                    names.add(label.group(1));
                }
            }
        }
        assertThat(seen).as("label names exposed vs documented").isEqualTo(labels);
        String rules = guide.substring(guide.indexOf("# mnemo-alerts.yml"));
        Matcher used = Pattern.compile("mnemo_[a-z_]+").matcher(rules.substring(0, rules.indexOf("```")));
        while (used.find()) {
            assertThat(types)
                    .as("a family the alert rules use")
                    .containsKey(used.group().replaceAll("_(bucket|count|sum)$", ""));
        }
    }

    @Test
    void withoutADatabaseTheScrapeAnswersAtOnceAndSaysThePluginIsNotUp() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (MnemoClient client = new MnemoClient("bolt://127.0.0.1:" + closed, "neo4j", TestGateway.PASSWORD);
                IngestJobs jobs = new IngestJobs(
                        client,
                        TestGateway.config("bolt://127.0.0.1:" + closed, Map.of(), false)
                                .ingest()
                                .submitOnly());
                OperationalMetrics metrics = new OperationalMetrics(client, jobs)) {
            long started = System.nanoTime();
            List<MetricSnapshot> families = metrics.collect().stream().toList();
            assertThat((System.nanoTime() - started) / 1e9).isLessThan(5);
            List<String> names =
                    families.stream().map(f -> f.getMetadata().getName()).toList();
            assertThat(names)
                    .contains("mnemo_plugin_metrics_up", "mnemo_ingest_chunks", "mnemo_ingest_workers")
                    .doesNotContain("mnemo_ingest_jobs", "mnemo_embedder_calls", "mnemo_search_leg_duration_seconds");
            MetricSnapshot up = families.stream()
                    .filter(f -> f.getMetadata().getName().equals("mnemo_plugin_metrics_up"))
                    .findFirst()
                    .orElseThrow();
            assertThat(((GaugeSnapshot) up).getDataPoints().get(0).getValue()).isZero();
        }
    }

    /** The sum of the samples of {@code name} that carry all of {@code labels}; fails when there is none. */
    static double value(String text, String name, Map<String, String> labels) {
        double sum = 0;
        boolean found = false;
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            String set = sample.group(2) == null ? "" : sample.group(2);
            if (sample.group(1).equals(name)
                    && labels.entrySet().stream()
                            .allMatch(l -> set.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                sum += Double.parseDouble(sample.group(3));
                found = true;
            }
        }
        assertThat(found).as("a sample " + name + labels + " in\n" + text).isTrue();
        return sum;
    }
}
