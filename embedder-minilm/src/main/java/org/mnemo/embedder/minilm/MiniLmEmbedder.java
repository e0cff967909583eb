package org.mnemo.embedder.minilm;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.mnemo.procedures.embed.Embedder;

/**
 * all-MiniLM-L6-v2 (quantized ONNX, 384 dimensions) running in the database process. The model reads only the
 * first 128 word pieces of a text; Mnemo's chunk sizes are chosen for that. Thread-safe: the ONNX session is
 * shared and langchain4j spreads a batch over the available cores.
 */
public final class MiniLmEmbedder implements Embedder {
    static final String MODEL = "all-MiniLM-L6-v2 (quantized, ONNX)";
    static final int DIMENSION = 384;

    private final AllMiniLmL6V2QuantizedEmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();
    private final int batchSize;

    public MiniLmEmbedder(int batchSize) {
        this.batchSize = batchSize;
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<TextSegment> batch = texts.subList(start, Math.min(texts.size(), start + batchSize)).stream()
                    .map(TextSegment::from)
                    .toList();
            for (Embedding embedding : model.embedAll(batch).content()) {
                vectors.add(embedding.vector());
            }
        }
        return vectors;
    }
}
