package org.mnemo.procedures.ingest;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.mnemo.procedures.options.Options;

/** The metadata of an item to ingest, read from the {@code item} map of mnemo.ingest. */
public record ItemSpec(
        String title,
        String itemType,
        String fileType,
        String source,
        String sourceRef,
        String contentHash,
        String collectionUid,
        String collectionName) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Set<String> KEYS = Set.of("title", "item_type", "file_type", "source", "source_ref", "content_hash",
            "collection_uid", "collection");

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
            hash = hash.toLowerCase();
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
        return new ItemSpec(title, o.string("item_type", "document"), o.string("file_type", "txt").toLowerCase(),
                source, sourceRef, hash, o.string("collection_uid", null), collection);
    }

    public ItemSpec withContentHash(String hash) {
        return new ItemSpec(title, itemType, fileType, source, sourceRef, hash, collectionUid, collectionName);
    }
}
