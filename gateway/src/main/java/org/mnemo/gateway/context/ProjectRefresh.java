package org.mnemo.gateway.context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.ingest.FileTypes;
import org.mnemo.gateway.ingest.IngestFailure;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.ingest.JobStore;

/**
 * Refreshing a project: every document under its ingest roots becomes an ingest job into the project's library.
 * A root is {@code s3://<source>/<prefix>} of a configured source bucket, read under the same rules as any S3
 * ingest (the source must name the caller's principal, keys under its prefix); the server reads no folders of its
 * own disk for a caller. The jobs are Mnemo's durable ingest jobs: an unchanged document is found, not re-ingested.
 */
public final class ProjectRefresh {
    /** Documents one refresh looks at per root: enough for a project's notes, bounded for the request. */
    static final int MAX_PER_ROOT = 500;

    private final MnemoClient client;
    private final IngestJobs jobs;
    private final ContextService context;

    public ProjectRefresh(MnemoClient client, IngestJobs jobs, ContextService context) {
        this.client = client;
        this.jobs = jobs;
        this.context = context;
    }

    public Map<String, Object> refresh(Caller caller, String name) {
        caller.requireManager();
        Rows.Project project = context.project(caller, name);
        String library = library(caller, project);
        List<Map<String, Object>> submitted = new ArrayList<>();
        List<Map<String, Object>> skipped = new ArrayList<>();
        for (String root : project.ingest_roots()) {
            String[] parsed = parse(root);
            if (parsed == null || !jobs.buckets().configured(parsed[0])) {
                skipped.add(skip(
                        root,
                        parsed == null
                                ? "a root must be s3://<source>/<prefix> of a configured "
                                        + "source bucket (MNEMO_SOURCE_<NAME>_BUCKET); ingest local folders with ./mnemo ingest"
                                : "no source bucket '" + parsed[0] + "' is configured"));
                continue;
            }
            for (String key : jobs.buckets().list(parsed[0], parsed[1], MAX_PER_ROOT)) {
                submit(caller, library, parsed[0], key, submitted, skipped);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("project", project.id());
        result.put("library_uid", library);
        result.put("jobs", submitted);
        result.put("skipped", skipped);
        return result;
    }

    private void submit(
            Caller caller,
            String library,
            String source,
            String key,
            List<Map<String, Object>> submitted,
            List<Map<String, Object>> skipped) {
        String refusal = jobs.buckets().refusal(source, key, caller.owner(), caller.admin(), null);
        String fileType = FileTypes.ofName(key);
        if (refusal != null || fileType == null) {
            skipped.add(skip(
                    "s3://" + source + "/" + key,
                    refusal != null ? refusal : "not a format Mnemo extracts text from (" + FileTypes.SUPPORTED + ")"));
            return;
        }
        byte[] content;
        try {
            content = jobs.buckets().read(source, key);
        } catch (IngestFailure e) {
            skipped.add(skip("s3://" + source + "/" + key, e.getMessage()));
            return;
        }
        JobStore.Created created = jobs.submit(
                new IngestJobs.Request(
                        library,
                        null,
                        key,
                        key.substring(key.lastIndexOf('/') + 1),
                        fileType,
                        content.length,
                        Tokens.sha256Hex(content),
                        source,
                        "s3://" + source + "/" + key,
                        caller.owner(),
                        null,
                        null),
                null);
        Map<String, Object> job = created.job();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", job.get("id"));
        row.put("status", job.get("status"));
        row.put("s3_key", key);
        row.put("created", created.created());
        submitted.add(row);
    }

    /**
     * The project's library the caller owns, or a new one it owns, linked to the project: the documents of a
     * refresh go where the project's packs look.
     */
    private String library(Caller caller, Rows.Project project) {
        List<String> linked = project.libraries();
        for (String uid : linked) {
            Rows.Library library = client.libraryGet(uid, caller.libraries());
            if (library != null && caller.owns(library.owner())) {
                return uid;
            }
        }
        String id = project.id();
        String uid = client.libraryCreate(
                        "project " + id + " (" + caller.owner() + ")",
                        "technical",
                        Map.of("owner", caller.owner(), "description", "Documents of project " + id))
                .uid();
        List<String> libraries = new ArrayList<>(linked);
        libraries.add(uid);
        client.projectUpdate(id, Map.of("libraries", libraries, "principal", ContextService.owner(caller)));
        return uid;
    }

    /** {@code s3://source/prefix} as [source, prefix]; null for anything else. */
    static String[] parse(String root) {
        if (root == null || !root.startsWith("s3://")) {
            return null;
        }
        String rest = root.substring("s3://".length());
        int slash = rest.indexOf('/');
        String source = slash < 0 ? rest : rest.substring(0, slash);
        return source.isBlank() ? null : new String[] {source, slash < 0 ? "" : rest.substring(slash + 1)};
    }

    private static Map<String, Object> skip(String what, String reason) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("source", what);
        row.put("reason", reason);
        return row;
    }
}
