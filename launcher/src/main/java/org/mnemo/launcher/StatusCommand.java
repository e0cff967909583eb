package org.mnemo.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mnemo.gateway.web.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What an operator asks first: is the server up, is the schema online, is ingest moving — from the unauthenticated
 * /ready/ — and, with MNEMO_TOKEN, how much that token can read. Exits 1 unless the gateway is ready.
 */
@Command(
        name = "status",
        description = "Show the running gateway's state (MNEMO_URL): Neo4j, schema, embedder, "
                + "ingest workers and queue, and with MNEMO_TOKEN the libraries, items, chunks and failed jobs it can see. "
                + "Exits 0 only when the gateway is ready.")
final class StatusCommand implements Callable<Integer> {
    /** Libraries are counted page by page, up to this many pages of 200. */
    private static final int MAX_PAGES = 50;

    @Option(names = "--json", description = "Print the state as JSON instead.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        GatewayClient gateway = new GatewayClient();
        GatewayClient.Answer ready = gateway.exchange("GET", "/ready/", null);
        if (ready.json() == null || !ready.json().has("status")) {
            throw new GatewayClient.Failure(gateway.base() + "/ready/ answered " + ready.status()
                    + " without a readiness report: is MNEMO_URL a Mnemo gateway?");
        }
        JsonNode report = ready.json();
        String version = gateway.exchange("GET", "/openapi.json", null)
                .json()
                .path("info")
                .path("version")
                .asText("?");
        Map<String, Object> counts = gateway.hasToken() ? counts(gateway) : null;
        boolean isReady = "ready".equals(report.path("status").asText());
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("url", gateway.base());
            out.put("version", version);
            out.put("ready", Json.MAPPER.convertValue(report, Map.class));
            out.put("counts", counts);
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return isReady ? 0 : 1;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(
                "Server", gateway.base() + "  " + report.path("status").asText() + "  (mnemo " + version + ")"));
        JsonNode checks = report.path("checks");
        for (String name : List.of("neo4j", "schema", "embedder", "s3")) {
            JsonNode check = checks.path(name);
            if (!check.isMissingNode()) {
                rows.add(List.of(label(name), check.path("status").asText() + detail(check)));
            }
        }
        JsonNode workers = checks.path("ingest_workers");
        if (!workers.isMissingNode()) {
            rows.add(List.of(
                    "Workers",
                    workers.path("alive").asText() + " of "
                            + workers.path("configured").asText() + " alive"));
        }
        JsonNode queue = report.path("queue");
        if (!queue.isMissingNode()) {
            rows.add(List.of(
                    "Queue",
                    queue.path("queued").asText() + " queued, "
                            + queue.path("processing").asText() + " processing, oldest queued "
                            + queue.path("oldest_queued_seconds").asLong() + " s"));
        }
        if (counts != null) {
            rows.add(List.of(
                    "Counts",
                    counts.get("libraries") + " libraries, " + counts.get("items") + " items, "
                            + counts.get("chunks") + " chunks, " + counts.get("failed_jobs")
                            + " failed jobs (what MNEMO_TOKEN "
                            + "can read)"));
        } else {
            rows.add(List.of(
                    "Counts",
                    "set MNEMO_TOKEN to count the libraries, items, chunks and failed jobs it " + "can read"));
        }
        Table.print(rows);
        return isReady ? 0 : 1;
    }

    /** Libraries, items and chunks the token reads (page by page), and its failed ingest jobs. */
    private static Map<String, Object> counts(GatewayClient gateway) throws Exception {
        long libraries = 0;
        long items = 0;
        long chunks = 0;
        boolean more = false;
        int offset = 0;
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonNode answer = gateway.get("/library/api/libraries/?include_workspace=true&with_item_count=true"
                    + "&limit=200&offset=" + offset);
            for (JsonNode library : answer.path("results")) {
                libraries++;
                items += library.path("item_count").asLong();
                chunks += library.path("chunk_count").asLong();
            }
            more = !answer.path("next_offset").isNull()
                    && !answer.path("next_offset").isMissingNode();
            if (!more) {
                break;
            }
            offset = answer.path("next_offset").asInt();
        }
        JsonNode failed = gateway.get("/library/api/jobs/?status=failed&limit=200");
        int failedJobs = failed.path("results").size();
        boolean moreFailed = !failed.path("next_offset").isNull()
                && !failed.path("next_offset").isMissingNode();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("libraries", more ? libraries + "+" : libraries);
        counts.put("items", more ? items + "+" : items);
        counts.put("chunks", more ? chunks + "+" : chunks);
        counts.put("failed_jobs", moreFailed ? failedJobs + "+" : failedJobs);
        return counts;
    }

    private static String label(String check) {
        return switch (check) {
            case "neo4j" -> "Neo4j";
            case "s3" -> "S3";
            default -> Character.toUpperCase(check.charAt(0)) + check.substring(1);
        };
    }

    private static String detail(JsonNode check) {
        StringBuilder detail = new StringBuilder();
        if (check.hasNonNull("model")) {
            detail.append("  ").append(check.path("model").asText());
        }
        if (check.hasNonNull("duration_ms")
                && !"not_configured".equals(check.path("status").asText())) {
            detail.append("  ").append(check.path("duration_ms").asLong()).append(" ms");
        }
        if (check.hasNonNull("detail")) {
            detail.append("  ").append(check.path("detail").asText());
        }
        return detail.toString();
    }
}
