package org.mnemo.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.mnemo.gateway.server.Credentials;
import org.mnemo.gateway.server.EmbeddedServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Start Mnemo on embedded defaults: Neo4j with Bolt, Mnemo and APOC, the local embedder.")
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
        Path dataDir = data != null ? data.toAbsolutePath() : Environment.dataDir();
        Path pluginsDir = plugins != null ? plugins.toAbsolutePath()
                : Path.of(Environment.get("MNEMO_PLUGINS",
                        Environment.home().resolve("gateway/target/plugins").toString()));
        String[] hostPort = bolt.split(":");
        if (hostPort.length != 2 || !hostPort[1].matches("\\d{1,5}")) {
            throw new IllegalArgumentException("--bolt / MNEMO_BOLT_ADDRESS must be host:port, got '" + bolt + "'");
        }
        // The plugin reads mnemo.conf from this path (absent = defaults; MNEMO_* variables override it).
        System.setProperty("mnemo.config", Environment.get("MNEMO_CONFIG",
                Environment.home().resolve("conf/mnemo.conf").toString()));
        Credentials.Password password = Credentials.resolve(dataDir, System.getenv("MNEMO_NEO4J_PASSWORD"));
        System.out.println("Starting Mnemo (data in " + dataDir + ") …");
        EmbeddedServer server = EmbeddedServer.start(new EmbeddedServer.Settings(dataDir, pluginsDir, hostPort[0],
                Integer.parseInt(hostPort[1]), password.value()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Mnemo …");
            server.close();
            stopped.countDown();
        }, "mnemo-shutdown"));
        System.out.println();
        System.out.println("Mnemo is up.");
        System.out.println("  Bolt:      " + server.boltUri() + "   user " + Credentials.USER);
        if (password.generated()) {
            System.out.println("  Password:  " + password.value() + "   (generated now; kept in "
                    + dataDir.resolve("neo4j-password") + ")");
        } else if (System.getenv("MNEMO_NEO4J_PASSWORD") != null) {
            System.out.println("  Password:  from MNEMO_NEO4J_PASSWORD");
        } else {
            System.out.println("  Password:  in " + dataDir.resolve("neo4j-password"));
        }
        System.out.println("  Ingest:    ./mnemo ingest docs/ --library notes");
        System.out.println("  Search:    ./mnemo search \"your question\" --library notes");
        System.out.println("  Cypher:    CALL mnemo.search('your question', {libraries: ['*']})");
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
        return 0;
    }
}
