package org.mnemo.gateway.web;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The gateway's Prometheus metrics: every family of its own is named {@code mnemo_*}, beside the client's JVM and
 * process families ({@code jvm_*}, {@code process_*}) and what collectors registered here read at scrape time
 * (ingest, the plugin's). Labels are route templates, methods, statuses, tools and reason codes — never paths with
 * ids, query text or tokens. docs/operations.md lists every family.
 */
public final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder()
            .name("mnemo_http_requests_total")
            .help("HTTP requests by method, route template and status")
            .labelNames("method", "route", "status")
            .register(registry);
    private final Histogram latency = Histogram.builder()
            .name("mnemo_http_request_duration_seconds")
            .help("HTTP request latency by method and route template")
            .labelNames("method", "route")
            .register(registry);
    private final Counter authFailures = Counter.builder()
            .name("mnemo_auth_failures_total")
            .help("Refused credentials by reason code")
            .labelNames("reason")
            .register(registry);

    private final Counter toolCalls = Counter.builder()
            .name("mnemo_mcp_tool_invocations_total")
            .help("MCP tool calls by tool and outcome (ok, error, denied)")
            .labelNames("tool", "status")
            .register(registry);
    private final Histogram toolLatency = Histogram.builder()
            .name("mnemo_mcp_tool_duration_seconds")
            .help("MCP tool call latency by tool")
            .labelNames("tool")
            .register(registry);
    private final Counter mcpAuthFailures = Counter.builder()
            .name("mnemo_mcp_auth_failures_total")
            .help("Refused MCP tool calls by reason code")
            .labelNames("reason")
            .register(registry);

    private final Counter rateLimited = Counter.builder()
            .name("mnemo_rate_limited_total")
            .help("Requests refused with 429 because a credential's (or address's) rate was exceeded")
            .register(registry);

    /** With the JVM's and the process's metrics (heap, GC, threads, CPU, open files), from the same client. */
    public Metrics() {
        JvmMetrics.builder().register(registry);
    }

    /** Adds families read when /metrics is scraped (ingest and the plugin's, from the database). */
    public void register(MultiCollector collector) {
        registry.register(collector);
    }

    public void rateLimited() {
        rateLimited.inc();
    }

    public void toolCall(String tool, String status, double seconds) {
        toolCalls.labelValues(tool, status).inc();
        toolLatency.labelValues(tool).observe(seconds);
    }

    public void mcpAuthFailure(String reason) {
        mcpAuthFailures.labelValues(reason).inc();
    }

    public void request(String method, String route, int status, double seconds) {
        requests.labelValues(method, route, Integer.toString(status)).inc();
        latency.labelValues(method, route).observe(seconds);
    }

    public void authFailure(String reason) {
        authFailures.labelValues(reason).inc();
    }

    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write metrics", e);
        }
        return out.toByteArray();
    }
}
