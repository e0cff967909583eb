package org.mnemo.procedures.scope;

import static org.mnemo.procedures.library.GraphModel.COMPLETED;
import static org.mnemo.procedures.library.GraphModel.HAS_CHUNK;
import static org.mnemo.procedures.library.GraphModel.HAS_COLLECTION;
import static org.mnemo.procedures.library.GraphModel.HAS_ITEM;

import java.util.HashMap;
import java.util.Map;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Relationship;

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
    private final Map<String, Context> byItem = new HashMap<>();

    public ScopedChunks(Scope scope, String libraryType, String collectionUid) {
        this.scope = scope;
        this.libraryType = libraryType;
        this.collectionUid = collectionUid;
    }

    public boolean allows(Node chunk) {
        return context(chunk) != null;
    }

    /** The chunk's item, collection and library, or null when the caller may not see it. */
    public Context context(Node chunk) {
        try {
            Relationship hasChunk = chunk.getSingleRelationship(HAS_CHUNK, Direction.INCOMING);
            if (hasChunk == null) {
                return null;
            }
            Node item = hasChunk.getStartNode();
            Context context = byItem.computeIfAbsent(item.getElementId(), id -> resolve(item));
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
        Relationship hasItem = item.getSingleRelationship(HAS_ITEM, Direction.INCOMING);
        if (hasItem == null) {
            return HIDDEN;
        }
        Node collection = hasItem.getStartNode();
        Relationship hasCollection = collection.getSingleRelationship(HAS_COLLECTION, Direction.INCOMING);
        if (hasCollection == null) {
            return HIDDEN;
        }
        Node library = hasCollection.getStartNode();
        boolean visible = (scope.all() || scope.libraries().contains((String) library.getProperty("uid")))
                && (libraryType == null || libraryType.equals(library.getProperty("library_type", null)))
                && (collectionUid == null || collectionUid.equals(collection.getProperty("uid", null)));
        return visible ? new Context(item, collection, library) : HIDDEN;
    }
}
