package org.mnemo.gateway.rest;

import static org.mnemo.gateway.web.Schema.bool;
import static org.mnemo.gateway.web.Schema.dateTime;
import static org.mnemo.gateway.web.Schema.fields;
import static org.mnemo.gateway.web.Schema.integer;
import static org.mnemo.gateway.web.Schema.object;
import static org.mnemo.gateway.web.Schema.page;
import static org.mnemo.gateway.web.Schema.string;
import static org.mnemo.gateway.web.Schema.strings;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Scopes;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.ingest.FileTypes;
import org.mnemo.gateway.ingest.IngestFailure;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.ingest.JobStore;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;
import org.mnemo.gateway.web.Schema;

/**
 * Durable ingest over REST: producers ask Mnemo to ingest an S3 object and follow the job. Jobs are visible to
 * whoever can read their library; submitting and retrying need the library's owner.
 */
final class JobApi {
    private static final String TAG = "ingest";

    private final MnemoClient client;
    private final IngestJobs jobs;

    JobApi(MnemoClient client, IngestJobs jobs) {
        this.client = client;
        this.jobs = jobs;
    }

    static final Schema JOB_STATUS = string("queued (waiting for a worker), processing, completed, failed, or "
                    + "stale (a newer version of the same source_ref won)")
            .values(JobStore.STATUSES.toArray(String[]::new));

    /** A job as {@code JobStore.VIEW} shows it: every key is there, null until known. */
    static final Schema JOB = object("A durable ingest job")
            .required("id", string(null))
            .required("status", JOB_STATUS)
            .required("attempts", integer(null))
            .required("max_attempts", integer(null))
            .required("error", string("Why the last attempt failed").nullable())
            .required("failures", strings("The reasons of earlier failed attempts"))
            .required("library_uid", string(null))
            .required("workspace_id", string(null).nullable())
            .required(
                    "s3_key",
                    string("The object in the S3 source (null for an upload)").nullable())
            .required("title", string(null).nullable())
            .required("file_type", string(null).nullable())
            .required("file_size", integer(null).nullable())
            .required("collection_uid", string(null).nullable())
            .required("collection", string(null).nullable())
            .required("content_hash", string(null).nullable())
            .required("source", string("upload, or the S3 source's name").nullable())
            .required("source_ref", string(null).nullable())
            .required("item_uid", string("The item written, once completed").nullable())
            .required("chunks_created", integer(null).nullable())
            .required("concepts_extracted", integer(null).nullable())
            .required("embedding_model", string(null).nullable())
            .required(
                    "ingest_status",
                    string("How the ingest ended: created, existing, superseded, stale")
                            .nullable())
            .required("created_at", dateTime(null))
            .required("updated_at", dateTime(null).nullable())
            .required("started_at", dateTime(null).nullable())
            .required("finished_at", dateTime(null).nullable())
            .required(
                    "completed_at",
                    dateTime("finished_at, under the name Daedalus reads").nullable())
            .required("supersedes_hash", string(null).nullable())
            .required("supersedes_version_at", dateTime(null).nullable())
            .required(
                    "upload_released",
                    bool("A failed upload's bytes were released: upload it again to retry")
                            .nullable())
            .required(
                    "progress",
                    object("Chunks written of the total")
                            .required("done", integer(null))
                            .required("total", integer(null).nullable()))
            .example(fields(
                    "id",
                    "job_2f1c9a4e-7b3d-4c55-a1e2-9d8f7c6b5a40",
                    "status",
                    "queued",
                    "attempts",
                    0,
                    "max_attempts",
                    5,
                    "error",
                    null,
                    "failures",
                    java.util.List.of(),
                    "library_uid",
                    "5733c4be-8f0e-4e0b-9d51-0c1f1e7b7c2a",
                    "workspace_id",
                    "ws-42",
                    "s3_key",
                    "ws-42/survey.md",
                    "title",
                    "Quay wall survey",
                    "file_type",
                    "md",
                    "file_size",
                    131,
                    "collection_uid",
                    null,
                    "collection",
                    null,
                    "content_hash",
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "source",
                    "daedalus",
                    "source_ref",
                    "ws-42/survey.md",
                    "item_uid",
                    null,
                    "chunks_created",
                    null,
                    "concepts_extracted",
                    null,
                    "embedding_model",
                    null,
                    "ingest_status",
                    null,
                    "created_at",
                    "2026-01-31T09:15:00Z",
                    "updated_at",
                    "2026-01-31T09:15:00Z",
                    "started_at",
                    null,
                    "finished_at",
                    null,
                    "completed_at",
                    null,
                    "supersedes_hash",
                    null,
                    "supersedes_version_at",
                    null,
                    "upload_released",
                    null,
                    "progress",
                    fields("done", 0, "total", null)))
            .named("Job");

    List<Route> routes() {
        return List.of(
                Route.post(
                                "/library/api/ingest/",
                                TAG,
                                "Ingest a file from an S3 source bucket: 202 with the job "
                                        + "(200 with the existing job for the same library, source_ref and content_hash)",
                                object(
                                                "A file in an S3 source bucket; name exactly one of workspace_id and library_uid")
                                        .required(
                                                "s3_key",
                                                string("The object's key in the source bucket")
                                                        .maxLength(1024))
                                        .optional(
                                                "title",
                                                string("Default: the key's file name")
                                                        .maxLength(500))
                                        .optional(
                                                "workspace_id",
                                                string("Into this workspace's library")
                                                        .maxLength(200))
                                        .optional(
                                                "library_uid",
                                                string("Into this library").maxLength(100))
                                        .optional(
                                                "file_type",
                                                string("md, txt, pdf, docx, … or a MIME type; default: the "
                                                                + "key's extension")
                                                        .maxLength(200))
                                        .optional(
                                                "file_size",
                                                integer("Bytes (with content_hash)")
                                                        .range(0, Integer.MAX_VALUE))
                                        .optional(
                                                "content_hash",
                                                string(
                                                                "SHA-256 of the file, 64 hex characters; without it "
                                                                        + "the gateway reads the object to learn it and its size")
                                                        .with("pattern", "^[0-9a-fA-F]{64}$"))
                                        .optional(
                                                "source",
                                                string("The source bucket's name (MNEMO_SOURCE_<NAME>_…); "
                                                                + "default: the only one the caller may use")
                                                        .maxLength(50))
                                        .optional(
                                                "source_ref",
                                                string("Default: s3_key").maxLength(1000))
                                        .optional(
                                                "collection_uid",
                                                string("File it into this collection")
                                                        .maxLength(100))
                                        .optional(
                                                "collection",
                                                string("File it into the collection of this name")
                                                        .maxLength(200))
                                        .example(fields(
                                                "s3_key",
                                                "ws-42/survey.md",
                                                "title",
                                                "Quay wall survey",
                                                "workspace_id",
                                                "ws-42",
                                                "file_type",
                                                "text/markdown",
                                                "file_size",
                                                131,
                                                "content_hash",
                                                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
                                        .named("IngestRequest"),
                                this::submit)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(202, "Queued", JOB)
                        .returns(200, "The same file was submitted before: that job", JOB),
                Route.get("/library/api/jobs/{id}/", TAG, "One ingest job", this::get)
                        .scope(Scopes.LIST_ITEMS)
                        .returns(200, "The job", JOB),
                Route.get("/library/api/jobs/", TAG, "Ingest jobs of the caller's libraries, newest first", this::list)
                        .scope(Scopes.LIST_ITEMS)
                        .query("status", JOB_STATUS)
                        .query("library_uid", string("Only this library's"))
                        .paged()
                        .returns(200, "One page of jobs", page(JOB)),
                Route.post("/library/api/jobs/{id}/retry/", TAG, "Queue a failed job again", null, this::retry)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(202, "Queued again", JOB));
    }

    private void submit(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Json.Body body = Json.body(ctx);
        String s3Key = body.string("s3_key", 1024);
        String given = body.has("file_type") ? body.string("file_type", 200) : null;
        String fileType = given != null ? FileTypes.normalise(given) : FileTypes.ofName(s3Key);
        if (fileType == null) {
            throw new ApiError(
                    415,
                    "unsupported_file_type",
                    given != null
                            ? FileTypes.refusal(given)
                            : "the key '" + s3Key + "' has no extension Mnemo reads; give file_type");
        }
        String hash =
                body.has("content_hash") ? body.string("content_hash", 64).toLowerCase(java.util.Locale.ROOT) : null;
        if (hash != null && !hash.matches("[0-9a-f]{64}")) {
            throw ApiError.badRequest(
                    "invalid_field", "'content_hash' must be the SHA-256 of the file as 64 hex " + "characters");
        }
        long size = body.integer("file_size", 0, 0, Integer.MAX_VALUE);
        if (size > jobs.maxFileBytes()) {
            throw ApiError.badRequest(
                    "invalid_field", "'file_size' " + size + " is over the limit of " + jobs.maxFileBytes() + " bytes");
        }
        String source = body.has("source") ? body.optionalString("source", 50) : null;
        Rows.Library library = registeredLibrary(caller, body);
        String refusal = jobs.buckets().refusal(source, s3Key, caller.owner(), caller.admin(), library.workspace_id());
        if (refusal != null) {
            int colon = refusal.indexOf(':');
            String code = refusal.substring(0, colon);
            throw new ApiError(
                    code.equals("source_not_configured") ? 422 : 403,
                    code,
                    refusal.substring(colon + 1).strip());
        }
        if (hash == null) {
            // A person pointing at a key (the console) does not know its hash: read it, as the worker will.
            byte[] content = read(source, s3Key);
            hash = Tokens.sha256Hex(content);
            size = content.length;
        }
        String title =
                body.has("title") ? body.optionalString("title", 500) : s3Key.substring(s3Key.lastIndexOf('/') + 1);
        String sourceRef = body.has("source_ref") ? body.optionalString("source_ref", 1000) : s3Key;
        JobStore.Created result = jobs.submit(
                new IngestJobs.Request(
                        library.uid(),
                        library.workspace_id(),
                        s3Key,
                        title,
                        fileType,
                        size,
                        hash,
                        source,
                        sourceRef,
                        caller.owner(),
                        LibraryAccess.collectionOf(client, library, body.optionalString("collection_uid", 100)),
                        body.optionalString("collection", 200)),
                null);
        Json.send(ctx, result.created() ? 202 : 200, result.job());
    }

    /** An object of a source bucket the caller may read (checked before); a missing one is 404. */
    private byte[] read(String source, String key) {
        try {
            return jobs.buckets().read(source, key);
        } catch (IngestFailure e) {
            throw new ApiError(
                    e.permanent() ? 404 : 503, e.permanent() ? "not_found" : "source_unavailable", e.getMessage());
        }
    }

    /** The library named by workspace_id or library_uid, which the caller must own: else 404 not_registered. */
    private Rows.Library registeredLibrary(Caller caller, Json.Body body) {
        String workspace = body.optionalString("workspace_id", 200);
        String uid = body.optionalString("library_uid", 100);
        if ((workspace == null) == (uid == null)) {
            throw ApiError.badRequest("invalid_field", "give exactly one of 'workspace_id' and 'library_uid'");
        }
        Rows.Library library = (workspace != null
                        ? LibraryAccess.workspaceLibrary(client, caller, workspace)
                        : LibraryAccess.library(client, caller, uid))
                .orElse(null);
        if (library == null
                || (uid != null && !uid.equals(library.uid()))
                || !LibraryAccess.mayModify(client, caller, library)) {
            throw new ApiError(
                    404,
                    "not_registered",
                    workspace != null
                            ? "workspace '" + workspace
                                    + "' is not registered; create it with POST /library/api/workspaces/"
                            : "library '" + uid + "' is not registered");
        }
        return library;
    }

    private void get(Context ctx) {
        Json.send(ctx, 200, visibleJob(Requests.caller(ctx), ctx.pathParam("id")));
    }

    /** A job of a library the caller reads, or manages without reading it (see LibraryAccess); else 404. */
    private Map<String, Object> visibleJob(Caller caller, String id) {
        Map<String, Object> job = jobs.store().get(id, caller.libraries());
        if (job == null && caller.full()) {
            job = jobs.store().get(id, List.of("*"));
            if (job != null
                    && LibraryAccess.library(client, caller, (String) job.get("library_uid"))
                            .isEmpty()) {
                job = null;
            }
        }
        return Requests.found(job, "job '" + id + "'");
    }

    private void list(Context ctx) {
        Caller caller = Requests.caller(ctx);
        Requests.Page page = Requests.page(ctx);
        String status = Requests.text(ctx, "status");
        if (status != null && !JobStore.STATUSES.contains(status)) {
            throw ApiError.badRequest(
                    "invalid_parameter", "'status' must be queued, processing, completed, failed " + "or stale");
        }
        Json.send(
                ctx,
                200,
                page.wrap(jobs.store()
                        .list(
                                caller.libraries(),
                                status,
                                Requests.text(ctx, "library_uid"),
                                page.limit(),
                                page.offset())));
    }

    private void retry(Context ctx) {
        Caller caller = Requests.manager(ctx);
        String id = ctx.pathParam("id");
        Map<String, Object> job = visibleJob(caller, id);
        Rows.Library library = LibraryAccess.library(client, caller, (String) job.get("library_uid"))
                .orElse(null);
        if (library == null || !LibraryAccess.mayModify(client, caller, library)) {
            throw ApiError.notFound("job '" + id + "'");
        }
        if (Boolean.TRUE.equals(job.get("upload_released"))) {
            throw ApiError.conflict(
                    "upload_released",
                    "the upload of this failed job was released after "
                            + "MNEMO_INGEST_FAILED_UPLOAD_RETENTION_HOURS; upload the document again");
        }
        Map<String, Object> retried = jobs.store().retry(id);
        if (retried == null) {
            throw ApiError.conflict(
                    "job_not_failed", "only failed jobs can be retried; this one is " + job.get("status"));
        }
        Json.send(ctx, 202, retried);
    }

    /** A view of a finished upload job for the upload route: the item and the job. */
    static Map<String, Object> uploadResult(Map<String, Object> job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("item_uid", job.get("item_uid"));
        body.put("library_uid", job.get("library_uid"));
        body.put("status", job.get("ingest_status"));
        body.put("chunk_count", job.get("chunks_created"));
        body.put("concept_count", job.get("concepts_extracted"));
        body.put("embedding_model", job.get("embedding_model"));
        body.put("job", job);
        return body;
    }
}
