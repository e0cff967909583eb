package org.mnemo.gateway.rest;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.config.GatewayConfig;

/** Liveness, readiness (each dependency named), Prometheus metrics and the OpenAPI document; no auth. */
final class HealthApi {
    private static final String TAG = "operations";

    private final MnemoClient client;
    private final GatewayConfig config;
    private final Metrics metrics;
    private final Supplier<Map<String, Object>> openApi;

    HealthApi(MnemoClient client, GatewayConfig config, Metrics metrics, Supplier<Map<String, Object>> openApi) {
        this.client = client;
        this.config = config;
        this.metrics = metrics;
        this.openApi = openApi;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/live/", TAG, "The process is up", ctx -> Json.send(ctx, 200, Map.of("status", "ok")))
                        .open(),
                Route.get("/ready/", TAG, "Ready to serve: 503 naming each broken dependency (neo4j, schema, "
                        + "embedder)", this::ready).open(),
                Route.get("/metrics", TAG, "Prometheus metrics (only for MNEMO_METRICS_ALLOW addresses)",
                        this::metrics).open(),
                Route.get("/openapi.json", TAG, "This API as an OpenAPI 3 document",
                        ctx -> Json.send(ctx, 200, openApi.get())).open());
    }

    private void ready(Context ctx) {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean neo4j = check(checks, "neo4j", () -> {
            client.rows(MnemoClient.Mode.READ, "RETURN 1 AS ok", Map.of());
            return null;
        });
        if (neo4j) {
            check(checks, "schema", () -> {
                List<String> broken = client.schemaStatus().stream()
                        .filter(r -> !"ONLINE".equals(r.get("state")))
                        .map(r -> r.get("name") + " " + r.get("state")).toList();
                if (!broken.isEmpty()) {
                    throw new IllegalStateException("not online: " + String.join(", ", broken));
                }
                return null;
            });
            check(checks, "embedder", () -> "model " + client.embed("readiness check").get("model"));
        } else {
            checks.put("schema", Map.of("status", "unknown", "detail", "neo4j is unreachable"));
            checks.put("embedder", Map.of("status", "unknown", "detail", "neo4j is unreachable"));
        }
        boolean ready = checks.values().stream().allMatch(c -> "ok".equals(((Map<?, ?>) c).get("status")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "ready" : "not_ready");
        body.put("checks", checks);
        Json.send(ctx, ready ? 200 : 503, body);
    }

    private static boolean check(Map<String, Object> checks, String name, Supplier<String> probe) {
        long started = System.nanoTime();
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            String detail = probe.get();
            result.put("status", "ok");
            if (detail != null) {
                result.put("detail", detail);
            }
        } catch (RuntimeException e) {
            result.put("status", "error");
            result.put("detail", String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        result.put("duration_ms", (System.nanoTime() - started) / 1_000_000);
        checks.put(name, result);
        return "ok".equals(result.get("status"));
    }

    private void metrics(Context ctx) {
        InetAddress remote;
        try {
            remote = InetAddress.getByName(ctx.req().getRemoteAddr());
        } catch (UnknownHostException e) {
            remote = null;
        }
        if (remote == null || !config.metricsAllowed(remote)) {
            throw new ApiError(403, "forbidden", "metrics are served only to the addresses in MNEMO_METRICS_ALLOW");
        }
        ctx.contentType(metrics.contentType()).result(metrics.scrape());
    }
}
