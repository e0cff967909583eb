package org.mnemo.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Neo4j in this process with Bolt on, authentication on and Mnemo + APOC loaded from a plugins directory, as a
 * DBA would deploy them. The schema is applied at start so that the server is ready to ingest and search.
 */
public final class EmbeddedServer implements AutoCloseable {
    private final DatabaseManagementService dbms;
    private final String boltUri;

    public record Settings(Path dataDir, Path pluginsDir, String boltHost, int boltPort, String password) {}

    private EmbeddedServer(DatabaseManagementService dbms, String boltUri) {
        this.dbms = dbms;
        this.boltUri = boltUri;
    }

    public static EmbeddedServer start(Settings settings) {
        if (!Files.isRegularFile(settings.pluginsDir().resolve("mnemo-procedures.jar"))) {
            throw new IllegalStateException("no mnemo-procedures.jar in " + settings.pluginsDir()
                    + "; build with 'mvn -DskipTests package' first");
        }
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(
                        settings.dataDir().resolve("neo4j"))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(settings.boltHost(), settings.boltPort()))
                .setConfig(
                        BoltConnector.advertised_address, new SocketAddress(settings.boltHost(), settings.boltPort()))
                // Neo4j's HTTP server (Jetty 12.0) stays off: the gateway serves HTTP.
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(
                        GraphDatabaseSettings.plugin_dir, settings.pluginsDir().toAbsolutePath())
                .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*"))
                .build();
        try {
            setPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), settings.password());
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            db.executeTransactionally("CALL mnemo.schema.apply()");
        } catch (RuntimeException e) {
            dbms.shutdown();
            throw e;
        }
        return new EmbeddedServer(dbms, "bolt://" + settings.boltHost() + ":" + settings.boltPort());
    }

    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            // Setting the password it already has is refused by Neo4j; that is the normal restart case.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }

    public String boltUri() {
        return boltUri;
    }

    public GraphDatabaseService database() {
        return dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    }

    @Override
    public void close() {
        dbms.shutdown();
    }
}
