package org.mnemo.gateway.rest;

import static org.mnemo.gateway.web.Schema.fields;
import static org.mnemo.gateway.web.Schema.integer;
import static org.mnemo.gateway.web.Schema.map;
import static org.mnemo.gateway.web.Schema.object;
import static org.mnemo.gateway.web.Schema.string;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mnemo.gateway.config.GatewayConfig;
import org.mnemo.gateway.health.Health;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Metrics;
import org.mnemo.gateway.web.Route;
import org.mnemo.gateway.web.Schema;

/** Liveness, readiness (each dependency named), Prometheus metrics and the OpenAPI document; no auth. */
final class HealthApi {
    private static final String TAG = "operations";

    private final Health health;
    private final GatewayConfig config;
    private final Metrics metrics;
    private final Supplier<Map<String, Object>> openApi;

    private final IngestJobs jobs;

    HealthApi(
            Health health,
            GatewayConfig config,
            Metrics metrics,
            Supplier<Map<String, Object>> openApi,
            IngestJobs jobs) {
        this.health = health;
        this.jobs = jobs;
        this.config = config;
        this.metrics = metrics;
        this.openApi = openApi;
    }

    private static final Schema CHECK = object("One dependency's check")
            .required(
                    "status",
                    string("unknown: not checked, since Neo4j is unreachable; not_configured: no S3 "
                                    + "bucket is configured")
                            .values("ok", "error", "unknown", "not_configured"))
            .optional("detail", string("What is wrong"))
            .optional("model", string("The embedding model"))
            .optional("duration_ms", integer(null))
            .optional("alive", integer("Ingest workers alive"))
            .optional("configured", integer("Ingest workers configured"));

    static final Schema READY = object("Readiness: each dependency's check, and the ingest queue")
            .required("status", string(null).values("ready", "not_ready"))
            .required("checks", map("neo4j, schema, embedder, s3 and ingest_workers", CHECK))
            .optional(
                    "queue",
                    object("The ingest queue (left out while Neo4j is down)")
                            .required("queued", integer(null))
                            .required("processing", integer(null))
                            .required("oldest_queued_seconds", integer(null)))
            .example(fields(
                    "status",
                    "ready",
                    "checks",
                    fields(
                            "neo4j",
                            fields("status", "ok", "duration_ms", 3),
                            "schema",
                            fields("status", "ok", "duration_ms", 5),
                            "embedder",
                            fields("status", "ok", "model", "all-minilm-l6-v2-q", "duration_ms", 12),
                            "s3",
                            fields("status", "ok", "duration_ms", 8),
                            "ingest_workers",
                            fields("status", "ok", "alive", 2, "configured", 2)),
                    "queue",
                    fields("queued", 0, "processing", 0, "oldest_queued_seconds", 0)))
            .named("Readiness");

    List<Route> routes() {
        return List.of(
                Route.get("/live/", TAG, "The process is up", ctx -> Json.send(ctx, 200, Map.of("status", "ok")))
                        .open()
                        .returns(
                                200,
                                "Up",
                                object(null).required("status", string(null).values("ok"))),
                Route.get(
                                "/ready/",
                                TAG,
                                "Ready to serve: 503 naming each broken dependency (neo4j, schema, "
                                        + "embedder, ingest workers), with the ingest queue; a result is reused for "
                                        + "MNEMO_HEALTH_CACHE_SECONDS",
                                this::ready)
                        .open()
                        .returns(200, "Ready", READY)
                        .returns(503, "Not ready: the checks say what is broken", READY),
                Route.get("/metrics", TAG, "Prometheus metrics (only for MNEMO_METRICS_ALLOW addresses)", this::metrics)
                        .open()
                        .returns(200, "The Prometheus text exposition format", "text/plain", string("Prometheus text")),
                Route.get(
                                "/openapi.json",
                                TAG,
                                "This API as an OpenAPI 3.1 document",
                                ctx -> Json.send(ctx, 200, openApi.get()))
                        .open()
                        .returns(
                                200,
                                "The document",
                                object("An OpenAPI 3.1 document")
                                        .required("openapi", string(null))
                                        .required("paths", object(null))));
    }

    private void ready(Context ctx) {
        Health.Report report = health.cached();
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("neo4j", report.neo4j().toMap());
        checks.put("schema", report.schema().toMap());
        checks.put("embedder", report.embedder().toMap());
        checks.put("s3", report.s3().toMap());
        boolean ready = report.allOk();
        Map<String, Object> body = new LinkedHashMap<>();
        if (report.neo4j().ok()) {
            IngestJobs.Status ingest = jobs.status();
            // Workers restart on their own; none alive of several configured is a gateway that cannot ingest.
            ready &= ingest.configured() == 0 || ingest.alive() > 0;
            checks.put(
                    "ingest_workers",
                    Map.of(
                            "status",
                            ingest.alive() == ingest.configured() ? "ok" : "error",
                            "alive",
                            ingest.alive(),
                            "configured",
                            ingest.configured()));
            body.put(
                    "queue",
                    Map.of(
                            "queued",
                            ingest.queued(),
                            "processing",
                            ingest.processing(),
                            "oldest_queued_seconds",
                            ingest.oldestQueuedSeconds()));
        }
        body.put("status", ready ? "ready" : "not_ready");
        body.put("checks", checks);
        Json.send(ctx, ready ? 200 : 503, body);
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
