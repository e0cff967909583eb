package org.mnemo.gateway.ingest;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.ProcedureFailure;
import org.mnemo.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits ingest jobs and runs this gateway's workers. A worker claims a job (with a lease it renews by
 * heartbeat), reads the file (stored upload or S3 object), extracts its text, calls {@code mnemo.ingest} and
 * completes the job; a failed attempt goes back to the queue with exponential backoff until the attempts run out.
 * Jobs live in the graph, so restarts lose nothing and any number of gateways can share the work.
 */
public final class IngestJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJobs.class);
    private static final long POLL_MILLIS = 500;
    private static final long SWEEP_MILLIS = 30_000;
    /** An identical ingest running elsewhere: look again soon, without waiting for the backoff. */
    private static final long BUSY_RETRY_MILLIS = 2_000;

    /** A job as a producer asks for it; the gateway has checked the fields and resolved the library. */
    public record Request(String libraryUid, String workspaceId, String s3Key, String title, String fileType,
            long fileSize, String contentHash, String source, String sourceRef, String owner, String collectionUid,
            String collection) {}

    private final MnemoClient client;
    private final JobStore store;
    private final GatewayConfig.Ingest config;
    private final Buckets buckets;
    private final TextExtractor extractor;
    private final String node = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID();
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService heartbeats;
    private volatile boolean running = true;
    private volatile long lastSweep;

    public IngestJobs(MnemoClient client, GatewayConfig.Ingest config) {
        this.client = client;
        this.store = new JobStore(client);
        this.config = config;
        this.buckets = new Buckets(config);
        this.extractor = new TextExtractor(config.maxFileBytes(), config.maxTextChars());
        this.heartbeats = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "mnemo-ingest-heartbeat");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < config.workers(); i++) {
            Thread worker = new Thread(this::work, "mnemo-ingest-worker-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
    }

    public JobStore store() {
        return store;
    }

    public Buckets buckets() {
        return buckets;
    }

    /** How long the upload route waits for its job before answering 202. */
    public long uploadWaitMillis() {
        return config.uploadWaitSeconds() * 1000L;
    }

    public long maxFileBytes() {
        return config.maxFileBytes();
    }

    /** Creates the job (or finds the one with the same library, source_ref and hash): {job, created}. */
    public Map<String, Object> submit(Request request, byte[] upload) {
        Map<String, Object> job = new HashMap<>();
        job.put("id", "job_" + UUID.randomUUID());
        job.put("library_uid", request.libraryUid());
        job.put("workspace_id", request.workspaceId());
        job.put("s3_key", request.s3Key());
        job.put("title", request.title());
        job.put("file_type", request.fileType());
        job.put("file_size", request.fileSize());
        job.put("content_hash", request.contentHash());
        job.put("source", upload != null ? "upload" : buckets.sourceName(request.source()));
        job.put("source_ref", request.sourceRef());
        job.put("owner", request.owner());
        job.put("collection_uid", request.collectionUid());
        job.put("collection", request.collection());
        job.put("max_attempts", config.maxAttempts());
        job.values().removeIf(java.util.Objects::isNull);
        return store.create(job, upload);
    }

    /** Waits until a job has finished (completed or failed) or the time is up; returns its latest state. */
    public Map<String, Object> await(String id, List<String> libraries, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        Map<String, Object> job = store.get(id, libraries);
        while (job != null && !finished(job) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            job = store.get(id, libraries);
        }
        return job;
    }

    public static boolean finished(Map<String, Object> job) {
        return "completed".equals(job.get("status")) || "failed".equals(job.get("status"));
    }

    private void work() {
        String worker = node + "/" + Thread.currentThread().getName();
        while (running) {
            Map<String, Object> job;
            try {
                sweepIfDue();
                job = store.claim(worker, config.leaseSeconds());
            } catch (RuntimeException e) {
                LOG.warn("claiming an ingest job failed: {}", e.getMessage());
                pause(POLL_MILLIS * 4);
                continue;
            }
            if (job == null) {
                pause(POLL_MILLIS + ThreadLocalRandom.current().nextLong(POLL_MILLIS));
                continue;
            }
            run(job, worker);
        }
    }

    private void run(Map<String, Object> job, String worker) {
        String id = (String) job.get("id");
        long attempts = ((Number) job.get("attempts")).longValue();
        long maxAttempts = ((Number) job.get("max_attempts")).longValue();
        if (attempts > maxAttempts) {
            // Its earlier worker lost the lease in its last attempt (died, or hung past the lease).
            store.fail(id, worker, "gave up after " + maxAttempts + " attempts; the last one did not finish",
                    true, 0);
            return;
        }
        long period = Math.max(1, config.leaseSeconds() / 3);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                store.heartbeat(id, worker, config.leaseSeconds());
            } catch (RuntimeException e) {
                LOG.warn("heartbeat of job {} failed: {}", id, e.getMessage());
            }
        }, period, period, TimeUnit.SECONDS);
        try {
            Map<String, Object> result = process(job);
            if (!store.complete(id, worker, result)) {
                LOG.warn("job {} finished after its lease was taken over; the other worker records it", id);
            }
        } catch (IngestFailure e) {
            store.fail(id, worker, e.getMessage(), e.permanent(), backoff(attempts, e));
        } catch (ProcedureFailure e) {
            // mnemo.ingest refused the input (the library was deleted, say): retrying cannot help.
            store.fail(id, worker, e.code() + ": " + e.getMessage(), true, 0);
        } catch (RuntimeException e) {
            LOG.warn("job {} attempt {} failed", id, attempts, e);
            store.fail(id, worker, String.valueOf(e.getMessage()), false, backoff(attempts, e));
        } finally {
            heartbeat.cancel(false);
        }
    }

    private Map<String, Object> process(Map<String, Object> job) {
        String fileType = (String) job.get("file_type");
        byte[] content = job.get("upload") instanceof byte[] upload ? upload
                : buckets.read((String) job.get("source"), (String) job.get("s3_key"));
        String name = job.get("s3_key") != null ? (String) job.get("s3_key") : (String) job.get("title");
        String text = extractor.extract(content, fileType, name);
        Map<String, Object> item = new HashMap<>();
        item.put("title", job.get("title"));
        item.put("file_type", fileType);
        item.put("source", job.get("source"));
        item.put("source_ref", job.get("source_ref"));
        item.put("content_hash", job.get("content_hash"));
        for (String key : List.of("collection_uid", "collection")) {
            if (job.get(key) != null) {
                item.put(key, job.get(key));
            }
        }
        Map<String, Object> result = new HashMap<>(client.ingest((String) job.get("library_uid"), text, item));
        if ("processing".equals(result.get("status"))) {
            throw IngestFailure.busy("an identical ingest is running elsewhere; trying again", BUSY_RETRY_MILLIS);
        }
        buckets.storeOriginal((String) result.get("item_uid"), fileType, content);
        return result;
    }

    private long backoff(long attempts, RuntimeException e) {
        if (e instanceof IngestFailure f && f.retryAfterMillis() >= 0) {
            return f.retryAfterMillis();
        }
        return config.retryBaseMillis() * (1L << Math.min(20, Math.max(0, attempts - 1)));
    }

    private void sweepIfDue() {
        long now = System.currentTimeMillis();
        if (now - lastSweep > SWEEP_MILLIS) {
            lastSweep = now;
            long swept = store.sweep(config.deadlineSeconds());
            if (swept > 0) {
                LOG.warn("failed {} ingest job(s) past their deadline", swept);
            }
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        workers.forEach(Thread::interrupt);
        for (Thread worker : workers) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        heartbeats.shutdownNow();
        buckets.close();
    }
}
