package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;

/** Schema on a database of its own: before the schema, mismatched dimensions, rebuild, status. */
class SchemaTest {
    static Neo4j neo4j;
    static GraphDatabaseService db;

    @BeforeAll
    static void start() {
        neo4j = TestDatabase.builder().build();
        db = neo4j.defaultDatabaseService();
    }

    @AfterAll
    static void stop() {
        neo4j.close();
    }

    static List<Map<String, Object>> call(String cypher) {
        return TestDatabase.call(db, cypher, Map.of());
    }

    @Test
    void schemaLifecycle() {
        // Before the schema exists, search says what to do instead of returning nothing.
        assertThatThrownBy(() -> call("CALL mnemo.search('x', {libraries: ['*']})"))
                .hasMessageContaining("schema_missing")
                .hasMessageContaining("mnemo.schema.apply()");
        assertThat(call("CALL mnemo.schema.status() YIELD name, state WHERE state = 'MISSING' RETURN name"))
                .hasSize(42)
                .extracting(r -> r.get("name"))
                .contains("mnemo_chunk_embedding", "mnemo_api_token_hash", "mnemo_team_id", "mnemo_signing_key_kid");

        // A vector index of another dimension is reported with both dimensions and the way out.
        call("CREATE VECTOR INDEX mnemo_chunk_embedding FOR (c:Chunk) ON (c.embedding) "
                + "OPTIONS {indexConfig: {`vector.dimensions`: 8, `vector.similarity_function`: 'cosine'}}");
        assertThatThrownBy(() -> call("CALL mnemo.schema.apply()"))
                .hasMessageContaining("schema_dimension_mismatch")
                .hasMessageContaining("has dimension 8")
                .hasMessageContaining("produces 384")
                .hasMessageContaining("mnemo.schema.apply({rebuild: true})");

        var rebuilt = call("CALL mnemo.schema.apply({rebuild: true})");
        assertThat(rebuilt).anySatisfy(r -> {
            assertThat(r.get("name")).isEqualTo("mnemo_chunk_embedding");
            assertThat(r.get("action")).isEqualTo("rebuilt");
            assertThat(r.get("dimension")).isEqualTo(384L);
        });
        assertThat(rebuilt).allSatisfy(r -> assertThat(r.get("state")).isEqualTo("ONLINE"));

        // Applying again changes nothing.
        assertThat(call("CALL mnemo.schema.apply()"))
                .allSatisfy(r -> assertThat(r.get("action")).isEqualTo("exists"));
        var status = call("CALL mnemo.schema.status()");
        assertThat(status)
                .extracting(r -> r.get("name"))
                .contains(
                        "mnemo_chunk_text",
                        "mnemo_concept_name",
                        "mnemo_item_title",
                        "mnemo_library_name",
                        "mnemo_concept_embedding",
                        "mnemo_concept_name_key");
        assertThat(status)
                .filteredOn(r -> "VECTOR".equals(r.get("type")))
                .allSatisfy(r -> assertThat(r.get("dimension")).isEqualTo(384L));

        assertThat(call("CALL mnemo.search('x', {libraries: []})")).isEmpty();
        assertThatThrownBy(() -> call("CALL mnemo.schema.apply({rebuild: 'yes'})"))
                .hasMessageContaining("'rebuild' must be true or false");
    }
}
