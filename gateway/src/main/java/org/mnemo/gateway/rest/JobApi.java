package org.mnemo.gateway.rest;

import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Scopes;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.ingest.FileTypes;
import org.mnemo.gateway.ingest.IngestJobs;

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

    List<Route> routes() {
        return List.of(
                Route.post("/library/api/ingest/", TAG, "Ingest a file from an S3 source bucket: 202 with the job "
                        + "(200 with the existing job for the same library, source_ref and content_hash)",
                        "{s3_key, title, workspace_id | library_uid, file_type, file_size, content_hash, source?, "
                                + "source_ref?, collection_uid? | collection?}", this::submit).scope(Scopes.MANAGE_LIBRARIES),
                Route.get("/library/api/jobs/{id}/", TAG, "One ingest job", this::get).scope(Scopes.LIST_ITEMS),
                Route.get("/library/api/jobs/", TAG, "Ingest jobs of the caller's libraries, newest first "
                        + "(?status, library_uid, limit, offset)", this::list).scope(Scopes.LIST_ITEMS),
                Route.post("/library/api/jobs/{id}/retry/", TAG, "Queue a failed job again", null, this::retry)
                        .scope(Scopes.MANAGE_LIBRARIES));
    }

    private void submit(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Json.Body body = Json.body(ctx);
        String s3Key = body.string("s3_key", 1024);
        String given = body.string("file_type", 200);
        String fileType = FileTypes.normalise(given);
        if (fileType == null) {
            throw new ApiError(415, "unsupported_file_type", FileTypes.refusal(given));
        }
        String hash = body.string("content_hash", 64).toLowerCase(java.util.Locale.ROOT);
        if (!hash.matches("[0-9a-f]{64}")) {
            throw ApiError.badRequest("invalid_field", "'content_hash' must be the SHA-256 of the file as 64 hex "
                    + "characters");
        }
        long size = body.integer("file_size", 0, 0, Integer.MAX_VALUE);
        if (size > jobs.maxFileBytes()) {
            throw ApiError.badRequest("invalid_field", "'file_size' " + size + " is over the limit of "
                    + jobs.maxFileBytes() + " bytes");
        }
        String source = body.has("source") ? body.optionalString("source", 50) : null;
        Map<String, Object> library = registeredLibrary(caller, body);
        String refusal = jobs.buckets().refusal(source, s3Key, caller.owner(), caller.admin(),
                (String) library.get("workspace_id"));
        if (refusal != null) {
            int colon = refusal.indexOf(':');
            throw new ApiError(403, refusal.substring(0, colon), refusal.substring(colon + 1).strip());
        }
        String title = body.has("title") ? body.optionalString("title", 500)
                : s3Key.substring(s3Key.lastIndexOf('/') + 1);
        String sourceRef = body.has("source_ref") ? body.optionalString("source_ref", 1000) : s3Key;
        Map<String, Object> result = jobs.submit(new IngestJobs.Request((String) library.get("uid"),
                (String) library.get("workspace_id"), s3Key, title, fileType, size, hash, source, sourceRef,
                caller.owner(), body.optionalString("collection_uid", 100), body.optionalString("collection", 200)),
                null);
        Json.send(ctx, Boolean.TRUE.equals(result.get("created")) ? 202 : 200, result.get("job"));
    }

    /** The library named by workspace_id or library_uid, which the caller must own: else 404 not_registered. */
    private Map<String, Object> registeredLibrary(Caller caller, Json.Body body) {
        String workspace = body.optionalString("workspace_id", 200);
        String uid = body.optionalString("library_uid", 100);
        if ((workspace == null) == (uid == null)) {
            throw ApiError.badRequest("invalid_field", "give exactly one of 'workspace_id' and 'library_uid'");
        }
        Map<String, Object> library = (workspace != null ? LibraryAccess.workspaceLibrary(client, caller, workspace)
                : LibraryAccess.library(client, caller, uid)).orElse(null);
        if (library == null || (uid != null && !uid.equals(library.get("uid")))
                || !LibraryAccess.mayModify(client, caller, library)) {
            throw new ApiError(404, "not_registered", workspace != null
                    ? "workspace '" + workspace + "' is not registered; create it with POST /library/api/workspaces/"
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
            if (job != null && LibraryAccess.library(client, caller, (String) job.get("library_uid")).isEmpty()) {
                job = null;
            }
        }
        return Requests.found(job, "job '" + id + "'");
    }

    private void list(Context ctx) {
        Caller caller = Requests.caller(ctx);
        Requests.Page page = Requests.page(ctx);
        String status = Requests.text(ctx, "status");
        if (status != null && !List.of("queued", "processing", "completed", "failed", "stale").contains(status)) {
            throw ApiError.badRequest("invalid_parameter", "'status' must be queued, processing, completed, failed "
                    + "or stale");
        }
        Json.send(ctx, 200, page.wrap(jobs.store().list(caller.libraries(), status,
                Requests.text(ctx, "library_uid"), page.limit(), page.offset())));
    }

    private void retry(Context ctx) {
        Caller caller = Requests.manager(ctx);
        String id = ctx.pathParam("id");
        Map<String, Object> job = visibleJob(caller, id);
        Map<String, Object> library = LibraryAccess.library(client, caller, (String) job.get("library_uid"))
                .orElse(null);
        if (library == null || !LibraryAccess.mayModify(client, caller, library)) {
            throw ApiError.notFound("job '" + id + "'");
        }
        if (Boolean.TRUE.equals(job.get("upload_released"))) {
            throw ApiError.conflict("upload_released", "the upload of this failed job was released after "
                    + "MNEMO_INGEST_FAILED_UPLOAD_RETENTION_HOURS; upload the document again");
        }
        Map<String, Object> retried = jobs.store().retry(id);
        if (retried == null) {
            throw ApiError.conflict("job_not_failed", "only failed jobs can be retried; this one is "
                    + job.get("status"));
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
