package org.mnemo.gateway.health;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.ingest.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code /metrics} reads when it is scraped: this gateway's ingest tallies and workers, the ingest queue as
 * the database holds it (every gateway's jobs), and the plugin's own series ({@code mnemo.metrics()}: embedder and
 * search legs) from the Neo4j process that answers. The database gets {@link #DATABASE_WAIT} to answer, one read at
 * a time: without an answer the queue gauges are left out and {@code mnemo_plugin_metrics_up} is 0, so a scrape
 * never hangs on a database that is down.
 */
public final class OperationalMetrics implements MultiCollector, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationalMetrics.class);
    /** Well inside Prometheus' default scrape timeout (10 s). */
    static final Duration DATABASE_WAIT = Duration.ofSeconds(3);
    /** The families the plugin owns; whatever else a plugin row names is not the gateway's to expose. */
    private static final List<String> PLUGIN_FAMILIES = List.of("mnemo_embedder_", "mnemo_search_");

    /** One read of the database; a part that could not be read is null. */
    private record Reading(Map<String, Long> statuses, JobStore.Queue queue, List<Rows.MetricSample> plugin) {
        static final Reading NONE = new Reading(null, null, null);
    }

    private final MnemoClient client;
    private final IngestJobs jobs;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mnemo-metrics-reader");
        t.setDaemon(true);
        return t;
    });
    private Future<Reading> pending;

    public OperationalMetrics(MnemoClient client, IngestJobs jobs) {
        this.client = client;
        this.jobs = jobs;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> families = new ArrayList<>();
        IngestJobs.Tally tally = jobs.tally();
        families.add(CounterSnapshot.builder()
                .name("mnemo_ingest_chunks")
                .help("Chunks written by this gateway's ingest workers (rate() gives chunks per second)")
                .dataPoint(
                        CounterDataPointSnapshot.builder().value(tally.chunks()).build())
                .build());
        families.add(CounterSnapshot.builder()
                .name("mnemo_ingest_batched_jobs")
                .help("Ingest jobs of small files that shared one mnemo.ingest.batch transaction with others")
                .dataPoint(CounterDataPointSnapshot.builder()
                        .value(tally.batchedJobs())
                        .build())
                .build());
        CounterSnapshot.Builder attempts = CounterSnapshot.builder()
                .name("mnemo_ingest_attempts")
                .help("Ingest attempts of this gateway's workers by outcome (completed, stale, retried, failed)");
        tally.attempts()
                .forEach((outcome, n) -> attempts.dataPoint(CounterDataPointSnapshot.builder()
                        .value(n)
                        .labels(Labels.of("outcome", outcome.name().toLowerCase(Locale.ROOT)))
                        .build()));
        families.add(attempts.build());
        families.add(GaugeSnapshot.builder()
                .name("mnemo_ingest_workers")
                .help("This gateway's ingest worker threads: alive and configured")
                .dataPoint(gauge(jobs.aliveWorkers(), "state", "alive"))
                .dataPoint(gauge(jobs.configuredWorkers(), "state", "configured"))
                .build());

        Reading reading = read();
        if (reading.statuses() != null) {
            GaugeSnapshot.Builder statuses = GaugeSnapshot.builder()
                    .name("mnemo_ingest_jobs")
                    .help("Ingest jobs by status, all gateways' (queued, processing, completed, stale, failed)");
            reading.statuses().forEach((status, n) -> statuses.dataPoint(gauge(n, "status", status)));
            families.add(statuses.build());
        }
        if (reading.queue() != null) {
            families.add(GaugeSnapshot.builder()
                    .name("mnemo_ingest_queue_oldest_seconds")
                    .help("How long the oldest queued ingest job has waited (0 when none waits)")
                    .dataPoint(gauge(reading.queue().oldestQueuedSeconds()))
                    .build());
        }
        families.add(GaugeSnapshot.builder()
                .name("mnemo_plugin_metrics_up")
                .help("1 when the plugin's metrics (mnemo.metrics) could be read from Neo4j for this scrape, else 0")
                .dataPoint(gauge(reading.plugin() == null ? 0 : 1))
                .build());
        if (reading.plugin() != null) {
            families.addAll(pluginFamilies(reading.plugin()));
        }
        return new MetricSnapshots(families);
    }

    /** The database's part, waited for at most {@link #DATABASE_WAIT}; a read still running is shared. */
    private Reading read() {
        Future<Reading> read;
        synchronized (this) {
            if (pending == null || pending.isDone()) {
                pending = reader.submit(this::readDatabase);
            }
            read = pending;
        }
        try {
            return read.get(DATABASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Reading.NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reading.NONE;
        } catch (ExecutionException e) {
            return Reading.NONE;
        }
    }

    private Reading readDatabase() {
        Map<String, Long> statuses = null;
        JobStore.Queue queue = null;
        List<Rows.MetricSample> plugin = null;
        try {
            statuses = jobs.store().countsByStatus();
            queue = jobs.store().queue();
        } catch (RuntimeException e) {
            LOG.debug("ingest queue not readable for /metrics: {}", e.toString());
        }
        try {
            plugin = client.pluginMetrics();
        } catch (RuntimeException e) {
            // Neo4j down, or a plugin older than mnemo.metrics(): mnemo_plugin_metrics_up says so.
            LOG.debug("mnemo.metrics() not readable for /metrics: {}", e.toString());
        }
        return new Reading(statuses, queue, plugin);
    }

    /** The plugin's rows as families: counters, gauges and histograms (cumulative buckets made per-bucket). */
    static List<MetricSnapshot> pluginFamilies(List<Rows.MetricSample> rows) {
        Map<String, List<Rows.MetricSample>> byName = new LinkedHashMap<>();
        for (Rows.MetricSample row : rows) {
            String name = String.valueOf(row.name());
            if (PLUGIN_FAMILIES.stream().anyMatch(name::startsWith)) {
                byName.computeIfAbsent(name, n -> new ArrayList<>()).add(row);
            }
        }
        List<MetricSnapshot> families = new ArrayList<>();
        byName.forEach((name, series) -> {
            try {
                families.add(family(name, series));
            } catch (RuntimeException e) {
                // A row this gateway cannot express (a newer plugin's shape) costs its family, not the scrape.
                LOG.debug("skipping the plugin's family {}: {}", name, e.toString());
            }
        });
        return families;
    }

    private static MetricSnapshot family(String name, List<Rows.MetricSample> series) {
        Rows.MetricSample first = series.get(0);
        String help = String.valueOf(first.help());
        String type = String.valueOf(first.type());
        switch (type) {
            case "counter" -> {
                CounterSnapshot.Builder family =
                        CounterSnapshot.builder().name(name).help(help);
                series.forEach(row -> family.dataPoint(CounterDataPointSnapshot.builder()
                        .value(row.value())
                        .labels(labels(row))
                        .build()));
                return family.build();
            }
            case "gauge" -> {
                GaugeSnapshot.Builder family =
                        GaugeSnapshot.builder().name(name).help(help);
                series.forEach(row -> family.dataPoint(GaugeDataPointSnapshot.builder()
                        .value(row.value())
                        .labels(labels(row))
                        .build()));
                return family.build();
            }
            case "histogram" -> {
                HistogramSnapshot.Builder family =
                        HistogramSnapshot.builder().name(name).help(help);
                series.forEach(row -> family.dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(buckets(row))
                        .sum(row.value())
                        .labels(labels(row))
                        .build()));
                return family.build();
            }
            default -> throw new IllegalArgumentException("unknown type " + type);
        }
    }

    /** Per-bucket counts from the plugin's cumulative ones, with the +Inf bucket holding the rest of count. */
    private static ClassicHistogramBuckets buckets(Rows.MetricSample row) {
        List<Double> bounds = row.buckets();
        List<Long> cumulative = row.bucket_counts();
        if (bounds.size() != cumulative.size()) {
            throw new IllegalArgumentException("buckets and bucket_counts differ in length");
        }
        double[] upper = new double[bounds.size() + 1];
        long[] counts = new long[bounds.size() + 1];
        long below = 0;
        for (int i = 0; i < bounds.size(); i++) {
            upper[i] = bounds.get(i);
            long atMost = cumulative.get(i);
            counts[i] = atMost - below;
            below = atMost;
        }
        upper[bounds.size()] = Double.POSITIVE_INFINITY;
        counts[bounds.size()] = row.count() - below;
        return ClassicHistogramBuckets.of(upper, counts);
    }

    private static Labels labels(Rows.MetricSample row) {
        Labels.Builder labels = Labels.builder();
        if (row.labels() != null) {
            row.labels().forEach((k, v) -> labels.label(k, String.valueOf(v)));
        }
        return labels.build();
    }

    private static GaugeDataPointSnapshot gauge(double value, String... labels) {
        return GaugeDataPointSnapshot.builder()
                .value(value)
                .labels(Labels.of(labels))
                .build();
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
