package org.mnemo.gateway.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mnemo.gateway.client.MnemoClient;

/** Probes the gateway's dependencies: Neo4j, Mnemo's schema (indexes online) and the embedder. */
public final class Health {
    public static final String OK = "ok";

    /** One dependency: {@code ok}, {@code error} or {@code unknown} (not probed because Neo4j is down). */
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

    /** The three checks by name; the schema and embedder are probed only when Neo4j answers. */
    public record Report(Check neo4j, Check schema, Check embedder) {
        public boolean allOk() {
            return neo4j.ok() && schema.ok() && embedder.ok();
        }
    }

    private final MnemoClient client;
    private final long cacheNanos;
    private volatile Report last;
    private volatile long lastAt;

    /** {@code cacheSeconds}: how long {@link #cached()} reuses a result (0 = never). */
    public Health(MnemoClient client, int cacheSeconds) {
        this.client = client;
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
        Check neo4j = probe(() -> {
            client.rows(MnemoClient.Mode.READ, "RETURN 1 AS ok", Map.of());
            return null;
        }, false);
        if (!neo4j.ok()) {
            Check unknown = new Check("unknown", "neo4j is unreachable", null, 0);
            return new Report(neo4j, unknown, unknown);
        }
        Check schema = probe(() -> {
            List<String> broken = client.schemaStatus().stream()
                    .filter(r -> !"ONLINE".equals(r.get("state")))
                    .map(r -> r.get("name") + " " + r.get("state")).toList();
            if (!broken.isEmpty()) {
                throw new IllegalStateException("not online: " + String.join(", ", broken));
            }
            return null;
        }, false);
        Check embedder = probe(() -> (String) client.embed("readiness check").get("model"), true);
        return new Report(neo4j, schema, embedder);
    }

    private static Check probe(Supplier<String> probe, boolean resultIsModel) {
        long started = System.nanoTime();
        try {
            String result = probe.get();
            return new Check(OK, null, resultIsModel ? result : null, elapsedMs(started));
        } catch (RuntimeException e) {
            return new Check("error", String.valueOf(e.getMessage()).lines().findFirst().orElse(""), null,
                    elapsedMs(started));
        }
    }

    private static long elapsedMs(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
