package org.mnemo.procedures.embed;

import java.util.List;

/** Turns texts into vectors. Implementations are thread-safe and live for the whole database process. */
public interface Embedder {

    /** A name for the model, recorded on every item it embedded. */
    String model();

    int dimension();

    /** One vector per text, in order; batching is the embedder's business. */
    List<float[]> embed(List<String> texts);

    default float[] embed(String text) {
        return embed(List.of(text)).get(0);
    }

    /**
     * A search query's vector. Models trained with a query instruction (bge) prefix it here; documents are always
     * embedded as they are.
     */
    default float[] embedQuery(String query) {
        return embed(query);
    }

    /**
     * Whether calls now fail at once because the provider failed repeatedly (a remote embedder's circuit breaker is
     * open). A local model never does.
     */
    default boolean failingFast() {
        return false;
    }

    /** How many times the circuit breaker opened since this embedder was created (0 without one). */
    default long breakerOpenings() {
        return 0;
    }
}
