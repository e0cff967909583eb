package org.mnemo.procedures.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.concept.Concepts;
import org.mnemo.procedures.config.MnemoConfig;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.embed.Embedders;
import org.mnemo.procedures.embed.Vectors;
import org.mnemo.procedures.library.Libraries;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Analyst;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

public class IngestProcedures {
    static final int MAX_DOCUMENTS = 1_000;
    private static final Set<String> DOCUMENT_KEYS = Set.of("text", "item");

    @Context
    public GraphDatabaseService db;

    /** The caller's transaction: only for who is calling (the ingest commits transactions of its own). */
    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "mnemo.ingest", mode = Mode.WRITE)
    @Description("Ingest a text into a library: normalise, chunk per the library type, embed, extract and link "
            + "concepts. Idempotent on (library, source_ref, content_hash); a new hash for a source_ref supersedes "
            + "the old item. Commits in batches of its own.")
    public Stream<Ingest.IngestResult> ingest(
            @Name(value = "library", description = "Library uid or name.") String library,
            @Name(value = "text", description = "The document text (Markdown or plain).") String text,
            @Name(
                            value = "item",
                            defaultValue = "{}",
                            description = "{title, item_type, file_type, source, "
                                    + "source_ref, content_hash, collection_uid, collection}")
                    Map<String, Object> item,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{chunk_size, chunk_overlap, "
                                    + "chunk_strategy: paragraph|sentence|markdown, extract_concepts: true}")
                    Map<String, Object> options) {
        String procedure = "mnemo.ingest";
        requireLibrary(procedure, library);
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(procedure + ": 'text' must not be empty");
        }
        ItemSpec spec = ItemSpec.from(procedure + ": 'item'", item);
        IngestOptions parsed = IngestOptions.from(procedure, options);
        return Stream.of(service(procedure).text(library, text, spec, parsed));
    }

    @Procedure(name = "mnemo.ingest.batch", mode = Mode.WRITE)
    @Description("Ingest many small documents (notes, messages, short pages) into one library in one transaction, "
            + "their chunks embedded in one model call; same chunking, concepts and idempotency per document as "
            + "mnemo.ingest. One row per document, in order. At most " + MAX_DOCUMENTS + " documents and "
            + Ingest.MAX_BATCH_CHUNKS + " chunks per call.")
    public Stream<Ingest.IngestResult> ingestBatch(
            @Name(value = "library", description = "Library uid or name.") String library,
            @Name(
                            value = "documents",
                            description = "[{text, item: {title, item_type, file_type, source, "
                                    + "source_ref, content_hash, collection_uid, collection}}]")
                    List<Map<String, Object>> documents,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{chunk_size, chunk_overlap, "
                                    + "chunk_strategy: paragraph|sentence|markdown, extract_concepts: true}")
                    Map<String, Object> options) {
        String procedure = "mnemo.ingest.batch";
        requireLibrary(procedure, library);
        if (documents == null || documents.isEmpty() || documents.size() > MAX_DOCUMENTS) {
            throw new IllegalArgumentException(
                    procedure + ": 'documents' must be a list of 1.." + MAX_DOCUMENTS + " documents");
        }
        List<Ingest.Document> parsed = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            String where = procedure + ": 'documents[" + i + "]";
            Options doc = Options.of(where + "'", documents.get(i), DOCUMENT_KEYS);
            if (!(doc.raw("text") instanceof String text) || text.isBlank()) {
                throw new IllegalArgumentException(where + ".text' must be a non-empty string");
            }
            Object item = doc.raw("item");
            if (item != null && !(item instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(where + ".item' must be a map");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> itemMap = item == null ? Map.of() : (Map<String, Object>) item;
            parsed.add(new Ingest.Document(text, ItemSpec.from(where + ".item'", itemMap)));
        }
        IngestOptions parsedOptions = IngestOptions.from(procedure, options);
        return service(procedure).texts(library, parsed, parsedOptions).stream();
    }

    @Procedure(name = "mnemo.ingest.chunks", mode = Mode.WRITE)
    @Description("Ingest pre-chunked text, optionally with embeddings of the configured dimension (bulk loads); "
            + "same idempotency and concept linking as mnemo.ingest.")
    public Stream<Ingest.IngestResult> ingestChunks(
            @Name(value = "library", description = "Library uid or name.") String library,
            @Name(
                            value = "chunks",
                            description =
                                    "[{text, embedding?, char_start?, char_end?, heading_path?}] in document order.")
                    List<Map<String, Object>> chunks,
            @Name(
                            value = "item",
                            defaultValue = "{}",
                            description = "{title, item_type, file_type, source, "
                                    + "source_ref, content_hash, collection_uid, collection}")
                    Map<String, Object> item,
            @Name(value = "options", defaultValue = "{}", description = "{extract_concepts: true}")
                    Map<String, Object> options) {
        String procedure = "mnemo.ingest.chunks";
        requireLibrary(procedure, library);
        if (chunks == null || chunks.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": 'chunks' must be a non-empty list");
        }
        ItemSpec spec = ItemSpec.from(procedure + ": 'item'", item);
        IngestOptions parsed = IngestOptions.from(procedure, options);
        if (parsed.chunkSize() != null || parsed.chunkOverlap() != null || parsed.strategy() != null) {
            throw new IllegalArgumentException(procedure + ": 'options' may not set chunking for pre-chunked input");
        }
        Ingest ingest = service(procedure);
        return Stream.of(ingest.chunks(library, drafts(procedure, chunks), spec, parsed));
    }

    private List<ChunkDraft> drafts(String procedure, List<Map<String, Object>> chunks) {
        int dimension = -1;
        List<ChunkDraft> drafts = new ArrayList<>(chunks.size());
        long offset = 0;
        for (int i = 0; i < chunks.size(); i++) {
            Map<String, Object> chunk = chunks.get(i);
            String where = procedure + ": 'chunks[" + i + "]";
            if (chunk == null || !(chunk.get("text") instanceof String text) || text.isBlank()) {
                throw new IllegalArgumentException(where + ".text' must be a non-empty string");
            }
            float[] vector = null;
            if (chunk.get("embedding") != null) {
                if (dimension < 0) {
                    dimension = embedder().dimension();
                }
                vector = Vectors.fromList(chunk.get("embedding"), dimension, where + ".embedding'");
            }
            long start = chunk.get("char_start") instanceof Number n ? n.longValue() : offset;
            long end = chunk.get("char_end") instanceof Number n ? n.longValue() : start + text.length();
            offset = end + 2;
            drafts.add(new ChunkDraft(
                    text, start, end, chunk.get("heading_path") instanceof String path ? path : "", vector));
        }
        return drafts;
    }

    private void requireLibrary(String procedure, String library) {
        if (library == null || library.isBlank()) {
            throw new IllegalArgumentException(procedure + ": 'library' must name a library (uid or name)");
        }
        Analyst analyst = Analyst.of(tx, db);
        if (!analyst.trusted()) {
            analyst.requireMayChange(Libraries.find(tx, library), procedure, "library '" + library + "'");
        }
    }

    private Embedder embedder() {
        return Embedders.get(MnemoConfig.of(db).embedder());
    }

    private Ingest service(String procedure) {
        MnemoConfig config = MnemoConfig.of(db);
        return new Ingest(
                db,
                Embedders.get(config.embedder()),
                new Concepts(config.llm(), log),
                config.conceptsPerItem(),
                config.ingestBatchSize(),
                guard::check,
                procedure);
    }
}
