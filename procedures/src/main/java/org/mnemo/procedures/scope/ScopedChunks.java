package org.mnemo.procedures.scope;

import static org.mnemo.procedures.library.GraphModel.COMPLETED;
import static org.mnemo.procedures.library.GraphModel.HAS_CHUNK;
import static org.mnemo.procedures.library.GraphModel.HAS_COLLECTION;
import static org.mnemo.procedures.library.GraphModel.HAS_ITEM;

import java.util.HashMap;
import java.util.Map;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;

/**
 * Decides whether a chunk is visible to a caller: its item is completed and its library is in scope (and of the
 * requested type and collection, when given). Decisions are cached per item for the life of one call.
 */
public final class ScopedChunks {

    /** Where a visible chunk lives. */
    public record Context(Node item, Node collection, Node library) {}

    private static final Context HIDDEN = new Context(null, null, null);

    private final Scope scope;
    private final String libraryType;
    private final String collectionUid;
    private final Parents parents;
    private final Map<Long, Context> byItem = new HashMap<>();

    public ScopedChunks(Scope scope, String libraryType, String collectionUid) {
        this(scope, libraryType, collectionUid, Parents.STORE);
    }

    /** {@code parents}: where chunks, items and collections hang (the store, or a cache of it). */
    public ScopedChunks(Scope scope, String libraryType, String collectionUid, Parents parents) {
        this.scope = scope;
        this.libraryType = libraryType;
        this.collectionUid = collectionUid;
        this.parents = parents;
    }

    public boolean allows(Node chunk) {
        return context(chunk) != null;
    }

    /** The chunk's item, collection and library, or null when the caller may not see it. */
    @SuppressWarnings("deprecation") // node ids: an element id is a string built and hashed per chunk
    public Context context(Node chunk) {
        try {
            Node item = parents.of(chunk, HAS_CHUNK);
            if (item == null) {
                return null;
            }
            Context context = byItem.computeIfAbsent(item.getId(), id -> resolve(item));
            return context == HIDDEN ? null : context;
        } catch (NotFoundException deletedMeanwhile) {
            // Reads are read-committed: an index can hand out a chunk that a concurrent delete has since removed.
            return null;
        }
    }

    private Context resolve(Node item) {
        if (!COMPLETED.equals(item.getProperty("embedding_status", null))) {
            return HIDDEN;
        }
        Node collection = parents.of(item, HAS_ITEM);
        if (collection == null) {
            return HIDDEN;
        }
        Node library = parents.of(collection, HAS_COLLECTION);
        if (library == null) {
            return HIDDEN;
        }
        boolean visible = (scope.all() || scope.libraries().contains((String) library.getProperty("uid")))
                && (libraryType == null || libraryType.equals(library.getProperty("library_type", null)))
                && (collectionUid == null || collectionUid.equals(collection.getProperty("uid", null)));
        return visible ? new Context(item, collection, library) : HIDDEN;
    }
}
