package org.mnemo.procedures.ingest;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.mnemo.procedures.options.Options;

/**
 * The metadata of an item to ingest, read from the {@code item} map of mnemo.ingest.
 *
 * @param versionAt when this version was submitted: of two versions of one source_ref, the later one wins, whatever
 *                  order they finish in (default: now)
 * @param lease     the ingest job and worker writing it, when a gateway worker does: every write checks that the
 *                  worker still holds the job's lease, and a half-written item whose writer lost it is abandoned
 */
public record ItemSpec(
        String title,
        String itemType,
        String fileType,
        String source,
        String sourceRef,
        String contentHash,
        String collectionUid,
        String collectionName,
        ZonedDateTime versionAt,
        Lease lease) {

    /** An ingest job's lease: the job's id and the worker that holds it. */
    public record Lease(String jobId, String worker) {}

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Set<String> KEYS = Set.of(
            "title",
            "item_type",
            "file_type",
            "source",
            "source_ref",
            "content_hash",
            "collection_uid",
            "collection",
            "version_at",
            "lease");

    public static ItemSpec from(String procedure, Map<String, Object> item) {
        Options o = Options.of(procedure, item, KEYS);
        String title = o.string("title", "Untitled").strip();
        if (title.isEmpty() || title.length() > 1000) {
            throw o.error("title", "must be 1..1000 characters");
        }
        String source = o.string("source", null);
        if (source != null && source.length() > 50) {
            throw o.error("source", "must be at most 50 characters");
        }
        String hash = o.string("content_hash", null);
        if (hash != null) {
            hash = hash.toLowerCase(Locale.ROOT);
            if (!SHA256.matcher(hash).matches()) {
                throw o.error("content_hash", "must be a SHA-256 in 64 hex digits");
            }
        }
        String sourceRef = o.string("source_ref", null);
        if (sourceRef != null && (sourceRef.isBlank() || sourceRef.length() > 2000)) {
            throw o.error("source_ref", "must be 1..2000 characters");
        }
        String collection = o.string("collection", null);
        if (collection != null && collection.isBlank()) {
            throw o.error("collection", "must not be blank");
        }
        return new ItemSpec(
                title,
                o.string("item_type", "document"),
                o.string("file_type", "txt").toLowerCase(Locale.ROOT),
                source,
                sourceRef,
                hash,
                o.string("collection_uid", null),
                collection,
                versionAt(o, item),
                lease(o, item));
    }

    private static ZonedDateTime versionAt(Options o, Map<String, Object> item) {
        Object value = item == null ? null : item.get("version_at");
        if (value == null) {
            return ZonedDateTime.now(ZoneOffset.UTC);
        }
        if (value instanceof ZonedDateTime time) {
            return time.withZoneSameInstant(ZoneOffset.UTC);
        }
        try {
            return OffsetDateTime.parse(o.string("version_at", null)).atZoneSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw o.error("version_at", "must be an RFC 3339 date-time or a datetime");
        }
    }

    private static Lease lease(Options o, Map<String, Object> item) {
        Object value = item == null ? null : item.get("lease");
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)
                || !(map.get("job_id") instanceof String job)
                || !(map.get("worker") instanceof String worker)
                || map.size() != 2) {
            throw o.error("lease", "must be {job_id, worker} (strings)");
        }
        return new Lease(job, worker);
    }

    public ItemSpec withContentHash(String hash) {
        return new ItemSpec(
                title, itemType, fileType, source, sourceRef, hash, collectionUid, collectionName, versionAt, lease);
    }
}
