package org.mnemo.procedures.ingest;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mnemo.procedures.library.LibraryType;
import org.mnemo.procedures.library.LibraryType.ChunkStrategy;
import org.mnemo.procedures.options.Options;

/** Per-call overrides of the library type's chunking, and whether to extract concepts. */
public record IngestOptions(Integer chunkSize, Integer chunkOverlap, ChunkStrategy strategy, boolean extractConcepts) {

    public static IngestOptions from(String procedure, Map<String, Object> options) {
        Options o = Options.of(
                procedure, options, Set.of("chunk_size", "chunk_overlap", "chunk_strategy", "extract_concepts"));
        Integer size = o.has("chunk_size") ? (int) o.integer("chunk_size", 0, 50, 20_000) : null;
        Integer overlap = o.has("chunk_overlap") ? (int) o.integer("chunk_overlap", 0, 0, 10_000) : null;
        ChunkStrategy strategy = null;
        if (o.has("chunk_strategy")) {
            String value = o.string("chunk_strategy", null);
            try {
                strategy = ChunkStrategy.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw o.error("chunk_strategy", "must be one of paragraph, sentence, markdown, got '" + value + "'");
            }
        }
        return new IngestOptions(size, overlap, strategy, o.bool("extract_concepts", true));
    }

    /** The chunker for a library of the given type, with this call's overrides applied. */
    public Chunker chunker(LibraryType type) {
        int size = chunkSize != null ? chunkSize : type.chunkSize();
        int overlap = chunkOverlap != null ? chunkOverlap : Math.min(type.chunkOverlap(), size / 2 - 1);
        return new Chunker(size, overlap, strategy != null ? strategy : type.strategy());
    }
}
