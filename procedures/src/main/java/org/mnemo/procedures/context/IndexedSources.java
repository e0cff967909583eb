package org.mnemo.procedures.context;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.config.MnemoConfig;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.memory.MemorySearch;
import org.mnemo.procedures.search.HybridSearch;
import org.mnemo.procedures.search.SearchOptions;
import org.mnemo.procedures.search.VectorCache;
import org.neo4j.graphdb.Transaction;

/**
 * A pack's sources through Mnemo's own search: memory search over the pack's namespaces and the hybrid chunk
 * search with its defaults, the prompt embedded once for both.
 */
public final class IndexedSources implements ContextPacks.Sources {
    /** The search query is capped as mnemo.search caps it; the embedder reads far less anyway. */
    static final int MAX_QUERY_CHARS = 10_000;

    private final Transaction tx;
    private final VectorCache vectors;
    private final MnemoConfig config;
    private final Embedder embedder;
    private final Runnable guard;
    private final int memoryLimit;
    private final int chunkLimit;

    public IndexedSources(
            Transaction tx,
            VectorCache vectors,
            MnemoConfig config,
            Embedder embedder,
            Runnable guard,
            int memoryLimit,
            int chunkLimit) {
        this.tx = tx;
        this.vectors = vectors;
        this.config = config;
        this.embedder = embedder;
        this.guard = guard;
        this.memoryLimit = memoryLimit;
        this.chunkLimit = chunkLimit;
    }

    @Override
    public List<MemorySearch.Found> memories(List<String> namespaces, String prompt) {
        return new MemorySearch(tx, embedder)
                .search(
                        ProjectMemories.over(namespaces),
                        capped(prompt),
                        null,
                        null,
                        memoryLimit,
                        List.of(SearchOptions.VECTOR, SearchOptions.FULLTEXT),
                        MemorySearch.Fusing.DEFAULT);
    }

    @Override
    public List<HybridSearch.Hit> chunks(List<String> libraries, String prompt, String names) {
        Map<String, Object> options = new HashMap<>();
        options.put("libraries", libraries);
        options.put("limit", chunkLimit);
        SearchOptions parsed = SearchOptions.from("mnemo.context.build", options);
        // The names boost the word legs; the meaning of the prompt is the prompt's own.
        String query = names.isEmpty() ? prompt : capped(prompt) + " " + names;
        return new HybridSearch(
                        tx,
                        vectors,
                        config.exactThreshold(),
                        config.vectorOverfetch(),
                        config.graphWalkBudget(),
                        guard,
                        null,
                        0)
                .search(query, embedder.embedQuery(capped(prompt)), parsed);
    }

    private static String capped(String text) {
        return text.length() > MAX_QUERY_CHARS ? text.substring(0, MAX_QUERY_CHARS) : text;
    }
}
