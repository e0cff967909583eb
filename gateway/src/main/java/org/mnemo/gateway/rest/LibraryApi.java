package org.mnemo.gateway.rest;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;
import static org.mnemo.gateway.web.Schema.bool;
import static org.mnemo.gateway.web.Schema.dateTime;
import static org.mnemo.gateway.web.Schema.fields;
import static org.mnemo.gateway.web.Schema.integer;
import static org.mnemo.gateway.web.Schema.object;
import static org.mnemo.gateway.web.Schema.page;
import static org.mnemo.gateway.web.Schema.string;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Scopes;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.client.LibraryTypes;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.ProcedureFailure;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.ingest.FileTypes;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.ingest.JobStore;
import org.mnemo.gateway.ingest.UploadStore;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;
import org.mnemo.gateway.web.Schema;

/**
 * Workspaces, libraries, collections and items. Reads see only the caller's resolved libraries; changes need a
 * bearer token of the library's owner (or the admin). Anything the caller cannot see is 404, never 403, so that
 * foreign workspaces and libraries do not even show that they exist.
 */
final class LibraryApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LibraryApi.class);
    private static final String LIBRARY_TAG = "libraries";
    private static final String ITEM_TAG = "items";

    private final MnemoClient client;
    private final IngestJobs jobs;

    LibraryApi(MnemoClient client, IngestJobs jobs) {
        this.client = client;
        this.jobs = jobs;
    }

    /** The nine library types (their chunking settings: {@code CALL mnemo.library.types()}). */
    static final Schema LIBRARY_TYPE = string("A library type: it sets how documents are chunked")
            .values(LibraryTypes.NAMES.toArray(String[]::new));

    static final Schema LIBRARY = object(
                    "A library; the counts cover completed items (left out with " + "with_item_count=false)")
            .required("uid", string("The library's id"))
            .required("name", string(null))
            .required("library_type", LIBRARY_TYPE)
            .required("description", string(null).nullable())
            .required(
                    "workspace_id",
                    string("The Daedalus workspace it belongs to (null: none)").nullable())
            .required(
                    "owner",
                    string("The principal that owns it (null: made by a DBA's own Cypher)")
                            .nullable())
            .required("created_at", dateTime(null))
            .optional("collection_count", integer(null))
            .optional("item_count", integer(null))
            .optional("chunk_count", integer(null))
            .example(fields(
                    "uid",
                    "5733c4be-8f0e-4e0b-9d51-0c1f1e7b7c2a",
                    "name",
                    "Ann research",
                    "library_type",
                    "technical",
                    "description",
                    null,
                    "workspace_id",
                    null,
                    "owner",
                    "ann",
                    "created_at",
                    "2026-01-31T09:15:00Z",
                    "collection_count",
                    1,
                    "item_count",
                    12,
                    "chunk_count",
                    340))
            .named("Library");

    static final Schema WORKSPACE = object("A Daedalus workspace's library")
            .required("workspace_id", string(null))
            .required("library_uid", string(null))
            .required("name", string(null))
            .required("library_type", LIBRARY_TYPE)
            .required("description", string(null).nullable())
            .required("item_count", integer("Completed items"))
            .required("chunk_count", integer(null))
            .required("created_at", dateTime(null))
            .example(fields(
                    "workspace_id",
                    "ws-42",
                    "library_uid",
                    "5733c4be-8f0e-4e0b-9d51-0c1f1e7b7c2a",
                    "name",
                    "Harbour project",
                    "library_type",
                    "technical",
                    "description",
                    null,
                    "item_count",
                    2,
                    "chunk_count",
                    7,
                    "created_at",
                    "2026-01-31T09:15:00Z"))
            .named("Workspace");

    static final Schema COLLECTION = object("A collection of items within a library")
            .required("uid", string(null))
            .required("name", string("Unique within its library"))
            .required("description", string(null).nullable())
            .required("library_uid", string(null))
            .required("library_name", string(null))
            .required("item_count", integer("Completed items"))
            .example(fields(
                    "uid",
                    "642b0f3e-1c1d-4f7e-8d6a-2b9e4c7a1f00",
                    "name",
                    "Surveys",
                    "description",
                    null,
                    "library_uid",
                    "5733c4be-8f0e-4e0b-9d51-0c1f1e7b7c2a",
                    "library_name",
                    "Harbour project",
                    "item_count",
                    3))
            .named("Collection");

    static final Schema ITEM = object("A document in a library")
            .required("uid", string(null))
            .required("title", string(null))
            .required("item_type", string(null).nullable())
            .required("file_type", string("md, txt, pdf, docx, …").nullable())
            .required("source", string("upload, or the S3 source it came from").nullable())
            .required(
                    "source_ref",
                    string("The producer's reference; a new version of it supersedes the older")
                            .nullable())
            .required("content_hash", string("SHA-256 of the content").nullable())
            .required(
                    "embedding_status",
                    string("completed once its chunks are written and embedded").nullable())
            .required("embedding_model", string(null).nullable())
            .required("chunk_count", integer(null))
            .required("concept_count", integer(null))
            .required("collection_uid", string(null).nullable())
            .required("library_uid", string(null))
            .required("library_type", LIBRARY_TYPE)
            .required("created_at", dateTime(null).nullable())
            .required("updated_at", dateTime(null).nullable())
            .example(fields(
                    "uid",
                    "c7cb2d1e-5f4a-4a8e-9b3c-6d2e1f0a9b8c",
                    "title",
                    "Quay wall survey",
                    "item_type",
                    "document",
                    "file_type",
                    "md",
                    "source",
                    "daedalus",
                    "source_ref",
                    "ws-42/survey.md",
                    "content_hash",
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "embedding_status",
                    "completed",
                    "embedding_model",
                    "all-minilm-l6-v2-q",
                    "chunk_count",
                    4,
                    "concept_count",
                    9,
                    "collection_uid",
                    "642b0f3e-1c1d-4f7e-8d6a-2b9e4c7a1f00",
                    "library_uid",
                    "5733c4be-8f0e-4e0b-9d51-0c1f1e7b7c2a",
                    "library_type",
                    "technical",
                    "created_at",
                    "2026-01-31T09:16:00Z",
                    "updated_at",
                    "2026-01-31T09:16:02Z"))
            .named("Item");

    static final Schema UPLOADED = object("An uploaded document, ingested: its item and the job that ingested it")
            .required("item_uid", string(null))
            .required("library_uid", string(null))
            .required(
                    "status",
                    string("created, superseded (a new version of its source_ref), or existing (the "
                            + "same document was there: nothing new stored)"))
            .required("chunk_count", integer(null).nullable())
            .required("concept_count", integer(null).nullable())
            .required("embedding_model", string(null).nullable())
            .required("job", JobApi.JOB)
            .named("Uploaded");

    private static final Schema NAME = string(null).maxLength(200);
    private static final Schema DESCRIPTION = string(null).maxLength(2000);

    List<Route> routes() {
        Schema running = object("The ingest job, still running: poll GET /library/api/jobs/{id}/")
                .required("job", JobApi.JOB)
                .named("UploadRunning");
        return List.of(
                Route.post(
                                "/library/api/workspaces/",
                                LIBRARY_TAG,
                                "Create the caller's workspace library " + "(idempotent on workspace_id)",
                                object("A workspace library")
                                        .required(
                                                "workspace_id",
                                                string("The Daedalus workspace id")
                                                        .maxLength(200))
                                        .required("name", NAME)
                                        .required("library_type", LIBRARY_TYPE)
                                        .optional("description", DESCRIPTION)
                                        .example(fields(
                                                "workspace_id",
                                                "ws-42",
                                                "name",
                                                "Harbour project",
                                                "library_type",
                                                "technical"))
                                        .named("WorkspaceRequest"),
                                this::createWorkspace)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(201, "Created", WORKSPACE)
                        .returns(200, "The workspace has its library already: that one", WORKSPACE),
                Route.get(
                                "/library/api/workspaces/{id}/",
                                LIBRARY_TAG,
                                "A workspace library with its counts",
                                this::getWorkspace)
                        .scope(Scopes.LIST_LIBRARIES)
                        .returns(200, "The workspace library", WORKSPACE),
                Route.put(
                                "/library/api/workspaces/{id}/",
                                LIBRARY_TAG,
                                "Rename or re-describe a workspace library",
                                object("What changes")
                                        .optional("name", NAME)
                                        .optional("description", DESCRIPTION)
                                        .named("WorkspaceChanges"),
                                this::updateWorkspace)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(200, "The changed workspace library", WORKSPACE),
                Route.delete(
                                "/library/api/workspaces/{id}/",
                                LIBRARY_TAG,
                                "Delete a workspace library with "
                                        + "everything in it (204 also when there is nothing to delete)",
                                this::deleteWorkspace)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(204, "Deleted, or nothing of the caller's to delete"),
                Route.get("/library/api/libraries/", LIBRARY_TAG, "The caller's libraries by name", this::listLibraries)
                        .scope(Scopes.LIST_LIBRARIES)
                        .query(
                                "include_workspace",
                                bool("Include workspace libraries").defaultsTo(false))
                        .query("with_item_count", bool("Include the counts").defaultsTo(true))
                        .query("library_type", LIBRARY_TYPE)
                        .paged()
                        .returns(200, "One page of libraries", page(LIBRARY)),
                Route.post(
                                "/library/api/libraries/",
                                LIBRARY_TAG,
                                "Create a library owned by the caller",
                                object("A library")
                                        .required("name", NAME)
                                        .required("library_type", LIBRARY_TYPE)
                                        .optional("description", DESCRIPTION)
                                        .example(fields("name", "Ann research", "library_type", "technical"))
                                        .named("LibraryRequest"),
                                this::createLibrary)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(201, "Created", LIBRARY)
                        .returns(200, "The same library existed (same name, owner and type)", LIBRARY),
                Route.get("/library/api/libraries/{uid}/", LIBRARY_TAG, "One library with its counts", this::getLibrary)
                        .scope(Scopes.LIST_LIBRARIES)
                        .returns(200, "The library", LIBRARY),
                Route.put(
                                "/library/api/libraries/{uid}/",
                                LIBRARY_TAG,
                                "Rename or re-describe a library",
                                object("What changes")
                                        .optional("name", NAME)
                                        .optional("description", DESCRIPTION)
                                        .optional(
                                                "library_type",
                                                LIBRARY_TYPE.describe(
                                                        "Must stay the same " + "(409 library_type_immutable)"))
                                        .named("LibraryChanges"),
                                this::updateLibrary)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(200, "The changed library", LIBRARY),
                Route.delete(
                                "/library/api/libraries/{uid}/",
                                LIBRARY_TAG,
                                "Delete a library with everything in it",
                                this::deleteLibrary)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(204, "Deleted"),
                Route.get(
                                "/library/api/collections/",
                                LIBRARY_TAG,
                                "Collections of the caller's libraries",
                                this::listCollections)
                        .scope(Scopes.LIST_COLLECTIONS)
                        .query("library_uid", string("Only this library's"))
                        .paged()
                        .returns(200, "One page of collections", page(COLLECTION)),
                Route.post(
                                "/library/api/collections/",
                                LIBRARY_TAG,
                                "Create a collection in a library (idempotent " + "on the name)",
                                object("A collection")
                                        .required("library_uid", string(null))
                                        .required("name", NAME)
                                        .optional("description", DESCRIPTION)
                                        .named("CollectionRequest"),
                                this::createCollection)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(201, "The collection", COLLECTION),
                Route.get("/library/api/collections/{uid}/", LIBRARY_TAG, "One collection", this::getCollection)
                        .scope(Scopes.LIST_COLLECTIONS)
                        .returns(200, "The collection", COLLECTION),
                Route.put(
                                "/library/api/collections/{uid}/",
                                LIBRARY_TAG,
                                "Rename or re-describe a collection",
                                object("What changes")
                                        .optional("name", NAME)
                                        .optional("description", DESCRIPTION)
                                        .named("CollectionChanges"),
                                this::updateCollection)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(200, "The changed collection", COLLECTION),
                Route.delete(
                                "/library/api/collections/{uid}/",
                                LIBRARY_TAG,
                                "Delete a collection with its items",
                                this::deleteCollection)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(204, "Deleted"),
                Route.get(
                                "/library/api/items/",
                                ITEM_TAG,
                                "Items of the caller's libraries, newest first",
                                this::listItems)
                        .scope(Scopes.LIST_ITEMS)
                        .query("library_uid", string("Only this library's"))
                        .query("collection_uid", string("Only this collection's"))
                        .query("status", string("Only items of this embedding_status (completed, …)"))
                        .paged()
                        .returns(200, "One page of items", page(ITEM)),
                Route.post(
                                "/library/api/items/",
                                ITEM_TAG,
                                "Upload a document (PDF, DOCX, PPTX, HTML, Markdown, text, "
                                        + "JSON, CSV, RTF, ODT) into a library and ingest it through a job: 201 when done within "
                                        + "MNEMO_UPLOAD_WAIT_SECONDS, else 202 with the job",
                                UPLOAD.describe("A document as text "
                                        + "(multipart/form-data: the same fields, the document in a 'file' part)"),
                                this::uploadItem)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .form(UPLOAD_FORM)
                        .returns(201, "Ingested", UPLOADED)
                        .returns(200, "The same document was there (status existing): nothing new stored", UPLOADED)
                        .returns(202, "Still ingesting", running),
                Route.get("/library/api/items/{uid}/", ITEM_TAG, "One item", this::getItem)
                        .scope(Scopes.LIST_ITEMS)
                        .returns(200, "The item", ITEM),
                Route.put(
                                "/library/api/items/{uid}/",
                                ITEM_TAG,
                                "Change an item's title",
                                object("The new title")
                                        .required("title", string(null).maxLength(500))
                                        .named("ItemChanges"),
                                this::updateItem)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(200, "The changed item", ITEM),
                Route.delete("/library/api/items/{uid}/", ITEM_TAG, "Delete an item with its chunks", this::deleteItem)
                        .scope(Scopes.MANAGE_LIBRARIES)
                        .returns(204, "Deleted"));
    }

    private static final Schema UPLOAD_FIELDS = object(null)
            .required("library_uid", string("The library to ingest into"))
            .optional("title", string("Default: the file name, else Untitled").maxLength(500))
            .optional(
                    "file_type",
                    string("md (default), txt, pdf, docx, … or a MIME type; default for a file: its " + "extension")
                            .maxLength(200))
            .optional(
                    "source_ref",
                    string("The producer's reference: a new version of it supersedes the older "
                                    + "(without one, a document is deduplicated by content only)")
                            .maxLength(1000))
            .optional("collection_uid", string("File it into this collection").maxLength(100))
            .optional(
                    "collection",
                    string("File it into the collection of this name, made when missing")
                            .maxLength(200));
    private static final Schema UPLOAD = UPLOAD_FIELDS
            .required("text", string("The document's text"))
            .example(fields(
                    "library_uid",
                    "5733c4be-8f0e-4e0b-9d51-0c1f1e7b7c2a",
                    "title",
                    "Backups",
                    "text",
                    "Take an online backup every night."))
            .named("Upload");
    private static final Schema UPLOAD_FORM = UPLOAD_FIELDS
            .required("file", string("The document").with("contentMediaType", "application/octet-stream"))
            .named("UploadForm");

    // ---- workspaces

    /**
     * Creates the library of a workspace. The caller must hold the workspace as owner (the admin, its manager, an
     * owner member), or be a service account with manage_workspaces claiming an id nobody holds — which it then
     * manages. Anyone else gets 404, as for a workspace that does not exist: ids cannot be squatted.
     */
    private void createWorkspace(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Json.Body body = Json.body(ctx);
        String workspaceId = body.string("workspace_id", 200);
        String name = body.string("name", 200);
        String type = body.string("library_type", 50);
        if (!caller.holdsWorkspaces() || !"owner".equals(client.role(caller.owner(), workspaceId))) {
            if (!caller.hasCapability(Scopes.MANAGE_WORKSPACES) || !caller.mayCallTool(Scopes.MANAGE_WORKSPACES)) {
                throw ApiError.notFound("workspace '" + workspaceId + "'");
            }
            caller.requireFull("creating a workspace");
            // Creates a root this service manages, or answers not_found for one it does not.
            client.workspaceUpsert(workspaceId, Map.of(), caller.admin() ? null : caller.owner());
        }
        Rows.Library existing =
                client.libraryList(List.of("*"), Map.of("workspace_id", workspaceId, "limit", 1)).stream()
                        .findFirst()
                        .orElse(null);
        if (existing != null) {
            if (!type.equals(existing.library_type())) {
                throw ApiError.conflict(
                        "library_type_immutable",
                        "workspace '" + workspaceId + "' has a library of " + "type " + existing.library_type());
            }
            Json.send(ctx, 200, WorkspaceLibrary.of(existing));
            return;
        }
        Map<String, Object> options = new HashMap<>();
        options.put("workspace_id", workspaceId);
        options.put("owner", caller.owner());
        if (body.has("description")) {
            options.put("description", body.optionalString("description", 2000));
        }
        Rows.Library row = client.libraryCreate(name, type, options);
        Json.send(ctx, row.created() ? 201 : 200, WorkspaceLibrary.of(row));
    }

    private void getWorkspace(Context ctx) {
        Json.send(ctx, 200, WorkspaceLibrary.of(visibleWorkspace(Requests.caller(ctx), ctx.pathParam("id"))));
    }

    private void updateWorkspace(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Rows.Library library = visibleWorkspace(caller, ctx.pathParam("id"));
        requireOwner(caller, library, "workspace");
        Json.send(ctx, 200, WorkspaceLibrary.of(client.libraryUpdate(library.uid(), changes(Json.body(ctx), false))));
    }

    private void deleteWorkspace(Context ctx) {
        Caller caller = Requests.manager(ctx);
        String id = ctx.pathParam("id");
        // 204 whether or not there was something of the caller's to delete: nothing else is touched.
        findWorkspace(caller, id).filter(library -> mayModify(caller, library)).ifPresent(library -> {
            client.libraryDelete(library.uid());
            // Its manager also removes the workspace itself, with its private memories (not one with children).
            if (caller.hasCapability(Scopes.MANAGE_WORKSPACES) && caller.mayCallTool(Scopes.MANAGE_WORKSPACES)) {
                try {
                    client.workspaceDelete(id, caller.admin() ? null : caller.owner());
                } catch (ProcedureFailure e) {
                    LOG.info("workspace {} keeps its memory namespace: {}", id, e.getMessage());
                }
            }
        });
        ctx.status(204);
    }

    private java.util.Optional<Rows.Library> findWorkspace(Caller caller, String workspaceId) {
        return LibraryAccess.workspaceLibrary(client, caller, workspaceId);
    }

    private Rows.Library visibleWorkspace(Caller caller, String workspaceId) {
        return findWorkspace(caller, workspaceId)
                .orElseThrow(() -> ApiError.notFound("workspace '" + workspaceId + "'"));
    }

    /** A workspace's library as the workspace routes answer it. */
    record WorkspaceLibrary(
            String workspace_id,
            String library_uid,
            String name,
            String library_type,
            String description,
            long item_count,
            long chunk_count,
            ZonedDateTime created_at) {
        static WorkspaceLibrary of(Rows.Library library) {
            return new WorkspaceLibrary(
                    library.workspace_id(),
                    library.uid(),
                    library.name(),
                    library.library_type(),
                    library.description(),
                    library.item_count(),
                    library.chunk_count(),
                    library.created_at());
        }
    }

    // ---- libraries

    private void listLibraries(Context ctx) {
        Caller caller = Requests.caller(ctx);
        Requests.Page page = Requests.page(ctx);
        Map<String, Object> options = page.options();
        options.put("include_workspace", Requests.bool(ctx, "include_workspace", false));
        String type = Requests.text(ctx, "library_type");
        if (type != null) {
            options.put("library_type", type);
        }
        boolean counts = Requests.bool(ctx, "with_item_count", true);
        List<LibraryView> libraries = client.libraryList(caller.libraries(), options).stream()
                .map(row -> LibraryView.of(row, counts))
                .toList();
        Json.send(ctx, 200, page.wrap(libraries));
    }

    private void createLibrary(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Json.Body body = Json.body(ctx);
        Map<String, Object> options = new HashMap<>();
        options.put("owner", caller.owner());
        if (body.has("description")) {
            options.put("description", body.optionalString("description", 2000));
        }
        Rows.Library row = client.libraryCreate(body.string("name", 200), body.string("library_type", 50), options);
        Json.send(ctx, row.created() ? 201 : 200, LibraryView.of(row, true));
    }

    private void getLibrary(Context ctx) {
        Json.send(ctx, 200, LibraryView.of(visibleLibrary(Requests.caller(ctx), ctx.pathParam("uid")), true));
    }

    private void updateLibrary(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Rows.Library library = visibleLibrary(caller, ctx.pathParam("uid"));
        requireOwner(caller, library, "library");
        Json.send(ctx, 200, LibraryView.of(client.libraryUpdate(library.uid(), changes(Json.body(ctx), true)), true));
    }

    private void deleteLibrary(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Rows.Library library = visibleLibrary(caller, ctx.pathParam("uid"));
        requireOwner(caller, library, "library");
        client.libraryDelete(library.uid());
        ctx.status(204);
    }

    /** A library the caller reads, or manages without reading it (see LibraryAccess); else 404. */
    private Rows.Library visibleLibrary(Caller caller, String uid) {
        Rows.Library library = LibraryAccess.library(client, caller, uid).orElse(null);
        // mnemo.library.get also matches names; the REST path takes uids only.
        if (library == null || !uid.equals(library.uid())) {
            throw ApiError.notFound("library '" + uid + "'");
        }
        return library;
    }

    private void requireOwner(Caller caller, Rows.Library library, String what) {
        if (!mayModify(caller, library)) {
            throw ApiError.notFound(what + " '" + library.uid() + "'");
        }
    }

    /** Its owner may change a library; so may whoever holds its workspace as owner (the admin, a manager). */
    private boolean mayModify(Caller caller, Rows.Library library) {
        return LibraryAccess.mayModify(client, caller, library);
    }

    private static Map<String, Object> changes(Json.Body body, boolean typeAllowed) {
        Map<String, Object> changes = new HashMap<>();
        if (body.has("name")) {
            changes.put("name", body.optionalString("name", 200));
        }
        if (body.has("description")) {
            changes.put("description", body.optionalString("description", 2000));
        }
        if (typeAllowed && body.has("library_type")) {
            changes.put("library_type", body.optionalString("library_type", 50));
        }
        return changes;
    }

    /** A library as the library routes answer it: without {@code created}, and the counts only when asked for. */
    record LibraryView(
            String uid,
            String name,
            String library_type,
            String description,
            String workspace_id,
            String owner,
            ZonedDateTime created_at,
            @JsonInclude(NON_NULL) Long collection_count,
            @JsonInclude(NON_NULL) Long item_count,
            @JsonInclude(NON_NULL) Long chunk_count) {
        static LibraryView of(Rows.Library row, boolean counts) {
            return new LibraryView(
                    row.uid(),
                    row.name(),
                    row.library_type(),
                    row.description(),
                    row.workspace_id(),
                    row.owner(),
                    row.created_at(),
                    counts ? row.collection_count() : null,
                    counts ? row.item_count() : null,
                    counts ? row.chunk_count() : null);
        }
    }

    // ---- collections

    private void listCollections(Context ctx) {
        Caller caller = Requests.caller(ctx);
        Requests.Page page = Requests.page(ctx);
        Map<String, Object> options = page.options();
        Requests.putIfPresent(options, "library_uid", Requests.text(ctx, "library_uid"));
        Json.send(ctx, 200, page.wrap(client.collectionList(caller.libraries(), options)));
    }

    private void createCollection(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Json.Body body = Json.body(ctx);
        Rows.Library library = visibleLibrary(caller, body.string("library_uid", 100));
        requireOwner(caller, library, "library");
        Map<String, Object> options = new HashMap<>();
        Requests.putIfPresent(options, "description", body.optionalString("description", 2000));
        Json.send(ctx, 201, client.collectionCreate(library.uid(), body.string("name", 200), options));
    }

    private void getCollection(Context ctx) {
        Json.send(ctx, 200, visibleCollection(Requests.caller(ctx), ctx.pathParam("uid")));
    }

    private void updateCollection(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Rows.Collection collection = ownedCollection(caller, ctx.pathParam("uid"));
        Json.Body body = Json.body(ctx);
        Map<String, Object> changes = new HashMap<>();
        Requests.putIfPresent(changes, "name", body.optionalString("name", 200));
        Requests.putIfPresent(changes, "description", body.optionalString("description", 2000));
        Json.send(ctx, 200, client.collectionUpdate(collection.uid(), changes));
    }

    private void deleteCollection(Context ctx) {
        Caller caller = Requests.manager(ctx);
        client.collectionDelete(ownedCollection(caller, ctx.pathParam("uid")).uid());
        ctx.status(204);
    }

    private Rows.Collection visibleCollection(Caller caller, String uid) {
        return Requests.found(client.collectionGet(uid, caller.libraries()), "collection '" + uid + "'");
    }

    private Rows.Collection ownedCollection(Caller caller, String uid) {
        Rows.Collection collection = visibleCollection(caller, uid);
        requireOwnerOf(caller, collection.library_uid(), "collection");
        return collection;
    }

    /** The caller may change a collection or item in this library (404 otherwise). */
    private void requireOwnerOf(Caller caller, String libraryUid, String what) {
        requireOwner(caller, visibleLibrary(caller, libraryUid), what);
    }

    // ---- items

    private void listItems(Context ctx) {
        Caller caller = Requests.caller(ctx);
        Requests.Page page = Requests.page(ctx);
        Map<String, Object> options = page.options();
        Requests.putIfPresent(options, "library_uid", Requests.text(ctx, "library_uid"));
        Requests.putIfPresent(options, "collection_uid", Requests.text(ctx, "collection_uid"));
        Requests.putIfPresent(options, "status", Requests.text(ctx, "status"));
        Json.send(ctx, 200, page.wrap(client.itemList(caller.libraries(), options)));
    }

    private void uploadItem(Context ctx) throws InterruptedException {
        Caller caller = Requests.manager(ctx);
        Upload upload = ctx.isMultipart() ? multipart(ctx) : json(Json.body(ctx));
        Json.Body body = upload.fields();
        Rows.Library library = visibleLibrary(caller, body.string("library_uid", 100));
        requireOwner(caller, library, "library");
        String given = body.has("file_type") ? body.optionalString("file_type", 200) : "md";
        String fileType = FileTypes.normalise(given);
        if (fileType == null) {
            throw new ApiError(415, "unsupported_file_type", FileTypes.refusal(given));
        }
        if (upload.content().length == 0) {
            throw ApiError.badRequest("invalid_field", "the document is empty");
        }
        String title = body.has("title") ? body.optionalString("title", 500) : "Untitled";
        // Without a source_ref an upload is a document of its own (deduplicated by content only): a title or file
        // name never makes it replace another.
        String sourceRef = body.has("source_ref") ? body.optionalString("source_ref", 1000) : null;
        JobStore.Created submitted;
        try {
            submitted = jobs.submit(
                    new IngestJobs.Request(
                            library.uid(),
                            library.workspace_id(),
                            null,
                            title,
                            fileType,
                            upload.content().length,
                            Tokens.sha256Hex(upload.content()),
                            "upload",
                            sourceRef,
                            caller.owner(),
                            LibraryAccess.collectionOf(client, library, body.optionalString("collection_uid", 100)),
                            body.optionalString("collection", 200)),
                    upload.content());
        } catch (UploadStore.Unavailable e) {
            throw new ApiError(503, "upload_store_unavailable", e.getMessage());
        } catch (UploadStore.QuotaExceeded e) {
            throw new ApiError(429, "upload_quota_exceeded", e.getMessage());
        }
        // The library was checked above (the caller may manage it without reading it).
        Map<String, Object> job =
                jobs.await((String) submitted.job().get("id"), List.of(library.uid()), jobs.uploadWaitMillis());
        if ("failed".equals(job.get("status"))) {
            throw new ApiError(422, "ingest_failed", String.valueOf(job.get("error")));
        }
        if ("stale".equals(job.get("status"))) {
            throw ApiError.conflict("stale", String.valueOf(job.get("error")));
        }
        if (!"completed".equals(job.get("status"))) {
            Json.send(ctx, 202, Map.of("job", job));
            return;
        }
        Map<String, Object> result = JobApi.uploadResult(job);
        if (!submitted.created()) {
            result.put("status", "existing"); // the same document was uploaded before: nothing new was stored
        }
        Json.send(ctx, "existing".equals(result.get("status")) ? 200 : 201, result);
    }

    /** An uploaded document: its bytes and the other fields. */
    private record Upload(byte[] content, Json.Body fields) {}

    private static Upload json(Json.Body body) {
        return new Upload(body.string("text", Integer.MAX_VALUE).getBytes(StandardCharsets.UTF_8), body);
    }

    /** A multipart upload: the 'file' part's bytes, its name as title and type unless given, the form fields. */
    private static Upload multipart(Context ctx) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        UploadedFile file;
        try {
            ctx.formParamMap().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    node.put(name, values.get(0));
                }
            });
            file = ctx.uploadedFile("file");
        } catch (Exception e) { // Jetty's ServletException for a broken body arrives undeclared (from Kotlin)
            // Jetty drops the connection after a body it could not parse: tell the client not to reuse it.
            ctx.header("Connection", "close");
            throw ApiError.badRequest(
                    "invalid_body", "the multipart body cannot be read: it is malformed or truncated");
        }
        if (file == null) {
            throw ApiError.badRequest("invalid_field", "'file' is required in a multipart upload");
        }
        String name = file.filename() == null ? "" : file.filename();
        int dot = name.lastIndexOf('.');
        if (!node.has("file_type") && dot > 0) {
            node.put("file_type", name.substring(dot + 1));
        }
        if (!node.has("title") && !name.isBlank()) {
            node.put("title", dot > 0 ? name.substring(0, dot) : name);
        }
        try (InputStream in = file.content()) {
            return new Upload(in.readAllBytes(), new Json.Body(node));
        } catch (IOException e) {
            throw ApiError.badRequest("invalid_body", "the upload could not be read: " + e.getMessage());
        }
    }

    private void getItem(Context ctx) {
        Json.send(ctx, 200, visibleItem(Requests.caller(ctx), ctx.pathParam("uid")));
    }

    private void updateItem(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Rows.Item item = ownedItem(caller, ctx.pathParam("uid"));
        Json.send(
                ctx,
                200,
                client.itemUpdate(item.uid(), Map.of("title", Json.body(ctx).string("title", 500))));
    }

    private void deleteItem(Context ctx) {
        Caller caller = Requests.manager(ctx);
        client.itemDelete(ownedItem(caller, ctx.pathParam("uid")).uid());
        ctx.status(204);
    }

    private Rows.Item visibleItem(Caller caller, String uid) {
        return Requests.found(client.itemGet(uid, caller.libraries()), "item '" + uid + "'");
    }

    private Rows.Item ownedItem(Caller caller, String uid) {
        Rows.Item item = visibleItem(caller, uid);
        requireOwnerOf(caller, item.library_uid(), "item");
        return item;
    }
}
