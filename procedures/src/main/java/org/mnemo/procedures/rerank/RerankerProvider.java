package org.mnemo.procedures.rerank;

import org.mnemo.procedures.config.MnemoConfig.RerankSettings;

/**
 * A reranker that lives in another plugin jar (found with {@link java.util.ServiceLoader}), such as the local ONNX
 * cross-encoder beside the local embedder: its runtime is too large for this jar.
 */
public interface RerankerProvider {
    /** The value of mnemo.rerank.provider that selects it. */
    String name();

    Reranker create(RerankSettings settings);
}
