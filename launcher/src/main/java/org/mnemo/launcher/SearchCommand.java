package org.mnemo.launcher;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mnemo.embedded.Credentials;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", description = "Search the running server and print ranked hits with scores and sources.")
final class SearchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "QUERY")
    String query;

    @Option(names = "--library", description = "Library name (default: all libraries).")
    String library;

    @Option(names = "--limit", defaultValue = "10", description = "Hits to show (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        String password = Credentials.forClient(Environment.dataDir(), System.getenv("MNEMO_NEO4J_PASSWORD"));
        try (MnemoClient client = new MnemoClient(Environment.neo4jUri(), Environment.neo4jUser(), password)) {
            List<String> scope = List.of("*");
            if (library != null) {
                String uid = client.libraryUid(library);
                if (uid == null) {
                    throw new IllegalArgumentException("no library named '" + library + "'");
                }
                scope = List.of(uid);
            }
            List<Rows.Hit> hits = client.search(query, scope, limit);
            if (hits.isEmpty()) {
                System.out.println("No results.");
            }
            int rank = 1;
            for (Rows.Hit hit : hits) {
                System.out.printf(
                        Locale.ROOT,
                        "%2d. %.4f  %s #%s  %s%n",
                        rank++,
                        hit.score(),
                        hit.item_title(),
                        hit.chunk_index(),
                        hit.ranks());
                String preview = hit.text_preview().replaceAll("\\s+", " ");
                System.out.println("    " + (preview.length() > 200 ? preview.substring(0, 200) + "…" : preview));
            }
        }
        return 0;
    }
}
