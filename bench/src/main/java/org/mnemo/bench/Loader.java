package org.mnemo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.mnemo.gateway.client.MnemoClient;
import org.neo4j.driver.exceptions.TransientException;

/**
 * Loads the generated corpus: through {@code mnemo.ingest} with the configured embedder ({@code model}), or
 * pre-chunked with the corpus's clustered vectors through {@code mnemo.ingest.chunks} ({@code synthetic}, the bulk
 * path). A {@code :BenchCorpus} node records what was loaded, so a kept database is reused instead of reloaded.
 */
final class Loader {
    /** What is in the database: the libraries (largest first), their sizes and how long loading took. */
    record Loaded(List<String> libraries, int[] sizes, double seconds, boolean reused) {}

    static final int CHUNKS_PER_DOC = 20;

    private Loader() {}

    static int libraryCount(int chunks) {
        return Math.max(5, Math.min(200, chunks / 100));
    }

    static Loaded load(MnemoClient client, Corpus corpus, BenchCommand.Params p) throws InterruptedException {
        int[] sizes = Corpus.librarySizes(libraryCount(p.chunks()), p.chunks());
        Map<String, Object> marker = client.row(
                MnemoClient.Mode.READ,
                "MATCH (b:BenchCorpus {seed: $seed, chunks: "
                        + "$chunks, vectors: $vectors}) RETURN b.libraries AS libraries, b.load_seconds AS seconds",
                Map.of("seed", p.seed(), "chunks", p.chunks(), "vectors", p.vectors()));
        if (marker != null) {
            @SuppressWarnings("unchecked")
            List<String> libraries = (List<String>) marker.get("libraries");
            return new Loaded(libraries, sizes, ((Number) marker.get("seconds")).doubleValue(), true);
        }
        List<String> libraries = new ArrayList<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        // A bounded queue keeps the generator at most a few documents ahead of the loaders.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                p.loaders(),
                p.loaders(),
                0,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(p.loaders() * 4),
                new ThreadPoolExecutor.CallerRunsPolicy());
        long started = System.nanoTime();
        int loaded = 0;
        int nextReport = 0;
        for (int lib = 0; lib < sizes.length && failure.get() == null; lib++) {
            String uid = client.ensureLibrary(String.format(Locale.ROOT, "bench-%03d", lib), "nonfiction");
            libraries.add(uid);
            int remaining = sizes[lib];
            for (int doc = 0; remaining > 0 && failure.get() == null; doc++) {
                Corpus.Doc d = corpus.doc(lib, doc, Math.min(remaining, CHUNKS_PER_DOC));
                remaining -= d.sections().size();
                loaded += d.sections().size();
                // Vectors are drawn here, in document order, so that the corpus is the same for any loader count.
                Runnable task;
                if ("synthetic".equals(p.vectors())) {
                    List<Map<String, Object>> chunks = chunks(d, corpus);
                    task = () -> bulk(client, uid, d, chunks);
                } else {
                    task = () -> client.ingest(uid, d.text(), item(d));
                }
                pool.execute(() -> {
                    try {
                        retryingDeadlocks(task);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                });
                if (loaded >= nextReport) {
                    System.err.printf(
                            Locale.ROOT,
                            "loading: %d / %d chunks, %.0f s%n",
                            loaded,
                            p.chunks(),
                            (System.nanoTime() - started) / 1e9);
                    nextReport += Math.max(10_000, p.chunks() / 20);
                }
            }
        }
        pool.shutdown();
        pool.awaitTermination(7, TimeUnit.DAYS);
        if (failure.get() != null) {
            throw failure.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        client.row(
                MnemoClient.Mode.WRITE,
                "CREATE (:BenchCorpus {seed: $seed, chunks: $chunks, vectors: $vectors, "
                        + "libraries: $libraries, load_seconds: $seconds})",
                Map.of(
                        "seed",
                        p.seed(),
                        "chunks",
                        p.chunks(),
                        "vectors",
                        p.vectors(),
                        "libraries",
                        libraries,
                        "seconds",
                        seconds));
        return new Loaded(libraries, sizes, seconds, false);
    }

    /** Ingest is idempotent, so a call a deadlock aborted is simply repeated (as the gateway's job retries do). */
    private static void retryingDeadlocks(Runnable task) {
        for (int attempt = 1; ; attempt++) {
            try {
                task.run();
                return;
            } catch (TransientException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static Map<String, Object> item(Corpus.Doc d) {
        return Map.of("title", d.title(), "source", "bench", "file_type", "md", "source_ref", d.title());
    }

    /** The document's sections as pre-embedded chunks. */
    static List<Map<String, Object>> chunks(Corpus.Doc d, Corpus corpus) {
        List<Map<String, Object>> chunks = new ArrayList<>(d.sections().size());
        for (Corpus.Section s : d.sections()) {
            chunks.add(Map.of("text", s.text(), "embedding", corpus.vector(s.concept())));
        }
        return chunks;
    }

    /** The bulk path: pre-embedded chunks, concepts extracted as usual. */
    static void bulk(MnemoClient client, String library, Corpus.Doc d, List<Map<String, Object>> chunks) {
        client.row(
                MnemoClient.Mode.AUTO_COMMIT,
                "CALL mnemo.ingest.chunks($library, $chunks, $item)",
                Map.of("library", library, "chunks", chunks, "item", item(d)));
    }
}
