package org.mnemo.procedures.collection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.library.Libraries;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Scope;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class CollectionProcedures {
    @Context
    public Transaction tx;

    public record CollectionRow(String uid, String name, String description, String library_uid, long item_count) {}

    @Procedure(name = "mnemo.collection.create", mode = Mode.WRITE)
    @Description("Create a collection in a library, or return the existing one of that name.")
    public Stream<CollectionRow> create(
            @Name(value = "library", description = "Library uid or name.") String library,
            @Name(value = "name", description = "Collection name, unique within the library.") String name,
            @Name(value = "options", defaultValue = "{}", description = "{description}") Map<String, Object> options) {
        String procedure = "mnemo.collection.create";
        Options o = Options.of(procedure, options, Set.of("description"));
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException(procedure + ": 'name' must be 1..200 characters");
        }
        Node lib = library == null ? null : Libraries.find(tx, library);
        if (lib == null) {
            throw new IllegalArgumentException(procedure + ": 'library' '" + library + "' does not exist");
        }
        Map<String, Object> params = new HashMap<>();
        params.put("library", lib.getProperty("uid"));
        params.put("name", name.strip());
        params.put("description", o.string("description", null));
        return tx.execute("""
                MATCH (l:Library {uid: $library})
                MERGE (l)-[:HAS_COLLECTION]->(c:Collection {name: $name})
                ON CREATE SET c.uid = randomUUID(), c.created_at = datetime(), c.description = $description
                RETURN c.uid AS uid, c.name AS name, c.description AS description, l.uid AS library_uid,
                       COUNT { (c)-[:HAS_ITEM]->(:Item {embedding_status: 'completed'}) } AS item_count""", params)
                .stream()
                .map(CollectionProcedures::row);
    }

    @Procedure(name = "mnemo.collection.list", mode = Mode.READ)
    @Description("List the collections of the caller's libraries, optionally of one library, paginated.")
    public Stream<CollectionRow> list(
            @Name(value = "libraries", description = "Library uids the caller may read; ['*'] for all.")
                    List<String> libraries,
            @Name(value = "options", defaultValue = "{}", description = "{library_uid, limit: 50 (max 200), offset: 0}")
                    Map<String, Object> options) {
        String procedure = "mnemo.collection.list";
        Scope scope = Scope.of(libraries, procedure);
        Options o = Options.of(procedure, options, Set.of("library_uid", "limit", "offset"));
        Map<String, Object> params = new HashMap<>(scope.parameters());
        params.put("library", o.string("library_uid", null));
        params.put("limit", o.integer("limit", 50, 1, 200));
        params.put("offset", o.integer("offset", 0, 0, Long.MAX_VALUE));
        if (scope.isEmpty()) {
            return Stream.empty();
        }
        return tx.execute("""
                MATCH (l:Library)-[:HAS_COLLECTION]->(c:Collection)
                WHERE %s AND ($library IS NULL OR l.uid = $library)
                RETURN c.uid AS uid, c.name AS name, c.description AS description, l.uid AS library_uid,
                       COUNT { (c)-[:HAS_ITEM]->(:Item {embedding_status: 'completed'}) } AS item_count
                ORDER BY l.name, c.name SKIP $offset LIMIT $limit""".formatted(Scope.predicate("l")), params)
                .stream()
                .map(CollectionProcedures::row);
    }

    private static CollectionRow row(Map<String, Object> r) {
        return new CollectionRow((String) r.get("uid"), (String) r.get("name"), (String) r.get("description"),
                (String) r.get("library_uid"), ((Number) r.get("item_count")).longValue());
    }
}
