package org.mnemo.procedures.chunk;

import static org.mnemo.procedures.library.GraphModel.CHUNK;
import static org.mnemo.procedures.library.GraphModel.NEXT;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Analyst;
import org.mnemo.procedures.scope.Scope;
import org.mnemo.procedures.scope.ScopedChunks;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class ChunkProcedures {
    @Context
    public Transaction tx;

    @Context
    public GraphDatabaseService db;

    public record ChunkRow(
            String chunk_uid,
            long chunk_index,
            String text,
            long char_start,
            long char_end,
            String item_uid,
            String item_title,
            String collection_uid,
            String library_uid,
            String library_name,
            String library_type,
            String previous_uid,
            String next_uid) {}

    public record ContextRow(String chunk_uid, long chunk_index, long offset, String text) {}

    @Procedure(name = "mnemo.chunk.get", mode = Mode.READ)
    @Description("Return a chunk's full text with its item and library, if it is in the caller's libraries "
            + "(otherwise no row).")
    public Stream<ChunkRow> get(
            @Name(value = "uid", description = "Chunk uid.") String uid,
            @Name(value = "libraries", description = "Library uids the caller may read; ['*'] for all.")
                    List<String> libraries) {
        Scope scope = Analyst.of(tx, db).scope(Scope.of(libraries, "mnemo.chunk.get"), "mnemo.chunk.get");
        Node chunk = uid == null ? null : tx.findNode(CHUNK, "uid", uid);
        ScopedChunks.Context where = chunk == null ? null : new ScopedChunks(scope, null, null).context(chunk);
        if (where == null) {
            return Stream.empty();
        }
        return Stream.of(new ChunkRow(
                uid,
                index(chunk),
                (String) chunk.getProperty("text"),
                ((Number) chunk.getProperty("char_start", 0L)).longValue(),
                ((Number) chunk.getProperty("char_end", 0L)).longValue(),
                (String) where.item().getProperty("uid"),
                (String) where.item().getProperty("title", null),
                (String) where.collection().getProperty("uid"),
                (String) where.library().getProperty("uid"),
                (String) where.library().getProperty("name"),
                (String) where.library().getProperty("library_type"),
                neighbourUid(chunk, Direction.INCOMING),
                neighbourUid(chunk, Direction.OUTGOING)));
    }

    @Procedure(name = "mnemo.chunk.context", mode = Mode.READ)
    @Description("Return a chunk with up to 'before' preceding and 'after' following chunks of the same item, in "
            + "document order (offset 0 is the chunk itself).")
    public Stream<ContextRow> context(
            @Name(value = "uid", description = "Chunk uid.") String uid,
            @Name(value = "libraries", description = "Library uids the caller may read; ['*'] for all.")
                    List<String> libraries,
            @Name(value = "options", defaultValue = "{}", description = "{before: 1, after: 1} (each 0..20)")
                    Map<String, Object> options) {
        String procedure = "mnemo.chunk.context";
        Scope scope = Analyst.of(tx, db).scope(Scope.of(libraries, procedure), procedure);
        Options o = Options.of(procedure, options, Set.of("before", "after"));
        long before = o.integer("before", 1, 0, 20);
        long after = o.integer("after", 1, 0, 20);
        Node chunk = uid == null ? null : tx.findNode(CHUNK, "uid", uid);
        if (chunk == null || !new ScopedChunks(scope, null, null).allows(chunk)) {
            return Stream.empty();
        }
        List<ContextRow> rows = new ArrayList<>();
        Node cursor = chunk;
        for (long i = 1; i <= before && (cursor = neighbour(cursor, Direction.INCOMING)) != null; i++) {
            rows.add(0, row(cursor, -i));
        }
        rows.add(row(chunk, 0));
        cursor = chunk;
        for (long i = 1; i <= after && (cursor = neighbour(cursor, Direction.OUTGOING)) != null; i++) {
            rows.add(row(cursor, i));
        }
        return rows.stream();
    }

    private static ContextRow row(Node chunk, long offset) {
        return new ContextRow(
                (String) chunk.getProperty("uid"), index(chunk), offset, (String) chunk.getProperty("text"));
    }

    private static long index(Node chunk) {
        return ((Number) chunk.getProperty("chunk_index", 0L)).longValue();
    }

    private static Node neighbour(Node chunk, Direction direction) {
        Relationship next = chunk.getSingleRelationship(NEXT, direction);
        return next == null ? null : next.getOtherNode(chunk);
    }

    private static String neighbourUid(Node chunk, Direction direction) {
        Node n = neighbour(chunk, direction);
        return n == null ? null : (String) n.getProperty("uid");
    }
}
