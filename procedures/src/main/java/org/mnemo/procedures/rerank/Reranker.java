package org.mnemo.procedures.rerank;

import java.util.List;

/** Scores documents against a query; higher is more relevant. Thread-safe, one per configuration and JVM. */
public interface Reranker {

    /** The model, as search rows report it. */
    String model();

    /**
     * One score per document, in their order. {@code instruction} is the library type's reranker instruction (or
     * null); a reranker that cannot take one ignores it.
     */
    List<Double> scores(String query, List<String> documents, String instruction);
}
