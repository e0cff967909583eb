package org.mnemo.gateway.ingest;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.ProcedureFailure;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits ingest jobs and runs this gateway's workers. A worker claims a job (with a lease it renews by
 * heartbeat), reads the file (from the upload store or an S3 source), extracts its text, calls {@code mnemo.ingest}
 * and completes the job; a failed attempt goes back to the queue with exponential backoff until the attempts run
 * out. Jobs live in the graph, so restarts lose nothing and any number of gateways can share the work; an upload's
 * bytes wait in the {@link UploadStore}, and only a gateway that reaches them claims the job.
 */
public final class IngestJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJobs.class);
    private static final long SWEEP_MILLIS = 30_000;
    /** How often interrupted deletes and abandoned half-written items are put right (and uploads released). */
    private static final long RECOVER_MILLIS = 5 * 60_000;
    /** An identical ingest running elsewhere: look again soon, without waiting for the backoff. */
    private static final long BUSY_RETRY_MILLIS = 2_000;
    /**
     * A request waiting for a job is woken when this gateway's worker finishes it; a job another gateway works is
     * looked at again this often.
     */
    private static final long REMOTE_RECHECK_MILLIS = 1_000;
    /** A worker thread found dead is restarted after this long, doubling up to a minute while it keeps dying. */
    private static final long RESTART_BASE_MILLIS = 500;
    /** The statuses of mnemo.ingest that wrote the item's chunks (not "existing", "stale" or "processing"). */
    private static final java.util.Set<String> WROTE_CHUNKS = java.util.Set.of("created", "superseded");

    /** A job as a producer asks for it; the gateway has checked the fields and resolved the library. */
    public record Request(
            String libraryUid,
            String workspaceId,
            String s3Key,
            String title,
            String fileType,
            long fileSize,
            String contentHash,
            String source,
            String sourceRef,
            String owner,
            String collectionUid,
            String collection) {

        /** An upload of these bytes into a library, from no one in particular (tools and benchmarks). */
        public static Request upload(String libraryUid, String title, String fileType, byte[] content) {
            return new Request(
                    libraryUid,
                    null,
                    null,
                    title,
                    fileType,
                    content.length,
                    org.mnemo.gateway.auth.Tokens.sha256Hex(content),
                    "upload",
                    null,
                    null,
                    null,
                    null);
        }
    }

    /** What /ready/ shows of the ingest side: workers alive of configured, and the queue. */
    public record Status(int alive, int configured, long queued, long processing, long oldestQueuedSeconds) {}

    /** How an attempt of this gateway's workers ended (the outcomes /metrics counts). */
    public enum Outcome {
        /** The item was written, or was already there. */
        COMPLETED,
        /** A newer version of its source_ref was submitted; nothing written, and that is final. */
        STALE,
        /** It failed and went back to the queue with a backoff. */
        RETRIED,
        /** It failed for good: out of attempts, refused input, or past the deadline. */
        FAILED
    }

    /**
     * What this gateway's workers have done since it started: chunks written (by items created or superseding
     * others; an existing item writes none), attempts by outcome (every outcome present, 0 or more), and the jobs
     * whose documents shared one mnemo.ingest.batch call with others.
     */
    public record Tally(long chunks, Map<Outcome, Long> attempts, long batchedJobs) {}

    private final java.util.concurrent.atomic.LongAdder chunksWritten = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder batchedJobs = new java.util.concurrent.atomic.LongAdder();
    private final Map<Outcome, java.util.concurrent.atomic.LongAdder> outcomes = new java.util.EnumMap<>(Outcome.class);

    private final MnemoClient client;
    private final JobStore store;
    private final GatewayConfig.Ingest config;
    private final Buckets buckets;
    private final UploadStore uploads;
    private final TextExtractor extractor;
    private final String node = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID();
    private final Thread[] workers;
    private final long[] restartAt;
    private final int[] deaths;
    private final ScheduledExecutorService timers;
    private volatile boolean running = true;
    // One worker at a time does the maintenance (claimed by compare-and-set); Gateway.start recovers first of all.
    private final java.util.concurrent.atomic.AtomicLong lastSweep = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong lastRecovery =
            new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());

    /** The requests waiting for one job: woken together when this gateway's worker finishes it. */
    private static final class Waiters {
        final CompletableFuture<Void> finished = new CompletableFuture<>();
        /** How many wait; guarded by the map's per-key atomicity (compute, computeIfPresent, remove). */
        int count;
    }

    private final Map<String, Waiters> waiting = new ConcurrentHashMap<>();

    /** Idle workers wait on this between polls; a job submitted through this gateway wakes them at once. */
    private final Object wakeup = new Object();
    /** Jobs submitted through this gateway; guarded by {@link #wakeup}. */
    private long submissions;

    public IngestJobs(MnemoClient client, GatewayConfig.Ingest config) {
        this.client = client;
        this.store = new JobStore(client);
        this.config = config;
        this.buckets = new Buckets(config);
        this.uploads = new UploadStore(config, buckets);
        this.extractor =
                new TextExtractor(config.maxFileBytes(), config.maxTextChars(), config.extractTimeoutSeconds());
        this.timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "mnemo-ingest-timers");
            t.setDaemon(true);
            return t;
        });
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, new java.util.concurrent.atomic.LongAdder());
        }
        this.workers = new Thread[config.workers()];
        this.restartAt = new long[config.workers()];
        this.deaths = new int[config.workers()];
        for (int i = 0; i < workers.length; i++) {
            startWorker(i);
        }
        if (workers.length > 0) {
            timers.scheduleWithFixedDelay(this::supervise, 1, 1, TimeUnit.SECONDS);
        }
    }

    private void startWorker(int slot) {
        Thread worker = new Thread(this::work, "mnemo-ingest-worker-" + slot);
        worker.setDaemon(true);
        workers[slot] = worker;
        worker.start();
    }

    /** Restarts a worker thread that died (it should not: every attempt catches everything), with backoff. */
    private synchronized void supervise() {
        long now = System.currentTimeMillis();
        for (int i = 0; i < workers.length && running; i++) {
            if (workers[i].isAlive()) {
                continue;
            }
            if (restartAt[i] == 0) {
                deaths[i]++;
                restartAt[i] = now + Math.min(60_000, RESTART_BASE_MILLIS << Math.min(16, deaths[i] - 1));
                LOG.error("ingest worker {} died ({} time(s)); restarting it", i, deaths[i]);
            } else if (now >= restartAt[i]) {
                restartAt[i] = 0;
                startWorker(i);
            }
        }
    }

    public JobStore store() {
        return store;
    }

    public Buckets buckets() {
        return buckets;
    }

    /** Workers alive and the queue, for /ready/ (from the database: what every gateway's workers face). */
    public Status status() {
        JobStore.Queue queue = store.queue();
        return new Status(
                aliveWorkers(), workers.length, queue.queued(), queue.processing(), queue.oldestQueuedSeconds());
    }

    /** This gateway's worker threads that are alive (of {@link #configuredWorkers()}). */
    public int aliveWorkers() {
        int alive = 0;
        for (Thread worker : workers) {
            alive += worker.isAlive() ? 1 : 0;
        }
        return alive;
    }

    public int configuredWorkers() {
        return workers.length;
    }

    public Tally tally() {
        Map<Outcome, Long> counts = new java.util.EnumMap<>(Outcome.class);
        outcomes.forEach((outcome, n) -> counts.put(outcome, n.sum()));
        return new Tally(chunksWritten.sum(), counts, batchedJobs.sum());
    }

    /** How long the upload route waits for its job before answering 202. */
    public long uploadWaitMillis() {
        return config.uploadWaitSeconds() * 1000L;
    }

    public long maxFileBytes() {
        return config.maxFileBytes();
    }

    /**
     * Stores the upload's bytes (if any) in the upload store, then creates the job (or finds the one with the same
     * library, source_ref and hash). The job's creation time is the version it writes: of two versions of one
     * source_ref, the later submission wins. Bytes the job does not take (it has its own) are deleted again.
     */
    public JobStore.Created submit(Request request, byte[] upload) {
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
        if (upload != null) {
            // One owner's uploads cannot fill the store for everyone: what waits (queued, running, or failed and
            // kept for a retry) is bounded per owner.
            long pending = store.pendingUploadBytes(request.owner());
            if (pending + upload.length > config.maxPendingUploadBytes()) {
                throw new UploadStore.QuotaExceeded("uploads of '" + request.owner() + "' waiting in the upload store "
                        + "hold " + pending + " bytes; with this one they would pass the limit of "
                        + config.maxPendingUploadBytes() + " (MNEMO_UPLOAD_MAX_PENDING_BYTES): wait for them to "
                        + "finish, or retry or fix the failed ones");
            }
        }
        String ref = upload == null ? null : uploads.put(upload);
        // A failure here may still have committed (the connection died with the commit's answer), and a job may
        // name these bytes: they stay, and the orphan sweep deletes them later if no job does.
        JobStore.Created created = store.create(job, ref);
        if (ref != null && !created.uploadTaken()) {
            deleteUpload(ref);
        }
        synchronized (wakeup) {
            submissions++;
            wakeup.notifyAll();
        }
        return created;
    }

    /**
     * Waits until a job has finished or the time is up; returns its latest state. Woken by this gateway's worker
     * finishing the job; a job that another gateway works is looked at again every {@value #REMOTE_RECHECK_MILLIS}
     * ms.
     */
    public Map<String, Object> await(String id, List<String> libraries, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Waiters waiters = waiting.compute(id, (k, w) -> {
            Waiters joined = w == null ? new Waiters() : w;
            joined.count++;
            return joined;
        });
        try {
            Map<String, Object> job = store.get(id, libraries);
            long left;
            while (job != null && !finished(job) && (left = deadline - System.nanoTime()) > 0) {
                long wait = Math.min(left, TimeUnit.MILLISECONDS.toNanos(REMOTE_RECHECK_MILLIS));
                if (waiters.finished.isDone()) {
                    // Finished here, but this read did not see it yet (a lagging cluster member): look again soon.
                    TimeUnit.NANOSECONDS.sleep(wait);
                } else {
                    try {
                        waiters.finished.get(wait, TimeUnit.NANOSECONDS);
                    } catch (TimeoutException | ExecutionException e) {
                        // not finished here (yet): read its state again
                    }
                }
                job = store.get(id, libraries);
            }
            return job;
        } finally {
            waiting.computeIfPresent(id, (k, w) -> w == waiters && --w.count == 0 ? null : w);
        }
    }

    /** Wakes the requests waiting for a job this gateway's worker has finished (its new state is committed). */
    private void wake(String id) {
        Waiters waiters = waiting.remove(id);
        if (waiters != null) {
            waiters.finished.complete(null);
        }
    }

    public static boolean finished(Map<String, Object> job) {
        return JobStore.FINISHED.contains(job.get("status"));
    }

    private void work() {
        String worker = node + "/" + Thread.currentThread().getName();
        while (running) {
            try {
                maintainIfDue();
                long seen;
                synchronized (wakeup) {
                    seen = submissions;
                }
                JobStore.Claimed job = store.claim(worker, config.leaseSeconds(), uploads.reachable());
                if (job == null) {
                    idle(seen, config.pollMillis() + ThreadLocalRandom.current().nextLong(config.pollMillis()));
                    continue;
                }
                List<JobStore.Claimed> companions = job.attempts() == 1 && small(job)
                        ? store.claimCompanions(
                                worker,
                                config.leaseSeconds(),
                                uploads.reachable(),
                                job.libraryUid(),
                                config.batchMaxFileBytes(),
                                config.batchDocuments() - 1)
                        : List.of();
                if (companions.isEmpty()) {
                    run(job, worker);
                } else {
                    List<JobStore.Claimed> jobs = new ArrayList<>(companions.size() + 1);
                    jobs.add(job);
                    jobs.addAll(companions);
                    runTogether(jobs, worker);
                }
            } catch (Throwable e) { // a worker outlives whatever one attempt throws: Neo4j down, OOM in a parser
                if (!running) {
                    return;
                }
                LOG.warn("ingest worker {}: {}", worker, String.valueOf(e));
                pause(config.pollMillis() * 4);
            }
        }
    }

    /** A first attempt at a known-small file may share one transaction with other such jobs of its library. */
    private boolean small(JobStore.Claimed job) {
        // A bucket job may leave its size undeclared (0): not known to be small.
        return config.batchDocuments() > 1
                && job.fileSize() != null
                && job.fileSize() > 0
                && job.fileSize() <= config.batchMaxFileBytes();
    }

    private void run(JobStore.Claimed job, String worker) {
        if (gaveUp(job, worker)) {
            return;
        }
        ScheduledFuture<?> heartbeat = heartbeat(List.of(job), worker);
        try {
            attempt(job, worker, () -> ingest(prepare(job, worker)));
        } finally {
            heartbeat.cancel(false);
        }
    }

    /**
     * Small documents of one library, claimed together, are ingested by one {@code mnemo.ingest.batch} call: one
     * transaction and one embedder call for all of them (per-document commits cost more than the model there).
     * A job whose file cannot be read fails alone; if the batch call fails, each job is tried on its own, so one
     * bad document cannot fail the others.
     */
    private void runTogether(List<JobStore.Claimed> jobs, String worker) {
        ScheduledFuture<?> heartbeat = heartbeat(jobs, worker);
        try {
            List<Prepared> prepared = new ArrayList<>();
            for (JobStore.Claimed job : jobs) {
                attempt(job, worker, () -> {
                    prepared.add(prepare(job, worker));
                    return null;
                });
            }
            List<Rows.Ingested> results = null;
            if (prepared.size() > 1) {
                try {
                    results = client.ingestBatch(
                            jobs.get(0).libraryUid(),
                            prepared.stream()
                                    .map(p -> Map.<String, Object>of("text", p.text(), "item", p.item()))
                                    .toList());
                    if (results.size() != prepared.size()) {
                        throw new IllegalStateException("mnemo.ingest.batch answered " + results.size() + " rows for "
                                + prepared.size() + " documents");
                    }
                    batchedJobs.add(results.size());
                } catch (RuntimeException e) {
                    results = null;
                    LOG.info(
                            "a batch of {} ingest jobs failed ({}); trying each on its own",
                            prepared.size(),
                            e.getMessage());
                }
            }
            // Items the batch created are recorded in one transaction: a commit per job costs what the model does.
            Map<JobStore.Claimed, Rows.Ingested> created = new java.util.LinkedHashMap<>();
            for (int i = 0; i < prepared.size(); i++) {
                Prepared p = prepared.get(i);
                Rows.Ingested result = results == null ? null : results.get(i);
                if (result != null && WROTE_CHUNKS.contains(result.status())) {
                    attempt(p.job(), worker, () -> {
                        created.put(p.job(), stored(p, result));
                        return null;
                    });
                } else {
                    attempt(p.job(), worker, () -> result == null ? ingest(p) : stored(p, result));
                }
            }
            if (!created.isEmpty()) {
                Map<String, Rows.Ingested> byId = new HashMap<>();
                created.forEach((job, result) -> byId.put(job.id(), result));
                java.util.Set<String> recorded = store.completeAll(worker, byId);
                created.forEach((job, result) -> settled(job, result, recorded.contains(job.id()), false));
            }
        } finally {
            heartbeat.cancel(false);
        }
    }

    /** Whether the job has had its attempts (its earlier worker lost the lease in its last one); then it fails. */
    private boolean gaveUp(JobStore.Claimed job, String worker) {
        if (job.attempts() <= job.maxAttempts()) {
            return false;
        }
        counted(
                job.id(),
                store.fail(
                        job.id(),
                        worker,
                        "gave up after " + job.maxAttempts() + " attempts; the last one did " + "not finish",
                        true,
                        0));
        return true;
    }

    private ScheduledFuture<?> heartbeat(List<JobStore.Claimed> jobs, String worker) {
        long period = Math.max(1, config.leaseSeconds() / 3);
        return timers.scheduleAtFixedRate(
                () -> {
                    for (JobStore.Claimed job : jobs) {
                        try {
                            store.heartbeat(job.id(), worker, config.leaseSeconds());
                        } catch (RuntimeException e) {
                            LOG.warn("heartbeat of job {} failed: {}", job.id(), e.getMessage());
                        }
                    }
                },
                period,
                period,
                TimeUnit.SECONDS);
    }

    private interface Step {
        Rows.Ingested run();
    }

    /** Runs one step of a job's attempt and records how it ended: completed, stale, or a failure (retried or not). */
    private void attempt(JobStore.Claimed job, String worker, Step step) {
        String id = job.id();
        try {
            Rows.Ingested result = step.run();
            if (result != null) {
                finish(job, worker, result);
            }
        } catch (IngestFailure e) {
            recordFailure(id, worker, e.getMessage(), e.permanent(), backoff(job.attempts(), e));
        } catch (ProcedureFailure e) {
            // mnemo.ingest refused the input (the library was deleted, say): retrying cannot help.
            recordFailure(id, worker, e.code() + ": " + e.getMessage(), true, 0);
        } catch (Throwable e) {
            LOG.warn("job {} attempt {} failed", id, job.attempts(), e);
            recordFailure(
                    id,
                    worker,
                    e instanceof VirtualMachineError
                            ? "the attempt ran out of resources ("
                                    + e.getClass().getSimpleName() + ")"
                            : String.valueOf(e.getMessage()),
                    false,
                    backoff(job.attempts(), e));
        }
    }

    private void finish(JobStore.Claimed job, String worker, Rows.Ingested result) {
        String id = job.id();
        boolean stale = "stale".equals(result.status());
        boolean recorded = stale
                ? store.stale(
                        id,
                        worker,
                        "a newer version of '" + job.sourceRef() + "' (item " + result.item_uid()
                                + ") was submitted after this one; nothing was written")
                : store.complete(id, worker, result);
        settled(job, result, recorded, stale);
    }

    /** After a job's end was recorded (or found taken over): tallies, its upload's bytes, its waiters. */
    private void settled(JobStore.Claimed job, Rows.Ingested result, boolean recorded, boolean stale) {
        String id = job.id();
        if (!recorded) {
            LOG.warn("job {} finished after its lease was taken over; the other worker records it", id);
        } else {
            deleteUpload(job.uploadRef()); // the job no longer names it; gone before a waiter hears of the end
            outcomes.get(stale ? Outcome.STALE : Outcome.COMPLETED).increment();
            wake(id);
        }
        // The chunks are written whether or not the job's record is ours; "existing" wrote none.
        if (WROTE_CHUNKS.contains(result.status())) {
            chunksWritten.add(result.chunk_count());
        }
    }

    /** Records a failed attempt; if even that fails (Neo4j is down), the lease runs out and the job is retried. */
    private void recordFailure(String id, String worker, String error, boolean permanent, long retryAfter) {
        try {
            counted(id, store.fail(id, worker, error, permanent, retryAfter));
        } catch (Throwable e) {
            LOG.warn(
                    "could not record the failure of job {} ({}); its lease will expire and it will be retried",
                    id,
                    e.getMessage());
        }
    }

    private void counted(String id, JobStore.Outcome outcome) {
        switch (outcome) {
            case RETRIED -> outcomes.get(Outcome.RETRIED).increment();
            case FAILED -> {
                outcomes.get(Outcome.FAILED).increment();
                wake(id); // its bytes stay for a retry until releaseUploads
            }
            case LEASE_LOST -> {} // the worker that took the lease over records the job
        }
    }

    /** A job's file read and its text extracted: what mnemo.ingest takes. */
    private record Prepared(JobStore.Claimed job, byte[] content, String text, Map<String, Object> item) {}

    private Prepared prepare(JobStore.Claimed job, String worker) {
        String fileType = job.fileType();
        byte[] content = content(job);
        String text = extractor.extract(content, fileType, job.s3Key() != null ? job.s3Key() : job.title());
        Map<String, Object> item = new HashMap<>();
        item.put("title", job.title());
        item.put("file_type", fileType);
        item.put("source", job.source());
        item.put("source_ref", job.sourceRef());
        item.put("content_hash", job.contentHash());
        // The version is the job's submission; the lease makes every write check that this worker still owns it.
        item.put("version_at", job.createdAt());
        item.put("lease", Map.of("job_id", job.id(), "worker", worker));
        item.put("collection_uid", job.collectionUid());
        item.put("collection", job.collection());
        item.values().removeIf(java.util.Objects::isNull);
        return new Prepared(job, content, text, item);
    }

    private Rows.Ingested ingest(Prepared p) {
        return stored(p, client.ingest(p.job().libraryUid(), p.text(), p.item()));
    }

    /** Keeps the original file beside the item it became (unless a newer version won). */
    private Rows.Ingested stored(Prepared p, Rows.Ingested result) {
        if ("processing".equals(result.status())) {
            throw IngestFailure.busy("an identical ingest is running elsewhere; trying again", BUSY_RETRY_MILLIS);
        }
        if (!"stale".equals(result.status())) {
            buckets.storeOriginal(result.item_uid(), p.job().fileType(), p.content());
        }
        return result;
    }

    /** The file: the upload's bytes (in the upload store, or an IngestUpload node from before), or the S3 object. */
    private byte[] content(JobStore.Claimed job) {
        if (job.legacyUpload() != null) {
            return job.legacyUpload();
        }
        if (job.uploadRef() != null) {
            return uploads.read(job.uploadRef(), job.contentHash());
        }
        if ("upload".equals(job.source())) {
            throw IngestFailure.permanent(
                    UploadStore.MISSING + ": the upload's bytes were released; upload the " + "document again");
        }
        return buckets.read(job.source(), job.s3Key());
    }

    /**
     * Releases the bytes of uploads whose jobs failed more than {@code hours} ago, of those this gateway reaches
     * (another gateway's spool is released by that gateway); returns how many jobs.
     */
    public long releaseUploads(int hours) {
        List<String> released = store.releaseUploads(hours, uploads.reachable());
        released.forEach(this::deleteUpload);
        return released.size();
    }

    /**
     * Deletes spooled uploads older than an hour that no job names: bytes whose job was never created, or whose
     * creation failed without an answer. Returns how many.
     */
    long sweepOrphans() throws java.io.IOException {
        List<String> old = uploads.settledSpoolRefs();
        if (old.isEmpty()) {
            return 0;
        }
        java.util.Set<String> named = store.named(old);
        long deleted = 0;
        for (String ref : old) {
            if (!named.contains(ref)) {
                deleteUpload(ref);
                deleted++;
            }
        }
        return deleted;
    }

    /** Deletes an upload's bytes once no job names them; a failure leaves an orphan, which only costs space. */
    private void deleteUpload(String ref) {
        if (ref == null) {
            return;
        }
        try {
            uploads.delete(ref);
        } catch (Exception e) {
            LOG.warn("could not delete the upload {}: {}", ref, e.getMessage());
        }
    }

    private long backoff(long attempts, Throwable e) {
        if (e instanceof IngestFailure f && f.retryAfterMillis() >= 0) {
            return f.retryAfterMillis();
        }
        return config.retryBaseMillis() * (1L << Math.min(20, Math.max(0, attempts - 1)));
    }

    /** Fails jobs past their deadline; now and then, recovers crashed writes and releases old failed uploads. */
    private void maintainIfDue() {
        long now = System.currentTimeMillis();
        long swept = lastSweep.get();
        if (now - swept > SWEEP_MILLIS && lastSweep.compareAndSet(swept, now)) {
            long failed = store.sweep(config.deadlineSeconds());
            outcomes.get(Outcome.FAILED).add(failed);
            if (failed > 0) {
                LOG.warn("failed {} ingest job(s) past their deadline", failed);
            }
        }
        long recovered = lastRecovery.get();
        if (now - recovered > RECOVER_MILLIS && lastRecovery.compareAndSet(recovered, now)) {
            recover();
            long released = releaseUploads(config.failedUploadRetentionHours());
            if (released > 0) {
                LOG.info(
                        "released the uploads of {} failed job(s) older than {} h",
                        released,
                        config.failedUploadRetentionHours());
            }
            try {
                int partials = uploads.sweepPartials();
                if (partials > 0) {
                    LOG.info("deleted {} partial upload file(s) a crash left in the spool", partials);
                }
                long orphans = sweepOrphans();
                if (orphans > 0) {
                    LOG.info("deleted {} spooled upload(s) that no job names", orphans);
                }
            } catch (java.io.IOException e) {
                LOG.warn("could not sweep the upload spool: {}", e.getMessage());
            }
        }
    }

    /** Finishes interrupted deletes and removes half-written items whose writer is gone (mnemo.maintenance.recover). */
    public void recover() {
        Rows.Recovered recovered = client.recover();
        if (recovered != null
                && recovered.libraries()
                                + recovered.collections()
                                + recovered.items()
                                + recovered.concepts()
                                + recovered.abandoned_items()
                        > 0) {
            LOG.warn("recovered after a crash: {}", recovered);
        }
    }

    /**
     * Waits for the next poll, or less: until a job is submitted through this gateway after the worker's claim
     * found nothing ({@code seen}). Jobs of other gateways wait for the poll.
     */
    private void idle(long seen, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (wakeup) {
            long left;
            while (running && submissions == seen && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(wakeup, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                    return;
                }
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
        timers.shutdownNow();
        for (Thread worker : workers) {
            worker.interrupt();
        }
        for (Thread worker : workers) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        extractor.close();
        buckets.close();
    }
}
