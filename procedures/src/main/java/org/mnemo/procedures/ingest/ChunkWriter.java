package org.mnemo.procedures.ingest;

import static org.mnemo.procedures.library.GraphModel.CHUNK;
import static org.mnemo.procedures.library.GraphModel.COMPLETED;
import static org.mnemo.procedures.library.GraphModel.HAS_CHUNK;
import static org.mnemo.procedures.library.GraphModel.MENTIONS;
import static org.mnemo.procedures.library.GraphModel.NEXT;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.schema.LibraryKeys;
import org.mnemo.procedures.schema.Schema;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Writes an item's chunks: their vectors (embedding those that came without one, in one model call with any new
 * concept names), the chunk nodes in document order with NEXT links, and their MENTIONS of the item's concepts.
 */
final class ChunkWriter {
    static final int PREVIEW_CHARS = 500;

    private final Embedder embedder;
    private final ConceptLinker concepts;

    ChunkWriter(Embedder embedder, ConceptLinker concepts) {
        this.embedder = embedder;
        this.concepts = concepts;
    }

    /** What one batch wrote: its last chunk, the concepts it linked and their co-occurrences. */
    record Written(String last, Set<String> linked, Map<String, Long> pairs) {}

    /** Writes chunks after prev; conceptNodes holds the concepts this transaction has locked already. */
    Written write(
            Transaction tx,
            Node item,
            int start,
            Node prev,
            List<ChunkDraft> batch,
            List<float[]> vectors,
            ConceptLinker.ConceptPlan plan,
            Map<String, float[]> conceptVectors,
            Map<String, Node> conceptNodes) {
        Set<String> linked = new HashSet<>();
        Map<String, Long> pairs = new HashMap<>();
        List<List<String>> mentions = new ArrayList<>(batch.size());
        TreeSet<String> batchKeys = new TreeSet<>();
        for (ChunkDraft draft : batch) {
            mentions.add(plan.matcher().mentionedIn(draft.text()));
            batchKeys.addAll(mentions.get(mentions.size() - 1));
        }
        concepts.lock(tx, batchKeys, plan.nameByKey(), conceptVectors, conceptNodes);
        String libraryKey = LibraryKeys.ofItem(item);
        for (int i = 0; i < batch.size(); i++) {
            ChunkDraft draft = batch.get(i);
            Node chunk = tx.createNode(CHUNK);
            chunk.setProperty("uid", UUID.randomUUID().toString());
            chunk.setProperty("chunk_index", (long) (start + i));
            chunk.setProperty("text", draft.text());
            chunk.setProperty("text_preview", preview(draft.text()));
            chunk.setProperty("char_start", draft.charStart());
            chunk.setProperty("char_end", draft.charEnd());
            chunk.setProperty("heading_path", draft.headingPath());
            chunk.setProperty("embedding", vectors.get(i));
            if (libraryKey != null) {
                chunk.setProperty(Schema.LIBRARY_KEY, libraryKey);
            }
            item.createRelationshipTo(chunk, HAS_CHUNK);
            if (prev != null) {
                prev.createRelationshipTo(chunk, NEXT);
            }
            prev = chunk;
            List<String> mentioned = mentions.get(i);
            for (String key : mentioned) {
                chunk.createRelationshipTo(conceptNodes.get(key), MENTIONS);
                linked.add(key);
            }
            for (int a = 0; a < mentioned.size(); a++) {
                for (int b = a + 1; b < mentioned.size(); b++) {
                    String x = mentioned.get(a);
                    String y = mentioned.get(b);
                    pairs.merge(x.compareTo(y) < 0 ? x + "\u0000" + y : y + "\u0000" + x, 1L, Long::sum);
                }
            }
        }
        item.setProperty("chunk_count", (long) (start + batch.size()));
        item.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
        return new Written(prev == null ? null : prev.getElementId(), linked, pairs);
    }

    /** Marks an item written: searchable from now on. */
    static void complete(Node item, long conceptCount) {
        item.setProperty("related_counted", true);
        item.setProperty("concept_count", conceptCount);
        item.setProperty("embedding_status", COMPLETED);
        item.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
    }

    /**
     * The batch's chunk vectors (embedding those that came without one) followed by the vectors of the extra
     * texts, from one model call.
     */
    List<float[]> vectors(List<ChunkDraft> batch, List<String> extra) {
        List<String> missing = new ArrayList<>();
        for (ChunkDraft d : batch) {
            if (d.embedding() == null) {
                missing.add(d.text());
            }
        }
        missing.addAll(extra);
        List<float[]> computed = missing.isEmpty() ? List.of() : embedder.embed(missing);
        List<float[]> vectors = new ArrayList<>(batch.size() + extra.size());
        int next = 0;
        for (ChunkDraft d : batch) {
            vectors.add(d.embedding() != null ? d.embedding() : computed.get(next++));
        }
        vectors.addAll(computed.subList(next, computed.size()));
        return vectors;
    }

    static String preview(String text) {
        if (text.length() <= PREVIEW_CHARS) {
            return text;
        }
        int end = PREVIEW_CHARS;
        if (Character.isLowSurrogate(text.charAt(end))) {
            end--;
        }
        return text.substring(0, end);
    }
}
