package org.mnemo.launcher;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mnemo.embedded.Credentials;
import org.mnemo.embedded.EmbeddedServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "neo4j",
        mixinStandardHelpOptions = true,
        description = "Run only the embedded Neo4j (Bolt, Mnemo, APOC, the local embedder) without the gateway: a "
                + "database process of its own, for gateways started with MNEMO_NEO4J_URI.")
final class Neo4jCommand implements Callable<Integer> {

    @Option(
            names = "--bolt",
            description = "Bolt listen address (default ${DEFAULT-VALUE}; env MNEMO_BOLT_ADDRESS).",
            defaultValue = "${env:MNEMO_BOLT_ADDRESS:-127.0.0.1:7687}")
    String bolt;

    @Option(names = "--data", description = "Data directory (default ./data; env MNEMO_DATA).")
    Path data;

    @Override
    public Integer call() throws InterruptedException {
        Path dataDir = data != null ? data.toAbsolutePath() : Environment.dataDir();
        String[] hostPort = bolt.split(":");
        if (hostPort.length != 2 || !hostPort[1].matches("\\d{1,5}")) {
            throw new IllegalArgumentException("--bolt / MNEMO_BOLT_ADDRESS must be host:port, got '" + bolt + "'");
        }
        Environment.useMnemoConfig();
        Credentials.Password password = Credentials.resolve(dataDir, System.getenv("MNEMO_NEO4J_PASSWORD"));
        EmbeddedServer server = EmbeddedServer.start(new EmbeddedServer.Settings(
                dataDir, Environment.pluginsDir(), hostPort[0], Integer.parseInt(hostPort[1]), password.value()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "mnemo-neo4j-shutdown"));
        System.out.println("Neo4j is up: " + server.boltUri() + " (password in " + dataDir.resolve("neo4j-password")
                + " or MNEMO_NEO4J_PASSWORD)");
        stopped.await();
        return 0;
    }
}
