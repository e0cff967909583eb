package org.mnemo.gateway.rest;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The gateway's Prometheus metrics. Labels are route templates, methods, statuses and reason codes — never paths
 * with ids, query text or tokens.
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

    public void request(String method, String route, int status, double seconds) {
        requests.labelValues(method, route, Integer.toString(status)).inc();
        latency.labelValues(method, route).observe(seconds);
    }

    public void authFailure(String reason) {
        authFailures.labelValues(reason).inc();
    }

    /** The registry, for metrics other parts of the gateway (MCP) add. */
    public PrometheusRegistry registry() {
        return registry;
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
