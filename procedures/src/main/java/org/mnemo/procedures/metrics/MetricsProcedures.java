package org.mnemo.procedures.metrics;

import java.util.stream.Stream;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Procedure;

public class MetricsProcedures {

    @Procedure(name = "mnemo.metrics", mode = Mode.READ)
    @Description("List the plugin's metrics in this Neo4j process — embedder calls, latency and circuit breaker, "
            + "search latency per leg — one row per series, as the gateway's /metrics exposes them.")
    public Stream<PluginMetrics.Sample> metrics() {
        return PluginMetrics.samples().stream();
    }
}
