package org.mnemo.procedures.rerank;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mnemo.procedures.config.MnemoConfig.RerankSettings;

/** One reranker per configuration for the life of the JVM (its circuit breaker must outlive a call). */
public final class Rerankers {
    private static final Map<RerankSettings, Reranker> RERANKERS = new ConcurrentHashMap<>();

    private Rerankers() {}

    /** The configured reranker, or null when {@code mnemo.rerank.provider} is none. */
    public static Reranker get(RerankSettings settings) {
        if (!settings.enabled()) {
            return null;
        }
        return RERANKERS.computeIfAbsent(settings, s -> "chat".equals(s.provider()) ? new ChatReranker(s)
                : new HttpReranker(s));
    }
}
