package org.mnemo.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.config.GatewayConfig;
import org.mnemo.gateway.server.Credentials;
import org.mnemo.gateway.server.EmbeddedServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Start Mnemo: the HTTP gateway, beside an embedded Neo4j (Bolt, Mnemo, APOC, the local "
        + "embedder) unless MNEMO_NEO4J_URI names an external one.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--bolt", description = "Bolt listen address (default ${DEFAULT-VALUE}; env MNEMO_BOLT_ADDRESS).",
            defaultValue = "${env:MNEMO_BOLT_ADDRESS:-127.0.0.1:7687}")
    String bolt;

    @Option(names = "--data", description = "Data directory (default ./data; env MNEMO_DATA).")
    Path data;

    @Option(names = "--plugins", description = "Plugins directory (default gateway/target/plugins; env MNEMO_PLUGINS).")
    Path plugins;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config = GatewayConfig.fromEnvironment();
        boolean passwordFromEnvironment = config.neo4jPassword() != null;
        EmbeddedServer embedded = null;
        Credentials.Password password = null;
        if (config.neo4jUri() == null) {
            Path dataDir = data != null ? data.toAbsolutePath() : Environment.dataDir();
            Path pluginsDir = plugins != null ? plugins.toAbsolutePath() : Environment.pluginsDir();
            String[] hostPort = bolt.split(":");
            if (hostPort.length != 2 || !hostPort[1].matches("\\d{1,5}")) {
                throw new IllegalArgumentException("--bolt / MNEMO_BOLT_ADDRESS must be host:port, got '" + bolt + "'");
            }
            // The plugin reads mnemo.conf from this path (absent = defaults; MNEMO_* variables override it).
            Environment.useMnemoConfig();
            password = Credentials.resolve(dataDir, config.neo4jPassword());
            System.out.println("Starting Mnemo (data in " + dataDir + ") …");
            embedded = EmbeddedServer.start(new EmbeddedServer.Settings(dataDir, pluginsDir, hostPort[0],
                    Integer.parseInt(hostPort[1]), password.value()));
            config = config.withNeo4j(embedded.boltUri(), Credentials.USER, password.value());
            if (config.security().secretKey() == null) {
                config = config.withSecretKey(Credentials.secretKey(dataDir));
            }
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        EmbeddedServer server = embedded;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Mnemo …");
            gateway.close();
            if (server != null) {
                server.close();
            }
            stopped.countDown();
        }, "mnemo-shutdown"));
        String http = "http://" + config.httpHost() + ":" + gateway.port();
        System.out.println();
        System.out.println("Mnemo is up.");
        System.out.println("  HTTP:      " + http + "   (REST API; " + http + "/openapi.json)");
        System.out.println("  Console:   " + http + "/ui   (web console: sign in with a bearer token)");
        System.out.println("  Bolt:      " + config.neo4jUri() + "   user " + config.neo4jUser());
        if (password != null && password.generated()) {
            System.out.println("  Password:  " + password.value() + "   (generated now; kept in "
                    + Environment.dataDir().resolve("neo4j-password") + ")");
        } else if (passwordFromEnvironment) {
            System.out.println("  Password:  from MNEMO_NEO4J_PASSWORD");
        } else {
            System.out.println("  Password:  in " + Environment.dataDir().resolve("neo4j-password"));
        }
        String admin = gateway.generatedAdminToken();
        if (admin != null) {
            System.out.println("  Admin:     " + admin + "   (admin bearer token, generated now and shown only this once)");
        } else {
            System.out.println("  Admin:     the bootstrap admin token (MNEMO_ADMIN_TOKEN, or the one printed at "
                    + "first start)");
        }
        // A command that works as printed: with the token itself when it was just generated.
        System.out.println("  Try:       " + (admin != null ? "ADMIN=" + admin : "ADMIN=<the admin token>")
                + "; curl -H \"Authorization: Bearer $ADMIN\" " + http + "/library/api/libraries/");
        System.out.println("  Ingest:    ./mnemo ingest docs/ --library notes");
        System.out.println("  Search:    ./mnemo search \"your question\" --library notes");
        System.out.println("  Cypher:    CALL mnemo.search('your question', {libraries: ['*']})");
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
        return 0;
    }
}
