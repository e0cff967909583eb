package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;

/**
 * A shared Neo4j with {@code mnemo.security.user_scope = enforce}: analysts connect as their own Neo4j users over
 * Bolt and each acts as the Mnemo principal it is mapped to — whatever libraries, workspaces or principals it
 * names in its calls — while the admin users (the gateway's, the DBA's) are trusted as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalystScopeTest {
    private static final String PASSWORD = "analyst-password-1";
    private Neo4j neo4j;
    private Path conf;
    private String previous;
    private String annLibrary;
    private String eveLibrary;
    private String eveChunk;
    private String workspace;

    @BeforeAll
    void sharedDatabaseWithAnalysts() throws IOException {
        conf = Files.createTempFile("mnemo", ".conf");
        Files.writeString(conf, """
                mnemo.security.user_scope=enforce
                mnemo.security.admin_users=dba
                mnemo.security.user_principals=ann_analyst=ann,eve_analyst=eve
                """);
        previous = System.getProperty("mnemo.config");
        System.setProperty("mnemo.config", conf.toString());
        neo4j = TestDatabase.builder()
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .build();
        GraphDatabaseService system = neo4j.databaseManagementService().database("system");
        for (String user : List.of("dba", "ann_analyst", "eve_analyst", "mallory")) {
            system.executeTransactionally(
                    "CREATE USER " + user + " SET PASSWORD '" + PASSWORD + "' CHANGE NOT REQUIRED");
        }
        GraphDatabaseService db = neo4j.defaultDatabaseService();
        TestDatabase.call(db, "CALL mnemo.schema.apply()", Map.of());
        TestDatabase.call(
                db,
                "CREATE (:Principal {id: 'ann', role: 'user', active: true}), "
                        + "(:Principal {id: 'eve', role: 'user', active: true})",
                Map.of());
        annLibrary = uid(
                TestDatabase.call(db, "CALL mnemo.library.create('ann shelf', 'technical', {owner: 'ann'})", Map.of()));
        eveLibrary = uid(
                TestDatabase.call(db, "CALL mnemo.library.create('eve shelf', 'technical', {owner: 'eve'})", Map.of()));
        TestDatabase.call(
                db,
                "CALL mnemo.ingest($l, 'Ann: the turbine bearings are greased every week.', "
                        + "{title: 'Ann turbine'})",
                Map.of("l", annLibrary));
        TestDatabase.call(
                db,
                "CALL mnemo.ingest($l, 'Eve: the turbine blades are secretly cracked.', " + "{title: 'Eve turbine'})",
                Map.of("l", eveLibrary));
        eveChunk = (String) TestDatabase.call(
                        db, "MATCH (:Item {title: 'Eve turbine'})-[:HAS_CHUNK]->(c) " + "RETURN c.uid AS uid", Map.of())
                .get(0)
                .get("uid");
        workspace = TestDatabase.unique("plant");
        TestDatabase.call(db, "CALL mnemo.workspace.upsert($w, {})", Map.of("w", workspace));
        TestDatabase.call(db, "CALL mnemo.workspace.grant($w, 'eve', 'writer')", Map.of("w", workspace));
        TestDatabase.call(
                db,
                "CALL mnemo.memory.commit($w, {content: 'Eve keeps the vault code under the mat.'})",
                Map.of("w", workspace));
    }

    @AfterAll
    void stop() throws IOException {
        neo4j.close();
        if (previous == null) {
            System.clearProperty("mnemo.config");
        } else {
            System.setProperty("mnemo.config", previous);
        }
        Files.deleteIfExists(conf);
    }

    private List<Map<String, Object>> as(String user, String cypher, Map<String, Object> params) {
        try (Driver driver = GraphDatabase.driver(neo4j.boltURI(), AuthTokens.basic(user, PASSWORD));
                Session session = driver.session()) {
            return session.run(cypher, params).list(Record::asMap);
        }
    }

    @Test
    void anAnalystReadsOnlyWhatItsPrincipalMay() {
        assertThatThrownBy(() -> as("ann_analyst", "CALL mnemo.search('turbine', {libraries: ['*']})", Map.of()))
                .hasMessageContaining("'libraries' may be ['*'] only for the admin users");
        List<Map<String, Object>> hits = as(
                "ann_analyst",
                "CALL mnemo.search('turbine', {libraries: $l})",
                Map.of("l", List.of(annLibrary, eveLibrary)));
        assertThat(hits).isNotEmpty().extracting(r -> r.get("library_uid")).containsOnly(annLibrary);
        assertThat(as("ann_analyst", "CALL mnemo.chunk.get($c, $l)", Map.of("c", eveChunk, "l", List.of(eveLibrary))))
                .isEmpty();
        assertThat(as("ann_analyst", "CALL mnemo.library.list($l)", Map.of("l", List.of(annLibrary, eveLibrary))))
                .extracting(r -> r.get("uid"))
                .containsExactly(annLibrary);
        assertThat(as(
                        "ann_analyst",
                        "CALL mnemo.graph.neighbors($c, $l)",
                        Map.of("c", eveChunk, "l", List.of(eveLibrary))))
                .isEmpty();
        // An unmapped user holds nothing at all.
        assertThat(as(
                        "mallory",
                        "CALL mnemo.search('turbine', {libraries: $l})",
                        Map.of("l", List.of(annLibrary, eveLibrary))))
                .isEmpty();
        // The admin users are trusted as before.
        assertThat(as("dba", "CALL mnemo.search('turbine', {libraries: ['*']})", Map.of()))
                .extracting(r -> r.get("library_uid"))
                .contains(annLibrary, eveLibrary);
    }

    @Test
    void anAnalystChangesOnlyWhatItsPrincipalMayChange() {
        assertThatThrownBy(() -> as("ann_analyst", "CALL mnemo.library.delete($l)", Map.of("l", eveLibrary)))
                .hasMessageContaining("not_found");
        assertThatThrownBy(() -> as(
                        "ann_analyst", "CALL mnemo.ingest($l, 'Ann was here.', {title: 'x'})", Map.of("l", eveLibrary)))
                .hasMessageContaining("not_found");
        assertThatThrownBy(() ->
                        as("ann_analyst", "CALL mnemo.library.update($l, {name: 'mine'})", Map.of("l", eveLibrary)))
                .hasMessageContaining("not_found");
        assertThat(as("dba", "CALL mnemo.library.get($l, ['*'])", Map.of("l", eveLibrary))
                        .get(0)
                        .get("name"))
                .isEqualTo("eve shelf");
        Map<String, Object> created = as(
                        "ann_analyst",
                        "CALL mnemo.library.create('ann notebook', 'journal', " + "{owner: 'eve'})",
                        Map.of())
                .get(0);
        assertThat(created.get("owner"))
                .as("a restricted user creates libraries of its own")
                .isEqualTo("ann");
    }

    @Test
    void anAnalystActsAsItsOwnPrincipalInMemoryAndTheTree() {
        // Ann names Eve as the principal: she still acts as Ann, who holds no role on the workspace.
        assertThatThrownBy(() -> as(
                        "ann_analyst",
                        "CALL mnemo.memory.search($w, 'vault code', {principal: 'eve'})",
                        Map.of("w", workspace)))
                .hasMessageContaining("workspace_forbidden");
        assertThatThrownBy(
                        () -> as("ann_analyst", "CALL mnemo.memory.search($w, 'vault code')", Map.of("w", workspace)))
                .hasMessageContaining("workspace_forbidden");
        assertThat(as("eve_analyst", "CALL mnemo.memory.search($w, 'vault code')", Map.of("w", workspace)))
                .extracting(r -> (String) r.get("content"))
                .anyMatch(c -> c.contains("vault"));
        assertThatThrownBy(() ->
                        as("ann_analyst", "CALL mnemo.workspace.upsert('ann-squat', {}, {as: 'admin'})", Map.of()))
                .hasMessageContaining("capability_required");
        assertThatThrownBy(() ->
                        as("ann_analyst", "CALL mnemo.memory.export([$ns])", Map.of("ns", "workspace:" + workspace)))
                .hasMessageContaining("forbidden");
        assertThatThrownBy(() -> as(
                        "ann_analyst",
                        "CALL mnemo.access.resolve({kind: 'token', hash: $h})",
                        Map.of("h", "b".repeat(64))))
                .hasMessageContaining("forbidden");
        // Reads every tenant's items and says how many there are.
        assertThatThrownBy(() -> as("ann_analyst", "CALL mnemo.cache.warm()", Map.of()))
                .hasMessageContaining("forbidden: mnemo.cache.warm");
    }

    @Test
    void anAnalystSeesAndChangesOnlyProjectsItOwns() {
        String id = TestDatabase.unique("AnnProject");
        String alias = TestDatabase.unique("ann-alias");
        Map<String, Object> mine = as(
                        "ann_analyst",
                        "CALL mnemo.project.register($id, {aliases: [$a], owner: 'eve'})",
                        Map.of("id", id, "a", alias))
                .get(0);
        assertThat(mine.get("owner"))
                .as("a restricted user registers projects of its own")
                .isEqualTo("ann");
        as("ann_analyst", "CALL mnemo.project.state.set($a, 'fact', 'k', 'v')", Map.of("a", alias));

        // To Eve, Ann's project does not exist, and a refused alias does not name it.
        assertThat(as("eve_analyst", "CALL mnemo.project.resolve($a)", Map.of("a", alias))
                        .get(0)
                        .get("id"))
                .isEqualTo(alias);
        assertThat(as("eve_analyst", "CALL mnemo.project.list()", Map.of()))
                .extracting(r -> r.get("id"))
                .doesNotContain(id);
        assertThatThrownBy(() -> as("eve_analyst", "CALL mnemo.project.get($a)", Map.of("a", alias)))
                .hasMessageContaining("not_found");
        assertThatThrownBy(() -> as("eve_analyst", "CALL mnemo.project.state.list($a)", Map.of("a", alias)))
                .hasMessageContaining("not_found");
        assertThatThrownBy(
                        () -> as("eve_analyst", "CALL mnemo.project.update($a, {status: 'mine'})", Map.of("a", alias)))
                .hasMessageContaining("not_found");
        assertThatThrownBy(() -> as(
                        "eve_analyst",
                        "CALL mnemo.project.register($id, {aliases: [$a]})",
                        Map.of("id", TestDatabase.unique("EveProject"), "a", alias)))
                .hasMessageContaining("alias_taken")
                .hasMessageContaining("another project")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(id));
        // Nor may Ann link a library she may not change.
        assertThatThrownBy(() -> as(
                        "ann_analyst",
                        "CALL mnemo.project.update($a, {libraries: [$l]})",
                        Map.of("a", alias, "l", eveLibrary)))
                .hasMessageContaining("not_found");
        assertThat(as("dba", "CALL mnemo.project.get($a)", Map.of("a", alias))
                        .get(0)
                        .get("id"))
                .isEqualTo(id);
        assertThat(as("ann_analyst", "CALL mnemo.project.state.list($id)", Map.of("id", id)))
                .extracting(r -> r.get("value"))
                .containsExactly("v");
    }

    private static String uid(List<Map<String, Object>> rows) {
        return (String) rows.get(0).get("uid");
    }
}
