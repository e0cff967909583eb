package org.mnemo.procedures.rerank;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.mnemo.procedures.config.MnemoConfig.RerankSettings;
import org.mnemo.procedures.plugins.PluginLoader;

/** One reranker per configuration for the life of the JVM (its circuit breaker must outlive a call). */
public final class Rerankers {
    private static final Map<RerankSettings, Reranker> RERANKERS = new ConcurrentHashMap<>();

    private Rerankers() {}

    /** The configured reranker, or null when {@code mnemo.rerank.provider} is none. */
    public static Reranker get(RerankSettings settings) {
        if (!settings.enabled()) {
            return null;
        }
        try {
            return RERANKERS.computeIfAbsent(settings, Rerankers::create);
        } catch (RuntimeException e) {
            // A reranker that cannot be made fails each search's rerank stage with the reason, so the rows say it
            // (the fused order stands); it is tried again on the next search, once the configuration is fixed.
            String reason = e.getMessage();
            return new Reranker() {
                @Override
                public String model() {
                    return settings.provider();
                }

                @Override
                public java.util.List<Double> scores(
                        String query, java.util.List<String> documents, String instruction) {
                    throw new IllegalStateException(reason);
                }
            };
        }
    }

    private static Reranker create(RerankSettings settings) {
        switch (settings.provider()) {
            case "chat":
                return new ChatReranker(settings);
            case "http":
                return new HttpReranker(settings);
            default:
                for (RerankerProvider provider :
                        ServiceLoader.load(RerankerProvider.class, Rerankers.class.getClassLoader())) {
                    if (provider.name().equals(settings.provider())) {
                        return PluginLoader.withLoaderOf(provider, () -> provider.create(settings));
                    }
                }
                throw new IllegalStateException("reranker_unavailable: mnemo.rerank.provider is '"
                        + settings.provider() + "' but no plugin jar provides it (the local ONNX cross-encoder, "
                        + "'onnx', is in mnemo-embedder-minilm.jar)");
        }
    }
}
