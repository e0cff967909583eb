package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * The jars a DBA deploys, exactly as built, loaded by Neo4j from a plugins directory and not from the test
 * classpath (Failsafe runs this class with the Mnemo modules excluded from it).
 */
class DeployedPluginIT {

    @Test
    void theDeployedJarsIngestAndSearch() {
        assertThatThrownBy(() -> Class.forName("org.mnemo.procedures.search.SearchProcedures"))
                .as("the plugin must not be on the test classpath")
                .isInstanceOf(ClassNotFoundException.class);
        Path plugins = Path.of(System.getProperty("mnemo.plugins"));
        assertThat(plugins.resolve("mnemo-procedures-0.1.0-SNAPSHOT.jar"))
                .satisfies(p -> assertThat(Files.exists(p)).isTrue());

        try (Neo4j neo4j = Neo4jBuilders.newInProcessBuilder()
                .withDisabledServer()
                .withConfig(GraphDatabaseSettings.plugin_dir, plugins.toAbsolutePath())
                .withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*"))
                .build()) {
            GraphDatabaseService db = neo4j.defaultDatabaseService();
            Boolean online = db.executeTransactionally(
                    "CALL mnemo.schema.apply()",
                    Map.of(),
                    r -> r.stream().allMatch(row -> "ONLINE".equals(row.get("state"))));
            assertThat(online).isTrue();
            String lib = db.executeTransactionally(
                    "CALL mnemo.library.create('deployed', 'technical') YIELD uid", Map.of(), r ->
                            (String) r.next().get("uid"));
            db.executeTransactionally(
                    "CALL mnemo.ingest($lib, $text, {title: 'Ops'})",
                    Map.of(
                            "lib",
                            lib,
                            "text",
                            "Rotate the TLS certificates of the load balancer every ninety days.\n\n"
                                    + "Page the on-call engineer when disk usage exceeds eighty percent."));
            List<String> previews = db.executeTransactionally(
                    "CALL mnemo.search('renew https certificates', {libraries: [$lib]}) YIELD text_preview",
                    Map.of("lib", lib),
                    r -> r.stream().map(row -> (String) row.get("text_preview")).toList());
            assertThat(previews.get(0)).contains("TLS certificates");
            String model = db.executeTransactionally("CALL mnemo.embed('x') YIELD model", Map.of(), r ->
                    (String) r.next().get("model"));
            assertThat(model).contains("MiniLM");
            String apoc = db.executeTransactionally("RETURN apoc.version() AS v", Map.of(), r ->
                    (String) r.next().get("v"));
            assertThat(apoc).startsWith("5.26");
        }
    }
}
