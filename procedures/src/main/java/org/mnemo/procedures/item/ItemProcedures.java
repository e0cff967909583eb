package org.mnemo.procedures.item;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.library.Cascade;
import org.mnemo.procedures.library.GraphModel;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Analyst;
import org.mnemo.procedures.scope.Scope;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class ItemProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    public record ItemRow(
            String uid,
            String title,
            String item_type,
            String file_type,
            String source,
            String source_ref,
            String content_hash,
            String embedding_status,
            String embedding_model,
            long chunk_count,
            long concept_count,
            String collection_uid,
            String library_uid,
            String library_type,
            ZonedDateTime created_at,
            ZonedDateTime updated_at) {}

    public record DeleteResult(long items, long chunks, long concepts) {}

    private static final String ITEM_ROWS = String.format(Locale.ROOT, """
            MATCH (l:Library)-[:HAS_COLLECTION]->(c:Collection)-[:HAS_ITEM]->(i:Item)
            WHERE %s AND ($library IS NULL OR l.uid = $library) AND ($collection IS NULL OR c.uid = $collection)
              AND ($uid IS NULL OR i.uid = $uid) AND ($status IS NULL OR i.embedding_status = $status)
            RETURN i, c.uid AS collection_uid, l.uid AS library_uid, l.library_type AS library_type
            ORDER BY i.created_at DESC, i.uid SKIP $offset LIMIT $limit""", Scope.predicate("l"));

    @Procedure(name = "mnemo.item.list", mode = Mode.READ)
    @Description("List items of the caller's libraries, newest first, filtered by library, collection or status, "
            + "paginated.")
    public Stream<ItemRow> list(
            @Name(value = "libraries", description = "Library uids the caller may read; ['*'] for all.")
                    List<String> libraries,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{library_uid, collection_uid, status, " + "limit: 50 (max 200), offset: 0}")
                    Map<String, Object> options) {
        String procedure = "mnemo.item.list";
        Scope scope = Analyst.of(tx, db).scope(Scope.of(libraries, procedure), procedure);
        Options o =
                Options.of(procedure, options, Set.of("library_uid", "collection_uid", "status", "limit", "offset"));
        Map<String, Object> params = new HashMap<>(scope.parameters());
        params.put("library", o.string("library_uid", null));
        params.put("collection", o.string("collection_uid", null));
        params.put("status", o.string("status", null));
        params.put("uid", null);
        params.put("limit", o.integer("limit", 50, 1, 200));
        params.put("offset", o.integer("offset", 0, 0, Long.MAX_VALUE));
        return scope.isEmpty() ? Stream.empty() : rows(params);
    }

    @Procedure(name = "mnemo.item.get", mode = Mode.READ)
    @Description("Return one item with its library and collection, if it is in the caller's libraries.")
    public Stream<ItemRow> get(
            @Name(value = "uid", description = "Item uid.") String uid,
            @Name(value = "libraries", description = "Library uids the caller may read; ['*'] for all.")
                    List<String> libraries) {
        return one(uid, Analyst.of(tx, db).scope(Scope.of(libraries, "mnemo.item.get"), "mnemo.item.get"));
    }

    private Stream<ItemRow> one(String uid, Scope scope) {
        Map<String, Object> params = new HashMap<>(scope.parameters());
        params.put("library", null);
        params.put("collection", null);
        params.put("status", null);
        params.put("uid", uid);
        params.put("limit", 1L);
        params.put("offset", 0L);
        return scope.isEmpty() || uid == null ? Stream.empty() : rows(params);
    }

    @Procedure(name = "mnemo.item.update", mode = Mode.WRITE)
    @Description("Change an item's title (the text and its chunks change only through a new ingest).")
    public Stream<ItemRow> update(
            @Name(value = "uid", description = "Item uid.") String uid,
            @Name(value = "changes", description = "{title}") Map<String, Object> changes) {
        String procedure = "mnemo.item.update";
        String title = Options.of(procedure, changes, Set.of("title")).string("title", null);
        if (title != null && (title.isBlank() || title.length() > 500)) {
            throw new IllegalArgumentException(procedure + ": 'title' must be 1..500 characters");
        }
        var item = uid == null ? null : tx.findNode(GraphModel.ITEM, "uid", uid);
        if (item == null) {
            throw new IllegalArgumentException("not_found: no item with uid '" + uid + "'");
        }
        Analyst.of(tx, db).requireMayChangeLibraryOf("item", uid, procedure);
        if (title != null) {
            item.setProperty("title", title.strip());
            item.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
        }
        return one(uid, Scope.of(List.of(Scope.ALL), procedure));
    }

    @Procedure(name = "mnemo.item.delete", mode = Mode.WRITE)
    @Description("Delete an item with its chunks, then the concepts no longer mentioned anywhere; commits in "
            + "transactions of its own.")
    public Stream<DeleteResult> delete(@Name(value = "uid", description = "Item uid.") String uid) {
        if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("mnemo.item.delete: 'uid' must not be empty");
        }
        Analyst.of(tx, db).requireMayChangeLibraryOf("item", uid, "mnemo.item.delete");
        Cascade.Deleted d = Cascade.deleteItem(db, uid);
        return Stream.of(new DeleteResult(d.items(), d.chunks(), d.concepts()));
    }

    private Stream<ItemRow> rows(Map<String, Object> params) {
        return tx.execute(ITEM_ROWS, params).stream().map(r -> {
            var i = (org.neo4j.graphdb.Node) r.get("i");
            return new ItemRow(
                    (String) i.getProperty("uid"),
                    (String) i.getProperty("title", null),
                    (String) i.getProperty("item_type", null),
                    (String) i.getProperty("file_type", null),
                    (String) i.getProperty("source", null),
                    (String) i.getProperty("source_ref", null),
                    (String) i.getProperty("content_hash", null),
                    (String) i.getProperty("embedding_status", null),
                    (String) i.getProperty("embedding_model", null),
                    ((Number) i.getProperty("chunk_count", 0L)).longValue(),
                    ((Number) i.getProperty("concept_count", 0L)).longValue(),
                    (String) r.get("collection_uid"),
                    (String) r.get("library_uid"),
                    (String) r.get("library_type"),
                    (ZonedDateTime) i.getProperty("created_at", null),
                    (ZonedDateTime) i.getProperty("updated_at", null));
        });
    }
}
