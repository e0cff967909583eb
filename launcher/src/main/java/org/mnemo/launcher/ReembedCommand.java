package org.mnemo.launcher;

import java.util.Map;
import java.util.concurrent.Callable;
import org.mnemo.embedded.Credentials;
import org.mnemo.gateway.client.MnemoClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "reembed",
        mixinStandardHelpOptions = true,
        description = "Re-embed, with the configured model, what another model wrote (after a change of embedding "
                + "model and mnemo.schema.apply({rebuild: true})): items, memories, concepts, in resumable batches, "
                + "printing progress until nothing is left.")
final class ReembedCommand implements Callable<Integer> {

    @Option(
            names = "--items-per-call",
            defaultValue = "200",
            description = "Items per procedure call (default " + "${DEFAULT-VALUE}).")
    int itemsPerCall;

    @Override
    public Integer call() {
        String password = Credentials.forClient(Environment.dataDir(), System.getenv("MNEMO_NEO4J_PASSWORD"));
        try (MnemoClient client = new MnemoClient(Environment.neo4jUri(), Environment.neo4jUser(), password)) {
            while (true) {
                Map<String, Object> left = client.row(MnemoClient.Mode.READ, "CALL mnemo.reembed.status()", Map.of());
                System.out.println("to re-embed with " + left.get("model") + ": " + left.get("items") + " items ("
                        + left.get("chunks") + " chunks), " + left.get("memories") + " memories, "
                        + left.get("concepts") + " concepts");
                if (((Number) left.get("items")).longValue()
                                + ((Number) left.get("memories")).longValue()
                                + ((Number) left.get("concepts")).longValue()
                        == 0) {
                    return 0;
                }
                IngestCommand.reconnecting(() -> client.row(
                        MnemoClient.Mode.AUTO_COMMIT,
                        "CALL mnemo.reembed.run({max_items: $n})",
                        Map.of("n", itemsPerCall)));
            }
        }
    }
}
