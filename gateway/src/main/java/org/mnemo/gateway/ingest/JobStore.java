package org.mnemo.gateway.ingest;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.MnemoClient.Mode;
import org.mnemo.gateway.client.Rows;

/**
 * IngestJob nodes: creation (idempotent on library, source_ref and content hash), atomic claiming with a lease,
 * heartbeats, completion and failure. Every state change of a claimed job checks that the caller still holds
 * its lease, so a worker whose lease was taken over cannot overwrite the new owner's work.
 */
public final class JobStore {
    /** The statuses in which a job is done: completed, failed, or stale (a newer version won). */
    public static final java.util.Set<String> FINISHED = java.util.Set.of("completed", "failed", "stale");
    /** Every status a job can be in, in its life's order. */
    public static final List<String> STATUSES = List.of("queued", "processing", "completed", "stale", "failed");

    /** The queue as every gateway's workers see it. */
    public record Queue(long queued, long processing, long oldestQueuedSeconds) {}

    /**
     * What submitting did: the job (as {@link #VIEW} shows it), whether this submission queued it, and whether it
     * took the submitted upload reference (a job that already has its bytes keeps them).
     */
    public record Created(Map<String, Object> job, boolean created, boolean uploadTaken) {}

    /**
     * A job as a worker claimed it: what processing needs. {@code uploadRef} names the bytes in the upload store;
     * {@code legacyUpload} holds the bytes of a job submitted before there was one (an IngestUpload node).
     */
    public record Claimed(
            String id,
            long attempts,
            long maxAttempts,
            String libraryUid,
            String s3Key,
            String title,
            String fileType,
            String contentHash,
            String source,
            String sourceRef,
            String collectionUid,
            String collection,
            ZonedDateTime createdAt,
            String uploadRef,
            byte[] legacyUpload,
            Long fileSize) {}

    /** What a job looks like to callers (the upload's bytes and the lease are internal). */
    static final String VIEW = """
            j{.id, .status, .attempts, .max_attempts, .error, failures: coalesce(j.failures, []), .library_uid, .workspace_id, .s3_key, .title,
              .file_type, .file_size, .collection_uid, .collection, .content_hash, .source, .source_ref, .item_uid, .chunks_created,
              .concepts_extracted, .embedding_model, .ingest_status, .created_at, .updated_at, .started_at, .finished_at,
              completed_at: j.finished_at, .supersedes_hash, .supersedes_version_at, .upload_released,
              progress: {done: coalesce(j.progress_done, 0), total: j.progress_total}}""";

    private static final String CLAIMABLE = """
            ((j.status = 'queued' AND j.next_attempt_at <= datetime())
             OR (j.status = 'processing' AND j.lease_expires_at < datetime()))""";
    /** The job's bytes, if it has an upload, are where the caller reaches ($reachable: reference prefixes). */
    private static final String REACHABLE = """
            (j.upload_ref IS NULL OR any(p IN $reachable WHERE j.upload_ref STARTS WITH p))""";

    private final MnemoClient client;

    public JobStore(MnemoClient client) {
        this.client = client;
    }

    /**
     * Creates a job, or returns the one with the same key; {@code created} tells which. A job with the same key
     * that can no longer stand for this submission — failed, stale, or completed but its item since deleted — is
     * queued again as a new submission (same id, fresh attempts, the submission time of now): submitting a document
     * again must never answer with an outcome that is no longer true.
     */
    public Created create(Map<String, Object> job, String uploadRef) {
        Map<String, Object> params = new HashMap<>();
        params.put("job", job);
        // "ref:" marks a named source_ref, so that no ref can collide with the absence of one (say, "null").
        Object ref = job.get("source_ref");
        params.put(
                "key",
                job.get("library_uid") + "|" + (ref == null ? "-" : "ref:" + ref) + "|" + job.get("content_hash"));
        params.put("upload_ref", uploadRef);
        // A new job records the version it supersedes: the current item of its source_ref, as it saw it.
        Map<String, Object> row = client.row(
                Mode.WRITE, """
                MERGE (j:IngestJob {job_key: $key})
                ON CREATE SET j += $job, j.status = 'queued', j.attempts = 0, j.created_at = datetime(),
                              j.updated_at = datetime(), j.next_attempt_at = datetime(), j.fresh = true
                WITH j, coalesce(j.fresh, false) AS created
                REMOVE j.fresh
                WITH j, created, NOT created AND (j.status IN ['failed', 'stale'] OR (j.status = 'completed'
                    AND NOT EXISTS { MATCH (i:Item {uid: j.item_uid}) WHERE i.embedding_status <> 'deleting' }))
                    AS again
                FOREACH (_ IN CASE WHEN again THEN [1] ELSE [] END |
                    SET j.status = 'queued', j.attempts = 0, j.created_at = datetime(), j.updated_at = datetime(),
                        j.next_attempt_at = datetime(), j.finished_at = null, j.error = null, j.item_uid = null,
                        j.ingest_status = null, j.chunks_created = null, j.upload_released = null,
                        j.supersedes_hash = null, j.supersedes_version_at = null, j.title = $job.title,
                        j.failures = coalesce(j.failures, []) + ['submitted again'])
                WITH j, created OR again AS created
                CALL (j, created) {
                    OPTIONAL MATCH (:Library {uid: j.library_uid})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)
                    WHERE created AND j.source_ref IS NOT NULL AND i.source_ref = j.source_ref
                      AND i.embedding_status = 'completed'
                    WITH i ORDER BY i.version_at DESC LIMIT 1
                    RETURN i.content_hash AS hash, i.version_at AS version
                }
                FOREACH (_ IN CASE WHEN hash IS NOT NULL THEN [1] ELSE [] END |
                    SET j.supersedes_hash = hash, j.supersedes_version_at = version)
                WITH j, created
                FOREACH (_ IN CASE WHEN created AND $upload_ref IS NOT NULL AND j.upload_ref IS NULL
                        AND NOT EXISTS { (j)-[:HAS_UPLOAD]->() } THEN [1] ELSE [] END |
                    SET j.upload_ref = $upload_ref)
                RETURN""" + " " + VIEW + " AS job, created, j.upload_ref = $upload_ref AS taken", params);
        return new Created(
                cast(row.get("job")), Boolean.TRUE.equals(row.get("created")), Boolean.TRUE.equals(row.get("taken")));
    }

    /** The bytes of one owner's uploads that wait in the upload store (their jobs still name them). */
    public long pendingUploadBytes(String owner) {
        Map<String, Object> row = client.row(
                Mode.READ,
                "MATCH (j:IngestJob {owner: $owner}) WHERE j.upload_ref IS NOT NULL "
                        + "RETURN coalesce(sum(j.file_size), 0) AS bytes",
                Map.of("owner", owner == null ? "" : owner));
        return row == null ? 0 : ((Number) row.get("bytes")).longValue();
    }

    /** Which of these upload references some job names (in one pass over the jobs). */
    public java.util.Set<String> named(List<String> refs) {
        Map<String, Object> row = client.row(
                Mode.READ,
                "MATCH (j:IngestJob) WHERE j.upload_ref IN $refs RETURN collect(j.upload_ref) AS named",
                Map.of("refs", refs));
        java.util.Set<String> named = new java.util.HashSet<>();
        if (row != null && row.get("named") instanceof List<?> list) {
            list.forEach(ref -> named.add((String) ref));
        }
        return named;
    }

    public Map<String, Object> get(String id, List<String> libraries) {
        Map<String, Object> row = client.row(
                Mode.READ,
                "MATCH (j:IngestJob {id: $id}) WHERE '*' IN $libraries " + "OR j.library_uid IN $libraries RETURN "
                        + VIEW + " AS job",
                Map.of("id", id, "libraries", libraries));
        return row == null ? null : cast(row.get("job"));
    }

    public List<Map<String, Object>> list(
            List<String> libraries, String status, String library, int limit, int offset) {
        Map<String, Object> params = new HashMap<>();
        params.put("libraries", libraries);
        params.put("status", status);
        params.put("library", library);
        params.put("limit", limit);
        params.put("offset", offset);
        return client.rows(Mode.READ, """
                MATCH (j:IngestJob)
                WHERE ('*' IN $libraries OR j.library_uid IN $libraries)
                  AND ($status IS NULL OR j.status = $status) AND ($library IS NULL OR j.library_uid = $library)
                RETURN""" + " " + VIEW + """
                 AS job ORDER BY j.created_at DESC, j.id SKIP $offset LIMIT $limit""", params).stream()
                .map(r -> cast(r.get("job")))
                .toList();
    }

    /**
     * Puts a failed job back in the queue with fresh attempts; null when it is not failed, or when its upload's
     * bytes were already released (see {@link #releaseUploads}).
     */
    public Map<String, Object> retry(String id) {
        Map<String, Object> row = client.row(Mode.WRITE, """
                MATCH (j:IngestJob {id: $id}) WHERE j.status = 'failed' AND j.upload_released IS NULL
                SET j.status = 'queued', j.attempts = 0, j.next_attempt_at = datetime(), j.updated_at = datetime(),
                    j.finished_at = null, j.failures = coalesce(j.failures, []) + ['retried']
                RETURN""" + " " + VIEW + " AS job", Map.of("id", id));
        return row == null ? null : cast(row.get("job"));
    }

    /**
     * Claims the oldest runnable job (queued and due, or processing with an expired lease) whose upload, if any,
     * starts with one of the {@code reachable} reference prefixes, for this worker. Writing a marker first takes
     * the node's write lock; the condition is then checked again, so two workers can never both claim one job.
     */
    public Claimed claim(String worker, int leaseSeconds, List<String> reachable) {
        List<Claimed> claimed = claim(worker, leaseSeconds, reachable, "true", 1, Map.of());
        return claimed.isEmpty() ? null : claimed.get(0);
    }

    /**
     * Claims up to {@code limit} more jobs that can share one {@code mnemo.ingest.batch} transaction with a job of
     * this library: queued for their first attempt, of this library, with files of a known size (a source job may declare 0) of
     * at most {@code maxFileBytes}.
     */
    public List<Claimed> claimCompanions(
            String worker, int leaseSeconds, List<String> reachable, String libraryUid, long maxFileBytes, int limit) {
        return claim(
                worker,
                leaseSeconds,
                reachable,
                "j.library_uid = $library AND j.attempts = 0 AND j.file_size > 0 AND j.file_size <= $max_bytes",
                limit,
                Map.of("library", libraryUid, "max_bytes", maxFileBytes));
    }

    private List<Claimed> claim(
            String worker,
            int leaseSeconds,
            List<String> reachable,
            String filter,
            int limit,
            Map<String, Object> filterParams) {
        Map<String, Object> params = new HashMap<>(filterParams);
        params.putAll(Map.of("worker", worker, "lease", leaseSeconds, "reachable", reachable, "limit", limit));
        String condition = CLAIMABLE + " AND " + REACHABLE + " AND " + filter;
        List<Map<String, Object>> rows = client.rows(Mode.WRITE, String.format(Locale.ROOT, """
                MATCH (j:IngestJob) WHERE %1$s
                WITH j ORDER BY j.next_attempt_at, j.created_at LIMIT $limit
                SET j.claim_lock = true
                WITH j WHERE %1$s
                SET j.status = 'processing', j.attempts = j.attempts + 1, j.lease_owner = $worker,
                    j.lease_expires_at = datetime() + duration({seconds: $lease}),
                    j.started_at = datetime(), j.updated_at = datetime()
                REMOVE j.claim_lock
                WITH j
                OPTIONAL MATCH (j)-[:HAS_UPLOAD]->(u:IngestUpload)
                RETURN j.id AS id, j.attempts AS attempts, j.max_attempts AS max_attempts,
                       j.library_uid AS library_uid, j.s3_key AS s3_key, j.title AS title, j.file_type AS file_type,
                       j.content_hash AS content_hash, j.source AS source, j.source_ref AS source_ref,
                       j.collection_uid AS collection_uid, j.collection AS collection, j.created_at AS created_at,
                       j.upload_ref AS upload_ref, u.data AS legacy_upload, j.file_size AS file_size
                ORDER BY j.next_attempt_at, j.created_at""", condition), params);
        List<Claimed> claimed = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            claimed.add(new Claimed(
                    (String) row.get("id"),
                    ((Number) row.get("attempts")).longValue(),
                    ((Number) row.get("max_attempts")).longValue(),
                    (String) row.get("library_uid"),
                    (String) row.get("s3_key"),
                    (String) row.get("title"),
                    (String) row.get("file_type"),
                    (String) row.get("content_hash"),
                    (String) row.get("source"),
                    (String) row.get("source_ref"),
                    (String) row.get("collection_uid"),
                    (String) row.get("collection"),
                    (ZonedDateTime) row.get("created_at"),
                    (String) row.get("upload_ref"),
                    (byte[]) row.get("legacy_upload"),
                    row.get("file_size") == null ? null : ((Number) row.get("file_size")).longValue()));
        }
        return claimed;
    }

    /** Extends the lease and records progress (the item's chunks written so far); false when the lease is lost. */
    public boolean heartbeat(String id, String worker, int leaseSeconds) {
        return client.row(Mode.WRITE, """
                MATCH (j:IngestJob {id: $id}) WHERE j.lease_owner = $worker AND j.status = 'processing'
                OPTIONAL MATCH (:Library {uid: j.library_uid})-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(i:Item)
                  WHERE i.content_hash = j.content_hash AND i.source_ref = j.source_ref
                WITH j, max(i.chunk_count) AS done
                SET j.lease_expires_at = datetime() + duration({seconds: $lease}), j.updated_at = datetime(),
                    j.progress_done = coalesce(done, j.progress_done, 0)
                RETURN j.id AS id""", Map.of("id", id, "worker", worker, "lease", leaseSeconds)) != null;
    }

    public boolean complete(String id, String worker, Rows.Ingested result) {
        return completeAll(worker, Map.of(id, result)).contains(id);
    }

    /** Records jobs of one worker completed, in one transaction; returns those whose lease it still held. */
    public java.util.Set<String> completeAll(String worker, Map<String, Rows.Ingested> resultsByJob) {
        List<Map<String, Object>> done = new ArrayList<>();
        resultsByJob.forEach((id, result) -> {
            Map<String, Object> r = new HashMap<>();
            r.put("id", id);
            r.put("item_uid", result.item_uid());
            r.put("chunk_count", result.chunk_count());
            r.put("concept_count", result.concept_count());
            r.put("embedding_model", result.embedding_model());
            r.put("status", result.status());
            done.add(r);
        });
        Map<String, Object> row = client.row(Mode.WRITE, """
                UNWIND $done AS r
                MATCH (j:IngestJob {id: r.id}) WHERE j.lease_owner = $worker AND j.status = 'processing'
                SET j.status = 'completed', j.item_uid = r.item_uid, j.chunks_created = r.chunk_count,
                    j.concepts_extracted = r.concept_count, j.embedding_model = r.embedding_model,
                    j.ingest_status = r.status,
                    j.progress_done = r.chunk_count, j.progress_total = r.chunk_count, j.error = null,
                    j.finished_at = datetime(), j.updated_at = datetime(), j.lease_owner = null,
                    j.lease_expires_at = null, j.processed_by = $worker, j.upload_ref = null
                WITH j
                OPTIONAL MATCH (j)-[:HAS_UPLOAD]->(u:IngestUpload)
                DETACH DELETE u
                RETURN collect(DISTINCT j.id) AS ids""", Map.of("done", done, "worker", worker));
        @SuppressWarnings("unchecked")
        List<String> ids = row == null ? List.of() : (List<String>) row.get("ids");
        return java.util.Set.copyOf(ids);
    }

    /**
     * Records a failed attempt: back to the queue after {@code retryAfterMillis} while attempts remain (and the
     * failure is not permanent), else failed for good with the error.
     */
    public Outcome fail(String id, String worker, String error, boolean permanent, long retryAfterMillis) {
        Map<String, Object> row = client.row(
                Mode.WRITE,
                """
                MATCH (j:IngestJob {id: $id}) WHERE j.lease_owner = $worker AND j.status = 'processing'
                WITH j, ($permanent OR j.attempts >= j.max_attempts) AS final
                SET j.error = $error, j.updated_at = datetime(), j.lease_owner = null, j.lease_expires_at = null,
                    j.failures = coalesce(j.failures, []) + ['attempt ' + j.attempts + ': ' + $error],
                    j.status = CASE WHEN final THEN 'failed' ELSE 'queued' END,
                    j.finished_at = CASE WHEN final THEN datetime() ELSE null END,
                    j.next_attempt_at = datetime() + duration({milliseconds: $delay})
                RETURN final""",
                Map.of("id", id, "worker", worker, "error", error, "permanent", permanent, "delay", retryAfterMillis));
        return row == null
                ? Outcome.LEASE_LOST
                : Boolean.TRUE.equals(row.get("final")) ? Outcome.FAILED : Outcome.RETRIED;
    }

    /** What recording a failed attempt did to its job. */
    public enum Outcome {
        RETRIED,
        FAILED,
        LEASE_LOST
    }

    /** Ends a job that found a newer version of its source_ref: nothing was written, and that is final. */
    public boolean stale(String id, String worker, String reason) {
        return client.row(Mode.WRITE, """
                MATCH (j:IngestJob {id: $id}) WHERE j.lease_owner = $worker AND j.status = 'processing'
                SET j.status = 'stale', j.ingest_status = 'stale', j.error = $reason, j.finished_at = datetime(),
                    j.updated_at = datetime(), j.lease_owner = null, j.lease_expires_at = null,
                    j.processed_by = $worker, j.upload_ref = null
                WITH j
                OPTIONAL MATCH (j)-[:HAS_UPLOAD]->(u:IngestUpload)
                DETACH DELETE u
                RETURN j.id AS id""", Map.of("id", id, "worker", worker, "reason", reason)) != null;
    }

    /**
     * Marks the uploads of jobs that failed more than {@code hours} ago released, of those whose bytes start with
     * one of the {@code reachable} reference prefixes (or lie in an IngestUpload node, deleted here); returns one
     * entry per job: the reference whose bytes the caller deletes, or null for a node.
     */
    public List<String> releaseUploads(int hours, List<String> reachable) {
        return client.rows(Mode.WRITE, """
                MATCH (j:IngestJob {status: 'failed'})
                WHERE j.finished_at < datetime() - duration({hours: $hours})
                  AND (any(p IN $reachable WHERE j.upload_ref STARTS WITH p)
                       OR EXISTS { (j)-[:HAS_UPLOAD]->(:IngestUpload) })
                WITH j, j.upload_ref AS ref
                SET j.upload_released = true, j.upload_ref = null
                WITH j, ref
                OPTIONAL MATCH (j)-[:HAS_UPLOAD]->(u:IngestUpload)
                DETACH DELETE u
                RETURN ref""", Map.of("hours", hours, "reachable", reachable)).stream()
                .map(r -> (String) r.get("ref"))
                .toList();
    }

    /** Jobs waiting and running, and how long the oldest has waited. */
    public Queue queue() {
        Map<String, Object> row = client.row(Mode.READ, """
                OPTIONAL MATCH (q:IngestJob {status: 'queued'})
                WITH count(q) AS queued, min(q.created_at) AS oldest
                OPTIONAL MATCH (p:IngestJob {status: 'processing'})
                RETURN queued, count(p) AS processing,
                       CASE WHEN oldest IS NULL THEN 0 ELSE duration.inSeconds(oldest, datetime()).seconds END AS age""", Map.of());
        return new Queue(
                ((Number) row.get("queued")).longValue(),
                ((Number) row.get("processing")).longValue(),
                ((Number) row.get("age")).longValue());
    }

    /**
     * How many jobs are in each status, every gateway's together (each of {@link #STATUSES}, 0 when none); counted
     * through the status index.
     */
    public Map<String, Long> countsByStatus() {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        STATUSES.forEach(status -> counts.put(status, 0L));
        client.rows(Mode.READ, """
                UNWIND $statuses AS status
                OPTIONAL MATCH (j:IngestJob {status: status})
                RETURN status, count(j) AS n""", Map.of("statuses", STATUSES))
                .forEach(row -> counts.put((String) row.get("status"), ((Number) row.get("n")).longValue()));
        return counts;
    }

    /** Fails jobs that have been processing longer than the deadline, whoever holds them; returns how many. */
    public long sweep(int deadlineSeconds) {
        Map<String, Object> row = client.row(Mode.WRITE, """
                MATCH (j:IngestJob {status: 'processing'})
                WHERE j.started_at + duration({seconds: $deadline}) < datetime()
                SET j.status = 'failed', j.error = 'deadline exceeded: processing took longer than ' + $deadline
                        + ' s (MNEMO_INGEST_DEADLINE_SECONDS)', j.finished_at = datetime(), j.updated_at = datetime(),
                    j.lease_owner = null, j.lease_expires_at = null
                RETURN count(j) AS n""", Map.of("deadline", deadlineSeconds));
        return row == null ? 0 : ((Number) row.get("n")).longValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return (Map<String, Object>) value;
    }
}
