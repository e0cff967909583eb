package org.mnemo.embedder.bge;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.mnemo.procedures.embed.Embedder;

/**
 * bge-small-en-v1.5 (quantized ONNX, 384 dimensions) running in the database process. Queries get the model's
 * retrieval instruction in front, as its authors trained it; documents are embedded as they are. Thread-safe like
 * the MiniLM embedder.
 */
public final class BgeSmallEmbedder implements Embedder {
    static final String MODEL = "bge-small-en-v1.5 (quantized, ONNX)";
    static final int DIMENSION = 384;
    /** The query instruction of bge v1.5 for short queries against passages. */
    static final String QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

    private final BgeSmallEnV15QuantizedEmbeddingModel model = new BgeSmallEnV15QuantizedEmbeddingModel();
    private final int batchSize;

    public BgeSmallEmbedder(int batchSize) {
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

    @Override
    public float[] embedQuery(String query) {
        return embed(QUERY_INSTRUCTION + query);
    }
}
