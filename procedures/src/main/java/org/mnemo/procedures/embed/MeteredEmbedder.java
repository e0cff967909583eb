package org.mnemo.procedures.embed;

import java.util.List;
import java.util.function.Supplier;
import org.mnemo.procedures.metrics.PluginMetrics;

/**
 * An embedder whose calls are counted and timed for {@code mnemo.metrics()} (by provider and model, ok or error),
 * with its circuit breaker reported; the embedding itself is the wrapped embedder's.
 */
final class MeteredEmbedder implements Embedder {
    private final Embedder embedder;
    private final String provider;
    private final String model;

    private MeteredEmbedder(String provider, Embedder embedder) {
        this.embedder = embedder;
        this.provider = provider;
        this.model = embedder.model();
    }

    static Embedder of(String provider, Embedder embedder) {
        MeteredEmbedder metered = new MeteredEmbedder(provider, embedder);
        PluginMetrics.embedderBreaker(provider, metered.model, embedder::failingFast, embedder::breakerOpenings);
        return metered;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public int dimension() {
        return embedder.dimension();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return timed(texts.size(), () -> embedder.embed(texts));
    }

    @Override
    public float[] embed(String text) {
        return timed(1, () -> embedder.embed(text));
    }

    @Override
    public float[] embedQuery(String query) {
        return timed(1, () -> embedder.embedQuery(query));
    }

    @Override
    public boolean failingFast() {
        return embedder.failingFast();
    }

    @Override
    public long breakerOpenings() {
        return embedder.breakerOpenings();
    }

    private <T> T timed(int texts, Supplier<T> call) {
        long started = System.nanoTime();
        boolean ok = false;
        try {
            T result = call.get();
            ok = true;
            return result;
        } finally {
            PluginMetrics.embedderCall(provider, model, ok, texts, System.nanoTime() - started);
        }
    }
}
