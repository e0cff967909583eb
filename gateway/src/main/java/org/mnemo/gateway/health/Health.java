package org.mnemo.gateway.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mnemo.gateway.client.MnemoClient;

/**
 * Probes the gateway's dependencies: Neo4j, Mnemo's schema (indexes online), the embedder and the S3 buckets
 * ({@code not_configured} without any; an S3 outage does not make the gateway unready: searches still work).
 */
public final class Health {
    public static final String OK = "ok";

    public static final String NOT_CONFIGURED = "not_configured";

    /**
     * One dependency: {@code ok}, {@code error}, {@code unknown} (not probed because Neo4j is down) or
     * {@code not_configured}.
     */
    public record Check(String status, String detail, String model, long durationMs) {
        public boolean ok() {
            return OK.equals(status);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("status", status);
            if (detail != null) {
                map.put("detail", detail);
            }
            if (model != null) {
                map.put("model", model);
            }
            map.put("duration_ms", durationMs);
            return map;
        }
    }

    /** The checks by name; the schema and embedder are probed only when Neo4j answers. */
    public record Report(Check neo4j, Check schema, Check embedder, Check s3) {
        public boolean allOk() {
            return neo4j.ok() && schema.ok() && embedder.ok();
        }
    }

    private final MnemoClient client;
    private final Supplier<String> s3;
    private final long cacheNanos;
    private volatile Report last;
    private volatile long lastAt;

    /**
     * {@code s3}: probes the buckets (null when none is configured, throws when one does not answer);
     * {@code cacheSeconds}: how long {@link #cached()} reuses a result (0 = never).
     */
    public Health(MnemoClient client, Supplier<String> s3, int cacheSeconds) {
        this.client = client;
        this.s3 = s3;
        this.cacheNanos = cacheSeconds * 1_000_000_000L;
    }

    /**
     * The last result while it is fresh, else a new one: what unauthenticated callers get, so that a flood of
     * readiness probes costs at most one embedding call per period.
     */
    public Report cached() {
        Report report = last;
        if (report != null && System.nanoTime() - lastAt < cacheNanos) {
            return report;
        }
        synchronized (this) {
            if (last != null && System.nanoTime() - lastAt < cacheNanos) {
                return last;
            }
            return run();
        }
    }

    /** Probes every dependency now. */
    public Report run() {
        Report report = probeAll();
        last = report;
        lastAt = System.nanoTime();
        return report;
    }

    private Report probeAll() {
        String[] buckets = new String[1];
        Check s3Check = probe(
                () -> {
                    buckets[0] = s3.get();
                    return null;
                },
                false);
        if (s3Check.ok() && buckets[0] == null) {
            s3Check = new Check(NOT_CONFIGURED, "no S3 bucket is configured", null, s3Check.durationMs());
        }
        Check neo4j = probe(
                () -> {
                    client.rows(MnemoClient.Mode.READ, "RETURN 1 AS ok", Map.of());
                    return null;
                },
                false);
        if (!neo4j.ok()) {
            Check unknown = new Check("unknown", "neo4j is unreachable", null, 0);
            return new Report(neo4j, unknown, unknown, s3Check);
        }
        Check schema = probe(
                () -> {
                    List<String> broken = client.schemaStatus().stream()
                            .filter(r -> !"ONLINE".equals(r.state()))
                            .map(r -> r.name() + " " + r.state())
                            .toList();
                    if (!broken.isEmpty()) {
                        throw new IllegalStateException("not online: " + String.join(", ", broken));
                    }
                    return null;
                },
                false);
        Check embedder = probe(() -> client.embed("readiness check").model(), true);
        return new Report(neo4j, schema, embedder, s3Check);
    }

    private static Check probe(Supplier<String> probe, boolean resultIsModel) {
        long started = System.nanoTime();
        try {
            String result = probe.get();
            return new Check(OK, null, resultIsModel ? result : null, elapsedMs(started));
        } catch (RuntimeException e) {
            return new Check(
                    "error", String.valueOf(e.getMessage()).lines().findFirst().orElse(""), null, elapsedMs(started));
        }
    }

    private static long elapsedMs(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
