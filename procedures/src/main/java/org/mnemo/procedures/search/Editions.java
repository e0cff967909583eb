package org.mnemo.procedures.search;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Whether the DBMS is Community Edition, asked once per DBMS. Search takes two shortcuts only there: the vector
 * cache (Enterprise can cluster, and a member hears only its own commits) and a leg run in a transaction of its own
 * (such a transaction does not carry the caller's privileges; Enterprise's role-based access could hide properties
 * from the caller that would then still shape the ranking — Community has no such access control).
 */
final class Editions {
    private static final Map<Object, Boolean> COMMUNITY = new ConcurrentHashMap<>();

    private Editions() {}

    static boolean community(GraphDatabaseService db) {
        Object dbms = db instanceof GraphDatabaseAPI api
                ? api.getDependencyResolver().resolveDependency(DatabaseManagementService.class)
                : db;
        return COMMUNITY.computeIfAbsent(
                dbms,
                key -> db.executeTransactionally(
                        "CALL dbms.components() YIELD edition RETURN edition",
                        Map.of(),
                        r -> r.hasNext()
                                && "community"
                                        .equalsIgnoreCase(
                                                String.valueOf(r.next().get("edition")))));
    }
}
