package org.mnemo.procedures.library;

import static org.mnemo.procedures.library.GraphModel.HAS_COLLECTION;
import static org.mnemo.procedures.library.GraphModel.LIBRARY;
import static org.mnemo.procedures.library.GraphModel.OF_TYPE;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.mnemo.procedures.scope.Scope;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

/** Creating, reading, updating and listing libraries. */
public final class Libraries {

    /** A library as procedures return it; counts cover completed items only. */
    public record LibraryRow(
            String uid,
            String name,
            String library_type,
            String description,
            String workspace_id,
            String owner,
            ZonedDateTime created_at,
            long collection_count,
            long item_count,
            long chunk_count,
            boolean created) {}

    public record NewLibrary(String name, LibraryType type, String description, String workspaceId, String owner) {}

    private Libraries() {}

    /**
     * Creates a library, or returns the existing one when the same library is asked for again (same name or
     * workspace, same owner, same type). Conflicts start their message with a stable code.
     */
    public static LibraryRow create(Transaction tx, NewLibrary spec) {
        Node byWorkspace = spec.workspaceId() == null ? null : tx.findNode(LIBRARY, "workspace_id", spec.workspaceId());
        Node byName = tx.findNode(LIBRARY, "name", spec.name());
        Node existing = byWorkspace != null ? byWorkspace : byName;
        if (existing != null) {
            if (!Objects.equals(existing.getProperty("owner", null), spec.owner())) {
                String code = byWorkspace != null ? "owner_conflict" : "name_conflict";
                throw new IllegalArgumentException(code + ": "
                        + (byWorkspace != null
                                ? "workspace '" + spec.workspaceId() + "' already has a library of another owner"
                                : "a library named '" + spec.name() + "' already exists"));
            }
            if (byWorkspace == null
                    && !Objects.equals(existing.getProperty("workspace_id", null), spec.workspaceId())) {
                throw new IllegalArgumentException(
                        "name_conflict: a library named '" + spec.name() + "' already exists for another workspace");
            }
            if (!existing.getProperty("library_type").equals(spec.type().key())) {
                throw new IllegalArgumentException("library_type_immutable: library '" + existing.getProperty("name")
                        + "' is of type " + existing.getProperty("library_type") + ", not "
                        + spec.type().key());
            }
            if (byWorkspace != null && byName != null && !byName.equals(byWorkspace)) {
                throw new IllegalArgumentException(
                        "name_conflict: a library named '" + spec.name() + "' already exists");
            }
            return row(existing, false);
        }
        Node library = tx.createNode(LIBRARY);
        library.setProperty("uid", UUID.randomUUID().toString());
        library.setProperty("name", spec.name());
        library.setProperty("library_type", spec.type().key());
        if (spec.description() != null) {
            library.setProperty("description", spec.description());
        }
        if (spec.workspaceId() != null) {
            library.setProperty("workspace_id", spec.workspaceId());
        }
        if (spec.owner() != null) {
            library.setProperty("owner", spec.owner());
        }
        library.setProperty("created_at", ZonedDateTime.now(ZoneOffset.UTC));
        library.createRelationshipTo(libraryType(tx, spec.type()), OF_TYPE);
        return row(library, true);
    }

    /** Updates name and description; the type can be "changed" only to itself. */
    public static LibraryRow update(Transaction tx, String uid, String name, String description, LibraryType type) {
        Node library = tx.findNode(LIBRARY, "uid", uid);
        if (library == null) {
            throw new IllegalArgumentException("not_found: no library with uid '" + uid + "'");
        }
        if (type != null && !type.key().equals(library.getProperty("library_type"))) {
            throw new IllegalArgumentException("library_type_immutable: library '" + library.getProperty("name")
                    + "' is of type " + library.getProperty("library_type") + "; the type cannot change");
        }
        if (name != null && !name.equals(library.getProperty("name"))) {
            Node other = tx.findNode(LIBRARY, "name", name);
            if (other != null) {
                throw new IllegalArgumentException("name_conflict: a library named '" + name + "' already exists");
            }
            library.setProperty("name", name);
        }
        if (description != null) {
            library.setProperty("description", description);
        }
        return row(library, false);
    }

    /** Finds a library by uid or, failing that, by name. */
    public static Node find(Transaction tx, String uidOrName) {
        Node library = tx.findNode(LIBRARY, "uid", uidOrName);
        return library != null ? library : tx.findNode(LIBRARY, "name", uidOrName);
    }

    /** Narrows a listing: a type, one workspace's library, or only libraries that belong to no workspace. */
    public record Filter(LibraryType type, String workspaceId, boolean includeWorkspace) {}

    public static List<LibraryRow> list(Transaction tx, Scope scope, Filter filter, long offset, long limit) {
        Map<String, Object> params = new java.util.HashMap<>(scope.parameters());
        params.put("type", filter.type() == null ? null : filter.type().key());
        params.put("workspace", filter.workspaceId());
        params.put("includeWorkspace", filter.includeWorkspace());
        params.put("offset", offset);
        params.put("limit", limit);
        List<LibraryRow> rows = new ArrayList<>();
        tx.execute(String.format(Locale.ROOT, """
                MATCH (l:Library)
                WHERE %s AND ($type IS NULL OR l.library_type = $type)
                  AND ($workspace IS NULL OR l.workspace_id = $workspace)
                  AND ($includeWorkspace OR l.workspace_id IS NULL) AND l.deleting IS NULL
                RETURN l ORDER BY l.name SKIP $offset LIMIT $limit
                """, Scope.predicate("l")), params)
                .forEachRemaining(r -> rows.add(row((Node) r.get("l"), false)));
        return rows;
    }

    public static LibraryRow row(Node library, boolean created) {
        long collections = 0;
        long items = 0;
        long chunks = 0;
        for (Relationship hasCollection : library.getRelationships(Direction.OUTGOING, HAS_COLLECTION)) {
            collections++;
            for (Relationship hasItem :
                    hasCollection.getEndNode().getRelationships(Direction.OUTGOING, GraphModel.HAS_ITEM)) {
                Node item = hasItem.getEndNode();
                if (GraphModel.COMPLETED.equals(item.getProperty("embedding_status", null))) {
                    items++;
                    chunks += ((Number) item.getProperty("chunk_count", 0L)).longValue();
                }
            }
        }
        return new LibraryRow(
                (String) library.getProperty("uid"),
                (String) library.getProperty("name"),
                (String) library.getProperty("library_type"),
                (String) library.getProperty("description", null),
                (String) library.getProperty("workspace_id", null),
                (String) library.getProperty("owner", null),
                (ZonedDateTime) library.getProperty("created_at", null),
                collections,
                items,
                chunks,
                created);
    }

    /** The LibraryType node with the type's current settings; MERGE so that concurrent creators share one. */
    static Node libraryType(Transaction tx, LibraryType type) {
        return (Node) tx.execute(
                        "MERGE (t:LibraryType {name: $name}) SET t += $settings RETURN t",
                        Map.of("name", type.key(), "settings", type.properties()))
                .next()
                .get("t");
    }
}
