package org.mnemo.procedures.collection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.library.Cascade;
import org.mnemo.procedures.library.Libraries;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Analyst;
import org.mnemo.procedures.scope.Scope;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class CollectionProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    public record CollectionRow(
            String uid, String name, String description, String library_uid, String library_name, long item_count) {}

    public record DeleteResult(long collections, long items, long chunks, long concepts) {}

    private static final String ROW = """
             RETURN c.uid AS uid, c.name AS name, c.description AS description, l.uid AS library_uid,
                    l.name AS library_name, COUNT { (c)-[:HAS_ITEM]->(:Item {embedding_status: 'completed'}) } AS item_count""";

    @Procedure(name = "mnemo.collection.create", mode = Mode.WRITE)
    @Description("Create a collection in a library, or return the existing one of that name.")
    public Stream<CollectionRow> create(
            @Name(value = "library", description = "Library uid or name.") String library,
            @Name(value = "name", description = "Collection name, unique within the library.") String name,
            @Name(value = "options", defaultValue = "{}", description = "{description}") Map<String, Object> options) {
        String procedure = "mnemo.collection.create";
        Options o = Options.of(procedure, options, Set.of("description"));
        checkName(procedure, name);
        Node lib = library == null ? null : Libraries.find(tx, library);
        if (lib == null) {
            throw new IllegalArgumentException(procedure + ": 'library' '" + library + "' does not exist");
        }
        Analyst.of(tx, db).requireMayChange(lib, procedure, "library '" + library + "'");
        Map<String, Object> params = new HashMap<>();
        params.put("library", lib.getProperty("uid"));
        params.put("name", name.strip());
        params.put("description", o.string("description", null));
        return rows("""
                MATCH (l:Library {uid: $library})
                MERGE (l)-[:HAS_COLLECTION]->(c:Collection {name: $name})
                ON CREATE SET c.uid = randomUUID(), c.created_at = datetime(), c.description = $description
                """ + ROW, params);
    }

    @Procedure(name = "mnemo.collection.list", mode = Mode.READ)
    @Description("List the collections of the caller's libraries, optionally of one library, paginated.")
    public Stream<CollectionRow> list(
            @Name(value = "libraries", description = "Library uids the caller may read; ['*'] for all.")
                    List<String> libraries,
            @Name(value = "options", defaultValue = "{}", description = "{library_uid, limit: 50 (max 200), offset: 0}")
                    Map<String, Object> options) {
        String procedure = "mnemo.collection.list";
        Scope scope = Analyst.of(tx, db).scope(Scope.of(libraries, procedure), procedure);
        Options o = Options.of(procedure, options, Set.of("library_uid", "limit", "offset"));
        Map<String, Object> params = new HashMap<>(scope.parameters());
        params.put("library", o.string("library_uid", null));
        params.put("limit", o.integer("limit", 50, 1, 200));
        params.put("offset", o.integer("offset", 0, 0, Long.MAX_VALUE));
        if (scope.isEmpty()) {
            return Stream.empty();
        }
        return rows(
                "MATCH (l:Library)-[:HAS_COLLECTION]->(c:Collection) WHERE " + Scope.predicate("l")
                        + " AND ($library IS NULL OR l.uid = $library)" + ROW
                        + " ORDER BY l.name, c.name SKIP $offset LIMIT $limit",
                params);
    }

    @Procedure(name = "mnemo.collection.get", mode = Mode.READ)
    @Description("Return one collection by uid, if its library is in the caller's libraries.")
    public Stream<CollectionRow> get(
            @Name(value = "uid", description = "Collection uid.") String uid,
            @Name(value = "libraries", description = "Library uids the caller may read; ['*'] for all.")
                    List<String> libraries) {
        Scope scope = Analyst.of(tx, db).scope(Scope.of(libraries, "mnemo.collection.get"), "mnemo.collection.get");
        Map<String, Object> params = new HashMap<>(scope.parameters());
        params.put("uid", uid);
        return rows(
                "MATCH (l:Library)-[:HAS_COLLECTION]->(c:Collection {uid: $uid}) WHERE " + Scope.predicate("l") + ROW,
                params);
    }

    @Procedure(name = "mnemo.collection.update", mode = Mode.WRITE)
    @Description("Rename a collection or change its description; names stay unique within their library.")
    public Stream<CollectionRow> update(
            @Name(value = "uid", description = "Collection uid.") String uid,
            @Name(value = "changes", description = "{name, description}") Map<String, Object> changes) {
        String procedure = "mnemo.collection.update";
        Options o = Options.of(procedure, changes, Set.of("name", "description"));
        String name = o.string("name", null);
        if (name != null) {
            checkName(procedure, name);
        }
        Analyst.of(tx, db).requireMayChangeLibraryOf("collection", uid, procedure);
        Map<String, Object> params = new HashMap<>();
        params.put("uid", uid);
        params.put("name", name == null ? null : name.strip());
        params.put("description", o.string("description", null));
        var found = tx.execute("""
                MATCH (l:Library)-[:HAS_COLLECTION]->(c:Collection {uid: $uid})
                RETURN EXISTS { (l)-[:HAS_COLLECTION]->(o:Collection {name: $name}) WHERE o <> c } AS taken""", params);
        if (!found.hasNext()) {
            throw new IllegalArgumentException("not_found: no collection with uid '" + uid + "'");
        }
        if (Boolean.TRUE.equals(found.next().get("taken"))) {
            throw new IllegalArgumentException(
                    "name_conflict: the library already has a collection named '" + name + "'");
        }
        return rows("""
                MATCH (l:Library)-[:HAS_COLLECTION]->(c:Collection {uid: $uid})
                SET c.name = coalesce($name, c.name), c.description = coalesce($description, c.description)
                """ + ROW, params);
    }

    @Procedure(name = "mnemo.collection.delete", mode = Mode.WRITE)
    @Description("Delete a collection with its items and chunks, then the concepts no longer mentioned anywhere; "
            + "commits in transactions of its own.")
    public Stream<DeleteResult> delete(@Name(value = "uid", description = "Collection uid.") String uid) {
        if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("mnemo.collection.delete: 'uid' must not be empty");
        }
        Analyst.of(tx, db).requireMayChangeLibraryOf("collection", uid, "mnemo.collection.delete");
        Cascade.Deleted d = Cascade.deleteCollection(db, uid);
        return Stream.of(new DeleteResult(d.collections(), d.items(), d.chunks(), d.concepts()));
    }

    private static void checkName(String procedure, String name) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException(procedure + ": 'name' must be 1..200 characters");
        }
    }

    private Stream<CollectionRow> rows(String cypher, Map<String, Object> params) {
        return tx.execute(cypher, params).stream()
                .map(r -> new CollectionRow(
                        (String) r.get("uid"),
                        (String) r.get("name"),
                        (String) r.get("description"),
                        (String) r.get("library_uid"),
                        (String) r.get("library_name"),
                        ((Number) r.get("item_count")).longValue()));
    }
}
