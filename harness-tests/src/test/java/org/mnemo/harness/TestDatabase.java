package org.mnemo.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

/**
 * One in-process Neo4j for the whole test JVM, with Mnemo and APOC loaded from target/plugins and the schema
 * applied. Tests isolate themselves by creating libraries with unique names.
 */
final class TestDatabase {
    private static Neo4j shared;

    private TestDatabase() {}

    static synchronized Neo4j shared() {
        if (shared == null) {
            shared = builder().build();
            call(shared.defaultDatabaseService(), "CALL mnemo.schema.apply()", Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    static Neo4jBuilder builder() {
        return Neo4jBuilders.newInProcessBuilder()
                .withDisabledServer()
                .withConfig(
                        GraphDatabaseSettings.plugin_dir,
                        Path.of("target/plugins").toAbsolutePath())
                .withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*"));
    }

    static GraphDatabaseService db() {
        return shared().defaultDatabaseService();
    }

    static List<Map<String, Object>> call(String cypher, Map<String, Object> params) {
        return call(db(), cypher, params);
    }

    static List<Map<String, Object>> call(GraphDatabaseService db, String cypher, Map<String, Object> params) {
        return db.executeTransactionally(cypher, params, TestDatabase::rows);
    }

    static <T> T query(String cypher, Map<String, Object> params, org.neo4j.graphdb.ResultTransformer<T> reader) {
        return db().executeTransactionally(cypher, params, reader);
    }

    private static List<Map<String, Object>> rows(Result result) {
        return result.stream()
                .map(row -> (Map<String, Object>) new java.util.HashMap<>(row))
                .toList();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a library and returns its uid. */
    static String library(String name, String type) {
        return (String)
                call("CALL mnemo.library.create($name, $type) YIELD uid RETURN uid", Map.of("name", name, "type", type))
                        .get(0)
                        .get("uid");
    }

    /** How often a document search's leg kept to its scope by this path (mnemo_search_scope_paths, so far). */
    /** The vector leg of mnemo.search alone for a query vector: the chunk uids of its top k in the libraries. */
    static List<String> vectorLeg(GraphDatabaseService db, List<Double> vector, List<String> libraries, int k) {
        return call(
                        db,
                        "CALL mnemo.search('nearest', {libraries: $libs, query_vector: $v, search_types: ['vector'], "
                                + "vector_top_k: $k, limit: $k})",
                        Map.of("libs", libraries, "v", vector, "k", k))
                .stream()
                .map(r -> (String) r.get("chunk_uid"))
                .toList();
    }

    /** The exact top k by cosine over the embedded chunks of the libraries: what the vector leg must find. */
    static List<String> exactNearest(GraphDatabaseService db, List<Double> vector, List<String> libraries, int k) {
        return call(db, """
                MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->(:Item {embedding_status: 'completed'})
                      -[:HAS_CHUNK]->(c:Chunk)
                WHERE l.uid IN $libs
                RETURN c.uid AS uid ORDER BY vector.similarity.cosine(c.embedding, $v) DESC LIMIT $k""", Map.of("libs", libraries, "v", vector, "k", k)).stream()
                .map(r -> (String) r.get("uid"))
                .toList();
    }

    static long scopePaths(String leg, String path) {
        return call(
                        "CALL mnemo.metrics() YIELD name, labels, value WHERE name = 'mnemo_search_scope_paths' "
                                + "AND labels.leg = $leg AND labels.path = $path RETURN sum(value) AS n",
                        Map.of("leg", leg, "path", path))
                .stream()
                .mapToLong(r -> ((Number) r.get("n")).longValue())
                .sum();
    }
}
