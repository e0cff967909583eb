package org.mnemo.launcher;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mnemo.embedded.Credentials;
import org.mnemo.embedded.EmbeddedServer;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.config.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        description = "Start Mnemo: the HTTP gateway, beside an embedded Neo4j (Bolt, Mnemo, APOC, the local "
                + "embedder) unless MNEMO_NEO4J_URI names an external one.")
final class ServeCommand implements Callable<Integer> {

    @Option(
            names = "--bolt",
            description = "Bolt listen address (default ${DEFAULT-VALUE}; env MNEMO_BOLT_ADDRESS).",
            defaultValue = "${env:MNEMO_BOLT_ADDRESS:-127.0.0.1:7687}")
    String bolt;

    @Option(names = "--data", description = "Data directory (default ./data; env MNEMO_DATA).")
    Path data;

    @Option(
            names = "--plugins",
            description = "Plugins directory (default launcher/target/plugins; env MNEMO_PLUGINS).")
    Path plugins;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config = GatewayConfig.fromEnvironment();
        boolean passwordFromEnvironment = config.neo4jPassword() != null;
        EmbeddedServer embedded = null;
        Credentials.Password password = null;
        if (config.neo4jUri() == null) {
            Path dataDir = data != null ? data.toAbsolutePath() : Environment.dataDir();
            if (data != null && Environment.get("MNEMO_UPLOAD_SPOOL", null) == null) {
                config = config.withUploadSpool(dataDir.resolve("uploads"));
            }
            Path pluginsDir = plugins != null ? plugins.toAbsolutePath() : Environment.pluginsDir();
            String[] hostPort = bolt.split(":");
            if (hostPort.length != 2 || !hostPort[1].matches("\\d{1,5}")) {
                throw new IllegalArgumentException("--bolt / MNEMO_BOLT_ADDRESS must be host:port, got '" + bolt + "'");
            }
            // The plugin reads mnemo.conf from this path (absent = defaults; MNEMO_* variables override it).
            Environment.useMnemoConfig();
            password = Credentials.resolve(dataDir, config.neo4jPassword());
            System.out.println("Starting Mnemo (data in " + dataDir + ") …");
            embedded = EmbeddedServer.start(new EmbeddedServer.Settings(
                    dataDir, pluginsDir, hostPort[0], Integer.parseInt(hostPort[1]), password.value()));
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
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("Stopping Mnemo …");
                            gateway.close();
                            if (server != null) {
                                server.close();
                            }
                            stopped.countDown();
                        },
                        "mnemo-shutdown"));
        String http = "http://" + config.httpHost() + ":" + gateway.port();
        System.out.println();
        System.out.println("Mnemo is up.");
        System.out.println("  HTTP:      " + http + "   (REST API; " + http + "/openapi.json)");
        System.out.println("  Console:   " + http + "/ui   (web console: sign in with a bearer token)");
        System.out.println("  MCP:       " + http + "/mcp   (client setups: ./mnemo mcp-config)");
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
            System.out.println(
                    "  Admin:     " + admin + "   (admin bearer token, generated now and shown only this once)");
        } else {
            System.out.println("  Admin:     the bootstrap admin token (MNEMO_ADMIN_TOKEN, or the one printed at "
                    + "first start); export MNEMO_TOKEN=<it> for the ./mnemo token, user and status commands");
        }
        commands(config.httpHost(), gateway.port(), admin).forEach(System.out::println);
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
        return 0;
    }

    /**
     * The banner's commands, each one runnable exactly as printed from the project folder: with the admin token
     * itself when it was just generated (it is printed above anyway), else commands that need none.
     */
    static java.util.List<String> commands(String host, int port, String generatedAdmin) {
        String local = "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host;
        String http = "http://" + (local.contains(":") ? "[" + local + "]" : local) + ":" + port;
        // The CLI's default gateway is http://127.0.0.1:8080; name any other.
        String url = http.equals("http://127.0.0.1:8080") ? "" : "MNEMO_URL=" + http + " ";
        java.util.List<String> lines = new java.util.ArrayList<>();
        if (generatedAdmin != null) {
            lines.add("  Try:       curl -s -H \"Authorization: Bearer " + generatedAdmin + "\" " + http
                    + "/library/api/libraries/");
            lines.add("  Status:    " + url + "MNEMO_TOKEN=" + generatedAdmin + " ./mnemo status");
            lines.add("  Token:     " + url + "MNEMO_TOKEN=" + generatedAdmin + " ./mnemo token create --name laptop");
        } else {
            lines.add("  Try:       curl -s " + http + "/ready/");
            lines.add("  Status:    " + url + "./mnemo status");
        }
        lines.add("  Ingest:    ./mnemo ingest docs/ --library notes");
        lines.add("  Search:    ./mnemo search \"your question\" --library notes");
        lines.add("  Cypher:    CALL mnemo.search('your question', {libraries: ['*']})");
        return lines;
    }
}
