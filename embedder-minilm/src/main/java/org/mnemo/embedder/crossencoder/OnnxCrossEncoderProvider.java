package org.mnemo.embedder.crossencoder;

import java.nio.file.Path;
import org.mnemo.procedures.config.MnemoConfig.RerankSettings;
import org.mnemo.procedures.rerank.Reranker;
import org.mnemo.procedures.rerank.RerankerProvider;

/** Registers the local cross-encoder as mnemo.rerank.provider {@code onnx}. */
public final class OnnxCrossEncoderProvider implements RerankerProvider {
    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public Reranker create(RerankSettings settings) {
        if (settings.model().isBlank()) {
            throw new IllegalArgumentException("mnemo.rerank.model must name the directory of the cross-encoder "
                    + "(model.onnx and tokenizer.json) when mnemo.rerank.provider is onnx");
        }
        return new OnnxCrossEncoder(Path.of(settings.model()));
    }
}
