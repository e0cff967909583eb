package org.mnemo.procedures.schema;

import static org.mnemo.procedures.library.GraphModel.HAS_COLLECTION;
import static org.mnemo.procedures.library.GraphModel.HAS_ITEM;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

/**
 * The library key a chunk carries in the chunk full-text index: its library's uid as one letter-and-digit token,
 * which every analyzer keeps whole (a uid's hyphens would split it into words). Two uids that differ only in
 * punctuation share a key; the search still checks each hit's scope, so a shared key can only cost speed.
 */
public final class LibraryKeys {
    /** Above this many libraries a scope is filtered hit by hit (Lucene caps a query's clauses at 1,024). */
    public static final int MAX_IN_QUERY = 256;

    private static final int BACKFILL_BATCH = 10_000;

    private LibraryKeys() {}

    public static String of(String libraryUid) {
        return "l" + libraryUid.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** The key of the library an item sits in, or null for an item outside any library. */
    public static String ofItem(Node item) {
        Relationship hasItem = item.getSingleRelationship(HAS_ITEM, Direction.INCOMING);
        Relationship hasCollection = hasItem == null
                ? null
                : hasItem.getStartNode().getSingleRelationship(HAS_COLLECTION, Direction.INCOMING);
        return hasCollection == null
                ? null
                : of((String) hasCollection.getStartNode().getProperty("uid"));
    }

    /** A Lucene clause matching the given libraries' chunks and adding nothing to the score. */
    public static String filter(List<String> libraryUids) {
        return "+" + Schema.LIBRARY_KEY + ":("
                + libraryUids.stream().map(LibraryKeys::of).distinct().collect(Collectors.joining(" ")) + ")^0";
    }

    /**
     * Gives the chunks written before library keys existed theirs, in transactions of {@value #BACKFILL_BATCH};
     * returns how many.
     */
    static long backfill(GraphDatabaseService db) {
        long total = 0;
        while (true) {
            try (Transaction tx = db.beginTx()) {
                long n = 0;
                var rows = tx.execute("""
                        MATCH (l:Library)-[:HAS_COLLECTION]->(:Collection)-[:HAS_ITEM]->(:Item)-[:HAS_CHUNK]->(c:Chunk)
                        WHERE c.library_key IS NULL
                        RETURN l.uid AS library, c LIMIT $batch""", Map.of("batch", BACKFILL_BATCH));
                while (rows.hasNext()) {
                    Map<String, Object> row = rows.next();
                    ((Node) row.get("c")).setProperty(Schema.LIBRARY_KEY, of((String) row.get("library")));
                    n++;
                }
                tx.commit();
                total += n;
                if (n < BACKFILL_BATCH) {
                    return total;
                }
            }
        }
    }
}
